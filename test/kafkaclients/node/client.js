// Produce and consume over SASL_SSL with MSK IAM through kafkajs, with either mechanism:
//   OAUTHBEARER  a token from aws-msk-iam-sasl-signer-js (AWS's signer for Node.js)
//   AWS_MSK_IAM  the @jm18457/kafkajs-msk-iam-authentication-mechanism plugin
// Usage: node client.js BOOTSTRAP TOPIC CA_FILE REGION COUNT MECHANISM [refused]
// Prints one line of versions, then "produced N" and "consumed N"; exits 1 on any failure. With "refused",
// the producer must fail to authenticate instead: it prints "refused: <the broker's message>".
'use strict';

const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');
const { generateAuthToken } = require('aws-msk-iam-sasl-signer-js');
const { createMechanism } = require('@jm18457/kafkajs-msk-iam-authentication-mechanism');

const [bootstrap, topic, caFile, region, countArg, mechanism, expect] = process.argv.slice(2);
const count = Number(countArg);
const version = (name) => require(`${name}/package.json`).version;

function sasl() {
  switch (mechanism) {
    case 'OAUTHBEARER':
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
      };
    case 'AWS_MSK_IAM':
      return createMechanism({ region });
    default:
      throw new Error(`unknown mechanism ${mechanism}`);
  }
}

async function main() {
  console.log(`kafkajs ${version('kafkajs')}, aws-msk-iam-sasl-signer-js ${version('aws-msk-iam-sasl-signer-js')}, ` +
    `@jm18457/kafkajs-msk-iam-authentication-mechanism ${version('@jm18457/kafkajs-msk-iam-authentication-mechanism')}, ` +
    `node ${process.version}, mechanism ${mechanism}`);
  const kafka = new Kafka({
    clientId: 'kafkaclients-node',
    brokers: bootstrap.split(','),
    ssl: { ca: [fs.readFileSync(caFile, 'utf8')] },
    sasl: sasl(),
    logLevel: logLevel.WARN,
  });
  const producer = kafka.producer();
  if (expect === 'refused') {
    try {
      await producer.connect();
    } catch (err) {
      console.log(`refused: ${err.type || err.name}: ${err.message}`);
      return;
    }
    throw new Error('the broker accepted the authentication');
  }
  await producer.connect();
  const messages = Array.from({ length: count }, (_, i) => ({ value: `node ${mechanism} ${i}` }));
  await producer.send({ topic, messages });
  await producer.disconnect();
  console.log(`produced ${count}`);

  const consumer = kafka.consumer({ groupId: `kafkaclients-node-${mechanism}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set();
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${seen.size} of ${count}`)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value.toString();
        if (value.startsWith(`node ${mechanism} `)) seen.add(value);
        if (seen.size >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  console.log(`consumed ${seen.size}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

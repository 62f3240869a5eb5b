// The AWS SDK for JavaScript v3 against localaws: the original stack's control plane (network, cluster,
// dead-letter queue, roles, code in a versioned bucket, a nodejs function, a pipe) built, checked and torn
// down with typed errors, waiters and paginators. Only AWS_ENDPOINT_URL points the clients at localaws (with
// S3 path-style addressing): SQS requests go to the queue URL's host, so they stay local only if localaws
// gives queues URLs on its endpoint.
//
// Usage: node stack.mjs <function zip>. Prints "client <package> <version>" per client, one line per failed
// check, and a JSON summary as the last line; exits 1 when a check failed.

import fs from "node:fs";
import { createRequire } from "node:module";

import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  EC2Client, CreateVpcCommand, CreateSubnetCommand, CreateSecurityGroupCommand, DeleteSecurityGroupCommand,
  DeleteSubnetCommand, DeleteVpcCommand,
} from "@aws-sdk/client-ec2";
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, GetQueueAttributesCommand, SendMessageCommand,
  ReceiveMessageCommand, DeleteMessageCommand, ListQueuesCommand, DeleteQueueCommand, QueueDoesNotExist,
} from "@aws-sdk/client-sqs";
import {
  IAMClient, CreateRoleCommand, PutRolePolicyCommand, GetRoleCommand, DeleteRolePolicyCommand, DeleteRoleCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import {
  S3Client, CreateBucketCommand, PutBucketVersioningCommand, GetBucketVersioningCommand, PutObjectCommand,
  GetObjectCommand, ListObjectVersionsCommand, DeleteObjectCommand, DeleteBucketCommand, NoSuchBucket,
} from "@aws-sdk/client-s3";
import {
  LambdaClient, CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, DeleteFunctionCommand,
  PutFunctionEventInvokeConfigCommand, ListFunctionEventInvokeConfigsCommand, GetFunctionCommand,
  ResourceNotFoundException, paginateListFunctions, waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import {
  KafkaClient, CreateClusterV2Command, DescribeClusterV2Command, ListClustersCommand, ListClustersV2Command,
  GetBootstrapBrokersCommand, DeleteClusterCommand, NotFoundException as KafkaNotFound,
} from "@aws-sdk/client-kafka";
import {
  PipesClient, CreatePipeCommand, DescribePipeCommand, StopPipeCommand, DeletePipeCommand,
  NotFoundException as PipeNotFound,
} from "@aws-sdk/client-pipes";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";

const require = createRequire(import.meta.url);
const PACKAGES = ["client-sts", "client-ec2", "client-sqs", "client-iam", "client-s3", "client-lambda", "client-kafka",
  "client-pipes", "client-cloudwatch-logs"];
for (const name of PACKAGES) {
  console.log(`client @aws-sdk/${name} ${require(`@aws-sdk/${name}/package.json`).version}`);
}
console.log(`client node ${process.version}`);

const ENDPOINT = process.env.AWS_ENDPOINT_URL;
const ACCOUNT = "000000000000";
const REGION = process.env.AWS_REGION;
const zip = fs.readFileSync(process.argv[2]);

let checks = 0;
const failed = [];
function check(ok, what, detail) {
  checks++;
  if (!ok) {
    failed.push(what);
    console.log(`FAILED ${what}: ${JSON.stringify(detail)}`);
  }
}

// expectError runs a call that must fail with the given modelled error class.
async function expectError(what, errorClass, call) {
  try {
    await call();
    check(false, what, "no error");
  } catch (err) {
    check(err instanceof errorClass, what, `${err.name}: ${err.message}`);
  }
}

// poll retries fn until it returns a truthy value, for up to two minutes.
async function poll(what, fn) {
  const deadline = Date.now() + 120000;
  for (;;) {
    const v = await fn();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sts = new STSClient({});
const ec2 = new EC2Client({});
const sqs = new SQSClient({});
const iam = new IAMClient({});
const s3 = new S3Client({ forcePathStyle: true });
const lambda = new LambdaClient({});
const kafka = new KafkaClient({});
const pipes = new PipesClient({});
const logs = new CloudWatchLogsClient({});

// --- Identity and network -------------------------------------------------------------------------------
const identity = await sts.send(new GetCallerIdentityCommand({}));
check(identity.Account === ACCOUNT, "GetCallerIdentity account", identity);

const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc.VpcId;
const subnets = [];
for (const [i, zone] of ["a", "b"].entries()) {
  const sn = await ec2.send(new CreateSubnetCommand({ VpcId: vpc, AvailabilityZone: REGION + zone, CidrBlock: `10.20.${i + 1}.0/24` }));
  subnets.push(sn.Subnet.SubnetId);
}
const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: "js-msk", Description: "MSK clients" }))).GroupId;
check(vpc.startsWith("vpc-") && subnets.length === 2 && sg.startsWith("sg-"), "network", { vpc, subnets, sg });

// --- SQS: every call after CreateQueue goes to the queue URL's host ----------------------------------------
const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "js-dlq",
  Attributes: { MessageRetentionPeriod: "1209600" }, tags: { owner: "conformance" } }))).QueueUrl;
check(queueUrl === `${ENDPOINT}/${ACCOUNT}/js-dlq`, "CreateQueue URL on the localaws endpoint", queueUrl);
check((await sqs.send(new GetQueueUrlCommand({ QueueName: "js-dlq" }))).QueueUrl === queueUrl, "GetQueueUrl", queueUrl);
const qattrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }))).Attributes;
const queueArn = qattrs.QueueArn;
check(qattrs.MessageRetentionPeriod === "1209600" && queueArn === `arn:aws:sqs:${REGION}:${ACCOUNT}:js-dlq`,
  "GetQueueAttributes", qattrs);
// The SDK checks the MD5 digests of the body and the attributes in both answers.
await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello from the JS SDK",
  MessageAttributes: { Kind: { DataType: "String", StringValue: "conformance" } } }));
const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2,
  MessageAttributeNames: ["All"] }));
const msg = (received.Messages || [])[0];
check(msg && msg.Body === "hello from the JS SDK" && msg.MessageAttributes.Kind.StringValue === "conformance",
  "ReceiveMessage", received.Messages);
if (msg) {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: msg.ReceiptHandle }));
}
check(((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "js-" }))).QueueUrls || []).includes(queueUrl), "ListQueues");
await expectError("GetQueueUrl of a missing queue", QueueDoesNotExist,
  () => sqs.send(new GetQueueUrlCommand({ QueueName: "js-absent" })));

// --- IAM ---------------------------------------------------------------------------------------------------
const trust = (service) => JSON.stringify({ Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const allowAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const roles = {};
for (const [name, service] of [["js-fn", "lambda.amazonaws.com"], ["js-pipe", "pipes.amazonaws.com"]]) {
  roles[name] = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(service) }))).Role.Arn;
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "all", PolicyDocument: allowAll }));
}
const role = await iam.send(new GetRoleCommand({ RoleName: "js-fn" }));
check(JSON.parse(decodeURIComponent(role.Role.AssumeRolePolicyDocument)).Statement[0].Principal.Service === "lambda.amazonaws.com",
  "GetRole trust policy", role.Role.AssumeRolePolicyDocument);
await expectError("GetRole of a missing role", NoSuchEntityException, () => iam.send(new GetRoleCommand({ RoleName: "js-absent" })));

// --- S3: function code in a versioned bucket ---------------------------------------------------------------
await s3.send(new CreateBucketCommand({ Bucket: "js-code" }));
await s3.send(new PutBucketVersioningCommand({ Bucket: "js-code", VersioningConfiguration: { Status: "Enabled" } }));
const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: "js-code" }));
check(versioning.Status === "Enabled", "GetBucketVersioning", versioning.Status);
const codeVersion = (await s3.send(new PutObjectCommand({ Bucket: "js-code", Key: "fn.zip", Body: zip }))).VersionId;
const newerVersion = (await s3.send(new PutObjectCommand({ Bucket: "js-code", Key: "fn.zip", Body: Buffer.from("not a zip") }))).VersionId;
check(codeVersion && newerVersion && codeVersion !== newerVersion, "PutObject version ids", [codeVersion, newerVersion]);
const fetched = await s3.send(new GetObjectCommand({ Bucket: "js-code", Key: "fn.zip", VersionId: codeVersion }));
check(Buffer.from(await fetched.Body.transformToByteArray()).equals(zip) && fetched.VersionId === codeVersion,
  "GetObject by version", fetched.VersionId);
await expectError("GetObject from a missing bucket", NoSuchBucket,
  () => s3.send(new GetObjectCommand({ Bucket: "js-absent", Key: "fn.zip" })));

// --- Lambda: a nodejs function from the first object version ------------------------------------------------
const fn = await lambda.send(new CreateFunctionCommand({ FunctionName: "js-fn", Role: roles["js-fn"], Runtime: "nodejs20.x",
  Handler: "index.handler", Code: { S3Bucket: "js-code", S3Key: "fn.zip", S3ObjectVersion: codeVersion },
  DeadLetterConfig: { TargetArn: queueArn } }));
await waitUntilFunctionActiveV2({ client: lambda, minDelay: 1, maxWaitTime: 60 }, { FunctionName: "js-fn" });
const fnConfig = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "js-fn" }));
check(fnConfig.State === "Active" && fnConfig.LoggingConfig.LogFormat === "Text" &&
  fnConfig.DeadLetterConfig.TargetArn === queueArn, "GetFunctionConfiguration", fnConfig);
const invoked = await lambda.send(new InvokeCommand({ FunctionName: "js-fn", Payload: JSON.stringify({ from: "js" }) }));
const answer = JSON.parse(Buffer.from(invoked.Payload).toString());
check(invoked.StatusCode === 200 && !invoked.FunctionError && answer.records === 0, "Invoke", answer);
await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "js-fn", MaximumRetryAttempts: 1 }));
const invokeConfigs = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: "js-fn" }));
check(invokeConfigs.FunctionEventInvokeConfigs.length === 1 &&
  invokeConfigs.FunctionEventInvokeConfigs[0].MaximumRetryAttempts === 1, "ListFunctionEventInvokeConfigs", invokeConfigs);
const names = [];
for await (const page of paginateListFunctions({ client: lambda, pageSize: 1 }, {})) {
  names.push(...page.Functions.map((f) => f.FunctionName));
}
check(names.includes("js-fn"), "paginateListFunctions", names);
await expectError("GetFunction of a missing function", ResourceNotFoundException,
  () => lambda.send(new GetFunctionCommand({ FunctionName: "js-absent" })));
const logLine = await poll("the function's log line", async () => {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/js-fn" }));
  return out.events.find((e) => /^\S+Z\t[0-9a-f-]{36}\tINFO\tgot 0 records$/.test(e.message));
});
check(Boolean(logLine), "the function's console line in CloudWatch Logs", logLine);

// --- MSK ---------------------------------------------------------------------------------------------------
const cluster = (await kafka.send(new CreateClusterV2Command({ ClusterName: "js-msk", Serverless: {
  VpcConfigs: [{ SubnetIds: subnets, SecurityGroupIds: [sg] }], ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } } }))).ClusterArn;
await poll("the cluster ACTIVE", async () =>
  (await kafka.send(new DescribeClusterV2Command({ ClusterArn: cluster }))).ClusterInfo.State === "ACTIVE");
const v1 = await kafka.send(new ListClustersCommand({}));
check(Array.isArray(v1.ClusterInfoList) && v1.ClusterInfoList.length === 0, "ListClusters (v1) lists no serverless cluster", v1);
const v2 = await kafka.send(new ListClustersV2Command({ ClusterNameFilter: "js-" }));
check(v2.ClusterInfoList.length === 1 && v2.ClusterInfoList[0].ClusterType === "SERVERLESS", "ListClustersV2", v2.ClusterInfoList);
const brokers = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: cluster }));
check(/:\d+/.test(brokers.BootstrapBrokerStringSaslIam || ""), "GetBootstrapBrokers", brokers);

// --- Pipes -------------------------------------------------------------------------------------------------
await pipes.send(new CreatePipeCommand({ Name: "js-pipe", RoleArn: roles["js-pipe"], Source: cluster, Target: fn.FunctionArn,
  SourceParameters: { ManagedStreamingKafkaParameters: { TopicName: "js-topic", StartingPosition: "LATEST", BatchSize: 10 } },
  TargetParameters: { LambdaFunctionParameters: { InvocationType: "FIRE_AND_FORGET" } } }));
const pipeState = async () => (await pipes.send(new DescribePipeCommand({ Name: "js-pipe" }))).CurrentState;
await poll("the pipe RUNNING", async () => (await pipeState()) === "RUNNING");
await pipes.send(new StopPipeCommand({ Name: "js-pipe" }));
await poll("the pipe STOPPED", async () => (await pipeState()) === "STOPPED");
check(true, "pipe RUNNING then STOPPED");

// --- Teardown, in reverse order ----------------------------------------------------------------------------
await pipes.send(new DeletePipeCommand({ Name: "js-pipe" }));
await poll("the pipe gone", async () => {
  try {
    await pipeState();
    return false;
  } catch (err) {
    return err instanceof PipeNotFound;
  }
});
await kafka.send(new DeleteClusterCommand({ ClusterArn: cluster }));
await poll("the cluster gone", async () => {
  try {
    await kafka.send(new DescribeClusterV2Command({ ClusterArn: cluster }));
    return false;
  } catch (err) {
    return err instanceof KafkaNotFound;
  }
});
await lambda.send(new DeleteFunctionCommand({ FunctionName: "js-fn" }));
const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: "js-code" }));
check(listed.Versions.map((v) => v.VersionId).join() === [newerVersion, codeVersion].join() && listed.Versions[0].IsLatest,
  "ListObjectVersions", listed.Versions);
for (const v of listed.Versions) {
  await s3.send(new DeleteObjectCommand({ Bucket: "js-code", Key: v.Key, VersionId: v.VersionId }));
}
await s3.send(new DeleteBucketCommand({ Bucket: "js-code" }));
for (const name of Object.keys(roles)) {
  await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: "all" }));
  await iam.send(new DeleteRoleCommand({ RoleName: name }));
}
await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg }));
for (const subnet of subnets) {
  await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
}
await ec2.send(new DeleteVpcCommand({ VpcId: vpc }));

console.log(JSON.stringify({ checks, failed }));
process.exit(failed.length ? 1 : 0);

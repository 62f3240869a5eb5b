"""Produce and consume over SASL_SSL with SASL/OAUTHBEARER and an MSK IAM token, through librdkafka
(confluent-kafka-python). The token is made as aws-msk-iam-sasl-signer-python makes it: botocore's SigV4
query presigner on https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect, expiring in 900 s,
a User-Agent parameter added, then unpadded base64url.

Usage: msk_client.py roundtrip BOOTSTRAP TOPIC CA_FILE REGION COUNT
         produces COUNT records, then consumes them in a group
       msk_client.py produce BOOTSTRAP TOPIC CA_FILE REGION
         produces one record per line of standard input
Prints one line of versions, then "produced N" (and "consumed N"); exits 1 on any failure.
"""

import base64
import sys
import time

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.session
import confluent_kafka
from confluent_kafka import Consumer, Producer

EXPIRES = 900


def msk_token(region):
    """Returns (token, expiry in seconds since the epoch) for kafka-cluster:Connect in region."""
    credentials = botocore.session.Session().get_credentials()
    url = "https://kafka.%s.amazonaws.com/?Action=kafka-cluster%%3AConnect" % region
    request = botocore.awsrequest.AWSRequest(method="GET", url=url)
    botocore.auth.SigV4QueryAuth(credentials, "kafka-cluster", region, expires=EXPIRES).add_auth(request)
    signed = request.prepare().url + "&User-Agent=kafkaclients-python%2F" + confluent_kafka.version()[0]
    token = base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")
    return token, time.time() + EXPIRES


def config(bootstrap, ca_file, region):
    return {
        "bootstrap.servers": bootstrap,
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": "OAUTHBEARER",
        "ssl.ca.location": ca_file,
        "oauth_cb": lambda _config: msk_token(region),
    }


def produce(bootstrap, topic, ca_file, region, values):
    errors = []
    producer = Producer(config(bootstrap, ca_file, region))
    for value in values:
        producer.produce(topic, value.encode(), on_delivery=lambda err, _msg: err and errors.append(err))
    if producer.flush(60) != 0 or errors:
        sys.exit("produce failed: %s" % errors)
    print("produced %d" % len(values), flush=True)


def consume(bootstrap, topic, ca_file, region, count):
    consumer = Consumer(dict(config(bootstrap, ca_file, region), **{
        "group.id": "kafkaclients-python", "auto.offset.reset": "earliest"}))
    consumer.subscribe([topic])
    seen = set()
    deadline = time.time() + 60
    while len(seen) < count and time.time() < deadline:
        msg = consumer.poll(1)
        if msg is None:
            continue
        if msg.error():
            sys.exit("consume failed: %s" % msg.error())
        seen.add(msg.value().decode())
    consumer.close()
    if len(seen) < count:
        sys.exit("consumed %d of %d" % (len(seen), count))
    print("consumed %d" % len(seen), flush=True)


def main():
    mode, bootstrap, topic, ca_file, region = sys.argv[1:6]
    print("confluent-kafka-python %s, librdkafka %s, botocore %s"
          % (confluent_kafka.version()[0], confluent_kafka.libversion()[0], botocore.__version__), flush=True)
    if mode == "produce":
        produce(bootstrap, topic, ca_file, region, sys.stdin.read().splitlines())
    elif mode == "roundtrip":
        count = int(sys.argv[6])
        produce(bootstrap, topic, ca_file, region, ["python %d" % i for i in range(count)])
        consume(bootstrap, topic, ca_file, region, count)
    else:
        sys.exit("unknown mode %s" % mode)


if __name__ == "__main__":
    main()

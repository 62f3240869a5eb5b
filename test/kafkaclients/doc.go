// Package kafkaclients holds the conformance checks of localaws's Kafka data plane against clients this
// project did not write: franz-go (AWS_MSK_IAM, and OAUTHBEARER with aws-msk-iam-sasl-signer-go),
// librdkafka through confluent-kafka-python (OAUTHBEARER with a botocore-presigned token), and kafkajs
// (OAUTHBEARER with aws-msk-iam-sasl-signer-js, and an AWS_MSK_IAM mechanism plugin). Each produces and
// consumes over SASL_SSL against a localaws cluster started in-process; `make test-deps` installs the
// Debian and npm packages.
package kafkaclients

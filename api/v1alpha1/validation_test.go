/*
Copyright 2026 The kafka-pipeline-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1_test

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// refusal is a manifest change the API server must refuse, with a message containing want.
type refusal struct {
	name   string
	change mutation
	want   string
}

// Common values of the refusal cases.
const (
	fn         = "spec.target.function"
	managed    = fn + ".managed"
	code       = managed + ".code"
	byoSubnets = "spec.network.subnetIDs"
)

// byoNetwork replaces the sample's network.create with a network you bring.
var byoNetwork = all(
	del("spec.network.create"),
	set(byoSubnets, []any{"subnet-0a1b2c", "subnet-0d4e5f"}),
	set("spec.network.securityGroupIDs", []any{"sg-0123abcd"}),
)

func TestInvalidKafkaClustersAreRefused(t *testing.T) {
	c := needEnvtest(t)
	cases := []refusal{
		// Missing required fields.
		{"no network", del("spec.network"), "spec.network: Required value"},
		{"no availability zones", del("spec.network.create.availabilityZones"), "spec.network.create.availabilityZones: Required value"},
		// Ranges.
		{"one availability zone", set("spec.network.create.availabilityZones", []any{"ap-northeast-1a"}), "should have at least 2 items"},
		{"three availability zones", set("spec.network.create.availabilityZones", []any{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}), "must have at most 2 items"},
		{"same availability zone twice", set("spec.network.create.availabilityZones", []any{"ap-northeast-1a", "ap-northeast-1a"}), "Duplicate value"},
		{"one subnet", all(byoNetwork, set(byoSubnets, []any{"subnet-0a1b2c"})), "should have at least 2 items"},
		{"no security group", all(byoNetwork, set("spec.network.securityGroupIDs", []any{})), "should have at least 1 items"},
		{"cidr too wide", set("spec.network.create.cidr", "10.0.0.0/8"), "prefix length from /16 to /24"},
		{"cidr too narrow", set("spec.network.create.cidr", "10.10.0.0/26"), "prefix length from /16 to /24"},
		{"51 tags", set("spec.tags", manyTags(51)), "must have at most 50 items"},
		{"resync too short", set("spec.resyncPeriod", "30s"), "resyncPeriod must be between 1m and 168h"},
		// Patterns and formats.
		{"region", set("spec.region", "Tokyo"), "spec.region in body should match"},
		{"subnet id", all(byoNetwork, set(byoSubnets, []any{"subnet-0a1b2c", "net-1"})), "should match '^subnet-[0-9a-f]+$'"},
		{"security group id", all(byoNetwork, set("spec.network.securityGroupIDs", []any{"group-1"})), "should match '^sg-[0-9a-f]+$'"},
		{"availability zone without letter", set("spec.network.create.availabilityZones", []any{"ap-northeast-1", "ap-northeast-1c"}), "availabilityZones[0] in body should match"},
		{"availability zone of another region", set("spec.network.create.availabilityZones", []any{"us-east-1a", "us-east-1b"}), "availabilityZones must be zones of spec.region"},
		{"cidr not a cidr", set("spec.network.create.cidr", "10.10.0.0"), "must be an IPv4 CIDR block"},
		{"cidr ipv6", set("spec.network.create.cidr", "fd00::/16"), "must be an IPv4 CIDR block"},
		{"cidr host bits", set("spec.network.create.cidr", "10.10.1.0/16"), "no host bits set"},
		{"aws: tag", set("spec.tags", map[string]any{"aws:owner": "me"}), "tag keys must not start with 'aws:'"},
		{"tag value too long", set("spec.tags", map[string]any{"k": fmt.Sprintf("%0300d", 0)}), "tag values must be at most 256 characters"},
		{"resync not a duration", set("spec.resyncPeriod", "soon"), "spec.resyncPeriod in body should match"},
		{"deletion policy", set("spec.deletionPolicy", "Orphan"), `supported values: "Delete", "Retain"`},
		// Exactly one of.
		{"both subnets and create", set(byoSubnets, []any{"subnet-0a1b2c", "subnet-0d4e5f"}), "set exactly one of network.subnetIDs"},
		{"neither subnets nor create", del("spec.network.create"), "set exactly one of network.subnetIDs"},
		{"subnets without security groups", all(byoNetwork, del("spec.network.securityGroupIDs")), "network.securityGroupIDs is required with network.subnetIDs"},
		{"security groups with create", set("spec.network.securityGroupIDs", []any{"sg-0123abcd"}), "network.securityGroupIDs is required with network.subnetIDs, and not allowed with network.create"},
	}
	runRefusals(t, c, "kc", clusterSample, cases)
}

func TestInvalidKafkaPipelinesAreRefused(t *testing.T) {
	c := needEnvtest(t)
	cases := []refusal{
		// Missing required fields.
		{"no cluster", del("spec.cluster"), "spec.cluster: Required value"},
		{"no topic", del("spec.topic"), "spec.topic: Required value"},
		{"no topic name", del("spec.topic.name"), "spec.topic.name: Required value"},
		{"no target", del("spec.target"), "spec.target: Required value"},
		{"no function", del(fn), fn + ": Required value"},
		{"no code", del(code), code + ": Required value"},
		{"no s3 key", all(del(code+".builtin"), set(code+".s3", map[string]any{"bucket": "my-code"})), code + ".s3.key: Required value"},
		// Ranges.
		{"partitions of a topic not created", set("spec.topic.create", false), "topic.partitions and topic.config apply only to a topic the operator creates"},
		{"config of a topic not created", all(set("spec.topic.create", false), del("spec.topic.partitions"),
			set("spec.topic.config", map[string]any{"retention.ms": "1000"})), "topic.partitions and topic.config apply only to a topic the operator creates"},
		{"zero partitions", set("spec.topic.partitions", int64(0)), "spec.topic.partitions in body should be greater than or equal to 1"},
		{"too many partitions", set("spec.topic.partitions", int64(2401)), "spec.topic.partitions in body should be less than or equal to 2400"},
		{"zero batch", set("spec.source.batchSize", int64(0)), "spec.source.batchSize in body should be greater than or equal to 1"},
		{"huge batch", set("spec.source.batchSize", int64(10001)), "spec.source.batchSize in body should be less than or equal to 10000"},
		{"negative window", set("spec.source.maximumBatchingWindowSeconds", int64(-1)), "maximumBatchingWindowSeconds in body should be greater than or equal to 0"},
		{"long window", set("spec.source.maximumBatchingWindowSeconds", int64(301)), "maximumBatchingWindowSeconds in body should be less than or equal to 300"},
		{"small memory", set(managed+".memoryMB", int64(64)), "memoryMB in body should be greater than or equal to 128"},
		{"large memory", set(managed+".memoryMB", int64(10241)), "memoryMB in body should be less than or equal to 10240"},
		{"zero timeout", set(managed+".timeoutSeconds", int64(0)), "timeoutSeconds in body should be greater than or equal to 1"},
		{"long timeout", set(managed+".timeoutSeconds", int64(901)), "timeoutSeconds in body should be less than or equal to 900"},
		{"negative retries", set("spec.retryPolicy.maximumRetryAttempts", int64(-1)), "maximumRetryAttempts in body should be greater than or equal to 0"},
		{"three retries", set("spec.retryPolicy.maximumRetryAttempts", int64(3)), "maximumRetryAttempts in body should be less than or equal to 2"},
		{"young event age", set("spec.retryPolicy.maximumEventAgeSeconds", int64(59)), "maximumEventAgeSeconds in body should be greater than or equal to 60"},
		{"old event age", set("spec.retryPolicy.maximumEventAgeSeconds", int64(21601)), "maximumEventAgeSeconds in body should be less than or equal to 21600"},
		{"short retention", set("spec.deadLetterQueue.messageRetentionSeconds", int64(59)), "messageRetentionSeconds in body should be greater than or equal to 60"},
		{"long retention", set("spec.deadLetterQueue.messageRetentionSeconds", int64(1209601)), "messageRetentionSeconds in body should be less than or equal to 1209600"},
		{"51 tags", set("spec.tags", manyTags(51)), "must have at most 50 items"},
		{"resync too long", set("spec.resyncPeriod", "200h"), "resyncPeriod must be between 1m and 168h"},
		// Patterns and enums.
		{"topic name with space", set("spec.topic.name", "test topic"), "spec.topic.name in body should match '^[a-zA-Z0-9._-]{1,249}$'"},
		{"topic name dot dot", set("spec.topic.name", ".."), "topic.name cannot be '.' or '..'"},
		{"topic config key", set("spec.topic.config", map[string]any{"Retention MS": "1"}), "topic.config keys are Kafka topic settings"},
		{"cluster name", set("spec.cluster.name", "Shared_Cluster"), "spec.cluster.name in body should match"},
		{"cluster arn", all(del("spec.cluster.name"), set("spec.cluster.arn", "arn:aws:sqs:us-east-1:123456789012:cluster/x")), "spec.cluster.arn in body should match"},
		{"function arn", all(del(managed), set(fn+".arn", "arn:aws:lambda:us-east-1:123:function:f")), fn + ".arn in body should match"},
		{"dlq arn", set("spec.deadLetterQueue.arn", "arn:aws:sqs:us-east-1:123456789012:q.fifo"), "spec.deadLetterQueue.arn in body should match"},
		{"consumer group", set("spec.source.consumerGroupID", "my group"), "spec.source.consumerGroupID in body should match"},
		{"region", set("spec.region", "tokyo-1"), "spec.region in body should match"},
		{"env var name", set(managed+".environment", map[string]any{"1BAD": "x"}), "environment variable names must start with a letter"},
		{"reserved env var", set(managed+".environment", map[string]any{"AWS_REGION": "x"}), "environment variable names reserved by Lambda"},
		{"runtime", set(managed+".runtime", "cobol85"), managed + ".runtime in body should match"},
		{"image uri", all(del(managed+".runtime"), del(managed+".handler"), del(code+".builtin"), set(code+".imageURI", "docker.io/me/fn:1")), code + ".imageURI in body should match"},
		{"s3 bucket", all(del(code+".builtin"), set(code+".s3", map[string]any{"bucket": "My_Bucket", "key": "fn.zip"})), code + ".s3.bucket in body should match"},
		{"aws: tag", set("spec.tags", map[string]any{"aws:cloudformation:stack-name": "x"}), "tag keys must not start with 'aws:'"},
		{"starting position", set("spec.source.startingPosition", "AT_TIMESTAMP"), `supported values: "LATEST", "TRIM_HORIZON"`},
		{"delivery", set("spec.delivery", "Kinesis"), `supported values: "Pipe", "EventSourceMapping"`},
		{"invocation type", set("spec.target.invocationType", "EVENT"), `supported values: "FIRE_AND_FORGET", "REQUEST_RESPONSE"`},
		{"architecture", set(managed+".architecture", "amd64"), `supported values: "x86_64", "arm64"`},
		// Exactly one of, and cross-field rules.
		{"cluster name and arn", set("spec.cluster.arn", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/c/abc-1"), "set exactly one of cluster.name"},
		{"cluster neither", set("spec.cluster", map[string]any{}), "set exactly one of cluster.name"},
		{"function arn and managed", set(fn+".arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:f"), "set exactly one of target.function.arn"},
		{"function neither", set(fn, map[string]any{}), "set exactly one of target.function.arn"},
		{"code builtin and s3", set(code+".s3", map[string]any{"bucket": "my-code", "key": "fn.zip"}), "set exactly one of code.builtin, code.s3 or code.imageURI"},
		{"code none", set(code, map[string]any{}), "set exactly one of code.builtin, code.s3 or code.imageURI"},
		{"dlq arn while disabled", all(set("spec.deadLetterQueue.enabled", false), set("spec.deadLetterQueue.arn", "arn:aws:sqs:ap-northeast-1:123456789012:my-dlq")), "deadLetterQueue.arn needs deadLetterQueue.enabled: true"},
		{"image with runtime", all(del(code+".builtin"), set(code+".imageURI", "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/fn:1")), "remove runtime and handler"},
		{"builtin on python", set(managed+".runtime", "python3.12"), "runtime must be provided.al2023 or provided.al2"},
		{"invocation type with mapping", set("spec.delivery", "EventSourceMapping"), "target.invocationType applies to Pipe delivery only"},
		{"cluster in another region", all(del("spec.cluster.name"), set("spec.cluster.arn", "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-1")), "spec.cluster.arn must be a cluster in spec.region"},
		{"function in another region", all(del(managed), set(fn+".arn", "arn:aws:lambda:us-east-1:123456789012:function:f")), "spec.target.function.arn must be a function in spec.region"},
		{"queue in another region", set("spec.deadLetterQueue.arn", "arn:aws:sqs:us-east-1:123456789012:my-dlq"), "spec.deadLetterQueue.arn must be a queue in spec.region"},
		{"request-response with long timeout", all(set("spec.target.invocationType", "REQUEST_RESPONSE"), set(managed+".timeoutSeconds", int64(300))), "set target.function.managed.timeoutSeconds below 300"},
	}
	runRefusals(t, c, "kp", pipelineSample, cases)
}

// runRefusals creates the sample changed by each case and expects the API server to refuse it.
func runRefusals(t *testing.T, c client.Client, prefix string, sample func(*testing.T, string) *unstructured.Unstructured, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := sample(t, objectName(prefix, tc.name))
			tc.change(t, obj.Object)
			expectInvalid(t, create(t, c, obj), tc.want)
		})
	}
}

// manyTags returns n distinct tags.
func manyTags(n int) map[string]any {
	tags := make(map[string]any, n)
	for i := range n {
		tags[fmt.Sprintf("key-%d", i)] = "v"
	}
	return tags
}

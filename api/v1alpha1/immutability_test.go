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
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// update is a change to an existing object; want is empty when the API server must accept it, else a part of
// the refusal message.
type update struct {
	name   string
	base   mutation // applied before the object is created; nil keeps the sample
	change mutation
	want   string
}

func TestKafkaClusterUpdates(t *testing.T) {
	c := needEnvtest(t)
	cases := []update{
		{name: "change region", change: set("spec.region", "us-east-1"), want: "spec.region is immutable"},
		{name: "remove region", change: del("spec.region"), want: "spec.region cannot be added or removed"},
		{name: "add region", base: del("spec.region"), change: set("spec.region", "ap-northeast-1"), want: "spec.region cannot be added or removed"},
		{name: "change cidr", change: set("spec.network.create.cidr", "10.20.0.0/16"), want: "spec.network is immutable"},
		{name: "change zones", change: set("spec.network.create.availabilityZones", []any{"ap-northeast-1a", "ap-northeast-1d"}), want: "spec.network is immutable"},
		{name: "switch to own subnets", change: byoNetwork, want: "spec.network is immutable"},
		{name: "change subnets", base: byoNetwork, change: set(byoSubnets, []any{"subnet-0a1b2c", "subnet-0fffff"}), want: "spec.network is immutable"},
		{name: "reorder zones", change: set("spec.network.create.availabilityZones", []any{"ap-northeast-1c", "ap-northeast-1a"})},
		{name: "change tags", change: set("spec.tags", map[string]any{"team": "data"})},
		{name: "retain", change: set("spec.deletionPolicy", "Retain")},
		{name: "resync", change: set("spec.resyncPeriod", "30m")},
	}
	runUpdates(t, c, "kcu", clusterSample, cases)
}

func TestKafkaPipelineUpdates(t *testing.T) {
	c := needEnvtest(t)
	const s3 = code + ".s3"
	s3Code := all(del(code+".builtin"), set(s3, map[string]any{"bucket": "my-code", "key": "fn.zip"}))
	cases := []update{
		{name: "change region", change: set("spec.region", "us-east-1"), want: "spec.region is immutable"},
		{name: "add region", base: del("spec.region"), change: set("spec.region", "us-east-1"), want: "spec.region cannot be added or removed"},
		{name: "change cluster", change: set("spec.cluster.name", "other"), want: "spec.cluster is immutable"},
		{name: "switch cluster to arn", change: all(del("spec.cluster.name"), set("spec.cluster.arn", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/c/abc-1")), want: "spec.cluster is immutable"},
		{name: "change topic", change: set("spec.topic.name", "other-topic"), want: "topic.name is immutable"},
		{name: "shrink partitions", change: set("spec.topic.partitions", int64(2)), want: "topic.partitions can only grow"},
		{name: "change starting position", change: set("spec.source.startingPosition", "TRIM_HORIZON"), want: "source.startingPosition is immutable"},
		{name: "add consumer group", change: set("spec.source.consumerGroupID", "group-a"), want: "source.consumerGroupID cannot be added or removed"},
		{name: "change consumer group", base: set("spec.source.consumerGroupID", "group-a"), change: set("spec.source.consumerGroupID", "group-b"), want: "source.consumerGroupID is immutable"},
		{name: "change delivery", base: del("spec.target.invocationType"), change: set("spec.delivery", "EventSourceMapping"), want: "spec.delivery is immutable"},
		{name: "managed to arn", change: all(del(managed), set(fn+".arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:f")), want: "target.function cannot switch between arn and managed"},
		{name: "zip to image", base: s3Code, change: all(del(s3), del(managed+".runtime"), del(managed+".handler"), set(code+".imageURI", "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/fn:1")), want: "code cannot switch between a container image and a zip package"},
		{name: "grow partitions", change: set("spec.topic.partitions", int64(6))},
		{name: "change batching", change: all(set("spec.source.batchSize", int64(100)), set("spec.source.maximumBatchingWindowSeconds", int64(5)))},
		{name: "suspend", change: set("spec.suspend", true)},
		{name: "builtin to s3", change: s3Code},
		{name: "change function settings", change: all(set(managed+".memoryMB", int64(256)), set(managed+".timeoutSeconds", int64(60)), set(managed+".environment", map[string]any{"LOG_LEVEL": "debug"}))},
		{name: "request response", change: all(set("spec.target.invocationType", "REQUEST_RESPONSE"), set(managed+".timeoutSeconds", int64(60)))},
		{name: "retry policy", change: all(set("spec.retryPolicy.maximumRetryAttempts", int64(0)), set("spec.retryPolicy.maximumEventAgeSeconds", int64(3600)))},
		{name: "disable dead-letter queue", change: set("spec.deadLetterQueue.enabled", false)},
	}
	runUpdates(t, c, "kpu", pipelineSample, cases)
}

// runUpdates creates the (optionally changed) sample for each case, applies the case's change, and expects the
// update to be accepted or refused as the case says.
func runUpdates(t *testing.T, c client.Client, prefix string, sample func(*testing.T, string) *unstructured.Unstructured, cases []update) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := sample(t, objectName(prefix, tc.name))
			if tc.base != nil {
				tc.base(t, obj.Object)
			}
			if err := create(t, c, obj); err != nil {
				t.Fatalf("creating the object to update: %v", err)
			}
			tc.change(t, obj.Object)
			err := c.Update(ctx, obj)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("the update was refused; want it accepted: %v", err)
				}
				return
			}
			expectInvalid(t, err, tc.want)
		})
	}
}

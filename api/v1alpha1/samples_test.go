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

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// minimalCluster and minimalPipeline leave every defaulted field out.
const minimalCluster = `
apiVersion: streaming.kafkapipeline.dev/v1alpha1
kind: KafkaCluster
spec:
  network:
    create:
      availabilityZones: [ap-northeast-1a, ap-northeast-1c]
`

const minimalPipeline = `
apiVersion: streaming.kafkapipeline.dev/v1alpha1
kind: KafkaPipeline
spec:
  cluster:
    name: shared
  topic:
    name: test-topic
  target:
    function:
      managed:
        code:
          builtin: {}
`

// createAndRead creates the manifest and reads it back as the typed object into.
func createAndRead(t *testing.T, c client.Client, obj *unstructured.Unstructured, into client.Object) {
	t.Helper()
	if err := create(t, c, obj); err != nil {
		t.Fatalf("creating %s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), into); err != nil {
		t.Fatalf("reading %s back: %v", obj.GetName(), err)
	}
}

func TestSamplesAreAcceptedWithTheOriginalStacksSettings(t *testing.T) {
	c := needEnvtest(t)

	var cluster v1alpha1.KafkaCluster
	createAndRead(t, c, clusterSample(t, "shared"), &cluster)
	if got := cluster.Spec.Network.Create; got == nil || got.CIDR != "10.10.0.0/16" ||
		!cmp.Equal(got.AvailabilityZones, []string{"ap-northeast-1a", "ap-northeast-1c"}) {
		t.Errorf("sample KafkaCluster network.create = %+v; want 10.10.0.0/16 in ap-northeast-1a and ap-northeast-1c", got)
	}
	if !cluster.CreatesNetwork() || cluster.RetainOnDelete() {
		t.Errorf("sample KafkaCluster: CreatesNetwork=%v RetainOnDelete=%v; want true, false", cluster.CreatesNetwork(), cluster.RetainOnDelete())
	}

	var pipeline v1alpha1.KafkaPipeline
	createAndRead(t, c, pipelineSample(t, "test-pipeline"), &pipeline)
	spec := pipeline.Spec
	checks := []struct {
		what      string
		got, want any
	}{
		{"cluster", spec.Cluster.Name, "shared"},
		{"topic", spec.Topic.Name, "test-topic"},
		{"partitions", spec.Topic.Partitions, int32(3)},
		{"starting position", spec.Source.StartingPosition, v1alpha1.StartingPositionLatest},
		{"batch size", spec.Source.BatchSize, int32(10)},
		{"delivery", spec.Delivery, v1alpha1.DeliveryPipe},
		{"invocation type", spec.Target.InvocationType, v1alpha1.InvocationTypeFireAndForget},
		{"builtin code", spec.Target.Function.Managed.Code.Builtin != nil, true},
		{"retries", *spec.RetryPolicy.MaximumRetryAttempts, int32(2)},
		{"event age", spec.RetryPolicy.MaximumEventAgeSeconds, int32(300)},
		{"dlq enabled", pipeline.DeadLetterQueueEnabled(), true},
		{"dlq retention (14 days)", spec.DeadLetterQueue.MessageRetentionSeconds, int32(14 * 24 * 3600)},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("sample KafkaPipeline %s = %v; want %v", ch.what, ch.got, ch.want)
		}
	}
}

func TestOmittedFieldsAreDefaultedToTheSamplesValues(t *testing.T) {
	c := needEnvtest(t)

	t.Run("KafkaCluster", func(t *testing.T) {
		var got, want v1alpha1.KafkaCluster
		createAndRead(t, c, withName(t, minimalCluster, "defaults-cluster"), &got)
		fromUnstructured(t, clusterSample(t, "x").Object, &want)
		want.Spec.Region, want.Spec.Tags = "", nil // not defaulted: the manager's region, no tags
		if diff := cmp.Diff(want.Spec, got.Spec); diff != "" {
			t.Errorf("defaulted KafkaCluster spec differs from the sample (-sample +defaulted):\n%s", diff)
		}
	})

	t.Run("KafkaPipeline", func(t *testing.T) {
		var got, want v1alpha1.KafkaPipeline
		createAndRead(t, c, withName(t, minimalPipeline, "defaults-pipeline"), &got)
		fromUnstructured(t, pipelineSample(t, "x").Object, &want)
		// Not defaulted by the API server: the manager's region, no tags, and the fields whose defaults depend
		// on other fields (checked through the Effective helpers below).
		want.Spec.Region, want.Spec.Tags = "", nil
		want.Spec.Target.InvocationType = ""
		want.Spec.Target.Function.Managed.Runtime, want.Spec.Target.Function.Managed.Handler = "", ""
		// The topic's partitions apply only with create: true; the operator uses 3 when they are omitted.
		want.Spec.Topic.Partitions = 0
		// The sample has the original stack's memory and timeout, not the API's defaults.
		want.Spec.Target.Function.Managed.MemoryMB, want.Spec.Target.Function.Managed.TimeoutSeconds = 128, 30
		if got.TopicPartitions() != 3 {
			t.Errorf("TopicPartitions() = %d; want 3", got.TopicPartitions())
		}
		if diff := cmp.Diff(want.Spec, got.Spec); diff != "" {
			t.Errorf("defaulted KafkaPipeline spec differs from the sample (-sample +defaulted):\n%s", diff)
		}
		if it := got.EffectiveInvocationType(); it != v1alpha1.InvocationTypeFireAndForget {
			t.Errorf("EffectiveInvocationType() = %s; want FIRE_AND_FORGET", it)
		}
		fn := got.Spec.Target.Function.Managed
		if fn.EffectiveRuntime() != "provided.al2023" || fn.EffectiveHandler() != "bootstrap" {
			t.Errorf("effective runtime/handler = %s/%s; want provided.al2023/bootstrap", fn.EffectiveRuntime(), fn.EffectiveHandler())
		}
	})
}

// withName decodes a YAML manifest and names it.
func withName(t *testing.T, manifest, name string) *unstructured.Unstructured {
	t.Helper()
	return decodeYAML(t, []byte(manifest), name)
}

// fromUnstructured converts a manifest into a typed object.
func fromUnstructured(t *testing.T, manifest map[string]any, into any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(manifest, into); err != nil {
		t.Fatalf("converting manifest: %v", err)
	}
}

func TestPipelineOfExistingResourcesIsAccepted(t *testing.T) {
	c := needEnvtest(t)
	obj := pipelineSample(t, "existing-resources")
	all(
		del("spec.cluster.name"), set("spec.cluster.arn", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/theirs/0b3e1c8e-1c1e-4e6e-9f4f-7a4c4e0f2d11-s1"),
		del(managed), set(fn+".arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:processor:live"),
		set("spec.deadLetterQueue.arn", "arn:aws:sqs:ap-northeast-1:123456789012:processor-dlq"),
		set("spec.source.consumerGroupID", "processor/v1"),
		set("spec.topic.create", false), del("spec.topic.partitions"),
	)(t, obj.Object)
	var got v1alpha1.KafkaPipeline
	createAndRead(t, c, obj, &got)
	if got.ManagesFunction() || got.CreatesTopic() || got.CreatesDeadLetterQueue() || !got.DeadLetterQueueEnabled() {
		t.Errorf("ManagesFunction=%v CreatesTopic=%v CreatesDeadLetterQueue=%v DeadLetterQueueEnabled=%v; want false, false, false, true",
			got.ManagesFunction(), got.CreatesTopic(), got.CreatesDeadLetterQueue(), got.DeadLetterQueueEnabled())
	}
}

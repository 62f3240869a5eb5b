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
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

func TestRetainOnDelete(t *testing.T) {
	cases := []struct {
		name        string
		policy      v1alpha1.DeletionPolicy
		annotations map[string]string
		want        bool
	}{
		{"default", "", nil, false},
		{"delete", v1alpha1.DeletionPolicyDelete, nil, false},
		{"retain", v1alpha1.DeletionPolicyRetain, nil, true},
		{"annotation retain", v1alpha1.DeletionPolicyDelete, map[string]string{v1alpha1.DeletionPolicyAnnotation: "retain"}, true},
		{"annotation Retain", "", map[string]string{v1alpha1.DeletionPolicyAnnotation: "Retain"}, true},
		{"annotation delete", v1alpha1.DeletionPolicyDelete, map[string]string{v1alpha1.DeletionPolicyAnnotation: "delete"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			meta := metav1.ObjectMeta{Annotations: tc.annotations}
			kc := &v1alpha1.KafkaCluster{ObjectMeta: meta, Spec: v1alpha1.KafkaClusterSpec{DeletionPolicy: tc.policy}}
			kp := &v1alpha1.KafkaPipeline{ObjectMeta: meta, Spec: v1alpha1.KafkaPipelineSpec{DeletionPolicy: tc.policy}}
			if got := kc.RetainOnDelete(); got != tc.want {
				t.Errorf("KafkaCluster.RetainOnDelete() = %v; want %v", got, tc.want)
			}
			if got := kp.RetainOnDelete(); got != tc.want {
				t.Errorf("KafkaPipeline.RetainOnDelete() = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestConditionAccessors(t *testing.T) {
	conds := []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonSucceeded}}
	kc, kp := &v1alpha1.KafkaCluster{}, &v1alpha1.KafkaPipeline{}
	kc.SetConditions(conds)
	kp.SetConditions(conds)
	if !slices.Equal(kc.GetConditions(), conds) || !slices.Equal(kp.GetConditions(), conds) {
		t.Errorf("GetConditions did not return what SetConditions stored")
	}
}

func TestStepConditionTypesFollowTheDelivery(t *testing.T) {
	common := []string{"ClusterReady", "TopicReady", "DeadLetterQueueReady", "FunctionRoleReady", "FunctionReady"}
	cases := []struct {
		delivery v1alpha1.Delivery
		want     []string
	}{
		{"", append(slices.Clone(common), "PipeRoleReady", "PipeReady")},
		{v1alpha1.DeliveryPipe, append(slices.Clone(common), "PipeRoleReady", "PipeReady")},
		{v1alpha1.DeliveryEventSourceMapping, append(slices.Clone(common), "EventSourceMappingReady")},
	}
	for _, tc := range cases {
		kp := &v1alpha1.KafkaPipeline{Spec: v1alpha1.KafkaPipelineSpec{Delivery: tc.delivery}}
		if got := kp.StepConditionTypes(); !slices.Equal(got, tc.want) {
			t.Errorf("delivery %q: StepConditionTypes() = %v; want %v", tc.delivery, got, tc.want)
		}
		if got, want := kp.UsesPipe(), tc.delivery != v1alpha1.DeliveryEventSourceMapping; got != want {
			t.Errorf("delivery %q: UsesPipe() = %v; want %v", tc.delivery, got, want)
		}
	}
	if got := (&v1alpha1.KafkaCluster{}).StepConditionTypes(); !slices.Equal(got,
		[]string{"NetworkReady", "ClusterReady", "TopicAdminRoleReady", "TopicAdminReady"}) {
		t.Errorf("KafkaCluster StepConditionTypes() = %v, want the topic admin parts by default", got)
	}
	direct := &v1alpha1.KafkaCluster{Spec: v1alpha1.KafkaClusterSpec{TopicAdministration: v1alpha1.TopicAdministrationDirect}}
	if got := direct.StepConditionTypes(); !slices.Equal(got, []string{"NetworkReady", "ClusterReady"}) {
		t.Errorf("KafkaCluster StepConditionTypes() with Direct = %v", got)
	}
}

func TestPipelineSwitches(t *testing.T) {
	yes, no := true, false
	kp := &v1alpha1.KafkaPipeline{}
	if !kp.CreatesTopic() || !kp.DeadLetterQueueEnabled() || !kp.CreatesDeadLetterQueue() || kp.ManagesFunction() {
		t.Errorf("unset switches: CreatesTopic=%v DeadLetterQueueEnabled=%v CreatesDeadLetterQueue=%v ManagesFunction=%v; want true, true, true, false",
			kp.CreatesTopic(), kp.DeadLetterQueueEnabled(), kp.CreatesDeadLetterQueue(), kp.ManagesFunction())
	}
	kp.Spec.Topic.Create = &no
	kp.Spec.DeadLetterQueue.ARN = "arn:aws:sqs:us-east-1:123456789012:mine"
	kp.Spec.Target.Function.Managed = &v1alpha1.ManagedFunction{}
	if kp.CreatesTopic() || !kp.DeadLetterQueueEnabled() || kp.CreatesDeadLetterQueue() || !kp.ManagesFunction() {
		t.Errorf("topic.create=false, dlq arn, managed function: got CreatesTopic=%v DeadLetterQueueEnabled=%v CreatesDeadLetterQueue=%v ManagesFunction=%v",
			kp.CreatesTopic(), kp.DeadLetterQueueEnabled(), kp.CreatesDeadLetterQueue(), kp.ManagesFunction())
	}
	kp.Spec.Topic.Create = &yes
	kp.Spec.DeadLetterQueue = v1alpha1.DeadLetterQueue{Enabled: &no}
	if !kp.CreatesTopic() || kp.DeadLetterQueueEnabled() || kp.CreatesDeadLetterQueue() {
		t.Errorf("topic.create=true, dlq disabled: got CreatesTopic=%v DeadLetterQueueEnabled=%v CreatesDeadLetterQueue=%v",
			kp.CreatesTopic(), kp.DeadLetterQueueEnabled(), kp.CreatesDeadLetterQueue())
	}
	if got := kp.EffectiveInvocationType(); got != v1alpha1.InvocationTypeFireAndForget {
		t.Errorf("EffectiveInvocationType() unset = %s; want FIRE_AND_FORGET", got)
	}
	kp.Spec.Target.InvocationType = v1alpha1.InvocationTypeRequestResponse
	if got := kp.EffectiveInvocationType(); got != v1alpha1.InvocationTypeRequestResponse {
		t.Errorf("EffectiveInvocationType() = %s; want REQUEST_RESPONSE", got)
	}
}

func TestEffectiveRuntimeAndHandler(t *testing.T) {
	cases := []struct {
		name             string
		fn               v1alpha1.ManagedFunction
		runtime, handler string
		image            bool
	}{
		{"builtin", v1alpha1.ManagedFunction{Code: v1alpha1.FunctionCode{Builtin: &v1alpha1.BuiltinCode{}}}, "provided.al2023", "bootstrap", false},
		{"s3 python", v1alpha1.ManagedFunction{Code: v1alpha1.FunctionCode{S3: &v1alpha1.S3Code{Bucket: "b", Key: "k"}}, Runtime: "python3.12", Handler: "app.handler"}, "python3.12", "app.handler", false},
		{"image", v1alpha1.ManagedFunction{Code: v1alpha1.FunctionCode{ImageURI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/f:1"}}, "", "", true},
	}
	for _, tc := range cases {
		if got := tc.fn.EffectiveRuntime(); got != tc.runtime {
			t.Errorf("%s: EffectiveRuntime() = %q; want %q", tc.name, got, tc.runtime)
		}
		if got := tc.fn.EffectiveHandler(); got != tc.handler {
			t.Errorf("%s: EffectiveHandler() = %q; want %q", tc.name, got, tc.handler)
		}
		if got := tc.fn.IsImage(); got != tc.image {
			t.Errorf("%s: IsImage() = %v; want %v", tc.name, got, tc.image)
		}
	}
}

func TestRegionAndResyncFallBackToTheManagerDefaults(t *testing.T) {
	kc, kp := &v1alpha1.KafkaCluster{}, &v1alpha1.KafkaPipeline{}
	if kc.RegionOr("us-east-1") != "us-east-1" || kp.RegionOr("us-east-1") != "us-east-1" {
		t.Errorf("RegionOr ignored the default for an unset region")
	}
	if kc.ResyncPeriodOr(time.Hour) != time.Hour || kp.ResyncPeriodOr(time.Hour) != time.Hour {
		t.Errorf("ResyncPeriodOr ignored the default for an unset period")
	}
	kc.Spec.Region, kp.Spec.Region = "ap-northeast-1", "ap-northeast-1"
	kc.Spec.ResyncPeriod = &metav1.Duration{Duration: 10 * time.Minute}
	kp.Spec.ResyncPeriod = &metav1.Duration{Duration: 10 * time.Minute}
	if kc.RegionOr("us-east-1") != "ap-northeast-1" || kp.RegionOr("us-east-1") != "ap-northeast-1" {
		t.Errorf("RegionOr did not return spec.region")
	}
	if kc.ResyncPeriodOr(time.Hour) != 10*time.Minute || kp.ResyncPeriodOr(time.Hour) != 10*time.Minute {
		t.Errorf("ResyncPeriodOr did not return spec.resyncPeriod")
	}
	kc.Spec.Network.Create = &v1alpha1.NetworkCreate{}
	if !kc.CreatesNetwork() {
		t.Errorf("CreatesNetwork() = false with network.create set")
	}
}

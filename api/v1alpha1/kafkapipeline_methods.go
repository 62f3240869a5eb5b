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

package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GetConditions returns the status conditions.
func (p *KafkaPipeline) GetConditions() []metav1.Condition {
	return p.Status.Conditions
}

// SetConditions replaces the status conditions.
func (p *KafkaPipeline) SetConditions(conditions []metav1.Condition) {
	p.Status.Conditions = conditions
}

// HandledReconcileRequest returns the value of the reconcile-request annotation handled last.
func (p *KafkaPipeline) HandledReconcileRequest() string { return p.Status.LastHandledReconcileAt }

// SetHandledReconcileRequest records the value of the reconcile-request annotation just handled.
func (p *KafkaPipeline) SetHandledReconcileRequest(v string) { p.Status.LastHandledReconcileAt = v }

// RetainOnDelete reports whether deleting the KafkaPipeline leaves its AWS resources in place: the deletion
// policy is Retain, or the services.k8s.aws/deletion-policy annotation is retain.
func (p *KafkaPipeline) RetainOnDelete() bool {
	return retainOnDelete(p.Spec.DeletionPolicy, p.Annotations)
}

// RegionOr returns spec.region, or def when the spec leaves the region to the manager.
func (p *KafkaPipeline) RegionOr(def string) string {
	return regionOr(p.Spec.Region, def)
}

// ResyncPeriodOr returns spec.resyncPeriod, or def when the spec leaves it to the manager.
func (p *KafkaPipeline) ResyncPeriodOr(def time.Duration) time.Duration {
	return durationOr(p.Spec.ResyncPeriod, def)
}

// UsesPipe reports whether records are delivered through an EventBridge Pipe (the default) rather than a
// Lambda event source mapping.
func (p *KafkaPipeline) UsesPipe() bool {
	return p.Spec.Delivery != DeliveryEventSourceMapping
}

// CreatesTopic reports whether the operator creates the topic (spec.topic.create, true when unset).
func (p *KafkaPipeline) CreatesTopic() bool {
	return p.Spec.Topic.Create == nil || *p.Spec.Topic.Create
}

// TopicPartitions returns the partition count of a topic the operator creates: spec.topic.partitions, or 3.
func (p *KafkaPipeline) TopicPartitions() int32 {
	if p.Spec.Topic.Partitions == 0 {
		return 3
	}
	return p.Spec.Topic.Partitions
}

// ManagesFunction reports whether the operator creates and owns the function (spec.target.function.managed).
func (p *KafkaPipeline) ManagesFunction() bool {
	return p.Spec.Target.Function.Managed != nil
}

// DeadLetterQueueEnabled reports whether failed events go to a dead-letter queue (spec.deadLetterQueue.enabled,
// true when unset).
func (p *KafkaPipeline) DeadLetterQueueEnabled() bool {
	return p.Spec.DeadLetterQueue.Enabled == nil || *p.Spec.DeadLetterQueue.Enabled
}

// CreatesDeadLetterQueue reports whether the operator creates and owns the dead-letter queue: it is enabled and
// no existing queue ARN is given.
func (p *KafkaPipeline) CreatesDeadLetterQueue() bool {
	return p.DeadLetterQueueEnabled() && p.Spec.DeadLetterQueue.ARN == ""
}

// EffectiveInvocationType returns how the pipe invokes the function: spec.target.invocationType, or
// FIRE_AND_FORGET when unset. It is meaningful for Pipe delivery only.
func (p *KafkaPipeline) EffectiveInvocationType() InvocationType {
	if p.Spec.Target.InvocationType == "" {
		return DefaultInvocationType
	}
	return p.Spec.Target.InvocationType
}

// StepConditionTypes returns the step condition types of the pipeline in reconcile order, which depend on the
// delivery; Ready summarizes them in this order.
func (p *KafkaPipeline) StepConditionTypes() []string {
	steps := []string{
		ConditionClusterReady,
		ConditionTopicReady,
		ConditionDeadLetterQueueReady,
		ConditionFunctionRoleReady,
		ConditionFunctionReady,
	}
	if p.UsesPipe() {
		return append(steps, ConditionPipeRoleReady, ConditionPipeReady)
	}
	return append(steps, ConditionEventSourceMappingReady)
}

// EffectiveRuntime returns the function's runtime: spec runtime, provided.al2023 for zip code when unset, or ""
// for a container image (which brings its own).
func (f *ManagedFunction) EffectiveRuntime() string {
	return zipDefault(f, f.Runtime, DefaultRuntime)
}

// EffectiveHandler returns the function's handler: spec handler, bootstrap for zip code when unset, or "" for a
// container image (which brings its own).
func (f *ManagedFunction) EffectiveHandler() string {
	return zipDefault(f, f.Handler, DefaultHandler)
}

// IsImage reports whether the function's code is a container image rather than a zip package.
func (f *ManagedFunction) IsImage() bool {
	return f.Code.ImageURI != ""
}

// zipDefault returns value, or def when value is empty and the function's code is a zip package.
func zipDefault(f *ManagedFunction, value, def string) string {
	if value != "" || f.IsImage() {
		return value
	}
	return def
}

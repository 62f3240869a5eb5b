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
func (c *KafkaCluster) GetConditions() []metav1.Condition {
	return c.Status.Conditions
}

// SetConditions replaces the status conditions.
func (c *KafkaCluster) SetConditions(conditions []metav1.Condition) {
	c.Status.Conditions = conditions
}

// HandledReconcileRequest returns the value of the reconcile-request annotation handled last.
func (c *KafkaCluster) HandledReconcileRequest() string { return c.Status.LastHandledReconcileAt }

// SetHandledReconcileRequest records the value of the reconcile-request annotation just handled.
func (c *KafkaCluster) SetHandledReconcileRequest(v string) { c.Status.LastHandledReconcileAt = v }

// RetainOnDelete reports whether deleting the KafkaCluster leaves its AWS resources in place: the deletion
// policy is Retain, or the services.k8s.aws/deletion-policy annotation is retain.
func (c *KafkaCluster) RetainOnDelete() bool {
	return retainOnDelete(c.Spec.DeletionPolicy, c.Annotations)
}

// CreatesNetwork reports whether the operator builds the cluster's network (spec.network.create).
func (c *KafkaCluster) CreatesNetwork() bool {
	return c.Spec.Network.Create != nil
}

// RegionOr returns spec.region, or def when the spec leaves the region to the manager.
func (c *KafkaCluster) RegionOr(def string) string {
	return regionOr(c.Spec.Region, def)
}

// ResyncPeriodOr returns spec.resyncPeriod, or def when the spec leaves it to the manager.
func (c *KafkaCluster) ResyncPeriodOr(def time.Duration) time.Duration {
	return durationOr(c.Spec.ResyncPeriod, def)
}

// AdministersTopicsByFunction reports whether the cluster's topics are administered through a topic admin
// function (spec.topicAdministration Function, the default).
func (c *KafkaCluster) AdministersTopicsByFunction() bool {
	return c.Spec.TopicAdministration != TopicAdministrationDirect
}

// StepConditionTypes returns the step condition types of a KafkaCluster in reconcile order; Ready summarizes
// them in this order.
func (c *KafkaCluster) StepConditionTypes() []string {
	if c.AdministersTopicsByFunction() {
		return []string{ConditionNetworkReady, ConditionClusterReady, ConditionTopicAdminRoleReady, ConditionTopicAdminReady}
	}
	return []string{ConditionNetworkReady, ConditionClusterReady}
}

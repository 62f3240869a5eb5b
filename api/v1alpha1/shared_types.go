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
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeletionPolicy says what happens to the AWS resources of an object when the object is deleted.
// +kubebuilder:validation:Enum=Delete;Retain
type DeletionPolicy string

const (
	// DeletionPolicyDelete removes every AWS resource the object created, in reverse creation order, before the
	// object goes away.
	DeletionPolicyDelete DeletionPolicy = "Delete"

	// DeletionPolicyRetain leaves every AWS resource in place when the object is deleted.
	DeletionPolicyRetain DeletionPolicy = "Retain"
)

const (
	// DeletionPolicyAnnotation is the annotation, following the AWS Controllers for Kubernetes convention, that
	// retains the AWS resources of an object on delete when set to DeletionPolicyAnnotationRetain, whatever
	// spec.deletionPolicy says.
	DeletionPolicyAnnotation = "services.k8s.aws/deletion-policy"

	// DeletionPolicyAnnotationRetain is the DeletionPolicyAnnotation value that retains AWS resources.
	DeletionPolicyAnnotationRetain = "retain"
)

// Tags are AWS tags added to every AWS resource the object creates, after the operator's own ownership tags
// (which they cannot override). At most 50; keys 1–128 characters and not starting with "aws:", values at most
// 256 characters.
// +kubebuilder:validation:MaxProperties=50
// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('aws:'))",message="tag keys must not start with 'aws:' (that prefix is reserved by AWS); rename the tag"
// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) >= 1 && size(k) <= 128)",message="tag keys must be 1 to 128 characters long"
// +kubebuilder:validation:XValidation:rule="self.all(k, size(self[k]) <= 256)",message="tag values must be at most 256 characters long"
type Tags map[string]string

// retainOnDelete reports whether an object with the given deletion policy and annotations keeps its AWS
// resources when deleted: the policy says Retain, or the ACK-style annotation says retain.
func retainOnDelete(policy DeletionPolicy, annotations map[string]string) bool {
	if policy == DeletionPolicyRetain {
		return true
	}
	return strings.EqualFold(annotations[DeletionPolicyAnnotation], DeletionPolicyAnnotationRetain)
}

// regionOr returns region, or def when region is empty.
func regionOr(region, def string) string {
	if region == "" {
		return def
	}
	return region
}

// durationOr returns d, or def when d is unset.
func durationOr(d *metav1.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.Duration
}

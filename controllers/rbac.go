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

// Package controllers holds the reconcilers of KafkaCluster and KafkaPipeline.
//
// The RBAC markers below are the controller's whole Kubernetes permission set, rendered by `make manifests` into
// config/rbac/role.yaml. The controller reads and watches both kinds, adds and removes its finalizer, writes
// status, and records events; it never creates or deletes the objects themselves and reads nothing else. Leader
// election (coordination.k8s.io leases) is granted separately by config/rbac/leader_election_role.yaml, in the
// manager's namespace only.
package controllers

// +kubebuilder:rbac:groups=streaming.kafkapipeline.dev,resources=kafkaclusters;kafkapipelines,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=streaming.kafkapipeline.dev,resources=kafkaclusters/status;kafkapipelines/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=streaming.kafkapipeline.dev,resources=kafkaclusters/finalizers;kafkapipelines/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

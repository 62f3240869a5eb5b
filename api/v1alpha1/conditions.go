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

// Condition types. Every condition carries the observedGeneration it was computed for. The step conditions (all
// positive polarity: True means that part is ready) are owned by one reconcile step each; Ready, Reconciling and
// Stalled are derived from them and are never set by a step.
const (
	// ConditionReady is True when every step condition of the object is True for its current generation. It is
	// the condition `kubectl wait --for=condition=Ready` and Argo CD wait for. When False its reason and message
	// come from the first step, in step order, that is not ready.
	ConditionReady = "Ready"

	// ConditionReconciling is True while the controller is working towards the spec: an AWS resource is in a
	// transitional state, a dependency is not ready yet, or a transient error is being retried. kstatus reads it
	// as InProgress. It is removed once the object is Ready.
	ConditionReconciling = "Reconciling"

	// ConditionStalled is True when the controller cannot make progress without a change to the spec or to
	// something outside the controller: an invalid spec, a resource that exists but is not owned, or an AWS
	// resource in a FAILED state. kstatus reads it as Failed. A new generation clears it.
	ConditionStalled = "Stalled"

	// ConditionNetworkReady (KafkaCluster) is True when the cluster's network exists: the VPC, subnets, gateways,
	// routes and security group built for spec.network.create are available, or the subnets and security groups
	// of spec.network.subnetIDs and securityGroupIDs were found.
	ConditionNetworkReady = "NetworkReady"

	// ConditionClusterReady is True when the MSK Serverless cluster is ACTIVE and its IAM bootstrap brokers are
	// known. On a KafkaPipeline it reports the referenced KafkaCluster or cluster ARN.
	ConditionClusterReady = "ClusterReady"

	// ConditionTopicReady (KafkaPipeline) is True when the topic exists with at least spec.topic.partitions
	// partitions and the requested configuration.
	ConditionTopicReady = "TopicReady"

	// ConditionDeadLetterQueueReady (KafkaPipeline) is True when the SQS dead-letter queue exists with the
	// requested retention, or when the dead-letter queue is disabled.
	ConditionDeadLetterQueueReady = "DeadLetterQueueReady"

	// ConditionFunctionRoleReady (KafkaPipeline) is True when the Lambda execution role and its inline policy
	// exist. It is True without a role when spec.target.function.arn names an existing function.
	ConditionFunctionRoleReady = "FunctionRoleReady"

	// ConditionFunctionReady (KafkaPipeline) is True when the Lambda function is Active with the requested code
	// and configuration, and its asynchronous invoke configuration matches spec.retryPolicy.
	ConditionFunctionReady = "FunctionReady"

	// ConditionPipeRoleReady (KafkaPipeline, delivery Pipe) is True when the pipe's execution role and its inline
	// policy, scoped to the cluster, topic, consumer group and function, exist.
	ConditionPipeRoleReady = "PipeRoleReady"

	// ConditionPipeReady (KafkaPipeline, delivery Pipe) is True when the EventBridge Pipe has reached its
	// desired state: RUNNING, or STOPPED while spec.suspend is true.
	ConditionPipeReady = "PipeReady"

	// ConditionEventSourceMappingReady (KafkaPipeline, delivery EventSourceMapping) is True when the Lambda event
	// source mapping is Enabled, or Disabled while spec.suspend is true.
	ConditionEventSourceMappingReady = "EventSourceMappingReady"
)

// Condition reasons: the closed set of reasons the controller writes on any condition.
const (
	// ReasonSucceeded is the reason of Ready=True: every step condition is True.
	ReasonSucceeded = "Succeeded"

	// ReasonProgressing is the reason of Reconciling=True while the controller waits for AWS or for a dependency
	// and nothing has failed.
	ReasonProgressing = "Progressing"

	// ReasonProgressingWithRetry is the reason of Reconciling=True after a transient error (throttling, a server
	// error, a concurrent change) that the controller is retrying with backoff.
	ReasonProgressingWithRetry = "ProgressingWithRetry"

	// ReasonDependencyNotReady is used on a step condition whose dependencies are not ready yet, for example
	// PipeReady while the cluster is still being created.
	ReasonDependencyNotReady = "DependencyNotReady"

	// ReasonCreating is used on a step condition while its AWS resource is being created.
	ReasonCreating = "Creating"

	// ReasonUpdating is used on a step condition while its AWS resource is being changed to match the spec.
	ReasonUpdating = "Updating"

	// ReasonAvailable is the reason of a step condition that is True: the resource exists and matches the spec.
	ReasonAvailable = "Available"

	// ReasonDeleting is used on step conditions and on Ready while the object is being deleted and its AWS
	// resources are being removed in reverse order.
	ReasonDeleting = "Deleting"

	// ReasonNotOwned is used when a resource with the deterministic name exists but does not carry this object's
	// ownership tags. The controller never touches it; the object is Stalled.
	ReasonNotOwned = "NotOwned"

	// ReasonInvalidSpec is used when AWS refuses the spec as invalid (a validation error that admission could not
	// catch, such as an unknown subnet or availability zone). The object is Stalled until the spec changes.
	ReasonInvalidSpec = "InvalidSpec"

	// ReasonAccessDenied is used when the controller's IAM identity is not allowed to make a call. The controller
	// retries slowly, since an administrator can fix the policy without touching the object.
	ReasonAccessDenied = "AccessDenied"

	// ReasonQuotaExceeded is used when an AWS service quota or limit stops a create. The controller retries
	// slowly, since a quota increase fixes it without touching the object.
	ReasonQuotaExceeded = "QuotaExceeded"

	// ReasonProvisioningFailed is used when an AWS resource reached a failed state (an MSK cluster FAILED, a pipe
	// CREATE_FAILED, a function Failed). The message carries the state reason AWS gave. The object is Stalled.
	ReasonProvisioningFailed = "ProvisioningFailed"

	// ReasonUnreachable is used when the controller cannot reach a data-plane endpoint, for example the Kafka
	// brokers it manages topics through.
	ReasonUnreachable = "Unreachable"

	// ReasonSuspended is used on PipeReady or EventSourceMappingReady (True) when spec.suspend stopped delivery
	// as requested.
	ReasonSuspended = "Suspended"

	// ReasonRetained is used on step conditions while the object is being deleted with deletion policy Retain:
	// the AWS resource is left in place.
	ReasonRetained = "Retained"

	// ReasonAWSError is used for an AWS error that fits no other reason. The message carries the error code and
	// text.
	ReasonAWSError = "AWSError"
)

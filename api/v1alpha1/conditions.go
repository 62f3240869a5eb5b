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

	// ConditionTopicAdminRoleReady (KafkaCluster, topic administration Function) is True when the topic admin
	// function's execution role and its inline policy, limited to this cluster's topics, exist.
	ConditionTopicAdminRoleReady = "TopicAdminRoleReady"

	// ConditionTopicAdminReady (KafkaCluster, topic administration Function) is True when the topic admin
	// function is Active in the cluster's subnets and security groups, with the cluster's bootstrap brokers.
	ConditionTopicAdminReady = "TopicAdminReady"

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

// Condition reasons: the closed set of reasons the controller writes on any condition. Every reason the
// controllers emit is one of these, and the README's troubleshooting table lists each of them (a test checks
// both). A Warning event is sent when a condition enters a failure reason (internal/conditions knows which
// reasons are failures).
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
	// PipeReady while the cluster is still being created, or ClusterReady while the named KafkaCluster is not
	// Ready. Waiting on a Kubernetes object costs no AWS call: the controller watches it.
	ReasonDependencyNotReady = "DependencyNotReady"

	// ReasonCreating is used on a step condition while its AWS resource is being created.
	ReasonCreating = "Creating"

	// ReasonUpdating is used on a step condition while its AWS resource is being changed to match the spec.
	ReasonUpdating = "Updating"

	// ReasonWaitingForIAMPropagation is used on a role or function step while IAM propagates a new or changed
	// role to the services that assume it.
	ReasonWaitingForIAMPropagation = "WaitingForIAMPropagation"

	// ReasonQueueDeletedRecently is used on DeadLetterQueueReady while SQS refuses to reuse the name of a queue
	// deleted less than 60 seconds ago.
	ReasonQueueDeletedRecently = "QueueDeletedRecently"

	// ReasonAvailable is the reason of a step condition that is True: the resource exists and matches the spec.
	ReasonAvailable = "Available"

	// ReasonDeleting is used on step conditions and on Ready while the object is being deleted and its AWS
	// resources are being removed in reverse order, and on a step while its AWS resource is being deleted.
	ReasonDeleting = "Deleting"

	// ReasonNotOwned is used when a resource with the deterministic name exists but does not carry this object's
	// ownership tags. The controller never touches it; the object is Stalled.
	ReasonNotOwned = "NotOwned"

	// ReasonInvalidSpec is used when AWS refuses the spec as invalid (a validation error that admission could not
	// catch, such as an unknown subnet, a missing S3 object or a region that differs from the cluster's). The
	// object is Stalled, and looked at again on a slow backoff in case the cause was outside the spec (an S3
	// object uploaded late).
	ReasonInvalidSpec = "InvalidSpec"

	// ReasonClusterNotFound is used on ClusterReady when spec.cluster.arn names an MSK cluster that does not
	// exist. The object is Stalled and looked at again on a slow backoff.
	ReasonClusterNotFound = "ClusterNotFound"

	// ReasonTopicNotFound is used on TopicReady when topic.create is false and the topic does not exist. The
	// controller waits for someone to create it.
	ReasonTopicNotFound = "TopicNotFound"

	// ReasonNotFound is used when a queue or function named by ARN in the spec does not exist. The object is
	// Stalled and looked at again on a slow backoff.
	ReasonNotFound = "NotFound"

	// ReasonAccessDenied is used when the controller's IAM identity is not allowed to make a call. The controller
	// retries slowly, since an administrator can fix the policy without touching the object.
	ReasonAccessDenied = "AccessDenied"

	// ReasonQuotaExceeded is used when an AWS service quota or limit stops a create. The controller retries
	// slowly, since a quota increase fixes it without touching the object.
	ReasonQuotaExceeded = "QuotaExceeded"

	// ReasonProvisioningFailed is used when an AWS resource reached a failed state (an MSK cluster FAILED, a pipe
	// CREATE_FAILED, a function Failed, a NAT gateway failed). The message carries the state reason AWS gave. The
	// object is Stalled; an owned pipe in a FAILED state is replaced with backoff (status.pipe.replacements
	// counts the attempts).
	ReasonProvisioningFailed = "ProvisioningFailed"

	// ReasonUnreachable is used when the controller cannot reach a data-plane endpoint, for example the Kafka
	// brokers it manages topics through.
	ReasonUnreachable = "Unreachable"

	// ReasonAWSError is used for an AWS error that fits no other reason (throttling after the SDK's retries, a
	// server error, a network error). The controller retries with backoff. The message carries the error code
	// and text.
	ReasonAWSError = "AWSError"

	// ReasonSubnetNotFound names a subnet of the cluster that does not exist; on NetworkReady the controller
	// reports it as InvalidSpec, and the preflight's own word for it is this one.
	ReasonSubnetNotFound = "SubnetNotFound"

	// ReasonSubnetsInSeveralVPCs is used on NetworkReady when the cluster's subnets are not all in one VPC.
	ReasonSubnetsInSeveralVPCs = "SubnetsInSeveralVPCs"

	// ReasonSubnetsInOneAZ is used on NetworkReady when the cluster's subnets span fewer than two Availability
	// Zones.
	ReasonSubnetsInOneAZ = "SubnetsInOneAZ"

	// ReasonSecurityGroupNotFound is used on NetworkReady when a security group of the cluster is not in the
	// subnets' VPC.
	ReasonSecurityGroupNotFound = "SecurityGroupNotFound"

	// ReasonNoRouteToLambdaAndSTS is used on NetworkReady when a subnet's route table has no default route to a
	// NAT gateway and the VPC has no interface endpoints for Lambda and STS: the pipes' pollers could not call
	// them. The message names the route table and the command that fixes it.
	ReasonNoRouteToLambdaAndSTS = "NoRouteToLambdaAndSTS"

	// ReasonSecurityGroupMissingKafkaRule is used on NetworkReady when no security group of the cluster lets
	// TCP 9098 in from the cluster's groups or the VPC. The message gives the missing rule.
	ReasonSecurityGroupMissingKafkaRule = "SecurityGroupMissingKafkaRule"

	// ReasonSecurityGroupMissingEgressRule is used on NetworkReady when the cluster's security groups do not
	// let TCP 9098 out to the brokers or TCP 443 out to Lambda and STS. The message gives the missing rule.
	ReasonSecurityGroupMissingEgressRule = "SecurityGroupMissingEgressRule"
)

// ReconcileRequestAnnotation asks for a reconcile now, with a full read of every part from AWS, as Flux's
// reconcile.fluxcd.io/requestedAt does: set it to any new value (for example the current time). The value
// handled last is copied to status.lastHandledReconcileAt. Other metadata changes trigger no AWS reads.
const ReconcileRequestAnnotation = "streaming.kafkapipeline.dev/requestedAt"

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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Delivery is how records reach the function.
// +kubebuilder:validation:Enum=Pipe;EventSourceMapping
type Delivery string

const (
	// DeliveryPipe delivers records through an EventBridge Pipe, which invokes the function as
	// target.invocationType says.
	DeliveryPipe Delivery = "Pipe"

	// DeliveryEventSourceMapping delivers records through a Lambda event source mapping, which always invokes
	// the function synchronously.
	DeliveryEventSourceMapping Delivery = "EventSourceMapping"
)

// StartingPosition is where a new consumer group starts reading the topic.
// +kubebuilder:validation:Enum=LATEST;TRIM_HORIZON
type StartingPosition string

const (
	// StartingPositionLatest starts at the end of the topic: only records produced after the pipe exists.
	StartingPositionLatest StartingPosition = "LATEST"

	// StartingPositionTrimHorizon starts at the oldest record still in the topic.
	StartingPositionTrimHorizon StartingPosition = "TRIM_HORIZON"
)

// InvocationType is how an EventBridge Pipe invokes the function.
// +kubebuilder:validation:Enum=FIRE_AND_FORGET;REQUEST_RESPONSE
type InvocationType string

const (
	// InvocationTypeFireAndForget invokes the function asynchronously: the pipe commits the batch once Lambda
	// accepts it, and failures are retried by Lambda (spec.retryPolicy) and then sent to the dead-letter queue.
	InvocationTypeFireAndForget InvocationType = "FIRE_AND_FORGET"

	// InvocationTypeRequestResponse invokes the function synchronously: a failed batch is retried by the pipe
	// until it succeeds or the records expire, blocking its partition. No dead-letter queue is involved.
	InvocationTypeRequestResponse InvocationType = "REQUEST_RESPONSE"
)

// Architecture is the instruction set of a managed function.
// +kubebuilder:validation:Enum=x86_64;arm64
type Architecture string

const (
	// ArchitectureX8664 runs the function on x86-64.
	ArchitectureX8664 Architecture = "x86_64"

	// ArchitectureARM64 runs the function on AWS Graviton (arm64).
	ArchitectureARM64 Architecture = "arm64"
)

const (
	// DefaultRuntime is the runtime of a managed function with zip code (builtin or s3) when spec leaves it out.
	DefaultRuntime = "provided.al2023"

	// DefaultHandler is the handler of a managed function with zip code (builtin or s3) when spec leaves it out.
	DefaultHandler = "bootstrap"

	// DefaultInvocationType is the invocation type of Pipe delivery when spec.target.invocationType is left out.
	DefaultInvocationType = InvocationTypeFireAndForget
)

// KafkaPipelineSpec is the desired state of a KafkaPipeline: records of one topic delivered to one Lambda
// function, with failed asynchronous invocations sent to an SQS dead-letter queue. The defaults reproduce the
// original stack: topic with 3 partitions, LATEST, batches of 10, Pipe delivery invoking FIRE_AND_FORGET, 2
// retries within 300 seconds, and a dead-letter queue keeping messages for 14 days.
// +kubebuilder:validation:XValidation:rule="has(self.region) == has(oldSelf.region)",message="spec.region cannot be added or removed after creation; create a new KafkaPipeline to move regions"
// +kubebuilder:validation:XValidation:rule="!has(self.target.invocationType) || !has(self.delivery) || self.delivery == 'Pipe'",message="target.invocationType applies to Pipe delivery only (an event source mapping always invokes synchronously); remove it or use delivery: Pipe"
// +kubebuilder:validation:XValidation:rule="!has(self.region) || !has(self.cluster.arn) || self.cluster.arn.contains(':kafka:' + self.region + ':')",message="spec.cluster.arn must be a cluster in spec.region"
// +kubebuilder:validation:XValidation:rule="!has(self.region) || !has(self.target.__function__.arn) || self.target.__function__.arn.contains(':lambda:' + self.region + ':')",message="spec.target.function.arn must be a function in spec.region"
// +kubebuilder:validation:XValidation:rule="!has(self.region) || !has(self.deadLetterQueue.arn) || self.deadLetterQueue.arn.contains(':sqs:' + self.region + ':')",message="spec.deadLetterQueue.arn must be a queue in spec.region"
type KafkaPipelineSpec struct {
	// Region is the AWS region of the pipeline's resources, for example ap-northeast-1. It must be the region of
	// the cluster. When omitted the manager's default region is used. Immutable.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.region is immutable; create a new KafkaPipeline to move regions"
	Region string `json:"region,omitempty"`

	// Cluster is the MSK cluster the topic lives in. Immutable, because a pipe's source cannot change.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.cluster is immutable (a pipe's source cannot change); create a new KafkaPipeline instead"
	Cluster ClusterReference `json:"cluster"`

	// Topic is the Kafka topic the records are read from.
	// +required
	Topic Topic `json:"topic"`

	// Source says where and how records are read from the topic.
	// +optional
	// +kubebuilder:default={}
	Source Source `json:"source,omitzero"`

	// Delivery is how records reach the function: Pipe (an EventBridge Pipe, the default) or
	// EventSourceMapping (a Lambda event source mapping). Immutable.
	// +optional
	// +kubebuilder:default=Pipe
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.delivery is immutable; create a new KafkaPipeline to change how records are delivered"
	Delivery Delivery `json:"delivery,omitempty"`

	// Target is the function the records are delivered to.
	// +required
	Target Target `json:"target"`

	// RetryPolicy is the function's asynchronous invocation configuration: how often Lambda retries a failed
	// asynchronous invocation and how old an event may get before it goes to the dead-letter queue. It applies
	// to Pipe delivery with invocationType FIRE_AND_FORGET.
	// +optional
	// +kubebuilder:default={}
	RetryPolicy RetryPolicy `json:"retryPolicy,omitzero"`

	// DeadLetterQueue is the SQS queue receiving events whose asynchronous invocation failed after all retries.
	// +optional
	// +kubebuilder:default={}
	DeadLetterQueue DeadLetterQueue `json:"deadLetterQueue,omitzero"`

	// Suspend stops delivery without deleting anything: the pipe is stopped, or the event source mapping
	// disabled. Setting it back to false resumes from the committed offsets.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// DeletionPolicy says whether deleting the KafkaPipeline deletes the AWS resources it created (Delete) or
	// leaves them in AWS (Retain). The annotation services.k8s.aws/deletion-policy: retain also retains them.
	// +optional
	// +kubebuilder:default=Delete
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// Tags are added to every AWS resource created for this KafkaPipeline.
	// +optional
	Tags Tags `json:"tags,omitempty"`

	// ResyncPeriod is how often a Ready KafkaPipeline is re-read from AWS to detect drift (with jitter), for
	// example 10m or 1h. When omitted the manager's default applies. At least 1m, at most 168h.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('1m') && duration(self) <= duration('168h'))",message="resyncPeriod must be between 1m and 168h, for example 10m"
	ResyncPeriod *metav1.Duration `json:"resyncPeriod,omitempty"`
}

// ClusterReference names the MSK cluster of a pipeline: exactly one of name or arn.
// +kubebuilder:validation:XValidation:rule="has(self.name) != has(self.arn)",message="set exactly one of cluster.name (a KafkaCluster in this namespace) or cluster.arn (an existing MSK cluster)"
type ClusterReference struct {
	// Name is the name of a KafkaCluster in the pipeline's namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name,omitempty"`

	// ARN is the ARN of an existing MSK cluster with IAM authentication, in the pipeline's region. The operator
	// reads it but never modifies or deletes it.
	// +optional
	// +kubebuilder:validation:MaxLength=1600
	// +kubebuilder:validation:Pattern=`^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster/.+`
	ARN string `json:"arn,omitempty"`
}

// Topic is the Kafka topic a pipeline reads.
// +kubebuilder:validation:XValidation:rule="!has(self.create) || self.create || (!has(self.partitions) && !has(self.config))",message="topic.partitions and topic.config apply only to a topic the operator creates: remove them, or set topic.create: true"
type Topic struct {
	// Name is the topic name: 1 to 249 letters, digits, '.', '_' or '-', and not "." or "..". Immutable.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=249
	// +kubebuilder:validation:Pattern=`^[a-zA-Z0-9._-]{1,249}$`
	// +kubebuilder:validation:XValidation:rule="self != '.' && self != '..'",message="topic.name cannot be '.' or '..'"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="topic.name is immutable (a pipe's topic cannot change); create a new KafkaPipeline instead"
	Name string `json:"name"`

	// Create says whether the operator creates the topic (true, the default) or expects it to exist (false:
	// TopicReady stays False with reason TopicNotFound until someone creates it). Topics are never deleted,
	// not even one the operator created: they carry no ownership tags, may be shared, and go with their
	// cluster.
	// +optional
	// +kubebuilder:default=true
	Create *bool `json:"create,omitempty"`

	// Partitions is the number of partitions of a topic the operator creates (default 3); it may grow but
	// never shrink. Only with create: true.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=2400
	// +kubebuilder:validation:XValidation:rule="self >= oldSelf",message="topic.partitions can only grow (Kafka cannot remove partitions)"
	Partitions int32 `json:"partitions,omitempty"`

	// Config is topic-level Kafka configuration for a topic the operator creates, for example
	// retention.ms: "86400000". Only with create: true.
	// +optional
	// +kubebuilder:validation:MaxProperties=50
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 255 && k.matches('^[a-z0-9]+([.][a-z0-9]+)*$'))",message="topic.config keys are Kafka topic settings such as retention.ms: lowercase words separated by dots"
	Config map[string]string `json:"config,omitempty"`
}

// Source says where and how a pipeline reads its topic.
// +kubebuilder:validation:XValidation:rule="has(self.consumerGroupID) == has(oldSelf.consumerGroupID)",message="source.consumerGroupID cannot be added or removed after creation (a pipe's consumer group cannot change); create a new KafkaPipeline instead"
type Source struct {
	// StartingPosition is where a new consumer group starts: LATEST (the end of the topic, the default) or
	// TRIM_HORIZON (the oldest record). Immutable.
	// +optional
	// +kubebuilder:default=LATEST
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="source.startingPosition is immutable; create a new KafkaPipeline instead"
	StartingPosition StartingPosition `json:"startingPosition,omitempty"`

	// BatchSize is the largest number of records delivered in one invocation, 1 to 10000.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	BatchSize int32 `json:"batchSize,omitempty"`

	// MaximumBatchingWindowSeconds is how long records are gathered before a batch is delivered, 0 to 300.
	// +optional
	// +kubebuilder:default=0
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=300
	MaximumBatchingWindowSeconds int32 `json:"maximumBatchingWindowSeconds,omitempty"`

	// ConsumerGroupID is the Kafka consumer group the pipeline reads with, 1 to 200 characters from
	// [a-zA-Z0-9-/*:_+=.@]. When omitted the operator uses a group derived from the pipeline. If the group
	// already has committed offsets, reading resumes there and startingPosition is ignored. Immutable.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +kubebuilder:validation:Pattern=`^[a-zA-Z0-9/*:_+=.@-]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="source.consumerGroupID is immutable; create a new KafkaPipeline instead"
	ConsumerGroupID string `json:"consumerGroupID,omitempty"`
}

// Target is the function a pipeline delivers to, and how.
// +kubebuilder:validation:XValidation:rule="!has(self.invocationType) || self.invocationType != 'REQUEST_RESPONSE' || !has(self.__function__.managed) || !has(self.__function__.managed.timeoutSeconds) || self.__function__.managed.timeoutSeconds < 300",message="with invocationType REQUEST_RESPONSE a pipe waits at most 5 minutes for the function: set target.function.managed.timeoutSeconds below 300"
type Target struct {
	// InvocationType is how the pipe invokes the function: FIRE_AND_FORGET (asynchronously; failures are
	// retried by Lambda per spec.retryPolicy and then sent to the dead-letter queue) or REQUEST_RESPONSE
	// (synchronously; a failed batch is retried by the pipe and blocks its partition). It applies to Pipe
	// delivery only and is refused with EventSourceMapping, which always invokes synchronously. When omitted
	// with Pipe delivery, FIRE_AND_FORGET is used.
	// +optional
	InvocationType InvocationType `json:"invocationType,omitempty"`

	// Function is the Lambda function records are delivered to.
	// +required
	Function Function `json:"function"`
}

// Function is the Lambda function of a pipeline: exactly one of arn (an existing function) or managed (a
// function the operator creates and owns).
// +kubebuilder:validation:XValidation:rule="has(self.arn) != has(self.managed)",message="set exactly one of target.function.arn (an existing function) or target.function.managed (a function the operator creates)"
// +kubebuilder:validation:XValidation:rule="has(self.arn) == has(oldSelf.arn)",message="target.function cannot switch between arn and managed; create a new KafkaPipeline instead"
type Function struct {
	// ARN is the ARN of an existing Lambda function, optionally with a version or alias qualifier. The operator
	// invokes it but never modifies or deletes it.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$`
	ARN string `json:"arn,omitempty"`

	// Managed describes a function the operator creates, updates and deletes with the pipeline.
	// +optional
	Managed *ManagedFunction `json:"managed,omitempty"`
}

// ManagedFunction is a Lambda function the operator owns.
// +kubebuilder:validation:XValidation:rule="!has(self.code.imageURI) || (!has(self.runtime) && !has(self.handler))",message="a container image (code.imageURI) brings its own runtime and handler: remove runtime and handler"
// +kubebuilder:validation:XValidation:rule="!has(self.code.builtin) || !has(self.runtime) || self.runtime.startsWith('provided')",message="the builtin processor is a native binary: runtime must be provided.al2023 or provided.al2"
type ManagedFunction struct {
	// Code is the function's code: exactly one of builtin, s3 or imageURI.
	// +required
	Code FunctionCode `json:"code"`

	// Runtime is the Lambda runtime of zip code (builtin or s3), for example provided.al2023 or python3.12.
	// When omitted, zip code runs on provided.al2023. Not allowed with code.imageURI.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^(provided(\.al2|\.al2023)?|python3\.[0-9]+|nodejs[0-9]+\.x|java[0-9]+|dotnet[0-9]+|ruby[0-9]+\.[0-9]+)$`
	Runtime string `json:"runtime,omitempty"`

	// Handler is the entry point of zip code, for example app.handler for python3.12. When omitted, zip code
	// uses bootstrap (the executable of an OS-only runtime). Not allowed with code.imageURI.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^\S+$`
	Handler string `json:"handler,omitempty"`

	// Architecture is the instruction set the function runs on: x86_64 (the default) or arm64.
	// +optional
	// +kubebuilder:default=x86_64
	Architecture Architecture `json:"architecture,omitempty"`

	// MemoryMB is the function's memory in MiB, 128 to 10240.
	// +optional
	// +kubebuilder:default=128
	// +kubebuilder:validation:Minimum=128
	// +kubebuilder:validation:Maximum=10240
	MemoryMB int32 `json:"memoryMB,omitempty"`

	// TimeoutSeconds is how long one invocation may run, 1 to 900 seconds; below 300 with Pipe delivery and
	// invocationType REQUEST_RESPONSE.
	// +optional
	// +kubebuilder:default=30
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=900
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`

	// Environment holds the function's environment variables. Names start with a letter, contain letters,
	// digits and underscores, and are not among the names Lambda reserves (such as AWS_REGION).
	// +optional
	// +kubebuilder:validation:MaxProperties=100
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 256 && k.matches('^[a-zA-Z][a-zA-Z0-9_]+$'))",message="environment variable names must start with a letter and hold at least 2 letters, digits or underscores"
	// +kubebuilder:validation:XValidation:rule="self.all(k, !(k in ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR']))",message="environment variable names reserved by Lambda (such as AWS_REGION or AWS_ACCESS_KEY_ID) cannot be set"
	Environment map[string]string `json:"environment,omitempty"`
}

// FunctionCode is where a managed function's code comes from: exactly one of builtin, s3 or imageURI.
// +kubebuilder:validation:XValidation:rule="(has(self.builtin) ? 1 : 0) + (has(self.s3) ? 1 : 0) + (has(self.imageURI) ? 1 : 0) == 1",message="set exactly one of code.builtin, code.s3 or code.imageURI"
// +kubebuilder:validation:XValidation:rule="has(self.imageURI) == has(oldSelf.imageURI)",message="code cannot switch between a container image and a zip package (Lambda cannot change a function's package type); create a new KafkaPipeline instead"
type FunctionCode struct {
	// Builtin selects the record processor shipped with the operator, a provided.al2023 binary that logs every
	// record and fails the invocation for records asking it to.
	// +optional
	Builtin *BuiltinCode `json:"builtin,omitempty"`

	// S3 is a zip package in an S3 bucket of the pipeline's region.
	// +optional
	S3 *S3Code `json:"s3,omitempty"`

	// ImageURI is a container image in Amazon ECR, for example
	// 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/processor:1.0 or …/processor@sha256:<digest>.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$`
	ImageURI string `json:"imageURI,omitempty"`
}

// BuiltinCode selects the operator's built-in record processor. It has no settings.
type BuiltinCode struct{}

// S3Code is a zip package in S3.
type S3Code struct {
	// Bucket is the S3 bucket holding the package.
	// +required
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`
	Bucket string `json:"bucket"`

	// Key is the package's object key.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Key string `json:"key"`

	// ObjectVersion is the version of the object in a versioned bucket. Changing it redeploys the code.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	ObjectVersion string `json:"objectVersion,omitempty"`
}

// RetryPolicy is a function's asynchronous invocation configuration.
type RetryPolicy struct {
	// MaximumRetryAttempts is how many times Lambda retries a failed asynchronous invocation, 0 to 2.
	// +optional
	// +kubebuilder:default=2
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2
	MaximumRetryAttempts *int32 `json:"maximumRetryAttempts,omitempty"`

	// MaximumEventAgeSeconds is how long Lambda keeps trying an asynchronous event, 60 to 21600 seconds.
	// +optional
	// +kubebuilder:default=300
	// +kubebuilder:validation:Minimum=60
	// +kubebuilder:validation:Maximum=21600
	MaximumEventAgeSeconds int32 `json:"maximumEventAgeSeconds,omitempty"`
}

// DeadLetterQueue is the SQS queue receiving failed asynchronous events.
// +kubebuilder:validation:XValidation:rule="!has(self.arn) || !has(self.enabled) || self.enabled",message="deadLetterQueue.arn needs deadLetterQueue.enabled: true; remove arn or enable the queue"
type DeadLetterQueue struct {
	// Enabled says whether failed events go to a dead-letter queue (true, the default).
	// +optional
	// +kubebuilder:default=true
	Enabled *bool `json:"enabled,omitempty"`

	// ARN is the ARN of an existing standard SQS queue to use instead of one the operator creates. The operator
	// grants the function's role sqs:SendMessage on it but never modifies or deletes it.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,80}$`
	ARN string `json:"arn,omitempty"`

	// MessageRetentionSeconds is how long the queue the operator creates keeps messages, 60 to 1209600 seconds
	// (14 days, the default). Not applied to a queue given by arn.
	// +optional
	// +kubebuilder:default=1209600
	// +kubebuilder:validation:Minimum=60
	// +kubebuilder:validation:Maximum=1209600
	MessageRetentionSeconds int32 `json:"messageRetentionSeconds,omitempty"`
}

// KafkaPipelineStatus is the observed state of a KafkaPipeline: conditions plus one block per AWS part.
type KafkaPipelineStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are Ready, Reconciling and Stalled (summaries), and ClusterReady, TopicReady,
	// DeadLetterQueueReady, FunctionRoleReady, FunctionReady, then PipeRoleReady and PipeReady (Pipe delivery) or
	// EventSourceMappingReady (EventSourceMapping delivery), one per reconcile step.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Cluster is the MSK cluster the pipeline reads from.
	// +optional
	Cluster PipelineClusterStatus `json:"cluster,omitzero"`

	// Topic is the topic as found in the cluster.
	// +optional
	Topic TopicStatus `json:"topic,omitzero"`

	// DeadLetterQueue is the SQS dead-letter queue.
	// +optional
	DeadLetterQueue DeadLetterQueueStatus `json:"deadLetterQueue,omitzero"`

	// Function is the Lambda function.
	// +optional
	Function FunctionStatus `json:"function,omitzero"`

	// Roles are the ARNs of the IAM roles the operator created.
	// +optional
	Roles RolesStatus `json:"roles,omitzero"`

	// Pipe is the EventBridge Pipe (Pipe delivery).
	// +optional
	Pipe PipeStatus `json:"pipe,omitzero"`

	// EventSourceMapping is the Lambda event source mapping (EventSourceMapping delivery).
	// +optional
	EventSourceMapping EventSourceMappingStatus `json:"eventSourceMapping,omitzero"`

	// DeliveryState is the state of what delivers the records, whichever the delivery: the pipe's
	// currentState (RUNNING, STOPPED, CREATE_FAILED, ...) or the event source mapping's state (Enabled,
	// Disabled, ...).
	// +optional
	DeliveryState string `json:"deliveryState,omitempty"`

	// LastHandledReconcileAt is the value of the streaming.kafkapipeline.dev/requestedAt annotation the
	// controller handled last (a reconcile with a full read of every part from AWS).
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
}

// PipelineClusterStatus is the MSK cluster a pipeline reads from.
type PipelineClusterStatus struct {
	// ARN is the cluster's ARN.
	// +optional
	ARN string `json:"arn,omitempty"`

	// BootstrapBrokers is the cluster's bootstrap broker string for SASL/IAM clients.
	// +optional
	BootstrapBrokers string `json:"bootstrapBrokers,omitempty"`

	// TopicAdminFunction is the KafkaCluster's topic admin function, through which the topic is administered;
	// empty when the manager administers it directly (topic administration Direct, or a cluster named by ARN).
	// +optional
	TopicAdminFunction string `json:"topicAdminFunction,omitempty"`
}

// TopicStatus is a pipeline's topic as found in the cluster.
type TopicStatus struct {
	// Name is the topic's name.
	// +optional
	Name string `json:"name,omitempty"`

	// Partitions is the topic's partition count.
	// +optional
	Partitions int32 `json:"partitions,omitempty"`
}

// DeadLetterQueueStatus is a pipeline's SQS dead-letter queue.
type DeadLetterQueueStatus struct {
	// ARN is the queue's ARN.
	// +optional
	ARN string `json:"arn,omitempty"`

	// URL is the queue's URL, for reading failed events.
	// +optional
	URL string `json:"url,omitempty"`
}

// FunctionStatus is a pipeline's Lambda function.
type FunctionStatus struct {
	// ARN is the function's ARN.
	// +optional
	ARN string `json:"arn,omitempty"`

	// Name is the function's name.
	// +optional
	Name string `json:"name,omitempty"`

	// CodeSha256 is the base64 SHA-256 of the deployed code package, as Lambda reports it.
	// +optional
	CodeSha256 string `json:"codeSha256,omitempty"`

	// State is the function's state: Pending, Active, Inactive or Failed.
	// +optional
	State string `json:"state,omitempty"`
}

// RolesStatus holds the ARNs of a pipeline's IAM roles.
type RolesStatus struct {
	// Function is the ARN of the function's execution role.
	// +optional
	Function string `json:"function,omitempty"`

	// Pipe is the ARN of the pipe's execution role.
	// +optional
	Pipe string `json:"pipe,omitempty"`
}

// PipeStatus is a pipeline's EventBridge Pipe.
type PipeStatus struct {
	// ARN is the pipe's ARN.
	// +optional
	ARN string `json:"arn,omitempty"`

	// Name is the pipe's name.
	// +optional
	Name string `json:"name,omitempty"`

	// CurrentState is the pipe's state, for example CREATING, RUNNING, STOPPED or CREATE_FAILED.
	// +optional
	CurrentState string `json:"currentState,omitempty"`

	// DesiredState is the state the pipe is moving to: RUNNING or STOPPED.
	// +optional
	DesiredState string `json:"desiredState,omitempty"`

	// StateReason is the reason EventBridge gives for the current state, when it gives one.
	// +optional
	StateReason string `json:"stateReason,omitempty"`

	// Replacements counts the times the operator deleted and created again its pipe because it was in a
	// FAILED state (for example CREATE_FAILED on a role IAM had not propagated yet). Replacements back off
	// from 30 seconds to 10 minutes.
	// +optional
	Replacements int32 `json:"replacements,omitempty"`

	// ReplacedAt is when the last replacement started.
	// +optional
	ReplacedAt *metav1.Time `json:"replacedAt,omitempty"`
}

// EventSourceMappingStatus is a pipeline's Lambda event source mapping.
type EventSourceMappingStatus struct {
	// UUID is the mapping's identifier.
	// +optional
	UUID string `json:"uuid,omitempty"`

	// State is the mapping's state, for example Creating, Enabled or Disabled.
	// +optional
	State string `json:"state,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=kp,categories=streaming
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Topic",type=string,JSONPath=`.spec.topic.name`
// +kubebuilder:printcolumn:name="Delivery",type=string,JSONPath=`.spec.delivery`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.deliveryState`,description="State of the EventBridge Pipe or of the Lambda event source mapping"
// +kubebuilder:printcolumn:name="Function",type=string,JSONPath=`.status.function.name`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// KafkaPipeline delivers the records of one Kafka topic to one Lambda function through an EventBridge Pipe or a
// Lambda event source mapping, with failed asynchronous invocations sent to an SQS dead-letter queue.
type KafkaPipeline struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the desired state of the pipeline.
	// +required
	Spec KafkaPipelineSpec `json:"spec"`

	// status is the observed state of the pipeline, written by the controller.
	// +optional
	Status KafkaPipelineStatus `json:"status,omitzero"`
}

// +kubebuilder:object:root=true

// KafkaPipelineList is a list of KafkaPipelines.
type KafkaPipelineList struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitzero"`

	// Items are the KafkaPipelines.
	Items []KafkaPipeline `json:"items"`
}

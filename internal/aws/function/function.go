// Package function manages the Lambda functions the operator owns (a pipeline's, and a cluster's topic admin
// function, attached to the cluster's VPC): created with its code, configuration and
// ownership tags in one call, kept in line with the spec (code, configuration, tags and the asynchronous
// invoke configuration that bounds retries), and deleted only when it is ours. A function the spec names by
// ARN is only observed. Lambda's transitional states and the IAM propagation errors a fresh role causes are
// Waiting outcomes, never failures.
package function

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on the function.
const Component = "function"

// Lambda's defaults, applied when Desired leaves a field zero.
const (
	DefaultMemoryMB       int32 = 128
	DefaultTimeoutSeconds int32 = 3
)

// Waits are how long a Service's outcomes ask to wait before looking at a function again, by what is
// awaited.
type Waits struct {
	// Pending is the wait while the function is being created or deleted (State Pending or Deleting).
	Pending time.Duration
	// Update is the wait while an update is applied (LastUpdateStatus InProgress) or conflicts with one.
	Update time.Duration
	// Propagation is the wait while a new role or policy propagates through IAM.
	Propagation time.Duration
}

// DefaultWaits are the waits for Lambda, whose functions take seconds to become Active.
func DefaultWaits() Waits {
	return Waits{Pending: 5 * time.Second, Update: 5 * time.Second, Propagation: 10 * time.Second}
}

// Desired is the function the spec asks for.
type Desired struct {
	// Name is the function name (naming.Name with naming.SuffixFunction).
	Name string
	// RoleARN is the execution role.
	RoleARN string
	// Runtime and Handler are the runtime (e.g. "provided.al2023") and handler; ignored for image code.
	Runtime, Handler string
	// Architecture is "x86_64" or "arm64"; empty means x86_64.
	Architecture string
	// MemoryMB is the memory size; zero means DefaultMemoryMB.
	MemoryMB int32
	// TimeoutSeconds is the timeout; zero means DefaultTimeoutSeconds.
	TimeoutSeconds int32
	// Environment holds the environment variables.
	Environment map[string]string
	// Code is the deployment package.
	Code Code
	// DLQARN is the dead-letter queue for failed asynchronous events; empty for none.
	DLQARN string
	// VPC attaches the function to subnets and security groups; nil for a function outside any VPC.
	VPC *VPC
	// Retry bounds asynchronous retries (the event invoke configuration); nil leaves it unmanaged.
	Retry *Retry
	// Owner identifies the owning object; its tags mark the function as ours.
	Owner tags.Owner
	// Tags are the user's tags; ownership tags are added to them.
	Tags map[string]string
}

// Code is a deployment package: exactly one of ZipFile, S3 and ImageURI.
type Code struct {
	// ZipFile is the zip archive itself.
	ZipFile []byte
	// Sha256 is CodeSha256(ZipFile) when the caller already knows it, as for a zip it hashed once and
	// deploys again and again; empty, it is computed from ZipFile whenever needed.
	Sha256 string
	// S3 is a zip archive in S3.
	S3 *S3Code
	// ImageURI is a container image in ECR (the function is then an Image package).
	ImageURI string
}

// S3Code locates a zip archive in S3.
type S3Code struct {
	// Bucket and Key locate the object.
	Bucket, Key string
	// ObjectVersion pins a version; without it a new object under the same key is not noticed.
	ObjectVersion string
}

// VPC is a function's attachment to a VPC: Lambda places its network interfaces in the subnets, with the
// security groups.
type VPC struct {
	// SubnetIDs are the subnets (up to 16).
	SubnetIDs []string
	// SecurityGroupIDs are the security groups (up to 5).
	SecurityGroupIDs []string
}

// Retry is the asynchronous invoke configuration.
type Retry struct {
	// MaximumRetryAttempts is 0–2.
	MaximumRetryAttempts int32
	// MaximumEventAgeSeconds is 60–21600.
	MaximumEventAgeSeconds int32
}

// Observed is what Lambda has.
type Observed struct {
	// ARN is the unqualified function ARN.
	ARN string
	// Name is the function name.
	Name string
	// CodeSha256 is the base64 SHA-256 of the deployment package.
	CodeSha256 string
	// ImageURI is the image of an Image package.
	ImageURI string
	// PackageType is Zip or Image.
	PackageType string
	// State is the function state (Pending, Active, Inactive, Failed, ...), with its reason.
	State, StateReason string
	// LastUpdateStatus is the last update's status (InProgress, Successful, Failed), with its reason.
	LastUpdateStatus, LastUpdateStatusReason string
	// RoleARN is the execution role in force.
	RoleARN string
	// Runtime and Handler are the runtime and handler in force (empty for an Image package).
	Runtime, Handler string
	// Architecture is the instruction set architecture in force.
	Architecture string
	// MemoryMB and TimeoutSeconds are the memory size and timeout in force.
	MemoryMB, TimeoutSeconds int32
	// Environment holds the environment variables in force.
	Environment map[string]string
	// DLQARN is the dead-letter queue in force; empty for none.
	DLQARN string
	// VPC is the VPC attachment in force; nil for none.
	VPC *VPC
	// Retry is the event invoke configuration; nil when there is none or it was not read.
	Retry *Retry
	// Tags are the function's tags.
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages functions through one Lambda client.
type Service struct {
	api   awsapi.LambdaAPI
	logs  awsapi.LogsAPI
	waits Waits
}

// New returns a Service using api that waits as waits says. With a non-nil logs client, Delete also
// deletes the function's log group (/aws/lambda/<name>), which Lambda creates and never removes; with nil,
// log groups are kept.
func New(api awsapi.LambdaAPI, logs awsapi.LogsAPI, waits Waits) *Service {
	return &Service{api: api, logs: logs, waits: waits}
}

// observe converts a function configuration and its tags.
func observe(c *lambdatypes.FunctionConfiguration, imageURI string, tagMap map[string]string) *Observed {
	o := &Observed{ARN: aws.ToString(c.FunctionArn), Name: aws.ToString(c.FunctionName), CodeSha256: aws.ToString(c.CodeSha256),
		ImageURI: imageURI, PackageType: string(c.PackageType), State: string(c.State),
		StateReason: aws.ToString(c.StateReason), LastUpdateStatus: string(c.LastUpdateStatus),
		LastUpdateStatusReason: aws.ToString(c.LastUpdateStatusReason), RoleARN: aws.ToString(c.Role), Runtime: string(c.Runtime),
		Handler: aws.ToString(c.Handler), Architecture: string(lambdatypes.ArchitectureX8664), Tags: map[string]string{},
		Environment: map[string]string{}}
	if len(c.Architectures) > 0 {
		o.Architecture = string(c.Architectures[0])
	}
	if c.MemorySize != nil {
		o.MemoryMB = *c.MemorySize
	}
	if c.Timeout != nil {
		o.TimeoutSeconds = *c.Timeout
	}
	if c.Environment != nil {
		for k, v := range c.Environment.Variables {
			o.Environment[k] = v
		}
	}
	if c.DeadLetterConfig != nil {
		o.DLQARN = aws.ToString(c.DeadLetterConfig.TargetArn)
	}
	if v := c.VpcConfig; v != nil && (len(v.SubnetIds) > 0 || len(v.SecurityGroupIds) > 0) {
		o.VPC = &VPC{SubnetIDs: slices.Clone(v.SubnetIds), SecurityGroupIDs: slices.Clone(v.SecurityGroupIds)}
	}
	for k, v := range tagMap {
		o.Tags[k] = v
	}
	return o
}

// managed is the function of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
}

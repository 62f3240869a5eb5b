// Package pipe manages the EventBridge Pipe that reads a topic of an MSK cluster and invokes a Lambda
// function: it finds the pipe by name, creates it with ownership tags, updates what Pipes lets change
// (role, batching, target, invocation type), starts and stops it to suspend and resume, refuses changes to
// what Pipes cannot change (source, topic, starting position, consumer group), repairs tag drift, and
// deletes it.
package pipe

import (
	"time"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on pipes.
const Component = "pipe"

// Desired states of a pipe.
const (
	StateRunning = "RUNNING"
	StateStopped = "STOPPED"
)

// Waits are how long a Service's outcomes ask to wait before looking at a pipe again.
type Waits struct {
	// Transition is the wait while a pipe is CREATING, UPDATING, STARTING or STOPPING.
	Transition time.Duration
}

// DefaultWaits are the waits for EventBridge Pipes, whose transitions take seconds to minutes.
func DefaultWaits() Waits { return Waits{Transition: 10 * time.Second} }

// Desired is the pipe an object asks for.
type Desired struct {
	// Name is the deterministic pipe name (naming.Name with naming.SuffixPipe).
	Name string
	// RoleARN is the pipe's execution role.
	RoleARN string
	// SourceClusterARN is the MSK cluster the pipe reads. Create-only.
	SourceClusterARN string
	// Topic is the topic the pipe reads. Create-only.
	Topic string
	// StartingPosition is TRIM_HORIZON or LATEST. Create-only.
	StartingPosition string
	// BatchSize is the most records per invocation (1–10000); 0 leaves Pipes' default.
	BatchSize int32
	// MaximumBatchingWindowSeconds is how long to gather a batch (0–300).
	MaximumBatchingWindowSeconds int32
	// ConsumerGroupID is the Kafka consumer group; empty lets Pipes choose. Create-only.
	ConsumerGroupID string
	// TargetFunctionARN is the Lambda function the pipe invokes.
	TargetFunctionARN string
	// InvocationType is FIRE_AND_FORGET or REQUEST_RESPONSE; empty leaves Pipes' default.
	InvocationType string
	// DesiredState is RUNNING, or STOPPED to suspend the pipe; empty means RUNNING.
	DesiredState string
	// Owner identifies the owning object; its tags mark the pipe as the operator's.
	Owner tags.Owner
	// Tags are the user's tags, merged under the ownership tags.
	Tags map[string]string
}

// tags returns every tag the pipe should carry.
func (d Desired) tags() map[string]string { return d.Owner.Tags(Component, d.Tags) }

// state returns the desired state, RUNNING when unset.
func (d Desired) state() string {
	if d.DesiredState == "" {
		return StateRunning
	}
	return d.DesiredState
}

// Observed is what Pipes reports about a pipe.
type Observed struct {
	// ARN and Name identify the pipe.
	ARN, Name string
	// CurrentState is the pipe's state (RUNNING, STOPPED, CREATING, ..., CREATE_FAILED, ...).
	CurrentState string
	// DesiredState is the state Pipes is moving the pipe to (RUNNING, STOPPED, DELETED).
	DesiredState string
	// StateReason is Pipes' explanation of the current state, when it gives one.
	StateReason string
	// RoleARN, Source and Target are the pipe's role, source ARN and target ARN.
	RoleARN, Source, Target string
	// Topic, StartingPosition and ConsumerGroupID are the MSK source's create-only parameters.
	Topic, StartingPosition, ConsumerGroupID string
	// BatchSize and MaximumBatchingWindowSeconds are the MSK source's batching parameters.
	BatchSize, MaximumBatchingWindowSeconds int32
	// InvocationType is how the Lambda target is invoked.
	InvocationType string
	// Tags are the pipe's tags.
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages EventBridge Pipes.
type Service struct {
	api   awsapi.PipesAPI
	waits Waits
}

// New returns a Service that calls EventBridge Pipes through api and waits as waits says.
func New(api awsapi.PipesAPI, waits Waits) *Service { return &Service{api: api, waits: waits} }

// managed is the pipe of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
}

// Package esm manages the Lambda event source mapping that delivers a topic of an MSK cluster to a
// function, the alternative to a pipe: it finds the mapping by its UUID hint or by function, cluster and
// topic, creates it with ownership tags, updates batching, the enabled flag (suspend) and the on-failure
// destination, refuses changes to its create-only members, repairs tag drift, and deletes it.
package esm

import (
	"time"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on event source mappings.
const Component = "event-source-mapping"

// Mapping states Lambda reports.
const (
	StateCreating  = "Creating"
	StateEnabling  = "Enabling"
	StateEnabled   = "Enabled"
	StateDisabling = "Disabling"
	StateDisabled  = "Disabled"
	StateUpdating  = "Updating"
	StateDeleting  = "Deleting"
)

// Waits are how long a Service's outcomes ask to wait before looking at a mapping again.
type Waits struct {
	// Transition is the wait while a mapping is Creating, Enabling, Updating, ..., and after Lambda refused
	// a role that has not propagated yet.
	Transition time.Duration
}

// DefaultWaits are the waits for Lambda, whose mappings take seconds to change state.
func DefaultWaits() Waits { return Waits{Transition: 10 * time.Second} }

// Desired is the event source mapping an object asks for.
type Desired struct {
	// FunctionName is the target function's name or ARN.
	FunctionName string
	// ClusterARN is the MSK cluster the mapping reads. Create-only.
	ClusterARN string
	// Topic is the topic the mapping reads. Create-only.
	Topic string
	// StartingPosition is TRIM_HORIZON or LATEST. Create-only.
	StartingPosition string
	// BatchSize is the most records per invocation (1–10000); 0 leaves Lambda's default.
	BatchSize int32
	// MaximumBatchingWindowSeconds is how long to gather a batch (0–300).
	MaximumBatchingWindowSeconds int32
	// ConsumerGroupID is the Kafka consumer group; empty lets Lambda choose. Create-only.
	ConsumerGroupID string
	// Enabled is false to suspend delivery.
	Enabled bool
	// OnFailureDestination is the ARN records that cannot be delivered go to (an SQS queue); empty for none.
	OnFailureDestination string
	// Owner identifies the owning object; its tags mark the mapping as the operator's.
	Owner tags.Owner
	// Tags are the user's tags, merged under the ownership tags.
	Tags map[string]string
}

// tags returns every tag the mapping should carry.
func (d Desired) tags() map[string]string { return d.Owner.Tags(Component, d.Tags) }

// state returns the steady state the mapping should reach.
func (d Desired) state() string {
	if d.Enabled {
		return StateEnabled
	}
	return StateDisabled
}

// Observed is what Lambda reports about a mapping.
type Observed struct {
	// UUID and ARN identify the mapping.
	UUID, ARN string
	// FunctionARN and EventSourceARN are the target function and the source cluster.
	FunctionARN, EventSourceARN string
	// Topic, StartingPosition and ConsumerGroupID are the create-only source members.
	Topic, StartingPosition, ConsumerGroupID string
	// BatchSize and MaximumBatchingWindowSeconds are the batching members.
	BatchSize, MaximumBatchingWindowSeconds int32
	// OnFailureDestination is the on-failure destination ARN, if any.
	OnFailureDestination string
	// State is the mapping state (Creating, Enabled, Disabled, ...).
	State string
	// StateTransitionReason says why the state last changed.
	StateTransitionReason string
	// LastProcessingResult is Lambda's last polling result ("OK", "No records processed", "PROBLEM: ...").
	LastProcessingResult string
	// Tags are the mapping's tags.
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages Lambda event source mappings.
type Service struct {
	api   awsapi.LambdaAPI
	waits Waits
}

// New returns a Service that calls Lambda through api and waits as waits says.
func New(api awsapi.LambdaAPI, waits Waits) *Service { return &Service{api: api, waits: waits} }

// managed is the mapping of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
}

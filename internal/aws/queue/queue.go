// Package queue manages the SQS dead-letter queue of a pipeline: a standard queue with the pipeline's
// retention, found by its deterministic name, created with its ownership tags in the same call, kept in line
// with the spec, and deleted only when it is ours. A queue the spec names by ARN is only observed.
package queue

import (
	"strings"
	"time"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on the queue.
const Component = "dead-letter-queue"

// DefaultRetentionSeconds is the retention of a queue whose Desired leaves it zero: 14 days, the maximum,
// as in the original stack.
const DefaultRetentionSeconds int32 = 1209600

// Desired is the queue the spec asks for.
type Desired struct {
	// Name is the queue name (naming.Name with naming.SuffixQueue).
	Name string
	// RetentionSeconds is MessageRetentionPeriod (60–1209600); zero means DefaultRetentionSeconds.
	RetentionSeconds int32
	// Owner identifies the owning object; its tags mark the queue as ours.
	Owner tags.Owner
	// Tags are the user's tags; ownership tags are added to them.
	Tags map[string]string
}

// retention returns the retention to apply.
func (d Desired) retention() int32 {
	if d.RetentionSeconds == 0 {
		return DefaultRetentionSeconds
	}
	return d.RetentionSeconds
}

// tags returns every tag the queue must carry.
func (d Desired) tags() map[string]string { return d.Owner.Tags(Component, d.Tags) }

// Observed is what SQS has.
type Observed struct {
	// URL is the queue URL (what SQS calls take).
	URL string
	// ARN is the queue ARN (what Lambda's DeadLetterConfig and IAM policies take).
	ARN string
	// Name is the queue name.
	Name string
	// RetentionSeconds is the MessageRetentionPeriod in force.
	RetentionSeconds int32
	// Tags are the queue's tags (empty for an external queue, whose tags are not read).
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Waits are how long a Service's outcomes ask to wait before trying again.
type Waits struct {
	// DeletedRecently is the wait before creating a queue again after SQS refused the name because a queue
	// of that name was deleted less than 60 seconds ago.
	DeletedRecently time.Duration
}

// DefaultWaits are the waits for SQS, which refuses a deleted queue's name for 60 seconds.
func DefaultWaits() Waits { return Waits{DeletedRecently: 20 * time.Second} }

// Service manages dead-letter queues through one SQS client.
type Service struct {
	api   awsapi.SQSAPI
	waits Waits
}

// New returns a Service using api that waits as waits says.
func New(api awsapi.SQSAPI, waits Waits) *Service { return &Service{api: api, waits: waits} }

// isURL reports whether a hint is a queue URL rather than an ARN.
func isURL(hint string) bool {
	return strings.HasPrefix(hint, "https://") || strings.HasPrefix(hint, "http://")
}

// managed is the queue of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
}

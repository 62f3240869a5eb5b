package esm

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Terminal error codes per operation: the parameter errors retrying cannot fix (after the role
// propagation case of InvalidParameterValueException is taken out).
var (
	createTerminal = []string{"InvalidParameterValueException"}
	updateTerminal = []string{"InvalidParameterValueException"}
	tagTerminal    = []string{"InvalidParameterValueException"}
)

// transitional are the states Lambda moves out of by itself.
var transitional = map[string]string{
	StateCreating:  awserr.ReasonCreating,
	StateEnabling:  awserr.ReasonUpdating,
	StateDisabling: awserr.ReasonUpdating,
	StateUpdating:  awserr.ReasonUpdating,
	StateDeleting:  awserr.ReasonDeleting,
}

// Ensure makes the mapping exist as desired: it finds it by hint or by function, cluster and topic
// (adopting an owned one), creates it when absent, updates batching, the enabled flag and the on-failure
// destination when they differ, and repairs tag drift. Transitional states give a Waiting outcome with the
// Result.
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Create makes a new mapping; a conflict means a mapping of that function, cluster and topic appeared
// meanwhile.
func (m managed) Create(ctx context.Context) (Result, error) {
	d := m.d
	in := &lambda.CreateEventSourceMappingInput{
		FunctionName:                   aws.String(d.FunctionName),
		EventSourceArn:                 aws.String(d.ClusterARN),
		Topics:                         []string{d.Topic},
		StartingPosition:               types.EventSourcePosition(d.StartingPosition),
		BatchSize:                      batchSize(d),
		MaximumBatchingWindowInSeconds: aws.Int32(d.MaximumBatchingWindowSeconds),
		Enabled:                        aws.Bool(d.Enabled),
		Tags:                           d.tags(),
	}
	if d.ConsumerGroupID != "" {
		in.AmazonManagedKafkaEventSourceConfig = &types.AmazonManagedKafkaEventSourceConfig{ConsumerGroupId: aws.String(d.ConsumerGroupID)}
	}
	if d.OnFailureDestination != "" {
		in.DestinationConfig = destination(d.OnFailureDestination)
	}
	out, err := m.api.CreateEventSourceMapping(ctx, in)
	if err != nil {
		err = m.waits.classify(err, fmt.Sprintf("creating event source mapping of function %q to topic %q", d.FunctionName, d.Topic), createTerminal)
		if awserr.HasCode(err, "ResourceConflictException") {
			err = owned.Conflict(err)
		}
		return Result{}, err
	}
	o := observedFromOutput((*lambda.GetEventSourceMappingOutput)(out))
	o.Tags = d.tags()
	return Result{Observed: o, Created: true},
		outcome.Wait(m.waits.Transition, awserr.ReasonCreating, "event source mapping %s is being created", o.UUID)
}

// Update brings a found mapping of the owner's to the desired state and reports it.
func (m managed) Update(ctx context.Context, o *Observed, res Result) (Result, error) {
	d := m.d
	res.Observed = o
	if reason, ok := transitional[o.State]; ok {
		return res, outcome.Wait(m.waits.Transition, reason, "event source mapping %s is %s", o.UUID, o.State)
	}
	if err := immutable(o, d); err != nil {
		return res, err
	}
	retagged, err := m.retag(ctx, o, d.tags())
	res.Updated = retagged
	if err != nil {
		return res, err
	}
	in, diff := update(o, d)
	if diff == "" {
		return res, nil
	}
	out, err := m.api.UpdateEventSourceMapping(ctx, in)
	if err != nil {
		return res, m.waits.classify(err, fmt.Sprintf("updating event source mapping %s (%s)", o.UUID, diff), updateTerminal)
	}
	res.Updated = true
	updated := observedFromOutput((*lambda.GetEventSourceMappingOutput)(out))
	updated.Tags = o.Tags
	res.Observed = updated
	return res, outcome.Wait(m.waits.Transition, awserr.ReasonUpdating, "event source mapping %s is being updated (%s)", o.UUID, diff)
}

// update returns the UpdateEventSourceMapping input carrying the members that differ, and a description of
// them; "" when nothing differs. The update merges: members not sent keep their values.
func update(o *Observed, d Desired) (*lambda.UpdateEventSourceMappingInput, string) {
	in := &lambda.UpdateEventSourceMappingInput{UUID: aws.String(o.UUID)}
	var diffs []string
	add := func(member string, have, want any) {
		diffs = append(diffs, fmt.Sprintf("%s %v → %v", member, have, want))
	}
	if d.BatchSize != 0 && o.BatchSize != d.BatchSize {
		in.BatchSize = aws.Int32(d.BatchSize)
		add("BatchSize", o.BatchSize, d.BatchSize)
	}
	if o.MaximumBatchingWindowSeconds != d.MaximumBatchingWindowSeconds {
		in.MaximumBatchingWindowInSeconds = aws.Int32(d.MaximumBatchingWindowSeconds)
		add("MaximumBatchingWindowInSeconds", o.MaximumBatchingWindowSeconds, d.MaximumBatchingWindowSeconds)
	}
	if o.State != d.state() {
		in.Enabled = aws.Bool(d.Enabled)
		add("Enabled", o.State == StateEnabled, d.Enabled)
	}
	if o.OnFailureDestination != d.OnFailureDestination {
		// An empty destination removes the one configured.
		in.DestinationConfig = destination(d.OnFailureDestination)
		add("OnFailure destination", quoted(o.OnFailureDestination), quoted(d.OnFailureDestination))
	}
	return in, strings.Join(diffs, ", ")
}

// immutable refuses a difference in the create-only members. Admission already refuses such a change;
// this catches one that got past it.
func immutable(o *Observed, d Desired) error {
	checks := [][3]string{
		{"event source", o.EventSourceARN, d.ClusterARN},
		{"topic", o.Topic, d.Topic},
		{"starting position", o.StartingPosition, d.StartingPosition},
	}
	if d.ConsumerGroupID != "" {
		checks = append(checks, [3]string{"consumer group", o.ConsumerGroupID, d.ConsumerGroupID})
	}
	for _, c := range checks {
		if c[1] != c[2] {
			return outcome.Failf(awserr.ReasonInvalidSpec,
				"event source mapping %s has %s %q but the spec asks for %q; it cannot change on an existing mapping",
				o.UUID, c[0], c[1], c[2])
		}
	}
	return nil
}

// retag makes the mapping's tags equal want, writing only the differences.
func (s *Service) retag(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	set, remove := awsapi.LambdaTagCalls(ctx, s.api, o.ARN)
	return tags.Retag(&o.Tags, want, "event source mapping "+o.UUID, awserr.Classifier(tagTerminal...), set, remove)
}

// classify is awserr.Classify for mapping writes, except that Lambda refusing a role whose permissions
// have not propagated yet is a Waiting outcome.
func (w Waits) classify(err error, what string, terminal []string) error {
	if rolePropagating(err) {
		return outcome.Wait(w.Transition, awserr.ReasonDependencyNotReady, "%s: %s (waiting for IAM to propagate the function role's permissions)", what, awserr.Message(err))
	}
	return awserr.Classify(err, what, terminal...)
}

// rolePropagating reports whether err is Lambda's InvalidParameterValueException about the function's
// execution role, which a role or policy created seconds earlier causes until IAM propagates it.
func rolePropagating(err error) bool {
	if !awserr.HasCode(err, "InvalidParameterValueException") {
		return false
	}
	msg := strings.ToLower(awserr.Message(err))
	return strings.Contains(msg, "execution role does not have permissions") ||
		strings.Contains(msg, "cannot be assumed by lambda")
}

func batchSize(d Desired) *int32 {
	if d.BatchSize == 0 {
		return nil
	}
	return aws.Int32(d.BatchSize)
}

func destination(arn string) *types.DestinationConfig {
	return &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(arn)}}
}

func quoted(s string) string { return fmt.Sprintf("%q", s) }

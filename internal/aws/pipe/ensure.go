package pipe

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Terminal error codes per operation: the parameter errors retrying cannot fix.
var (
	createTerminal = []string{"ValidationException"}
	updateTerminal = []string{"ValidationException"}
	tagTerminal    = []string{"ValidationException"}
)

// transitional are the states Pipes moves out of by itself.
var transitional = map[types.PipeState]string{
	types.PipeStateCreating: awserr.ReasonCreating,
	types.PipeStateUpdating: awserr.ReasonUpdating,
	types.PipeStateStarting: awserr.ReasonUpdating,
	types.PipeStateStopping: awserr.ReasonUpdating,
	types.PipeStateDeleting: awserr.ReasonDeleting,
}

// Ensure makes the pipe exist as desired: it finds it by hint or name (adopting an owned one), creates it
// when absent, updates what differs, starts or stops it to match the desired state, and repairs tag drift.
// Transitional states give a Waiting outcome and failed states a Terminal one carrying Pipes' StateReason;
// the Result is returned with both.
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Create makes a new pipe; a name conflict means another writer created it first.
func (m managed) Create(ctx context.Context) (Result, error) {
	d := m.d
	out, err := m.api.CreatePipe(ctx, &pipes.CreatePipeInput{
		Name:         aws.String(d.Name),
		RoleArn:      aws.String(d.RoleARN),
		Source:       aws.String(d.SourceClusterARN),
		Target:       aws.String(d.TargetFunctionARN),
		DesiredState: types.RequestedPipeState(d.state()),
		SourceParameters: &types.PipeSourceParameters{
			ManagedStreamingKafkaParameters: &types.PipeSourceManagedStreamingKafkaParameters{
				TopicName:                      aws.String(d.Topic),
				StartingPosition:               types.MSKStartPosition(d.StartingPosition),
				BatchSize:                      batchSize(d),
				MaximumBatchingWindowInSeconds: aws.Int32(d.MaximumBatchingWindowSeconds),
				ConsumerGroupID:                optional(d.ConsumerGroupID),
			},
		},
		TargetParameters: targetParameters(d),
		Tags:             d.tags(),
	})
	if err != nil {
		err = awserr.Classify(err, fmt.Sprintf("creating pipe %q", d.Name), createTerminal...)
		if awserr.HasCode(err, "ConflictException") {
			err = owned.Conflict(err)
		}
		return Result{}, err
	}
	o := desiredObserved(d)
	o.ARN = aws.ToString(out.Arn)
	o.CurrentState = string(out.CurrentState)
	o.DesiredState = string(out.DesiredState)
	return Result{Observed: o, Created: true},
		outcome.Wait(m.waits.Transition, awserr.ReasonCreating, "pipe %q is being created", d.Name)
}

// desiredObserved is what a pipe created from d reports.
func desiredObserved(d Desired) *Observed {
	return &Observed{
		Name:                         d.Name,
		RoleARN:                      d.RoleARN,
		Source:                       d.SourceClusterARN,
		Target:                       d.TargetFunctionARN,
		Topic:                        d.Topic,
		StartingPosition:             d.StartingPosition,
		ConsumerGroupID:              d.ConsumerGroupID,
		BatchSize:                    d.BatchSize,
		MaximumBatchingWindowSeconds: d.MaximumBatchingWindowSeconds,
		InvocationType:               d.InvocationType,
		Tags:                         d.tags(),
	}
}

// Update brings a found pipe of the owner's to the desired state and reports it.
func (m managed) Update(ctx context.Context, p *pipes.DescribePipeOutput, res Result) (Result, error) {
	d := m.d
	o := observed(p)
	res.Observed = o
	if reason, ok := transitional[p.CurrentState]; ok {
		return res, outcome.Wait(m.waits.Transition, reason, "pipe %q is %s", o.Name, o.CurrentState)
	}
	if strings.HasSuffix(o.CurrentState, "_FAILED") {
		return res, outcome.Failf(awserr.ReasonProvisioningFailed, "pipe %q is %s: %s", o.Name, o.CurrentState, o.StateReason)
	}
	if err := immutable(o, d); err != nil {
		return res, err
	}
	retagged, err := m.retag(ctx, o, d.tags())
	res.Updated = retagged
	if err != nil {
		return res, err
	}
	if diff := configDiff(o, d); diff != "" {
		out, err := m.api.UpdatePipe(ctx, &pipes.UpdatePipeInput{
			Name:         aws.String(o.Name),
			RoleArn:      aws.String(d.RoleARN),
			Target:       aws.String(d.TargetFunctionARN),
			DesiredState: types.RequestedPipeState(d.state()),
			// A sent parameters object replaces the pipe's, so it carries every updatable member.
			SourceParameters: &types.UpdatePipeSourceParameters{
				ManagedStreamingKafkaParameters: &types.UpdatePipeSourceManagedStreamingKafkaParameters{
					BatchSize:                      batchSize(d),
					MaximumBatchingWindowInSeconds: aws.Int32(d.MaximumBatchingWindowSeconds),
				},
			},
			TargetParameters: targetParameters(d),
		})
		if err != nil {
			return res, awserr.Classify(err, fmt.Sprintf("updating pipe %q (%s)", o.Name, diff), updateTerminal...)
		}
		res.Updated = true
		o.apply(d)
		o.CurrentState, o.DesiredState = string(out.CurrentState), string(out.DesiredState)
		return res, outcome.Wait(m.waits.Transition, awserr.ReasonUpdating, "pipe %q is being updated (%s)", o.Name, diff)
	}
	return m.matchState(ctx, res, d)
}

// matchState starts or stops the pipe when its state differs from the desired one.
func (s *Service) matchState(ctx context.Context, res Result, d Desired) (Result, error) {
	o := res.Observed
	switch want := d.state(); {
	case o.CurrentState == want:
		return res, nil
	case want == StateRunning:
		out, err := s.api.StartPipe(ctx, &pipes.StartPipeInput{Name: aws.String(o.Name)})
		if err != nil {
			return res, awserr.Classify(err, fmt.Sprintf("starting pipe %q", o.Name))
		}
		o.CurrentState, o.DesiredState = string(out.CurrentState), string(out.DesiredState)
	default:
		out, err := s.api.StopPipe(ctx, &pipes.StopPipeInput{Name: aws.String(o.Name)})
		if err != nil {
			return res, awserr.Classify(err, fmt.Sprintf("stopping pipe %q", o.Name))
		}
		o.CurrentState, o.DesiredState = string(out.CurrentState), string(out.DesiredState)
	}
	res.Updated = true
	return res, outcome.Wait(s.waits.Transition, awserr.ReasonUpdating, "pipe %q is moving to %s", o.Name, d.state())
}

// apply records in o the updatable configuration of d after a successful UpdatePipe.
func (o *Observed) apply(d Desired) {
	o.RoleARN = d.RoleARN
	o.Target = d.TargetFunctionARN
	if d.BatchSize != 0 {
		o.BatchSize = d.BatchSize
	}
	o.MaximumBatchingWindowSeconds = d.MaximumBatchingWindowSeconds
	if d.InvocationType != "" {
		o.InvocationType = d.InvocationType
	}
}

// configDiff names the updatable members that differ, or returns "" when none does.
func configDiff(o *Observed, d Desired) string {
	var diffs []string
	add := func(member string, have, want any) {
		diffs = append(diffs, fmt.Sprintf("%s %v → %v", member, have, want))
	}
	if o.RoleARN != d.RoleARN {
		add("RoleArn", o.RoleARN, d.RoleARN)
	}
	if o.Target != d.TargetFunctionARN {
		add("Target", o.Target, d.TargetFunctionARN)
	}
	if d.BatchSize != 0 && o.BatchSize != d.BatchSize {
		add("BatchSize", o.BatchSize, d.BatchSize)
	}
	if o.MaximumBatchingWindowSeconds != d.MaximumBatchingWindowSeconds {
		add("MaximumBatchingWindowInSeconds", o.MaximumBatchingWindowSeconds, d.MaximumBatchingWindowSeconds)
	}
	if d.InvocationType != "" && o.InvocationType != d.InvocationType {
		add("InvocationType", o.InvocationType, d.InvocationType)
	}
	return strings.Join(diffs, ", ")
}

// immutable refuses a difference in what Pipes cannot change on an existing pipe. Admission already
// refuses such a change; this catches one that got past it.
func immutable(o *Observed, d Desired) error {
	check := func(member, have, want string) error {
		if have == want {
			return nil
		}
		return outcome.Failf(awserr.ReasonInvalidSpec,
			"pipe %q has %s %q but the spec asks for %q; it cannot change on an existing pipe", o.Name, member, have, want)
	}
	for _, c := range [][3]string{
		{"source", o.Source, d.SourceClusterARN},
		{"topic", o.Topic, d.Topic},
		{"starting position", o.StartingPosition, d.StartingPosition},
	} {
		if err := check(c[0], c[1], c[2]); err != nil {
			return err
		}
	}
	if d.ConsumerGroupID != "" {
		return check("consumer group", o.ConsumerGroupID, d.ConsumerGroupID)
	}
	return nil
}

// retag makes the pipe's tags equal want, writing only the differences.
func (s *Service) retag(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	arn := aws.String(o.ARN)
	return tags.Retag(&o.Tags, want, fmt.Sprintf("pipe %q", o.Name), awserr.Classifier(tagTerminal...),
		func(set map[string]string) error {
			_, err := s.api.TagResource(ctx, &pipes.TagResourceInput{ResourceArn: arn, Tags: set})
			return err
		},
		func(keys []string) error {
			_, err := s.api.UntagResource(ctx, &pipes.UntagResourceInput{ResourceArn: arn, TagKeys: keys})
			return err
		})
}

func batchSize(d Desired) *int32 {
	if d.BatchSize == 0 {
		return nil
	}
	return aws.Int32(d.BatchSize)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func targetParameters(d Desired) *types.PipeTargetParameters {
	if d.InvocationType == "" {
		return nil
	}
	return &types.PipeTargetParameters{LambdaFunctionParameters: &types.PipeTargetLambdaFunctionParameters{
		InvocationType: types.PipeTargetInvocationType(d.InvocationType),
	}}
}

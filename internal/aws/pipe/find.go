package pipe

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pipes"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// describe returns the pipe of that name, or nil when it does not exist.
func (s *Service) describe(ctx context.Context, name string) (*pipes.DescribePipeOutput, error) {
	out, err := s.api.DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String(name)})
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("describing pipe %q", name), "ValidationException")
	}
	return out, nil
}

// find returns the pipe named by the hint ARN, else the one with the desired name, or nil. byHint reports
// that the hint found it.
func (s *Service) find(ctx context.Context, hint string, d Desired) (p *pipes.DescribePipeOutput, byHint bool, err error) {
	if name := nameOf(hint); name != "" && name != d.Name {
		p, err := s.describe(ctx, name)
		if err != nil || p != nil {
			return p, p != nil, err
		}
	}
	p, err = s.describe(ctx, d.Name)
	return p, p != nil && hint != "" && aws.ToString(p.Arn) == hint, err
}

// nameOf returns the pipe name of a pipe ARN (arn:aws:pipes:<region>:<account>:pipe/<name>), or "".
func nameOf(arn string) string {
	_, name, ok := strings.Cut(arn, ":pipe/")
	if !ok {
		return ""
	}
	return name
}

// notOwned is the Terminal outcome for a pipe that exists without the owner's tags.
func notOwned(p *pipes.DescribePipeOutput, d Desired) error {
	return d.Owner.NotOwned(fmt.Sprintf("pipe %q (%s)", aws.ToString(p.Name), aws.ToString(p.Arn)))
}

// observed converts what DescribePipe reports.
func observed(p *pipes.DescribePipeOutput) *Observed {
	o := &Observed{
		ARN:          aws.ToString(p.Arn),
		Name:         aws.ToString(p.Name),
		CurrentState: string(p.CurrentState),
		DesiredState: string(p.DesiredState),
		StateReason:  aws.ToString(p.StateReason),
		RoleARN:      aws.ToString(p.RoleArn),
		Source:       aws.ToString(p.Source),
		Target:       aws.ToString(p.Target),
		Tags:         maps.Clone(p.Tags),
	}
	if p.SourceParameters != nil && p.SourceParameters.ManagedStreamingKafkaParameters != nil {
		k := p.SourceParameters.ManagedStreamingKafkaParameters
		o.Topic = aws.ToString(k.TopicName)
		o.StartingPosition = string(k.StartingPosition)
		o.ConsumerGroupID = aws.ToString(k.ConsumerGroupID)
		o.BatchSize = aws.ToInt32(k.BatchSize)
		o.MaximumBatchingWindowSeconds = aws.ToInt32(k.MaximumBatchingWindowInSeconds)
	}
	if p.TargetParameters != nil && p.TargetParameters.LambdaFunctionParameters != nil {
		o.InvocationType = string(p.TargetParameters.LambdaFunctionParameters.InvocationType)
	}
	return o
}

// Observe reads the pipe without changing anything: nil, nil when it does not exist; a Terminal NotOwned
// outcome when a pipe of that name exists without the owner's tags.
func (s *Service) Observe(ctx context.Context, hint string, d Desired) (*Observed, error) {
	p, _, err := s.find(ctx, hint, d)
	if err != nil || p == nil {
		return nil, err
	}
	if !d.Owner.Owns(p.Tags) {
		return nil, notOwned(p, d)
	}
	return observed(p), nil
}

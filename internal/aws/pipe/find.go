package pipe

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pipes"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
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

// Find returns the pipe named by the hint ARN, else the one with the desired name, or nil.
func (m managed) Find(ctx context.Context) (*owned.Found[*pipes.DescribePipeOutput], error) {
	if name := nameOf(m.hint); name != "" && name != m.d.Name {
		p, err := m.describe(ctx, name)
		if err != nil || p != nil {
			return found(p, true), err
		}
	}
	p, err := m.describe(ctx, m.d.Name)
	return found(p, p != nil && m.hint != "" && aws.ToString(p.Arn) == m.hint), err
}

// found is what the rules judge of a pipe found; nil for none.
func found(p *pipes.DescribePipeOutput, byHint bool) *owned.Found[*pipes.DescribePipeOutput] {
	if p == nil {
		return nil
	}
	return owned.One(p, byHint, fmt.Sprintf("pipe %q (%s)", aws.ToString(p.Name), aws.ToString(p.Arn)), p.Tags)
}

// nameOf returns the pipe name of a pipe ARN (arn:aws:pipes:<region>:<account>:pipe/<name>), or "".
func nameOf(arn string) string {
	_, name, ok := strings.Cut(arn, ":pipe/")
	if !ok {
		return ""
	}
	return name
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

package esm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// listPageSize is the page size of mapping lookups.
const listPageSize = 100

// lookupTerminal are the codes that make a lookup hopeless until the spec changes (a malformed function
// name or cluster ARN).
var lookupTerminal = []string{"InvalidParameterValueException"}

// Find returns the mapping with the hint UUID, else the one of the desired function, cluster and topic,
// with its tags, or nil. Among several candidates it prefers the owner's, and a live one over one being
// deleted.
func (m managed) Find(ctx context.Context) (*owned.Found[*Observed], error) {
	d := m.d
	if m.hint != "" {
		out, err := m.api.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(m.hint)})
		switch {
		case awserr.IsNotFound(err):
		case err != nil:
			return nil, awserr.Classify(err, fmt.Sprintf("getting event source mapping %s", m.hint), lookupTerminal...)
		default:
			o, err := m.withTags(ctx, observedFromOutput(out))
			return found(o, true), err
		}
	}
	p := lambda.NewListEventSourceMappingsPaginator(m.api, &lambda.ListEventSourceMappingsInput{
		FunctionName:   aws.String(d.FunctionName),
		EventSourceArn: aws.String(d.ClusterARN),
		MaxItems:       aws.Int32(listPageSize),
	})
	var best *Observed
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if awserr.IsNotFound(err) {
			return nil, nil // the function does not exist, so neither does a mapping to it
		}
		if err != nil {
			return nil, awserr.Classify(err, fmt.Sprintf("listing event source mappings of function %q", d.FunctionName), lookupTerminal...)
		}
		for _, c := range page.EventSourceMappings {
			if !slices.Contains(c.Topics, d.Topic) {
				continue
			}
			o, err := m.withTags(ctx, observedFrom(c))
			if err != nil {
				return nil, err
			}
			if o != nil && (best == nil || preference(o, d) > preference(best, d)) {
				best = o
			}
		}
	}
	return found(best, false), nil
}

// found is what the rules judge of a mapping found; nil for none.
func found(o *Observed, byHint bool) *owned.Found[*Observed] {
	if o == nil {
		return nil
	}
	return owned.One(o, byHint, fmt.Sprintf("event source mapping %s (function %s, topic %q)", o.UUID, o.FunctionARN, o.Topic), o.Tags)
}

// preference ranks candidate mappings: owned first, then not being deleted.
func preference(o *Observed, d Desired) int {
	rank := 0
	if d.Owner.Owns(o.Tags) {
		rank += 2
	}
	if o.State != StateDeleting {
		rank++
	}
	return rank
}

// withTags reads the mapping's tags into o; nil when the mapping has gone meanwhile.
func (s *Service) withTags(ctx context.Context, o *Observed) (*Observed, error) {
	out, err := s.api.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(o.ARN)})
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("listing tags of event source mapping %s", o.UUID))
	}
	o.Tags = out.Tags
	return o, nil
}

// observedFromOutput converts a Get (or, converted, Create or Update) response (without tags).
func observedFromOutput(out *lambda.GetEventSourceMappingOutput) *Observed {
	return observedFrom(types.EventSourceMappingConfiguration{
		UUID:                                out.UUID,
		EventSourceMappingArn:               out.EventSourceMappingArn,
		FunctionArn:                         out.FunctionArn,
		EventSourceArn:                      out.EventSourceArn,
		Topics:                              out.Topics,
		StartingPosition:                    out.StartingPosition,
		AmazonManagedKafkaEventSourceConfig: out.AmazonManagedKafkaEventSourceConfig,
		BatchSize:                           out.BatchSize,
		MaximumBatchingWindowInSeconds:      out.MaximumBatchingWindowInSeconds,
		DestinationConfig:                   out.DestinationConfig,
		State:                               out.State,
		StateTransitionReason:               out.StateTransitionReason,
		LastProcessingResult:                out.LastProcessingResult,
	})
}

// observedFrom converts a mapping configuration (without tags).
func observedFrom(m types.EventSourceMappingConfiguration) *Observed {
	o := &Observed{
		UUID:                         aws.ToString(m.UUID),
		ARN:                          aws.ToString(m.EventSourceMappingArn),
		FunctionARN:                  aws.ToString(m.FunctionArn),
		EventSourceARN:               aws.ToString(m.EventSourceArn),
		StartingPosition:             string(m.StartingPosition),
		BatchSize:                    aws.ToInt32(m.BatchSize),
		MaximumBatchingWindowSeconds: aws.ToInt32(m.MaximumBatchingWindowInSeconds),
		State:                        aws.ToString(m.State),
		StateTransitionReason:        aws.ToString(m.StateTransitionReason),
		LastProcessingResult:         aws.ToString(m.LastProcessingResult),
	}
	if len(m.Topics) > 0 {
		o.Topic = m.Topics[0]
	}
	if k := m.AmazonManagedKafkaEventSourceConfig; k != nil {
		o.ConsumerGroupID = aws.ToString(k.ConsumerGroupId)
	}
	if dc := m.DestinationConfig; dc != nil && dc.OnFailure != nil {
		o.OnFailureDestination = aws.ToString(dc.OnFailure.Destination)
	}
	if o.ARN == "" {
		o.ARN = mappingARN(o.FunctionARN, o.UUID)
	}
	return o
}

// mappingARN derives arn:aws:lambda:<region>:<account>:event-source-mapping:<uuid> from the function ARN,
// for responses that leave EventSourceMappingArn out.
func mappingARN(functionARN, uuid string) string {
	prefix, _, ok := strings.Cut(functionARN, ":function:")
	if !ok {
		return ""
	}
	return prefix + ":event-source-mapping:" + uuid
}

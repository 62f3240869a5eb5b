package devstack

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// ConsumerGroup returns the Kafka consumer group a KafkaPipeline's pipe or event source mapping reads
// with, as the AWS API describes it.
func (s *Stack) ConsumerGroup(ctx context.Context, kp *v1alpha1.KafkaPipeline) (string, error) {
	cfg := s.AWSIn(kp.Spec.Region)
	if kp.UsesPipe() {
		out, err := pipessdk.NewFromConfig(cfg).DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String(kp.Status.Pipe.Name)})
		if err != nil {
			return "", fmt.Errorf("describing pipe %s: %w", kp.Status.Pipe.Name, err)
		}
		if p := out.SourceParameters; p != nil && p.ManagedStreamingKafkaParameters != nil {
			return aws.ToString(p.ManagedStreamingKafkaParameters.ConsumerGroupID), nil
		}
		return "", fmt.Errorf("pipe %s has no MSK source parameters", kp.Status.Pipe.Name)
	}
	uuid := kp.Status.EventSourceMapping.UUID
	out, err := lambdasdk.NewFromConfig(cfg).GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: aws.String(uuid)})
	if err != nil {
		return "", fmt.Errorf("reading event source mapping %s: %w", uuid, err)
	}
	if c := out.AmazonManagedKafkaEventSourceConfig; c != nil {
		return aws.ToString(c.ConsumerGroupId), nil
	}
	return "", fmt.Errorf("event source mapping %s has no MSK configuration", uuid)
}

// Lag returns how many records of a KafkaPipeline's topic its consumer group has not committed yet: zero
// once every record produced has been delivered (REQUEST_RESPONSE and event source mappings commit a batch
// only after the function succeeded with it).
func (s *Stack) Lag(ctx context.Context, kp *v1alpha1.KafkaPipeline) (int64, error) {
	group, err := s.ConsumerGroup(ctx, kp)
	if err != nil {
		return 0, err
	}
	cl, err := s.kafkaClient(kp)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, kp.Spec.Topic.Name)
	if err != nil {
		return 0, fmt.Errorf("listing the end offsets of %s: %w", kp.Spec.Topic.Name, err)
	}
	committed, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return 0, fmt.Errorf("fetching the offsets of consumer group %s: %w", group, err)
	}
	var lag int64
	ends.Each(func(end kadm.ListedOffset) {
		at := int64(0)
		if c, ok := committed.Lookup(end.Topic, end.Partition); ok {
			at = c.At
		}
		lag += end.Offset - at
	})
	return lag, nil
}

// WaitConsuming waits until the consumer group of a Ready KafkaPipeline's pipe or event source mapping is
// Stable with every partition of its topic assigned: from then on, records produced are read even when
// the pipeline starts at LATEST. It returns the group's name.
func (s *Stack) WaitConsuming(ctx context.Context, kp *v1alpha1.KafkaPipeline) (string, error) {
	group, err := s.ConsumerGroup(ctx, kp)
	if err != nil {
		return "", err
	}
	cl, err := s.kafkaClient(kp)
	if err != nil {
		return "", err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topic, partitions := kp.Spec.Topic.Name, int(kp.Status.Topic.Partitions)
	state := "not described yet"
	for {
		described, err := adm.DescribeGroups(ctx, group)
		if err == nil {
			err = described.Error()
		}
		if err != nil && ctx.Err() == nil {
			return "", fmt.Errorf("describing consumer group %s: %w", group, err)
		}
		if g, ok := described[group]; ok {
			assigned := len(g.AssignedPartitions()[topic])
			state = fmt.Sprintf("%s with %d members and %d of %d partitions assigned", g.State, len(g.Members),
				assigned, partitions)
			if g.State == "Stable" && assigned == partitions {
				return group, nil
			}
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return "", errors.Join(fmt.Errorf("waiting for consumer group %s (%s)", group, state), err)
		}
	}
}

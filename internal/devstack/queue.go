package devstack

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/processor"
)

// Receive reads up to 10 messages from a queue in a region, waiting up to a second for the first, with
// every system and message attribute (a dead-letter queue's RequestID, ErrorCode and ErrorMessage are
// message attributes, returned only when asked for). The messages stay in the queue and become visible
// again after the visibility timeout unless deleted.
func (s *Stack) Receive(ctx context.Context, region, queueURL string) ([]sqstypes.Message, error) {
	out, err := sqssdk.NewFromConfig(s.AWSIn(region)).ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{
		QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
	})
	if err != nil {
		return nil, fmt.Errorf("receiving from %s: %w", queueURL, err)
	}
	return out.Messages, nil
}

// Carries reports whether an event (a Pipes event or an event source mapping event, as the body of a
// dead-letter message holds it) contains the produced record p.
func Carries(event string, p Produced) bool {
	records, err := processor.Records(json.RawMessage(event))
	return err == nil && slices.ContainsFunc(records, func(r processor.Record) bool {
		return r.Topic == p.Topic && int32(r.Partition) == p.Partition && int64(r.Offset) == p.Offset
	})
}

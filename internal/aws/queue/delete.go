package queue

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the queue of d when it is ours. A missing queue is gone; a same-named queue without our
// tags is not ours to delete and counts as gone too (nothing the object owns is left). SQS accepts a
// DeleteQueue at once and finishes within 60 seconds, so an accepted delete is reported gone; calling
// Delete again is safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (bool, error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete deletes a queue of the owner's.
func (m managed) Delete(ctx context.Context, o *Observed) (bool, error) {
	_, err := m.api.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(o.URL)})
	return err == nil, awserr.Classify(err, fmt.Sprintf("deleting SQS queue %s", o.URL))
}

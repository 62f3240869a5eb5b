package queue

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Delete deletes the queue of d when it is ours. A missing queue is gone; a same-named queue without our
// tags is not ours to delete and counts as gone too (nothing the object owns is left). SQS accepts a
// DeleteQueue at once and finishes within 60 seconds, so an accepted delete is reported gone; calling
// Delete again is safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (bool, error) {
	o, err := s.find(ctx, hint, d.Name)
	if err != nil {
		return false, err
	}
	if o == nil || !d.Owner.Owns(o.Tags) {
		return true, nil
	}
	_, err = s.api.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(o.URL)})
	if err != nil && !awserr.IsNotFound(err) {
		return false, awserr.Classify(err, fmt.Sprintf("deleting SQS queue %s", o.URL))
	}
	return true, nil
}

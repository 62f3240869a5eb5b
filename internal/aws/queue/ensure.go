package queue

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// terminalCreateCodes are the CreateQueue errors retrying cannot fix (query and JSON spellings).
var terminalCreateCodes = []string{"InvalidAttributeName", "InvalidAttributeValue", "InvalidParameterValue",
	"AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation"}

// terminalUpdateCodes are the SetQueueAttributes and TagQueue errors retrying cannot fix.
var terminalUpdateCodes = []string{"InvalidAttributeName", "InvalidAttributeValue", "InvalidParameterValue"}

// Ensure makes the queue of d exist with d's retention and tags: it adopts an owned queue found by hint or
// name, creates a missing one (attributes and tags in one call), and writes only what differs. A queue
// with our name but not our tags is never touched (Terminal NotOwned).
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Create creates the queue with its attributes and tags. The name being taken (QueueNameExists: a
// concurrent create, or the same name with other attributes) is a conflict, and so is SQS answering with
// an existing queue that does not carry exactly our tags: it answers an existing queue's URL when its
// attributes equal ours, whoever owns it.
func (m managed) Create(ctx context.Context) (Result, error) {
	d := m.d
	out, err := m.api.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(d.Name),
		Attributes: map[string]string{string(sqstypes.QueueAttributeNameMessageRetentionPeriod): strconv.Itoa(int(d.retention()))},
		Tags:       d.tags()})
	var recently *sqstypes.QueueDeletedRecently
	what := fmt.Sprintf("creating SQS queue %q", d.Name)
	switch {
	case errors.As(err, &recently):
		return Result{}, outcome.Wait(m.waits.DeletedRecently, awserr.ReasonDeleting,
			"SQS queue %q was deleted less than 60 seconds ago; SQS allows re-creating it after that", d.Name)
	case awserr.IsAlreadyExists(err):
		return Result{}, owned.Conflict(awserr.Classify(err, what))
	case err != nil:
		return Result{}, awserr.Classify(err, what, terminalCreateCodes...)
	}
	o, err := m.read(ctx, aws.ToString(out.QueueUrl), true)
	if err != nil {
		return Result{}, err
	}
	if !maps.Equal(o.Tags, d.tags()) {
		return Result{}, owned.Conflict(fmt.Errorf("%s: SQS answered with the existing queue %s", what, o.URL))
	}
	return Result{Observed: o, Created: true}, nil
}

// Update brings a found queue of the owner's in line with its retention and tags.
func (m managed) Update(ctx context.Context, o *Observed, res Result) (Result, error) {
	res.Observed = o
	if want := m.d.retention(); o.RetentionSeconds != want {
		if err := m.setRetention(ctx, o, want); err != nil {
			return res, err
		}
		res.Updated = true
	}
	changed, err := m.syncTags(ctx, o, m.d.tags())
	res.Updated = res.Updated || changed
	return res, err
}

// setRetention changes the queue's MessageRetentionPeriod.
func (s *Service) setRetention(ctx context.Context, o *Observed, seconds int32) error {
	_, err := s.api.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(o.URL),
		Attributes: map[string]string{string(sqstypes.QueueAttributeNameMessageRetentionPeriod): strconv.Itoa(int(seconds))}})
	if err != nil {
		return awserr.Classify(err, fmt.Sprintf("setting retention of SQS queue %s", o.URL), terminalUpdateCodes...)
	}
	o.RetentionSeconds = seconds
	return nil
}

// syncTags makes the queue's tags equal want with at most one TagQueue and one UntagQueue call, and reports
// whether it wrote.
func (s *Service) syncTags(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	url := aws.String(o.URL)
	return tags.Retag(&o.Tags, want, "SQS queue "+o.URL, awserr.Classifier(terminalUpdateCodes...),
		func(set map[string]string) error {
			_, err := s.api.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: set})
			return err
		},
		func(keys []string) error {
			_, err := s.api.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: keys})
			return err
		})
}

package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// DeletedRecentlyWait is how long to wait before creating a queue again after SQS refused the name
// because a queue of that name was deleted less than 60 seconds ago.
var DeletedRecentlyWait = 20 * time.Second

// terminalCreateCodes are the CreateQueue errors retrying cannot fix (query and JSON spellings).
var terminalCreateCodes = []string{"InvalidAttributeName", "InvalidAttributeValue", "InvalidParameterValue",
	"AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation"}

// terminalUpdateCodes are the SetQueueAttributes and TagQueue errors retrying cannot fix.
var terminalUpdateCodes = []string{"InvalidAttributeName", "InvalidAttributeValue", "InvalidParameterValue"}

// Ensure makes the queue of d exist with d's retention and tags: it adopts an owned queue found by hint or
// name, creates a missing one (attributes and tags in one call), and writes only what differs. A queue
// with our name but not our tags is never touched (Terminal NotOwned).
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	o, err := s.find(ctx, hint, d.Name)
	if err != nil {
		return Result{}, err
	}
	if o == nil {
		created, err := s.create(ctx, d)
		if err != nil || created != nil {
			return Result{Observed: created, Created: created != nil}, err
		}
		// Someone created the queue between our lookup and CreateQueue: adopt it like any found queue.
		if o, err = s.find(ctx, "", d.Name); err != nil {
			return Result{}, err
		}
		if o == nil {
			return Result{}, fmt.Errorf("creating SQS queue %q: SQS reports the name taken but the queue cannot be found", d.Name)
		}
	}
	if !d.Owner.Owns(o.Tags) {
		return Result{}, notOwned(o, d.Owner)
	}
	res := Result{Observed: o, Adopted: (hint != o.URL && hint != o.ARN) || o.Tags[tags.KeyUID] != d.Owner.UID}
	if o.RetentionSeconds != d.retention() {
		if err := s.setRetention(ctx, o, d.retention()); err != nil {
			return res, err
		}
		res.Updated = true
	}
	changed, err := s.syncTags(ctx, o, d.tags())
	res.Updated = res.Updated || changed
	return res, err
}

// create creates the queue with its attributes and tags. It returns nil, nil when the name is taken
// (QueueNameExists: a concurrent create, or the same name with other attributes), so the caller adopts,
// and NotOwned when SQS answers with an equal queue that is not ours.
func (s *Service) create(ctx context.Context, d Desired) (*Observed, error) {
	out, err := s.api.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(d.Name),
		Attributes: map[string]string{string(sqstypes.QueueAttributeNameMessageRetentionPeriod): strconv.Itoa(int(d.retention()))},
		Tags:       d.tags()})
	var recently *sqstypes.QueueDeletedRecently
	switch {
	case errors.As(err, &recently):
		return nil, outcome.Wait(DeletedRecentlyWait, "QueueDeletedRecently",
			"SQS queue %q was deleted less than 60 seconds ago; SQS allows re-creating it after that", d.Name)
	case awserr.IsAlreadyExists(err):
		return nil, nil
	case err != nil:
		return nil, awserr.Classify(err, fmt.Sprintf("creating SQS queue %q", d.Name), terminalCreateCodes...)
	}
	// SQS answers an existing queue's URL when its attributes equal ours, whoever owns it and whatever its
	// tags, so read the tags back rather than assume ours were applied.
	o, err := s.read(ctx, aws.ToString(out.QueueUrl), true)
	if err != nil {
		return nil, err
	}
	if !d.Owner.Owns(o.Tags) {
		return nil, notOwned(o, d.Owner)
	}
	return o, nil
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

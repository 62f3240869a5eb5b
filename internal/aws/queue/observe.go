package queue

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Observe returns the queue of d: the one at the hint (a queue URL from status) if it still exists, else
// the one named d.Name. It returns nil, nil when there is none, and a Terminal NotOwned outcome when the
// queue found does not carry d.Owner's tags. It only reads.
func (s *Service) Observe(ctx context.Context, hint string, d Desired) (*Observed, error) {
	o, err := s.find(ctx, hint, d.Name)
	if err != nil || o == nil {
		return nil, err
	}
	if !d.Owner.Owns(o.Tags) {
		return nil, notOwned(o, d.Owner)
	}
	return o, nil
}

// ObserveExternal reads a queue the spec names by ARN, which the operator uses but never changes or
// deletes. The call goes to the ARN's region and names the ARN's account. It returns nil, nil when the
// queue does not exist, and a Terminal InvalidSpec outcome when queueARN is not an SQS queue ARN.
func (s *Service) ObserveExternal(ctx context.Context, queueARN string) (*Observed, error) {
	a, err := arn.Parse(queueARN)
	if err != nil || a.Service != "sqs" || a.Resource == "" || a.Region == "" || a.AccountID == "" {
		return nil, outcome.Failf("InvalidSpec", "dead-letter queue ARN %q is not an SQS queue ARN", queueARN)
	}
	inRegion := func(o *sqs.Options) { o.Region = a.Region }
	out, err := s.api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(a.Resource),
		QueueOwnerAWSAccountId: aws.String(a.AccountID)}, inRegion)
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("looking up SQS queue %s", queueARN))
	}
	o, err := s.read(ctx, aws.ToString(out.QueueUrl), false, inRegion)
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	return o, err
}

// find returns the queue at the hint URL, else the queue called name, with its tags; nil when neither
// exists. Ownership is not checked.
func (s *Service) find(ctx context.Context, hint, name string) (*Observed, error) {
	if isURL(hint) {
		o, err := s.read(ctx, hint, true)
		if !awserr.IsNotFound(err) {
			return o, err
		}
	}
	out, err := s.api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("looking up SQS queue %q", name))
	}
	o, err := s.read(ctx, aws.ToString(out.QueueUrl), true)
	if awserr.IsNotFound(err) {
		return nil, nil // deleted between the two calls
	}
	return o, err
}

// read returns the attributes (and, when withTags, the tags) of the queue at url. A missing queue gives
// an error for which awserr.IsNotFound is true.
func (s *Service) read(ctx context.Context, url string, withTags bool, opts ...func(*sqs.Options)) (*Observed, error) {
	attrs, err := s.api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn,
			sqstypes.QueueAttributeNameMessageRetentionPeriod}}, opts...)
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("reading attributes of SQS queue %s", url))
	}
	o := &Observed{URL: url, ARN: attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], Tags: map[string]string{}}
	if a, err := arn.Parse(o.ARN); err == nil {
		o.Name = a.Resource
	}
	if v, ok := attrs.Attributes[string(sqstypes.QueueAttributeNameMessageRetentionPeriod)]; ok {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("reading SQS queue %s: MessageRetentionPeriod %q is not a number", url, v)
		}
		o.RetentionSeconds = int32(n)
	}
	if !withTags {
		return o, nil
	}
	tagsOut, err := s.api.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)}, opts...)
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("listing tags of SQS queue %s", url))
	}
	for k, v := range tagsOut.Tags {
		o.Tags[k] = v
	}
	return o, nil
}

// notOwned is the outcome for a queue that has our name but not our tags.
func notOwned(o *Observed, owner tags.Owner) error {
	return owner.NotOwned("SQS queue " + o.ARN)
}

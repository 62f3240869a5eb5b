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
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// ObserveExternal reads a queue the spec names by ARN, which the operator uses but never changes or
// deletes. The call goes to the ARN's region and names the ARN's account. It returns nil, nil when the
// queue does not exist, and a Terminal InvalidSpec outcome when queueARN is not an SQS queue ARN.
func (s *Service) ObserveExternal(ctx context.Context, queueARN string) (*Observed, error) {
	a, err := arn.Parse(queueARN)
	if err != nil || a.Service != "sqs" || a.Resource == "" || a.Region == "" || a.AccountID == "" {
		return nil, outcome.Failf(awserr.ReasonInvalidSpec, "dead-letter queue ARN %q is not an SQS queue ARN", queueARN)
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

// Find returns the queue at the hint URL, else the queue called by the desired name, with its tags; nil
// when neither exists.
func (m managed) Find(ctx context.Context) (*owned.Found[*Observed], error) {
	if isURL(m.hint) {
		o, err := m.read(ctx, m.hint, true)
		if !awserr.IsNotFound(err) {
			return m.found(o), err
		}
	}
	out, err := m.api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(m.d.Name)})
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("looking up SQS queue %q", m.d.Name))
	}
	o, err := m.read(ctx, aws.ToString(out.QueueUrl), true)
	if awserr.IsNotFound(err) {
		return nil, nil // deleted between the two calls
	}
	return m.found(o), err
}

// found is what the rules judge of a queue read; nil for none.
func (m managed) found(o *Observed) *owned.Found[*Observed] {
	if o == nil {
		return nil
	}
	return owned.One(o, m.hint == o.URL || m.hint == o.ARN, "SQS queue "+o.ARN, o.Tags)
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

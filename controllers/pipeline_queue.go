package controllers

import (
	"context"
	"fmt"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
)

// queuePart is the SQS dead-letter queue: created and owned, or an existing queue named by ARN.
func (p *pipelineParts) queuePart() part {
	pt := part{condition: v1alpha1.ConditionDeadLetterQueueReady, ensure: p.ensureQueue}
	if p.kp.CreatesDeadLetterQueue() {
		pt.delete = func(ctx context.Context) (bool, error) {
			return queue.New(p.aws.SQS, p.r.Options.AWSWaits.Queue).Delete(ctx, p.kp.Status.DeadLetterQueue.URL, p.queueDesired())
		}
	}
	return pt
}

func (p *pipelineParts) queueDesired() queue.Desired {
	return queue.Desired{Name: p.name(naming.SuffixQueue, naming.MaxQueue),
		RetentionSeconds: p.kp.Spec.DeadLetterQueue.MessageRetentionSeconds, Owner: p.owner(), Tags: p.kp.Spec.Tags}
}

func (p *pipelineParts) ensureQueue(ctx context.Context) (ensured, error) {
	svc, st := queue.New(p.aws.SQS, p.r.Options.AWSWaits.Queue), &p.kp.Status.DeadLetterQueue
	if arn := p.kp.Spec.DeadLetterQueue.ARN; arn != "" {
		o, err := svc.ObserveExternal(ctx, arn)
		if err != nil {
			return ensured{}, err
		}
		if o == nil {
			return ensured{}, missingExternal("SQS queue", arn)
		}
		st.ARN, st.URL = o.ARN, o.URL
		return ensured{message: "using the existing queue " + o.ARN}, nil
	}
	res, err := svc.Ensure(ctx, st.URL, p.queueDesired())
	e := fromResult("dead-letter queue", res, func(o *queue.Observed) { st.ARN, st.URL = o.ARN, o.URL })
	if err == nil {
		e.message = fmt.Sprintf("queue %s keeps messages %d s", st.ARN, res.Observed.RetentionSeconds)
	}
	return e, err
}

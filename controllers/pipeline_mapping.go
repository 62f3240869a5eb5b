package controllers

import (
	"context"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
)

// mappingPart is the Lambda event source mapping (EventSourceMapping delivery).
func (p *pipelineParts) mappingPart() part {
	return part{condition: v1alpha1.ConditionEventSourceMappingReady,
		deps:   []string{v1alpha1.ConditionTopicReady, v1alpha1.ConditionFunctionReady},
		ensure: p.ensureMapping,
		delete: func(ctx context.Context) (bool, error) {
			return esm.New(p.aws.Lambda, p.r.Options.AWSWaits.Mapping).Delete(ctx, p.kp.Status.EventSourceMapping.UUID, p.mappingDesired())
		}}
}

func (p *pipelineParts) mappingDesired() esm.Desired {
	kp := p.kp
	return esm.Desired{FunctionName: kp.Status.Function.ARN, ClusterARN: kp.Status.Cluster.ARN, Topic: kp.Spec.Topic.Name,
		StartingPosition: string(kp.Spec.Source.StartingPosition), BatchSize: kp.Spec.Source.BatchSize,
		MaximumBatchingWindowSeconds: kp.Spec.Source.MaximumBatchingWindowSeconds, ConsumerGroupID: p.consumerGroup(),
		Enabled: !kp.Spec.Suspend, OnFailureDestination: kp.Status.DeadLetterQueue.ARN, Owner: p.owner(), Tags: kp.Spec.Tags}
}

func (p *pipelineParts) ensureMapping(ctx context.Context) (ensured, error) {
	st := &p.kp.Status.EventSourceMapping
	res, err := esm.New(p.aws.Lambda, p.r.Options.AWSWaits.Mapping).Ensure(ctx, st.UUID, p.mappingDesired())
	e := fromResult("event source mapping", res, func(o *esm.Observed) {
		*st = v1alpha1.EventSourceMappingStatus{UUID: o.UUID, State: o.State}
	})
	p.kp.Status.DeliveryState = st.State
	if err == nil {
		e.message = "event source mapping " + st.UUID + " is " + st.State
	}
	return e, err
}

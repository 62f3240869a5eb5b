package controllers

import (
	"context"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// pipePart is the EventBridge Pipe (Pipe delivery). An owned pipe in a FAILED state is replaced on the
// stalled backoff, since its cause (a role IAM had not propagated yet) may have passed.
func (p *pipelineParts) pipePart() part {
	return part{condition: v1alpha1.ConditionPipeReady,
		deps:   []string{v1alpha1.ConditionTopicReady, v1alpha1.ConditionFunctionReady, v1alpha1.ConditionPipeRoleReady},
		ensure: p.ensurePipe,
		delete: func(ctx context.Context) (bool, error) {
			return pipe.New(p.aws.Pipes, p.r.Options.AWSWaits.Pipe).Delete(ctx, p.kp.Status.Pipe.ARN, p.pipeDesired())
		}}
}

func (p *pipelineParts) pipeDesired() pipe.Desired {
	kp := p.kp
	state := "RUNNING"
	if kp.Spec.Suspend {
		state = "STOPPED"
	}
	return pipe.Desired{Name: p.name(naming.SuffixPipe, naming.MaxPipe), RoleARN: kp.Status.Roles.Pipe,
		SourceClusterARN: kp.Status.Cluster.ARN, Topic: kp.Spec.Topic.Name,
		StartingPosition: string(kp.Spec.Source.StartingPosition), BatchSize: kp.Spec.Source.BatchSize,
		MaximumBatchingWindowSeconds: kp.Spec.Source.MaximumBatchingWindowSeconds, ConsumerGroupID: p.consumerGroup(),
		TargetFunctionARN: kp.Status.Function.ARN, InvocationType: string(kp.EffectiveInvocationType()),
		DesiredState: state, Owner: p.owner(), Tags: kp.Spec.Tags}
}

func (p *pipelineParts) ensurePipe(ctx context.Context) (ensured, error) {
	st := &p.kp.Status.Pipe
	failedBefore := failedPipeState(st.CurrentState)
	svc, d := pipe.New(p.aws.Pipes, p.r.Options.AWSWaits.Pipe), p.pipeDesired()
	res, err := svc.Ensure(ctx, st.ARN, d)
	e := fromResult("pipe", res, func(o *pipe.Observed) {
		st.ARN, st.Name, st.CurrentState, st.DesiredState, st.StateReason = o.ARN, o.Name, o.CurrentState,
			o.DesiredState, o.StateReason
	})
	p.kp.Status.DeliveryState = st.CurrentState
	if t, ok := outcome.AsTerminal(err); ok && failedPipeState(st.CurrentState) && failedBefore {
		return e, p.replacePipe(ctx, svc, d, t)
	}
	if err != nil {
		return e, err
	}
	e.message = "pipe " + st.Name + " is RUNNING"
	if p.kp.Spec.Suspend {
		e.message = "pipe " + st.Name + " is STOPPED as spec.suspend asks"
	}
	return e, nil
}

// replacePipe deletes the owned pipe in a FAILED state, seen so already at the previous look, once the
// replacement backoff has passed; the next looks wait for the deletion and create the pipe again. Until
// then it returns the failure, which stalls the object.
func (p *pipelineParts) replacePipe(ctx context.Context, svc *pipe.Service, d pipe.Desired, failure error) error {
	st, t := &p.kp.Status.Pipe, p.r.Options.Timings
	backoff := t.stalledWait(t.StalledFirst << min(st.Replacements, 16))
	if st.ReplacedAt != nil && time.Since(st.ReplacedAt.Time) < backoff {
		return failure
	}
	if _, err := svc.Delete(ctx, st.ARN, d); err != nil {
		return err
	}
	st.Replacements++
	now := metav1.Now()
	st.ReplacedAt = &now
	p.r.Recorder.Eventf(p.kp, nil, "Warning", "Replacing", "Replace",
		"replacing pipe %s, which is %s (replacement %d): %s", st.Name, st.CurrentState, st.Replacements, failure.Error())
	return outcome.Wait(t.DeletePoll, v1alpha1.ReasonDeleting, "deleting pipe %s, which was %s, to create it again (replacement %d)",
		st.Name, st.CurrentState, st.Replacements)
}

// failedPipeState reports whether a pipe state is one of the FAILED states (CREATE_FAILED, UPDATE_FAILED,
// START_FAILED, STOP_FAILED, DELETE_FAILED).
func failedPipeState(state string) bool { return strings.HasSuffix(state, "_FAILED") }

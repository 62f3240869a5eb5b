package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Condition reasons the step runner sets itself.
const (
	reasonAvailable          = "Available"
	reasonDependencyNotReady = "DependencyNotReady"
	reasonAWSError           = "AWSError"
)

// blockedRequeue is how long a step blocked by access denial or a quota waits before trying again.
const blockedRequeue = 5 * time.Minute

// step is one part of an object: it owns one condition and one status block. run makes AWS match the
// spec for that part and returns a short message for the True condition, or an outcome error.
type step struct {
	condition string
	deps      []string
	run       func(ctx context.Context) (string, error)
}

// stepRun is what running the step table concluded.
type stepRun struct {
	requeue  time.Duration
	stalled  *metav1.Condition
	terminal error
	retry    error
}

// result turns the run into what Reconcile returns: a terminal error first, then a transient error (the
// workqueue backs off), then the shortest wait.
func (s stepRun) result() (time.Duration, error) {
	switch {
	case s.terminal != nil:
		return 0, s.terminal
	case s.retry != nil:
		return 0, s.retry
	}
	return s.requeue, nil
}

// minWait keeps a Waiting outcome with no delay from requeueing in a tight loop.
const minWait = time.Second

func (s *stepRun) wait(d time.Duration) {
	d = max(d, minWait)
	if s.requeue == 0 || d < s.requeue {
		s.requeue = d
	}
}

// stepRunner runs an ordered step table against one object's conditions and emits events on transitions.
type stepRunner struct {
	obj      runtime.Object
	conds    *[]metav1.Condition
	gen      int64
	recorder events.EventRecorder
}

// run executes the steps in order. A step whose dependencies are not all True reports DependencyNotReady
// and is skipped; independent steps still run. A terminal outcome stops the table.
func (r stepRunner) run(ctx context.Context, steps []step) stepRun {
	var out stepRun
	for _, st := range steps {
		if missing := r.unready(st.deps); len(missing) > 0 {
			r.set(st.condition, metav1.ConditionFalse, reasonDependencyNotReady,
				"waiting for "+strings.Join(missing, ", "))
			continue
		}
		msg, err := st.run(ctx)
		if err == nil {
			r.set(st.condition, metav1.ConditionTrue, reasonAvailable, msg)
			continue
		}
		if w, ok := outcome.AsWaiting(err); ok {
			r.set(st.condition, metav1.ConditionFalse, w.Reason, w.Message)
			out.wait(w.After)
			continue
		}
		if b, ok := outcome.AsBlocked(err); ok {
			r.set(st.condition, metav1.ConditionFalse, b.Reason, b.Error())
			out.wait(blockedRequeue)
			continue
		}
		if t, ok := outcome.AsTerminal(err); ok {
			r.set(st.condition, metav1.ConditionFalse, t.Reason, t.Error())
			out.stalled = &metav1.Condition{Type: conditions.Stalled, Reason: t.Reason,
				Message: st.condition + ": " + t.Error()}
			out.terminal = fmt.Errorf("%s: %w", st.condition, err)
			return out
		}
		log.FromContext(ctx).Info("Step failed, retrying", "condition", st.condition, "error", err.Error())
		r.set(st.condition, metav1.ConditionFalse, reasonAWSError, err.Error())
		out.retry = errors.Join(out.retry, fmt.Errorf("%s: %w", st.condition, err))
	}
	return out
}

func (r stepRunner) unready(deps []string) []string {
	var missing []string
	for _, d := range deps {
		if !conditions.IsTrue(*r.conds, d) {
			missing = append(missing, d)
		}
	}
	return missing
}

// set updates a condition and records an event when it changes meaningfully: a part becoming ready (Normal)
// or entering a new failure reason (Warning). Repeated identical outcomes emit nothing.
func (r stepRunner) set(condType string, status metav1.ConditionStatus, reason, message string) {
	prev := conditions.Get(*r.conds, condType)
	conditions.Set(r.conds, r.gen, condType, status, reason, message)
	if r.recorder == nil {
		return
	}
	changed := prev == nil || prev.Status != status || prev.Reason != reason
	switch {
	case status == metav1.ConditionTrue && changed:
		r.recorder.Eventf(r.obj, nil, "Normal", condType, "Reconcile", "%s", message)
	case changed && slices.Contains(warningReasons, reason):
		r.recorder.Eventf(r.obj, nil, "Warning", reason, "Reconcile", "%s: %s", condType, message)
	}
}

// warningReasons are the step reasons that deserve a Warning event when entered.
var warningReasons = []string{"AccessDenied", "QuotaExceeded", "NotOwned", "InvalidSpec", "ProvisioningFailed",
	"Unreachable", reasonAWSError}

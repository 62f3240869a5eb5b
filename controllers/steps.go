package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// part is one managed part of an object: it owns one condition and one status block. An object's parts form
// one ordered list: reconciling runs ensure in that order, deleting runs delete in the reverse order.
type part struct {
	// condition is the condition the part owns.
	condition string
	// deps are the conditions that must be True before ensure runs.
	deps []string
	// kubernetesOnly marks a part that reads only Kubernetes objects (from the cache, no AWS call), so it is
	// looked at on every reconcile.
	kubernetesOnly bool
	// ensure makes AWS match the spec for the part and records what it found in the part's status block.
	ensure func(ctx context.Context) (ensured, error)
	// delete removes what the object owns of the part and reports whether it is gone; nil when the object
	// owns nothing of it (an existing resource named by ARN, a Kubernetes reference).
	delete func(ctx context.Context) (gone bool, err error)
}

// ensured is what a part's ensure did, returned also with a Waiting outcome (a resource just created and
// still in transition).
type ensured struct {
	// message is the True condition's message.
	message string
	// what names the AWS resource in events ("dead-letter queue").
	what string
	// created and adopted say that ensure created the resource, or found it without its status hint; the
	// runner sends an event and writes the status at once, so a lost status write later cannot make the next
	// reconcile look for the resource anywhere but by its name.
	created, adopted bool
	// updated says that ensure changed the resource.
	updated bool
}

// fromResult describes what an AWS layer Ensure did; record copies what AWS has into the status block when
// the resource exists.
func fromResult[O any](what string, res awsapi.Result[O], record func(*O)) ensured {
	if res.Observed != nil {
		record(res.Observed)
	}
	return ensured{what: what, created: res.Created, adopted: res.Adopted, updated: res.Updated}
}

// stepRun is what running the parts concluded.
type stepRun struct {
	requeue time.Duration
	stalled *metav1.Condition
	retry   error
}

// minWait keeps a Waiting outcome with no delay from requeueing in a tight loop.
const minWait = time.Second

func (s *stepRun) wait(d time.Duration) {
	d = max(d, minWait)
	if s.requeue == 0 || d < s.requeue {
		s.requeue = d
	}
}

// stepRunner runs an object's ordered parts against its conditions, emits events on transitions and writes
// the status right after a create or an adoption.
type stepRunner struct {
	obj      runtime.Object
	conds    *[]metav1.Condition
	gen      int64
	recorder events.EventRecorder
	// checkpoint writes the status now.
	checkpoint func(context.Context) error
	// full reads every part from AWS; otherwise a part already Ready for this generation, whose dependencies
	// did not change in this run, is not read again.
	full    bool
	timings Timings
	// announced records a condition's new state (status and reason) and reports whether no event announced
	// it yet; nil announces every transition.
	announced func(cond, state string) bool
	// looked records a condition's state (status and reason) at this look and returns the wait before the
	// next look when the outcome asks for own (see backoff); nil keeps no record and returns own.
	looked func(cond, state string, own time.Duration) time.Duration
}

// run executes the parts in order. A part whose dependencies are not all True reports DependencyNotReady
// and is skipped; independent parts still run. A terminal outcome stops the run and stalls the object.
func (r stepRunner) run(ctx context.Context, parts []part) stepRun {
	var out stepRun
	changed := map[string]bool{}
	for _, st := range parts {
		if missing := r.unready(st.deps); len(missing) > 0 {
			changed[st.condition] = r.set(st.condition, metav1.ConditionFalse, v1alpha1.ReasonDependencyNotReady,
				"waiting for "+strings.Join(missing, ", "))
			continue
		}
		if r.upToDate(st, changed) {
			continue
		}
		var before metav1.Condition
		if c := conditions.Get(*r.conds, st.condition); c != nil {
			before = *c
		}
		res, err := st.ensure(ctx)
		if res.created || res.adopted {
			r.announce(res)
			err = errors.Join(err, r.checkpoint(ctx))
		}
		stalled := r.conclude(ctx, &out, st.condition, res, err)
		after := conditions.Get(*r.conds, st.condition)
		changed[st.condition] = res.created || res.adopted || res.updated || after == nil ||
			after.Status != before.Status || after.Reason != before.Reason || after.Message != before.Message
		if stalled {
			return out
		}
	}
	return out
}

// upToDate reports whether a part can be left unread: Ready for this generation, no full read asked, and
// none of its dependencies changed in this run.
func (r stepRunner) upToDate(st part, changed map[string]bool) bool {
	c := conditions.Get(*r.conds, st.condition)
	if r.full || st.kubernetesOnly || c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != r.gen {
		return false
	}
	for _, d := range st.deps {
		if changed[d] {
			return false
		}
	}
	return true
}

// announce sends the event of a create or an adoption.
func (r stepRunner) announce(res ensured) {
	if r.recorder == nil {
		return
	}
	if res.created {
		r.recorder.Eventf(r.obj, nil, "Normal", "Created", "Create", "created the %s", res.what)
	} else {
		r.recorder.Eventf(r.obj, nil, "Normal", "Adopted", "Adopt", "adopted the existing %s", res.what)
	}
}

// conclude sets a part's condition from its outcome and folds the outcome into out; it reports whether the
// outcome stalls the object.
func (r stepRunner) conclude(ctx context.Context, out *stepRun, cond string, res ensured, err error) bool {
	if err == nil {
		r.set(cond, metav1.ConditionTrue, v1alpha1.ReasonAvailable, res.message)
		return false
	}
	if w, ok := outcome.AsWaiting(err); ok {
		r.set(cond, metav1.ConditionFalse, w.Reason, w.Message)
		if !w.Watched {
			// A part that stays in its state is looked at less often: a pipe's CREATING takes minutes.
			out.wait(r.look(cond, metav1.ConditionFalse, w.Reason, w.After))
		}
		return false
	}
	if b, ok := outcome.AsBlocked(err); ok {
		r.set(cond, metav1.ConditionFalse, b.Reason, b.Error())
		out.wait(r.timings.Blocked)
		return false
	}
	if t, ok := outcome.AsTerminal(err); ok {
		r.set(cond, metav1.ConditionFalse, t.Reason, t.Error())
		out.stalled = &metav1.Condition{Type: conditions.Stalled, Reason: t.Reason, Message: cond + ": " + t.Error()}
		return true
	}
	log.FromContext(ctx).Info("Step failed, retrying", "condition", cond, "error", err.Error())
	r.set(cond, metav1.ConditionFalse, v1alpha1.ReasonAWSError, err.Error())
	out.retry = errors.Join(out.retry, fmt.Errorf("%s: %w", cond, err))
	return false
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

// set updates a condition and records an event when it enters a new state: a part becoming ready (Normal)
// or entering a failure reason (Warning). Repeated identical outcomes emit nothing. It reports whether the
// condition entered a new state.
func (r stepRunner) set(condType string, status metav1.ConditionStatus, reason, message string) bool {
	r.look(condType, status, reason, 0)
	entered := conditions.Set(r.conds, r.gen, condType, status, reason, message)
	switch {
	case r.recorder == nil || !entered:
	case r.announced != nil && !r.announced(condType, stateOf(status, reason)):
	case status == metav1.ConditionTrue:
		r.recorder.Eventf(r.obj, nil, "Normal", condType, "Reconcile", "%s", message)
	case conditions.ClassOf(reason) == conditions.Failure:
		r.recorder.Eventf(r.obj, nil, "Warning", reason, "Reconcile", "%s: %s", condType, message)
	}
	return entered
}

// look records a condition's state at this look and returns the wait before the next look for an outcome
// that asks for own. Recording the same state again keeps when the condition entered it.
func (r stepRunner) look(cond string, status metav1.ConditionStatus, reason string, own time.Duration) time.Duration {
	if r.looked == nil {
		return own
	}
	return r.looked(cond, stateOf(status, reason), own)
}

// stateOf is a condition's state as the runner remembers it: status and reason.
func stateOf(status metav1.ConditionStatus, reason string) string {
	return string(status) + "/" + reason
}

// stateSince is the state (status and reason) a part's condition was in at a look, and since when.
type stateSince struct {
	state string
	since time.Time
}

// backoff folds a look at now that found a part in state into rec, its record from the previous look,
// and returns the new record and the wait before the next look when the outcome asks for own: own in a
// new state (the first look, or another state than at the previous look), else as long again as the part
// has been in the state, up to ceiling but never less than own.
func backoff(rec stateSince, state string, now time.Time, own, ceiling time.Duration) (stateSince, time.Duration) {
	if rec.state != state || rec.since.IsZero() {
		rec = stateSince{state: state, since: now}
	}
	return rec, max(own, min(now.Sub(rec.since), ceiling))
}

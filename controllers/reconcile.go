package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Finalizer keeps an object until the AWS resources it owns are gone.
const Finalizer = "streaming.kafkapipeline.dev/finalizer"

// managedObject is a KafkaCluster or KafkaPipeline as the shared reconcile loop sees it.
type managedObject interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
	RetainOnDelete() bool
	// HandledReconcileRequest returns status.lastHandledReconcileAt.
	HandledReconcileRequest() string
	// SetHandledReconcileRequest sets status.lastHandledReconcileAt.
	SetHandledReconcileRequest(string)
}

// kindAccess reaches the kind-specific parts of a managedObject's status.
type kindAccess struct {
	kind                  string
	status                func(client.Object) any
	setObservedGeneration func(client.Object, int64)
}

// parts are an object's managed parts for one reconcile.
type parts interface {
	// list returns the parts in reconcile order (delete runs them in reverse). It reads nothing from AWS and
	// changes nothing.
	list() []part
	// clearUnused empties the status blocks of parts the spec no longer asks for.
	clearUnused()
}

// loop is the reconcile skeleton both kinds share: finalizer first, the parts in order or their deletion in
// reverse order, then one deferred summarize-and-patch.
type loop struct {
	client   client.Client
	recorder events.EventRecorder
	access   kindAccess
	timings  Timings
	reads    *readLog
	// announced remembers the transitions announced by events, so a reconcile that starts from a stale
	// cached copy of the object does not announce one twice.
	announced *transitions
	// states remembers since when each part has been in its state, so a part that keeps waiting in one
	// state is looked at less often.
	states *stateClock
}

func (l loop) reconcile(ctx context.Context, obj managedObject, p parts, resync time.Duration) (res ctrl.Result, retErr error) {
	start := time.Now()
	pt := newPatcher(l.client, obj, l.access.status)
	conds := obj.GetConditions()
	wasReady := conditions.IsTrue(conds, conditions.Ready)
	stalledSince := stalledSince(conds, start)
	summary := conditions.Summary{}
	deleting := !obj.GetDeletionTimestamp().IsZero()
	defer func() {
		summary.Deleting = deleting
		if retErr != nil && summary.Stalled == nil {
			summary.Retrying = true
		}
		conditions.Summarize(&conds, obj.GetGeneration(), summary)
		obj.SetConditions(conds)
		l.access.setObservedGeneration(obj, obj.GetGeneration())
		if !wasReady && conditions.IsTrue(conds, conditions.Ready) && l.announced.enter(obj.GetUID(), conditions.Ready, "True") {
			l.recorder.Eventf(obj, nil, "Normal", "Ready", "Reconcile", "all %d parts are ready", len(summary.Order))
		}
		err := pt.patch(ctx, obj)
		if err != nil && !(deleting && apierrors.IsNotFound(err)) {
			retErr = errors.Join(retErr, err)
		}
		recordConditions(l.access.kind, obj, conds)
		reconcileDuration.WithLabelValues(l.access.kind).Observe(time.Since(start).Seconds())
	}()

	if deleting {
		return l.delete(ctx, obj, p, &conds)
	}
	if controllerutil.AddFinalizer(obj, Finalizer) {
		// The finalizer must be stored before any AWS call, so nothing can be created that a delete would miss.
		if err := pt.patch(ctx, obj); err != nil {
			return ctrl.Result{}, err
		}
	}
	steps := p.list()
	p.clearUnused()
	for _, st := range steps {
		summary.Order = append(summary.Order, st.condition)
	}
	dropStale(&conds, summary.Order)
	requested := obj.GetAnnotations()[v1alpha1.ReconcileRequestAnnotation]
	full := requested != obj.HandledReconcileRequest() || l.reads.due(obj.GetUID(), resync, start)
	runner := stepRunner{obj: obj, conds: &conds, gen: obj.GetGeneration(), recorder: l.recorder, full: full,
		timings: l.timings, announced: func(cond, state string) bool { return l.announced.enter(obj.GetUID(), cond, state) },
		looked: func(cond, state string, own time.Duration) time.Duration {
			return l.states.look(obj.GetUID(), cond, state, time.Now(), own, l.timings.WaitMax)
		},
		checkpoint: func(ctx context.Context) error {
			obj.SetConditions(conds)
			return pt.patch(ctx, obj)
		}}
	run := runner.run(ctx, steps)
	if full {
		l.reads.done(obj.GetUID(), start)
	}
	obj.SetHandledReconcileRequest(requested)
	summary.Stalled = run.stalled
	switch {
	case run.stalled != nil:
		// Retrying soon cannot help, but the cause may be outside the spec (an object uploaded late, a role
		// that propagated): look again on a slow backoff, and at once on a change of the object or of what
		// it watches.
		return ctrl.Result{RequeueAfter: l.timings.stalledWait(start.Sub(stalledSince))}, nil
	case run.retry != nil:
		return ctrl.Result{}, run.retry
	case run.requeue > 0:
		return ctrl.Result{RequeueAfter: run.requeue}, nil
	}
	// Ready, or waiting only on watched objects (whose change wakes this one): look again after the jittered
	// resync period, with read-only calls unless something drifted.
	return ctrl.Result{RequeueAfter: wait.Jitter(resync, 0.1)}, nil
}

// stalledSince returns when the object stalled, or now when it is not Stalled.
func stalledSince(conds []metav1.Condition, now time.Time) time.Time {
	if c := conditions.Get(conds, conditions.Stalled); c != nil && c.Status == metav1.ConditionTrue {
		return c.LastTransitionTime.Time
	}
	return now
}

// delete removes the owned parts in strict reverse order, one at a time, and the finalizer last.
func (l loop) delete(ctx context.Context, obj managedObject, p parts, conds *[]metav1.Condition) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return ctrl.Result{}, nil
	}
	l.reads.forget(obj.GetUID())
	l.announced.forget(obj.GetUID())
	if obj.RetainOnDelete() {
		l.recorder.Eventf(obj, nil, "Normal", "Retained", "Delete",
			"deletion policy Retain: the AWS resources are left in place")
		l.states.forget(obj.GetUID())
		controllerutil.RemoveFinalizer(obj, Finalizer)
		return ctrl.Result{}, nil
	}
	// A deletion that stays in progress is looked at less often, as a waiting part is.
	deleteWait := func(cond string, own time.Duration) time.Duration {
		return l.states.look(obj.GetUID(), cond, stateOf(metav1.ConditionFalse, v1alpha1.ReasonDeleting), time.Now(), own,
			l.timings.WaitMax)
	}
	steps := p.list()
	for i := len(steps) - 1; i >= 0; i-- {
		ds := steps[i]
		if ds.delete == nil {
			meta.RemoveStatusCondition(conds, ds.condition)
			continue
		}
		gone, err := ds.delete(ctx)
		if w, ok := outcome.AsWaiting(err); ok {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, v1alpha1.ReasonDeleting, w.Message)
			return ctrl.Result{RequeueAfter: max(deleteWait(ds.condition, w.After), minWait)}, nil
		}
		if t, ok := outcome.AsTerminal(err); ok {
			// Never touch what is not ours: report it and treat the part as gone for this object.
			l.recorder.Eventf(obj, nil, "Warning", t.Reason, "Delete", "%s: %s", ds.condition, t.Error())
			continue
		}
		if err != nil {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, v1alpha1.ReasonDeleting, err.Error())
			return ctrl.Result{}, fmt.Errorf("deleting %s: %w", ds.condition, err)
		}
		if !gone {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, v1alpha1.ReasonDeleting,
				"deletion in progress")
			return ctrl.Result{RequeueAfter: deleteWait(ds.condition, l.timings.DeletePoll)}, nil
		}
		meta.RemoveStatusCondition(conds, ds.condition)
	}
	log.FromContext(ctx).Info("Deleted every owned AWS resource, removing the finalizer")
	l.recorder.Eventf(obj, nil, "Normal", "Deleted", "Delete", "every owned AWS resource is deleted")
	l.states.forget(obj.GetUID())
	controllerutil.RemoveFinalizer(obj, Finalizer)
	return ctrl.Result{}, nil
}

// dropStale removes part conditions that no longer apply (for example PipeReady after switching to an
// event source mapping), keeping the summary conditions.
func dropStale(conds *[]metav1.Condition, order []string) {
	keep := append([]string{conditions.Ready, conditions.Reconciling, conditions.Stalled}, order...)
	*conds = slices.DeleteFunc(*conds, func(c metav1.Condition) bool { return !slices.Contains(keep, c.Type) })
}

// readLog remembers when each object's parts were last all read from AWS, so a reconcile between resyncs
// reads only the parts that are not Ready. It lives in memory: a restarted manager reads everything once.
type readLog struct {
	mu   sync.Mutex
	last map[types.UID]time.Time
}

func newReadLog() *readLog { return &readLog{last: map[types.UID]time.Time{}} }

// due reports whether the object's parts should all be read now: never read, or last read a resync ago.
func (l *readLog) due(uid types.UID, resync time.Duration, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.last[uid]
	return !ok || now.Sub(t) >= resync
}

func (l *readLog) done(uid types.UID, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last[uid] = now
}

func (l *readLog) forget(uid types.UID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.last, uid)
}

// byCondition keeps a value per object and condition in memory, for reconciles running at once. A
// restarted manager starts empty.
type byCondition[V any] struct {
	mu   sync.Mutex
	last map[types.UID]map[string]V
}

func newByCondition[V any]() byCondition[V] {
	return byCondition[V]{last: map[types.UID]map[string]V{}}
}

// update replaces the object's value for cond (the zero value when there is none) with next's.
func (m *byCondition[V]) update(uid types.UID, cond string, next func(V) V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last[uid] == nil {
		m.last[uid] = map[string]V{}
	}
	m.last[uid][cond] = next(m.last[uid][cond])
}

// get returns the object's value for cond, or the zero value.
func (m *byCondition[V]) get(uid types.UID, cond string) V {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last[uid][cond]
}

func (m *byCondition[V]) forget(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.last, uid)
}

// transitions remembers, per object and condition, the last state (status and reason) an event announced.
type transitions struct{ byCondition[string] }

func newTransitions() *transitions { return &transitions{newByCondition[string]()} }

// enter records that the object's condition is in state and reports whether that is new.
func (t *transitions) enter(uid types.UID, cond, state string) bool {
	entered := false
	t.update(uid, cond, func(last string) string {
		entered = last != state
		return state
	})
	return entered
}

// stateClock remembers, per object and condition, the state (status and reason) a part was in at its last
// look and since when.
type stateClock struct{ byCondition[stateSince] }

func newStateClock() *stateClock { return &stateClock{newByCondition[stateSince]()} }

// look records that the object's condition is in state at now and returns the wait before the next look
// when the outcome asks for own, capped at ceiling (see backoff).
func (c *stateClock) look(uid types.UID, cond, state string, now time.Time, own, ceiling time.Duration) time.Duration {
	var wait time.Duration
	c.update(uid, cond, func(last stateSince) stateSince {
		var rec stateSince
		rec, wait = backoff(last, state, now, own, ceiling)
		return rec
	})
	return wait
}

// heldFor returns how long the object's condition has been in state as of now, by the looks recorded so
// far; false when the last look found it in another state, or there was none (a restarted manager).
func (c *stateClock) heldFor(uid types.UID, cond, state string, now time.Time) (time.Duration, bool) {
	rec := c.get(uid, cond)
	if rec.state != state || rec.since.IsZero() {
		return 0, false
	}
	return now.Sub(rec.since), true
}

// reconcileWorthy passes the changes that need a reconcile: a new generation (spec or deletion) and a new
// value of the reconcile-request annotation. Other metadata changes (labels, other annotations) and status
// writes trigger nothing.
var reconcileWorthy = predicate.Or(predicate.GenerationChangedPredicate{}, predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		key := v1alpha1.ReconcileRequestAnnotation
		return e.ObjectOld.GetAnnotations()[key] != e.ObjectNew.GetAnnotations()[key]
	},
})

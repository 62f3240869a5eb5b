package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Finalizer keeps an object until the AWS resources it owns are gone.
const Finalizer = "streaming.kafkapipeline.dev/finalizer"

// deletePoll is how often a deletion in progress is looked at again.
var deletePoll = 5 * time.Second

// managedObject is a KafkaCluster or KafkaPipeline as the shared reconcile loop sees it.
type managedObject interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
	RetainOnDelete() bool
}

// kindAccess reaches the kind-specific parts of a managedObject's status.
type kindAccess struct {
	kind                  string
	status                func(client.Object) any
	setObservedGeneration func(client.Object, int64)
}

// deleteStep removes one part. It returns gone=true once nothing of the part is left.
type deleteStep struct {
	condition string
	delete    func(ctx context.Context) (gone bool, err error)
}

// parts builds an object's steps for one reconcile. checkpoint persists the status at once (used right
// after a create so a lost status write later cannot cause a duplicate).
type parts interface {
	steps(ctx context.Context, checkpoint func(context.Context) error) ([]step, error)
	deleteSteps(ctx context.Context) ([]deleteStep, error)
}

// loop is the reconcile skeleton both kinds share: finalizer first, the step table or the reverse-order
// delete, then one deferred summarize-and-patch.
type loop struct {
	client   client.Client
	recorder events.EventRecorder
	access   kindAccess
}

func (l loop) reconcile(ctx context.Context, obj managedObject, p parts, resync time.Duration) (res ctrl.Result, retErr error) {
	start := time.Now()
	pt := newPatcher(l.client, obj, l.access.status)
	conds := obj.GetConditions()
	wasReady := conditions.IsTrue(conds, conditions.Ready)
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
		if !wasReady && conditions.IsTrue(conds, conditions.Ready) {
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
	checkpoint := func(ctx context.Context) error {
		obj.SetConditions(conds)
		return pt.patch(ctx, obj)
	}
	steps, err := p.steps(ctx, checkpoint)
	if err != nil {
		return ctrl.Result{}, err
	}
	for _, st := range steps {
		summary.Order = append(summary.Order, st.condition)
	}
	dropStale(&conds, summary.Order)
	run := stepRunner{obj: obj, conds: &conds, gen: obj.GetGeneration(), recorder: l.recorder}.run(ctx, steps)
	summary.Stalled = run.stalled
	after, err := run.result()
	switch {
	case err != nil && run.terminal != nil:
		return ctrl.Result{}, reconcile.TerminalError(err)
	case err != nil:
		return ctrl.Result{}, err
	case after > 0:
		return ctrl.Result{RequeueAfter: after}, nil
	}
	// Ready: look again after the jittered resync period, with read-only calls unless something drifted.
	return ctrl.Result{RequeueAfter: wait.Jitter(resync, 0.1)}, nil
}

// delete removes the owned parts in strict reverse order, one at a time, and the finalizer last.
func (l loop) delete(ctx context.Context, obj managedObject, p parts, conds *[]metav1.Condition) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return ctrl.Result{}, nil
	}
	if obj.RetainOnDelete() {
		l.recorder.Eventf(obj, nil, "Normal", "Retained", "Delete",
			"deletion policy Retain: the AWS resources are left in place")
		controllerutil.RemoveFinalizer(obj, Finalizer)
		return ctrl.Result{}, nil
	}
	steps, err := p.deleteSteps(ctx)
	if err != nil {
		return ctrl.Result{}, err
	}
	for _, ds := range steps {
		gone, err := ds.delete(ctx)
		if w, ok := outcome.AsWaiting(err); ok {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, conditions.ReasonDeleting, w.Message)
			return ctrl.Result{RequeueAfter: w.After}, nil
		}
		if t, ok := outcome.AsTerminal(err); ok {
			// Never touch what is not ours: report it and treat the part as gone for this object.
			l.recorder.Eventf(obj, nil, "Warning", t.Reason, "Delete", "%s: %s", ds.condition, t.Error())
			continue
		}
		if err != nil {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, conditions.ReasonDeleting, err.Error())
			return ctrl.Result{}, fmt.Errorf("deleting %s: %w", ds.condition, err)
		}
		if !gone {
			conditions.Set(conds, obj.GetGeneration(), ds.condition, metav1.ConditionFalse, conditions.ReasonDeleting,
				"deletion in progress")
			return ctrl.Result{RequeueAfter: deletePoll}, nil
		}
		meta.RemoveStatusCondition(conds, ds.condition)
	}
	log.FromContext(ctx).Info("Deleted every owned AWS resource, removing the finalizer")
	l.recorder.Eventf(obj, nil, "Normal", "Deleted", "Delete", "every owned AWS resource is deleted")
	controllerutil.RemoveFinalizer(obj, Finalizer)
	return ctrl.Result{}, nil
}

// dropStale removes part conditions that no longer apply (for example PipeReady after switching to an
// event source mapping), keeping the summary conditions.
func dropStale(conds *[]metav1.Condition, order []string) {
	keep := append([]string{conditions.Ready, conditions.Reconciling, conditions.Stalled}, order...)
	*conds = slices.DeleteFunc(*conds, func(c metav1.Condition) bool { return !slices.Contains(keep, c.Type) })
}

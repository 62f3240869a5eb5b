package devstack

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// pollInterval is how often the wait helpers read the objects they wait on.
const pollInterval = 200 * time.Millisecond

// Transition is a condition that appeared on an object or changed its status, reason or message.
type Transition struct {
	// Object is "<Kind>/<name>".
	Object string
	// Condition is the condition as now observed.
	Condition metav1.Condition
}

// String renders the transition on one line.
func (t Transition) String() string {
	c := t.Condition
	return fmt.Sprintf("%s %s=%s %s: %s", t.Object, c.Type, c.Status, c.Reason, c.Message)
}

// WaitReady waits until every object (a KafkaCluster or KafkaPipeline, with name and namespace set) has a
// True Ready condition computed for its current generation, calling report (which may be nil) for every
// condition transition it observes on the way. Each object is left holding its last read state. On
// timeout the error says which objects are not Ready and why.
func (s *Stack) WaitReady(ctx context.Context, report func(Transition), objs ...client.Object) error {
	seen := map[string]metav1.Condition{}
	pending := []string{"no object read yet"}
	for {
		last := pending
		pending = nil
		for _, obj := range objs {
			if err := s.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("waiting for Ready: %s: %w", strings.Join(last, "; "), ctx.Err())
				}
				return fmt.Errorf("reading %s: %w", objectName(obj), err)
			}
			conds, observed, err := statusOf(obj)
			if err != nil {
				return err
			}
			for _, c := range conds {
				key := objectName(obj) + "/" + c.Type
				prev, ok := seen[key]
				if !ok || prev.Status != c.Status || prev.Reason != c.Reason || prev.Message != c.Message {
					seen[key] = c
					if report != nil {
						report(Transition{Object: objectName(obj), Condition: c})
					}
				}
			}
			if ready := meta.FindStatusCondition(conds, v1alpha1.ConditionReady); ready == nil ||
				ready.Status != metav1.ConditionTrue || observed != obj.GetGeneration() {
				pending = append(pending, notReady(obj, ready, observed))
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return fmt.Errorf("waiting for Ready: %s: %w", strings.Join(pending, "; "), err)
		}
	}
}

// WaitGone waits until none of the objects exists any more.
func (s *Stack) WaitGone(ctx context.Context, objs ...client.Object) error {
	for {
		var left []string
		for _, obj := range objs {
			err := s.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj)
			switch {
			case apierrors.IsNotFound(err):
			case err != nil && ctx.Err() == nil:
				return fmt.Errorf("reading %s: %w", objectName(obj), err)
			default:
				left = append(left, describeLeft(obj))
			}
		}
		if len(left) == 0 {
			return nil
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return fmt.Errorf("waiting for deletion: still there: %s: %w", strings.Join(left, "; "), err)
		}
	}
}

// statusOf returns the conditions and observed generation of a KafkaCluster or KafkaPipeline.
func statusOf(obj client.Object) ([]metav1.Condition, int64, error) {
	switch o := obj.(type) {
	case *v1alpha1.KafkaCluster:
		return o.Status.Conditions, o.Status.ObservedGeneration, nil
	case *v1alpha1.KafkaPipeline:
		return o.Status.Conditions, o.Status.ObservedGeneration, nil
	}
	return nil, 0, fmt.Errorf("%T has no operator status: want a KafkaCluster or a KafkaPipeline", obj)
}

// objectName is "<Kind>/<name>" for the operator's types.
func objectName(obj client.Object) string {
	kind := strings.TrimPrefix(fmt.Sprintf("%T", obj), "*v1alpha1.")
	return kind + "/" + obj.GetName()
}

// notReady says why an object is not Ready yet.
func notReady(obj client.Object, ready *metav1.Condition, observed int64) string {
	switch {
	case ready == nil:
		return objectName(obj) + " has no Ready condition yet"
	case observed != obj.GetGeneration():
		return fmt.Sprintf("%s: generation %d not observed yet (status is for %d)", objectName(obj),
			obj.GetGeneration(), observed)
	}
	return fmt.Sprintf("%s Ready=%s %s: %s", objectName(obj), ready.Status, ready.Reason, ready.Message)
}

// describeLeft says what an object still being deleted is waiting for.
func describeLeft(obj client.Object) string {
	conds, _, err := statusOf(obj)
	if err != nil {
		return objectName(obj)
	}
	if ready := meta.FindStatusCondition(conds, v1alpha1.ConditionReady); ready != nil {
		return fmt.Sprintf("%s (%s: %s)", objectName(obj), ready.Reason, ready.Message)
	}
	return objectName(obj)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

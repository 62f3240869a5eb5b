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
	// Initial is true for the conditions as found when the wait began, which may predate it.
	Initial bool
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
	return s.watch(ctx, "waiting for Ready", report, objs, func(obj client.Object, found bool) (bool, string) {
		if !found {
			return false, objectName(obj) + " does not exist"
		}
		conds, observed, _ := statusOf(obj)
		ready := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
		switch {
		case ready == nil:
			return false, objectName(obj) + " has no Ready condition yet"
		case observed != obj.GetGeneration():
			return false, fmt.Sprintf("%s: generation %d not observed yet (status is for %d)", objectName(obj),
				obj.GetGeneration(), observed)
		case ready.Status != metav1.ConditionTrue:
			return false, fmt.Sprintf("%s Ready=%s %s: %s", objectName(obj), ready.Status, ready.Reason, ready.Message)
		}
		return true, ""
	})
}

// WaitGone waits until none of the objects exists any more, calling report (which may be nil) for every
// condition transition it observes while they are being deleted.
func (s *Stack) WaitGone(ctx context.Context, report func(Transition), objs ...client.Object) error {
	return s.watch(ctx, "waiting for deletion", report, objs, func(obj client.Object, found bool) (bool, string) {
		if !found {
			return true, ""
		}
		conds, _, _ := statusOf(obj)
		if ready := meta.FindStatusCondition(conds, v1alpha1.ConditionReady); ready != nil {
			return false, fmt.Sprintf("%s is still there (%s: %s)", objectName(obj), ready.Reason, ready.Message)
		}
		return false, objectName(obj) + " is still there"
	})
}

// watch reads the objects every pollInterval, reports their condition transitions, and returns once done
// holds for all of them. done gets each object as read (found false when it does not exist) and says
// whether it is done, or why not; the reasons of the last round make the error when ctx ends first.
func (s *Stack) watch(ctx context.Context, what string, report func(Transition), objs []client.Object,
	done func(obj client.Object, found bool) (bool, string)) error {
	for _, obj := range objs {
		if _, _, err := statusOf(obj); err != nil {
			return err
		}
	}
	seen := map[string]metav1.Condition{}
	pending := []string{"no object read yet"}
	for round := 0; ; round++ {
		last := pending
		pending = nil
		for _, obj := range objs {
			err := s.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj)
			if err != nil && !apierrors.IsNotFound(err) {
				if ctx.Err() != nil {
					return fmt.Errorf("%s: %s: %w", what, strings.Join(last, "; "), ctx.Err())
				}
				return fmt.Errorf("reading %s: %w", objectName(obj), err)
			}
			if err == nil && report != nil {
				conds, _, _ := statusOf(obj)
				for _, c := range conds {
					key := objectName(obj) + "/" + c.Type
					if prev, ok := seen[key]; !ok || prev.Status != c.Status || prev.Reason != c.Reason || prev.Message != c.Message {
						seen[key] = c
						report(Transition{Object: objectName(obj), Condition: c, Initial: round == 0})
					}
				}
			}
			if ok, why := done(obj, err == nil); !ok {
				pending = append(pending, why)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return fmt.Errorf("%s: %s: %w", what, strings.Join(pending, "; "), err)
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

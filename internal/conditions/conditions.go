// Package conditions keeps the kstatus-compatible condition set of an object: one positive-polarity
// condition per part, plus Ready, Reconciling and Stalled derived from them in one place. It works on
// []metav1.Condition through apimachinery's meta helpers.
package conditions

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// The summary condition types (kstatus: Ready for Current, Reconciling for InProgress, Stalled for Failed).
const (
	Ready       = "Ready"
	Reconciling = "Reconciling"
	Stalled     = "Stalled"
)

// Getter is an object with conditions.
type Getter interface {
	GetConditions() []metav1.Condition
	GetGeneration() int64
}

// Set sets one condition, stamping the object's generation, and reports whether it entered a new state: it
// was absent, or its status or reason changed. LastTransitionTime changes only when the status does
// (meta.SetStatusCondition).
func Set(conds *[]metav1.Condition, gen int64, condType string, status metav1.ConditionStatus, reason, message string) bool {
	entered := true
	if prev := Get(*conds, condType); prev != nil {
		// Compare before SetStatusCondition: prev points into the slice it changes in place.
		entered = prev.Status != status || prev.Reason != reason
	}
	meta.SetStatusCondition(conds, metav1.Condition{Type: condType, Status: status, Reason: reason,
		Message: truncate(message), ObservedGeneration: gen})
	return entered
}

// Get returns one condition, or nil.
func Get(conds []metav1.Condition, condType string) *metav1.Condition {
	return meta.FindStatusCondition(conds, condType)
}

// IsTrue reports whether the condition is present and True.
func IsTrue(conds []metav1.Condition, condType string) bool {
	return meta.IsStatusConditionTrue(conds, condType)
}

// Summary is the outcome of a reconcile that Summarize turns into Ready, Reconciling and Stalled.
type Summary struct {
	// Order lists the part conditions, in step order; the first one that is not True explains Ready.
	Order []string
	// Stalled is set when a terminal error stopped the reconcile; its reason and message become Stalled's.
	Stalled *metav1.Condition
	// Retrying is set when a transient error will be retried with backoff.
	Retrying bool
	// Deleting is set while the object is being deleted.
	Deleting bool
}

// Summarize derives Ready, Reconciling and Stalled from the part conditions. Ready is True only when every
// part is True and nothing is stalled; Reconciling is present while work remains and removed when Ready;
// Stalled is present only while a terminal error stands.
func Summarize(conds *[]metav1.Condition, gen int64, s Summary) {
	ready, notReady := 0, (*metav1.Condition)(nil)
	for _, t := range s.Order {
		c := Get(*conds, t)
		if c != nil && c.Status == metav1.ConditionTrue {
			ready++
			continue
		}
		if notReady == nil {
			if c == nil {
				c = &metav1.Condition{Type: t, Reason: v1alpha1.ReasonProgressing, Message: t + " has not been reconciled yet"}
			}
			notReady = c
		}
	}
	total := len(s.Order)
	switch {
	case s.Deleting:
		Set(conds, gen, Ready, metav1.ConditionFalse, v1alpha1.ReasonDeleting, "deleting the AWS resources in reverse order")
		Set(conds, gen, Reconciling, metav1.ConditionTrue, v1alpha1.ReasonDeleting, "deleting")
		meta.RemoveStatusCondition(conds, Stalled)
	case s.Stalled != nil:
		Set(conds, gen, Stalled, metav1.ConditionTrue, s.Stalled.Reason, s.Stalled.Message)
		Set(conds, gen, Ready, metav1.ConditionFalse, s.Stalled.Reason,
			fmt.Sprintf("%d of %d ready: %s", ready, total, s.Stalled.Message))
		meta.RemoveStatusCondition(conds, Reconciling)
	case notReady == nil:
		Set(conds, gen, Ready, metav1.ConditionTrue, v1alpha1.ReasonSucceeded, fmt.Sprintf("%d of %d ready", ready, total))
		meta.RemoveStatusCondition(conds, Reconciling)
		meta.RemoveStatusCondition(conds, Stalled)
	default:
		Set(conds, gen, Ready, metav1.ConditionFalse, notReady.Reason,
			fmt.Sprintf("%d of %d ready: %s: %s", ready, total, notReady.Type, notReady.Message))
		reason := v1alpha1.ReasonProgressing
		if s.Retrying {
			reason = v1alpha1.ReasonProgressingWithRetry
		}
		Set(conds, gen, Reconciling, metav1.ConditionTrue, reason, notReady.Type+": "+notReady.Message)
		meta.RemoveStatusCondition(conds, Stalled)
	}
}

// maxMessage keeps condition messages within the API's 32 KiB limit with room to spare.
const maxMessage = 4096

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxMessage {
		return s
	}
	return s[:maxMessage-3] + "..."
}

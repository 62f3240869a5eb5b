package conditions

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

func TestSummarize(t *testing.T) {
	order := []string{"ClusterReady", "TopicReady", "PipeReady"}
	cases := []struct {
		name       string
		parts      map[string]metav1.ConditionStatus
		summary    Summary
		ready      metav1.ConditionStatus
		reason     string
		message    string
		reconciles bool
		stalled    bool
	}{
		{name: "all ready", parts: map[string]metav1.ConditionStatus{"ClusterReady": "True", "TopicReady": "True", "PipeReady": "True"},
			ready: "True", reason: v1alpha1.ReasonSucceeded, message: "3 of 3 ready"},
		{name: "first not ready explains", parts: map[string]metav1.ConditionStatus{"ClusterReady": "True", "TopicReady": "False"},
			ready: "False", reason: "Waiting", message: "1 of 3 ready: TopicReady: TopicReady is waiting", reconciles: true},
		{name: "missing part", parts: map[string]metav1.ConditionStatus{"ClusterReady": "True", "TopicReady": "True"},
			ready: "False", reason: v1alpha1.ReasonProgressing, message: "2 of 3 ready: PipeReady: PipeReady has not been reconciled yet", reconciles: true},
		{name: "stalled", parts: map[string]metav1.ConditionStatus{"ClusterReady": "False"},
			summary: Summary{Stalled: &metav1.Condition{Reason: "NotOwned", Message: "queue q is not ours"}},
			ready:   "False", reason: "NotOwned", message: "0 of 3 ready: queue q is not ours", stalled: true},
		{name: "deleting", parts: map[string]metav1.ConditionStatus{"ClusterReady": "True"}, summary: Summary{Deleting: true},
			ready: "False", reason: v1alpha1.ReasonDeleting, message: "deleting", reconciles: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var conds []metav1.Condition
			// A stale Stalled and Reconciling must be cleared when they no longer apply.
			Set(&conds, 1, Stalled, metav1.ConditionTrue, "Old", "old")
			Set(&conds, 1, Reconciling, metav1.ConditionTrue, "Old", "old")
			for _, t := range order {
				if st, ok := c.parts[t]; ok {
					Set(&conds, 2, t, st, "Waiting", t+" is waiting")
				}
			}
			s := c.summary
			s.Order = order
			Summarize(&conds, 2, s)
			r := Get(conds, Ready)
			if r.Status != c.ready || r.Reason != c.reason || !strings.HasPrefix(r.Message, c.message) || r.ObservedGeneration != 2 {
				t.Fatalf("Ready = %s/%s %q gen %d, want %s/%s %q", r.Status, r.Reason, r.Message, r.ObservedGeneration, c.ready, c.reason, c.message)
			}
			if got := Get(conds, Reconciling) != nil; got != c.reconciles {
				t.Errorf("Reconciling present = %v, want %v", got, c.reconciles)
			}
			if got := Get(conds, Stalled) != nil; got != c.stalled {
				t.Errorf("Stalled present = %v, want %v", got, c.stalled)
			}
		})
	}
}

func TestRetryingSaysSo(t *testing.T) {
	var conds []metav1.Condition
	Set(&conds, 1, "ClusterReady", metav1.ConditionFalse, "AWSError", "throttled")
	Summarize(&conds, 1, Summary{Order: []string{"ClusterReady"}, Retrying: true})
	if r := Get(conds, Reconciling); r == nil || r.Reason != v1alpha1.ReasonProgressingWithRetry {
		t.Fatalf("Reconciling = %+v, want ProgressingWithRetry", r)
	}
}

func TestLongMessagesAreTruncated(t *testing.T) {
	var conds []metav1.Condition
	Set(&conds, 1, "X", metav1.ConditionFalse, "R", strings.Repeat("m", 10000))
	if n := len(Get(conds, "X").Message); n != maxMessage {
		t.Fatalf("message length %d, want %d", n, maxMessage)
	}
}

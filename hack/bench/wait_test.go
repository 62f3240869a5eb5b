package main

import (
	"context"
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

func TestPollStopsWhenDone(t *testing.T) {
	calls := 0
	err := poll(context.Background(), time.Minute, func(context.Context) (bool, int64, error) {
		calls++
		return calls == 3, int64(calls), nil
	})
	if err != nil || calls != 3 {
		t.Errorf("poll = %v after %d checks, want nil after 3", err, calls)
	}
}

func TestPollGivesUpWhenNothingMoves(t *testing.T) {
	err := poll(context.Background(), 300*time.Millisecond, func(context.Context) (bool, int64, error) {
		return false, 7, nil
	})
	var stalled errStalled
	if !errors.As(err, &stalled) || stalled.after != 300*time.Millisecond {
		t.Errorf("poll = %v, want errStalled after 300ms", err)
	}
}

func TestPollReturnsCheckErrors(t *testing.T) {
	boom := errors.New("boom")
	if err := poll(context.Background(), time.Minute, func(context.Context) (bool, int64, error) {
		return false, 0, boom
	}); !errors.Is(err, boom) {
		t.Errorf("poll = %v, want the check's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := poll(ctx, time.Minute, func(context.Context) (bool, int64, error) { return false, 1, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("poll = %v, want context.Canceled", err)
	}
}

func condition(t, status, reason, msg string) metav1.Condition {
	return metav1.Condition{Type: t, Status: metav1.ConditionStatus(status), Reason: reason, Message: msg}
}

func TestBlockers(t *testing.T) {
	ready := *newPipeline(0, v1alpha1.DeliveryPipe)
	ready.Status.Conditions = []metav1.Condition{condition(v1alpha1.ConditionReady, "True", "Succeeded", "")}
	blocked := *newPipeline(1, v1alpha1.DeliveryPipe)
	blocked.Status.Conditions = []metav1.Condition{
		condition(v1alpha1.ConditionReady, "False", "QuotaExceeded", ""),
		condition(v1alpha1.ConditionClusterReady, "True", "Available", ""),
		condition(v1alpha1.ConditionTopicReady, "True", "Available", ""),
		condition(v1alpha1.ConditionDeadLetterQueueReady, "True", "Available", ""),
		condition(v1alpha1.ConditionFunctionRoleReady, "False", "QuotaExceeded", "Cannot exceed quota for RolesPerAccount: 1000"),
	}
	fresh := *newPipeline(2, v1alpha1.DeliveryPipe)
	got, example := blockers([]v1alpha1.KafkaPipeline{ready, blocked, fresh})
	if len(got) != 2 || got["FunctionRoleReady/QuotaExceeded"] != 1 || got["no status yet"] != 1 {
		t.Errorf("blockers = %v", got)
	}
	if want := "p0001: FunctionRoleReady/QuotaExceeded: Cannot exceed quota for RolesPerAccount: 1000"; example != want {
		t.Errorf("example = %q, want %q", example, want)
	}
}

func TestForEachRunsEveryIndexAndReportsAnError(t *testing.T) {
	seen := make([]bool, 100)
	boom := errors.New("boom")
	err := forEach(len(seen), func(i int) error {
		seen[i] = true
		if i == 42 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("forEach = %v, want the failing index's error", err)
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("index %d was not run", i)
		}
	}
}

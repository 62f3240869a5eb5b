package controllers

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func TestStepRunnerOutcomes(t *testing.T) {
	ran := map[string]bool{}
	st := func(cond string, err error, deps ...string) step {
		return step{condition: cond, deps: deps, run: func(context.Context) (string, error) {
			ran[cond] = true
			return cond + " ok", err
		}}
	}
	var conds []metav1.Condition
	rec := events.NewFakeRecorder(10)
	r := stepRunner{obj: &corev1.ConfigMap{}, conds: &conds, gen: 3, recorder: rec}
	run := r.run(context.Background(), []step{
		st("A", nil),
		st("B", outcome.Wait(2*time.Second, "Creating", "B is creating")),
		st("C", nil, "B"),
		st("D", outcome.Block("AccessDenied", errors.New("no"))),
		st("E", errors.New("throttled")),
		st("F", outcome.Wait(0, "Creating", "F")),
	})
	if ran["C"] {
		t.Error("a step whose dependency is not ready must not run")
	}
	want := map[string]string{"A": "Available", "B": "Creating", "C": reasonDependencyNotReady, "D": "AccessDenied",
		"E": reasonAWSError, "F": "Creating"}
	for cond, reason := range want {
		if c := conditions.Get(conds, cond); c == nil || c.Reason != reason || c.ObservedGeneration != 3 {
			t.Errorf("%s = %+v, want reason %s", cond, c, reason)
		}
	}
	after, err := run.result()
	if err == nil || after != 0 {
		t.Fatalf("a transient error wins over waiting: after=%v err=%v", after, err)
	}
	if run.requeue != minWait {
		t.Errorf("shortest wait = %v, want the %v floor", run.requeue, minWait)
	}
	if len(rec.Events) != 3 { // A ready, D access denied, E AWS error
		t.Errorf("events = %d, want 3", len(rec.Events))
	}

	// The same outcomes again emit nothing new.
	r.run(context.Background(), []step{st("A", nil), st("D", outcome.Block("AccessDenied", errors.New("no")))})
	if len(rec.Events) != 3 {
		t.Errorf("repeated outcomes emitted events: %d", len(rec.Events))
	}

	// A terminal outcome stops the table and stalls.
	delete(ran, "Z")
	run = r.run(context.Background(), []step{st("Y", outcome.Failf("NotOwned", "queue q is not ours")), st("Z", nil)})
	if ran["Z"] || run.stalled == nil || run.stalled.Reason != "NotOwned" {
		t.Fatalf("terminal: ranZ=%v stalled=%+v", ran["Z"], run.stalled)
	}
	if _, err := run.result(); !errors.Is(err, run.terminal) {
		t.Fatalf("terminal result = %v", err)
	}
}

func TestDropStaleKeepsSummaryAndCurrentParts(t *testing.T) {
	conds := []metav1.Condition{{Type: "Ready"}, {Type: "Stalled"}, {Type: "PipeReady"}, {Type: "EventSourceMappingReady"}}
	dropStale(&conds, []string{"EventSourceMappingReady"})
	if len(conds) != 3 || conditions.Get(conds, "PipeReady") != nil {
		t.Fatalf("conditions = %+v", conds)
	}
}

func TestFunctionNameAndRegionOfARNs(t *testing.T) {
	if got := functionNameOf("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"); got != "f" {
		t.Errorf("qualified: %q", got)
	}
	if got := functionNameOf("arn:aws:lambda:us-east-1:123456789012:function:f"); got != "f" {
		t.Errorf("unqualified: %q", got)
	}
	if got := arnRegion("arn:aws:kafka:ap-northeast-1:123456789012:cluster/c/u"); got != "ap-northeast-1" {
		t.Errorf("region: %q", got)
	}
	if arnRegion("not-an-arn") != "" {
		t.Error("a non-ARN has no region")
	}
}

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
	st := func(cond string, err error, deps ...string) part {
		return part{condition: cond, deps: deps, ensure: func(context.Context) (ensured, error) {
			ran[cond] = true
			return ensured{message: cond + " ok"}, err
		}}
	}
	var conds []metav1.Condition
	rec := events.NewFakeRecorder(10)
	r := stepRunner{obj: &corev1.ConfigMap{}, conds: &conds, gen: 3, recorder: rec, timings: DefaultTimings()}
	run := r.run(context.Background(), []part{
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
	want := map[string]string{"A": "Available", "B": "Creating", "C": "DependencyNotReady", "D": "AccessDenied",
		"E": "AWSError", "F": "Creating"}
	for cond, reason := range want {
		if c := conditions.Get(conds, cond); c == nil || c.Reason != reason || c.ObservedGeneration != 3 {
			t.Errorf("%s = %+v, want reason %s", cond, c, reason)
		}
	}
	if run.retry == nil {
		t.Fatal("a transient error is retried")
	}
	if run.requeue != minWait {
		t.Errorf("shortest wait = %v, want the %v floor", run.requeue, minWait)
	}
	if len(rec.Events) != 3 { // A ready, D access denied, E AWS error
		t.Errorf("events = %d, want 3", len(rec.Events))
	}

	// The same outcomes again emit nothing new.
	r.run(context.Background(), []part{st("A", nil), st("D", outcome.Block("AccessDenied", errors.New("no")))})
	if len(rec.Events) != 3 {
		t.Errorf("repeated outcomes emitted events: %d", len(rec.Events))
	}

	// A terminal outcome stops the table and stalls.
	delete(ran, "Z")
	run = r.run(context.Background(), []part{st("Y", outcome.Failf("NotOwned", "queue q is not ours")), st("Z", nil)})
	if ran["Z"] || run.stalled == nil || run.stalled.Reason != "NotOwned" {
		t.Fatalf("terminal: ranZ=%v stalled=%+v", ran["Z"], run.stalled)
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

func TestStepRunnerEventsOnTransitionsOfExistingConditions(t *testing.T) {
	var conds []metav1.Condition
	rec := events.NewFakeRecorder(10)
	r := stepRunner{obj: &corev1.ConfigMap{}, conds: &conds, gen: 1, recorder: rec, full: true, timings: DefaultTimings()}
	st := func(err error) []part {
		return []part{{condition: "FunctionReady", ensure: func(context.Context) (ensured, error) { return ensured{message: "ok"}, err }}}
	}
	next := func() string {
		select {
		case e := <-rec.Events:
			return e
		default:
			return "no event"
		}
	}
	r.run(context.Background(), st(outcome.Wait(time.Second, "Creating", "creating")))
	if len(rec.Events) != 0 {
		t.Fatalf("waiting emitted %d events", len(rec.Events))
	}
	r.run(context.Background(), st(nil))
	if got := next(); got != "Normal FunctionReady ok" {
		t.Errorf("False -> True: event %q, want the Normal ready event", got)
	}
	r.run(context.Background(), st(outcome.Failf("InvalidSpec", "no such key")))
	if got := next(); got != "Warning InvalidSpec FunctionReady: no such key" {
		t.Errorf("True -> InvalidSpec: event %q, want a Warning", got)
	}
	r.run(context.Background(), st(outcome.Block("AccessDenied", errors.New("denied"))))
	if got := next(); got != "Warning AccessDenied FunctionReady: denied" {
		t.Errorf("InvalidSpec -> AccessDenied: event %q, want a Warning", got)
	}
	r.run(context.Background(), st(outcome.Block("AccessDenied", errors.New("denied"))))
	if len(rec.Events) != 0 {
		t.Errorf("the same failure again emitted %d events", len(rec.Events))
	}
}

func TestBackoff(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	creating := stateSince{state: "False/Creating", since: t0}
	for _, tc := range []struct {
		name     string
		rec      stateSince
		state    string
		at       time.Duration // after t0
		own      time.Duration
		wantWait time.Duration
		wantRec  stateSince
	}{
		{"first look", stateSince{}, "False/Creating", 0, 10 * time.Second, 10 * time.Second, creating},
		{"repeated, sooner than its own wait", creating, "False/Creating", 4 * time.Second, 10 * time.Second,
			10 * time.Second, creating},
		{"repeated: as long again", creating, "False/Creating", 25 * time.Second, 10 * time.Second, 25 * time.Second, creating},
		{"capped", creating, "False/Creating", 10 * time.Minute, 10 * time.Second, time.Minute, creating},
		{"own wait above the cap", creating, "False/Creating", 10 * time.Minute, 5 * time.Minute, 5 * time.Minute, creating},
		{"state change resets", creating, "False/Updating", 10 * time.Minute, 10 * time.Second, 10 * time.Second,
			stateSince{state: "False/Updating", since: t0.Add(10 * time.Minute)}},
		{"same reason, other status resets", creating, "True/Creating", 2 * time.Minute, 0, 0,
			stateSince{state: "True/Creating", since: t0.Add(2 * time.Minute)}},
	} {
		rec, wait := backoff(tc.rec, tc.state, t0.Add(tc.at), tc.own, time.Minute)
		if wait != tc.wantWait || rec != tc.wantRec {
			t.Errorf("%s: backoff = %+v, %v; want %+v, %v", tc.name, rec, wait, tc.wantRec, tc.wantWait)
		}
	}
}

func TestStepRunnerBacksOffAPartThatKeepsWaiting(t *testing.T) {
	clock, now := newStateClock(), time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var conds []metav1.Condition
	r := stepRunner{obj: &corev1.ConfigMap{}, conds: &conds, gen: 1, full: true, timings: DefaultTimings(),
		looked: func(cond, state string, own time.Duration) time.Duration {
			return clock.look("uid-1", cond, state, now, own, DefaultTimings().WaitMax)
		}}
	var outcomes []error
	step := part{condition: "PipeReady", ensure: func(context.Context) (ensured, error) {
		err := outcomes[0]
		outcomes = outcomes[1:]
		return ensured{}, err
	}}
	creating := outcome.Wait(10*time.Second, "Creating", "pipe p is being created")
	// Each look comes when the previous one asked for: 10s, 10s, 20s, 40s, then the one-minute cap. An
	// update starts again from the outcome's own wait, and so does the same reason after the part was Ready.
	for i, tc := range []struct {
		err  error
		want time.Duration
	}{
		{creating, 10 * time.Second}, {creating, 10 * time.Second}, {creating, 20 * time.Second},
		{creating, 40 * time.Second}, {creating, time.Minute}, {creating, time.Minute},
		{outcome.Wait(5*time.Second, "Updating", "pipe p is being updated"), 5 * time.Second},
		{nil, 0},
		{creating, 10 * time.Second},
	} {
		outcomes = append(outcomes, tc.err)
		run := r.run(context.Background(), []part{step})
		if run.requeue != tc.want {
			t.Errorf("look %d (%v): requeue %v, want %v", i, tc.err, run.requeue, tc.want)
		}
		now = now.Add(max(run.requeue, time.Second))
	}
}

package controllers

import (
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
)

func TestUniformAWSWaitsSetsEveryWait(t *testing.T) {
	w := UniformAWSWaits(300 * time.Millisecond)
	if w.Cluster.Creating != 300*time.Millisecond || w.Network.Dependency != 300*time.Millisecond ||
		w.Function.Propagation != 300*time.Millisecond || w.Pipe.Transition != 300*time.Millisecond ||
		w.Mapping.Transition != 300*time.Millisecond || w.Queue.DeletedRecently != 300*time.Millisecond ||
		w.Topics.Unreachable != 300*time.Millisecond {
		t.Errorf("UniformAWSWaits(300ms) = %+v", w)
	}
}

func TestOptionsDefaultOnlyZeroWaits(t *testing.T) {
	o := Options{Timings: Timings{DeletePoll: time.Second},
		AWSWaits: AWSWaits{Pipe: pipe.Waits{Transition: 2 * time.Second}}}.withDefaults()
	want := DefaultAWSWaits()
	want.Pipe.Transition = 2 * time.Second
	if o.AWSWaits != want {
		t.Errorf("AWSWaits = %+v, want %+v", o.AWSWaits, want)
	}
	wantTimings := DefaultTimings()
	wantTimings.DeletePoll = time.Second
	if o.Timings != wantTimings {
		t.Errorf("Timings = %+v, want %+v", o.Timings, wantTimings)
	}
	if o.Timings.WaitMax != time.Minute {
		t.Errorf("WaitMax defaults to %v, want 1m", o.Timings.WaitMax)
	}
}

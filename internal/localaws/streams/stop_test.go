package streams

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// blockingInvoker holds every invocation until release is closed or its context ends.
type blockingInvoker struct {
	started   chan struct{}
	release   chan struct{}
	cancelled atomic.Bool
}

func (b *blockingInvoker) Invoke(ctx context.Context, _ lambda.FunctionView, _ []byte, _ string) (lambda.InvokeResult, error) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
		return lambda.InvokeResult{StatusCode: 200}, nil
	case <-ctx.Done():
		b.cancelled.Store(true)
		return lambda.InvokeResult{}, ctx.Err()
	}
}

func TestStopFinishesTheBatchInFlight(t *testing.T) {
	h := newHarness(t, nil)
	inv := &blockingInvoker{started: make(chan struct{}, 1), release: make(chan struct{})}
	h.useInvoker(inv)
	h.createTopic("inflight", 1)
	h.produceN("inflight", 0, "x", 3)
	p := pipe("inflight", "inflight")
	h.streams.Pipes().Run(p)
	<-inv.started

	time.AfterFunc(100*time.Millisecond, func() { close(inv.release) })
	h.streams.Pipes().Stop(p.ARN)
	if inv.cancelled.Load() {
		t.Fatal("the invocation was cancelled within the grace period")
	}
	if got := h.committed(p.ConsumerGroupID, "inflight", 0); got != 3 {
		t.Fatalf("committed %d after Stop, want the finished batch (3)", got)
	}
}

func TestStopCancelsAnInvocationAfterTheGrace(t *testing.T) {
	h := newHarness(t, nil)
	inv := &blockingInvoker{started: make(chan struct{}, 1), release: make(chan struct{})}
	h.useInvoker(inv)
	h.createTopic("hung", 1)
	h.produceN("hung", 0, "x", 2)
	p := pipe("hung", "hung")
	h.streams.Pipes().Run(p)
	<-inv.started

	start := time.Now()
	h.streams.Pipes().Stop(p.ARN)
	if took := time.Since(start); took < h.streams.cfg.StopGrace || took > waitLimit {
		t.Errorf("Stop took %v, want the %v grace", took, h.streams.cfg.StopGrace)
	}
	if !inv.cancelled.Load() {
		t.Fatal("the hung invocation was not cancelled")
	}
	if got := h.committed(p.ConsumerGroupID, "hung", 0); got > 0 {
		t.Fatalf("committed %d for a batch that never finished", got)
	}
}

func TestBlockedPartitionPausesFetching(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("backlog", 1)
	var open atomic.Bool
	h.inv.setFail(func(int, []byte) (lambda.InvokeResult, error) {
		if !open.Load() {
			return functionError()
		}
		return lambda.InvokeResult{StatusCode: 200}, nil
	})
	p := pipe("backlog", "backlog")
	h.streams.Pipes().Run(p)
	const total = 4000
	for range total / 500 {
		h.produceN("backlog", 0, "b", 500)
	}

	var part *partition
	eventually(t, "fetching to pause", func() bool {
		h.streams.mu.Lock()
		c := h.streams.consumers[p.ARN]
		h.streams.mu.Unlock()
		c.mu.Lock()
		part = c.parts[0]
		c.mu.Unlock()
		if part == nil {
			return false
		}
		part.mu.Lock()
		defer part.mu.Unlock()
		return part.paused
	})
	part.mu.Lock()
	buffered := len(part.buf)
	part.mu.Unlock()
	if buffered >= total {
		t.Errorf("%d records buffered for a blocked partition, want fewer than the %d produced", buffered, total)
	}

	open.Store(true)
	eventually(t, "every record committed", func() bool { return h.committed(p.ConsumerGroupID, "backlog", 0) == total })
	offsets := map[int64]bool{}
	for _, batch := range h.delivered() {
		for _, r := range batch {
			offsets[r.Offset] = true
		}
	}
	if len(offsets) != total {
		t.Errorf("%d distinct offsets delivered, want %d", len(offsets), total)
	}
}

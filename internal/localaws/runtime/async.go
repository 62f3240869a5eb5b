package runtime

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// The asynchronous path's real-world delays, which Config.TimeScale multiplies: Lambda waits about a minute
// before the first retry and two before the second, and backs off from 1 s to 5 min after throttles.
const (
	retryDelayStep     = time.Minute
	throttleBackoffMin = time.Second
	throttleBackoffMax = 5 * time.Minute
)

// asyncEvent is one Event invocation waiting in, or being run from, its function's queue.
type asyncEvent struct {
	id        string
	arn       string
	fn        lambda.FunctionView // the function as last seen
	payload   []byte
	enqueued  time.Time
	due       time.Time
	attempts  int      // invocations that ran
	throttles int      // attempts refused for concurrency, which are not retries
	last      *outcome // the result of the latest invocation that ran
}

// asyncQueue is one function's asynchronous event queue, ordered by when each event is due. Up to the
// function's concurrency limit of workers run events from it; they exit when it is empty.
type asyncQueue struct {
	rt   *Runtime
	wake chan struct{}
	quit chan struct{}

	mu      sync.Mutex
	events  []*asyncEvent
	workers int
	stopped bool
}

// enqueue accepts an Event invocation. Delivery is at least once: an event runs until it succeeds, its
// retries are exhausted or it grows too old.
func (r *Runtime) enqueue(fn lambda.FunctionView, payload []byte, id string) error {
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	now := time.Now()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errService("invoking %s: %v", fn.ARN, errClosed)
	}
	q, ok := r.queues[fn.ARN]
	if !ok {
		q = &asyncQueue{rt: r, wake: make(chan struct{}, 1), quit: make(chan struct{})}
		r.queues[fn.ARN] = q
	}
	r.mu.Unlock()
	q.push(&asyncEvent{id: id, arn: fn.ARN, fn: fn, payload: payload, enqueued: now, due: now})
	return nil
}

// push adds an event in due order and makes sure a worker will run it.
func (q *asyncQueue) push(ev *asyncEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return
	}
	i, _ := slices.BinarySearchFunc(q.events, ev.due, func(e *asyncEvent, due time.Time) int {
		if e.due.After(due) {
			return 1
		}
		return -1
	})
	q.events = slices.Insert(q.events, i, ev)
	if q.workers < q.rt.cfg.Concurrency {
		q.workers++
		go q.work()
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// work runs due events until the queue is empty or stopped.
func (q *asyncQueue) work() {
	for {
		q.mu.Lock()
		if q.stopped || len(q.events) == 0 {
			q.workers--
			q.mu.Unlock()
			return
		}
		ev := q.events[0]
		wait := time.Until(ev.due)
		if wait <= 0 {
			q.events = q.events[1:]
			q.mu.Unlock()
			q.rt.attempt(q, ev)
			continue
		}
		q.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-q.wake:
		case <-q.quit:
		}
		t.Stop()
	}
}

// stop drops the queued events and ends the workers.
func (q *asyncQueue) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.stopped {
		q.stopped = true
		q.events = nil
		close(q.quit)
	}
}

func (q *asyncQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.events)
}

// attempt runs an event once and decides what follows: done, a retry later, back into the queue after a
// throttle, or the failure destinations.
func (r *Runtime) attempt(q *asyncQueue, ev *asyncEvent) {
	r.mu.Lock()
	wired := r.functions != nil
	r.mu.Unlock()
	if wired {
		fn, ok := r.lookup(ev.arn)
		if !ok {
			r.cfg.Logger.Info("dropping an asynchronous event: its function no longer exists", "function", ev.arn, "requestId", ev.id)
			return
		}
		ev.fn = fn
	}
	cfg := r.invokeConfig(ev.arn)
	if time.Since(ev.enqueued) >= r.scaled(cfg.MaximumEventAge) {
		r.fail(ev, cfg, conditionEventAgeExceeded)
		return
	}
	out, err := r.run(context.Background(), ev.fn, ev.payload, ev.id)
	if err != nil {
		// Throttles and Lambda's own errors put the event back with backoff; they are not retries.
		var we *wire.Error
		if !errors.As(err, &we) || we.Status != http.StatusTooManyRequests {
			r.cfg.Logger.Warn("an asynchronous invocation could not run; it goes back to the queue", "function", ev.arn,
				"requestId", ev.id, "error", err)
		}
		ev.throttles++
		ev.due = time.Now().Add(r.scaled(throttleBackoff(ev.throttles)))
		q.push(ev)
		return
	}
	ev.attempts++
	ev.last = &out
	switch {
	case out.functionError == "":
		r.succeed(ev, cfg)
	case ev.attempts > cfg.MaximumRetryAttempts:
		r.fail(ev, cfg, conditionRetriesExhausted)
	default:
		ev.due = time.Now().Add(r.scaled(time.Duration(ev.attempts) * retryDelayStep))
		q.push(ev)
	}
}

// throttleBackoff is the pause after the nth consecutive refusal: 1 s doubling up to 5 min.
func throttleBackoff(n int) time.Duration {
	d := throttleBackoffMin
	for i := 1; i < n && d < throttleBackoffMax; i++ {
		d *= 2
	}
	return min(d, throttleBackoffMax)
}

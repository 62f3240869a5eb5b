package pipes

import "sync"

// effectQueue runs Runner calls in the order transitions made them, outside the service lock: transitions
// enqueue while holding the lock, and whoever flushes afterwards runs the queue head first, one call at a
// time.
type effectQueue struct {
	mu       sync.Mutex
	queue    []func()
	flushing sync.Mutex
}

func (q *effectQueue) add(fn func()) {
	q.mu.Lock()
	q.queue = append(q.queue, fn)
	q.mu.Unlock()
}

// run enqueues Runner.Run for a pipe that entered RUNNING.
func (q *effectQueue) run(r Runner, v PipeView) {
	if r != nil {
		q.add(func() { r.Run(v) })
	}
}

// stop enqueues Runner.Stop for a pipe that left RUNNING.
func (q *effectQueue) stop(r Runner, arn string) {
	if r != nil {
		q.add(func() { r.Stop(arn) })
	}
}

// flush runs queued calls until the queue is empty. Call it without the service lock.
func (q *effectQueue) flush() {
	q.flushing.Lock()
	defer q.flushing.Unlock()
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.mu.Unlock()
			return
		}
		fn := q.queue[0]
		q.queue = q.queue[1:]
		q.mu.Unlock()
		fn()
	}
}

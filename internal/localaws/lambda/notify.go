package lambda

import "sync"

// notifier delivers MappingRunner calls in the order they were queued, on one goroutine at a time and
// never under the service lock, so a runner may call back into the service.
type notifier struct {
	mu      sync.Mutex
	queue   []func()
	running bool
}

// enqueue queues fn; it may be called with the service lock held.
func (n *notifier) enqueue(fn func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.queue = append(n.queue, fn)
	if !n.running {
		n.running = true
		go n.drain()
	}
}

func (n *notifier) drain() {
	for {
		n.mu.Lock()
		if len(n.queue) == 0 {
			n.running = false
			n.mu.Unlock()
			return
		}
		fn := n.queue[0]
		n.queue = n.queue[1:]
		n.mu.Unlock()
		fn()
	}
}

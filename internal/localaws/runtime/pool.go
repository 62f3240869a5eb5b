package runtime

import (
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// pool holds the instances of one function for one code package and configuration.
type pool struct {
	rt  *Runtime
	key string
	fn  lambda.FunctionView

	mu          sync.Mutex
	idle        []*sandbox // most recently used last
	all         map[*sandbox]struct{}
	starting    int
	retired     bool // replaced by newer code or configuration: instances stop when released
	stopped     bool // reset or closed: nothing more runs
	coldStarts  int
	invocations int
	throttles   int
}

// poolKey identifies what an instance runs: new code or configuration needs new instances.
func poolKey(fn lambda.FunctionView) string {
	return fn.ARN + "|" + fn.CodeSha256 + "|" + fn.RevisionID
}

// poolFor returns the pool for a function's current code and configuration; a pool for older code is
// retired.
func (r *Runtime) poolFor(fn lambda.FunctionView) (*pool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errService("invoking %s: %v", fn.ARN, errClosed)
	}
	key := poolKey(fn)
	old := r.pools[fn.ARN]
	if old != nil && old.key == key {
		return old, nil
	}
	if old != nil {
		old.retire(false)
	}
	p := &pool{rt: r, key: key, fn: fn, all: map[*sandbox]struct{}{}}
	r.pools[fn.ARN] = p
	return p, nil
}

// execute runs one invocation on an instance, starting one when none is idle. It returns a throttle error
// when the function already runs as many instances as it may.
func (p *pool) execute(id string, payload []byte) (outcome, error) {
	inv := newInvocation(id, payload, p.fn.Timeout)
	for {
		sb, err := p.acquire()
		if err != nil {
			return outcome{}, err
		}
		out, retry := sb.invoke(inv)
		p.release(sb)
		if !retry {
			return out, nil
		}
		// The instance died before taking the invocation: it goes to another one and counts once.
		p.mu.Lock()
		p.invocations--
		p.mu.Unlock()
	}
}

// acquire takes an idle instance or starts one.
func (p *pool) acquire() (*sandbox, error) {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return nil, errService("invoking %s: %v", p.fn.ARN, errClosed)
	}
	for len(p.idle) > 0 {
		sb := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if !sb.alive() {
			delete(p.all, sb)
			continue
		}
		sb.idleGen++
		p.invocations++
		p.mu.Unlock()
		return sb, nil
	}
	limit := p.rt.cfg.Concurrency
	if len(p.all)+p.starting >= limit {
		p.throttles++
		p.mu.Unlock()
		return nil, errThrottled(p.fn.ARN, limit)
	}
	p.starting++
	p.coldStarts++
	p.invocations++
	p.mu.Unlock()

	sb, err := p.rt.startSandbox(p.fn)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting--
	if err != nil {
		return nil, err
	}
	p.all[sb] = struct{}{}
	if p.stopped {
		sb.kill()
	}
	return sb, nil
}

// release returns an instance after an invocation: alive ones wait for the next, others are dropped.
func (p *pool) release(sb *sandbox) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !sb.alive() || p.retired || p.stopped {
		delete(p.all, sb)
		sb.kill()
		return
	}
	sb.idleGen++
	gen := sb.idleGen
	p.idle = append(p.idle, sb)
	time.AfterFunc(p.rt.cfg.IdleTimeout, func() { p.reap(sb, gen) })
}

// reap stops an instance that stayed idle since gen.
func (p *pool) reap(sb *sandbox, gen int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sb.idleGen != gen {
		return
	}
	for i, s := range p.idle {
		if s == sb {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			break
		}
	}
	delete(p.all, sb)
	sb.kill()
}

// retire stops idle instances; busy ones stop when released. With stop, busy ones are killed too and no
// further invocation runs. p.rt.mu may be held: retire takes only p.mu.
func (p *pool) retire(stop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retired = true
	p.stopped = p.stopped || stop
	for _, sb := range p.idle {
		delete(p.all, sb)
		sb.kill()
	}
	p.idle = nil
	if stop {
		for sb := range p.all {
			sb.kill()
		}
	}
}

func (p *pool) stats() FunctionStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	alive := 0
	for sb := range p.all {
		if sb.alive() {
			alive++
		}
	}
	idle := 0
	for _, sb := range p.idle {
		if sb.alive() {
			idle++
		}
	}
	return FunctionStats{Instances: alive + p.starting, Idle: idle, ColdStarts: p.coldStarts, Invocations: p.invocations,
		Throttles: p.throttles}
}

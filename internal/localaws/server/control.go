package server

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// CallCount is how many calls of one operation answered one status.
type CallCount struct {
	// Service is the signing name.
	Service string `json:"service"`
	// Operation is the AWS operation name.
	Operation string `json:"operation"`
	// Status is the HTTP status answered.
	Status int `json:"status"`
	// Count is the number of calls.
	Count int64 `json:"count"`
}

type callKey struct {
	service, operation string
	status             int
}

type callCounter struct {
	mu     sync.Mutex
	counts map[callKey]int64
}

func newCallCounter() *callCounter { return &callCounter{counts: map[callKey]int64{}} }

func (c *callCounter) add(service, operation string, status int) {
	c.mu.Lock()
	c.counts[callKey{service, operation, status}]++
	c.mu.Unlock()
}

func (c *callCounter) reset() {
	c.mu.Lock()
	c.counts = map[callKey]int64{}
	c.mu.Unlock()
}

func (c *callCounter) list() []CallCount {
	c.mu.Lock()
	out := make([]CallCount, 0, len(c.counts))
	for k, n := range c.counts {
		out = append(out, CallCount{Service: k.service, Operation: k.operation, Status: k.status, Count: n})
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		return a.Status < b.Status
	})
	return out
}

// Fault is a rule that makes matching calls fail or slow down.
type Fault struct {
	// ID identifies the rule; set by the server when the rule is added.
	ID string `json:"id,omitempty"`
	// Service is the signing name the rule applies to ("" or "*" for every service).
	Service string `json:"service,omitempty"`
	// Operation is the operation name the rule applies to ("" or "*" for every operation).
	Operation string `json:"operation,omitempty"`
	// Probability is the chance (0–1] that a matching call is hit; 0 means every call while Count lasts.
	Probability float64 `json:"probability,omitempty"`
	// Count limits the rule to the next N matching calls that it hits; 0 means unlimited.
	Count int `json:"count,omitempty"`
	// Throttle answers with the service's own throttling error (what the SDK retries).
	Throttle bool `json:"throttle,omitempty"`
	// ErrorCode is the error shape to answer with (ignored with Throttle). Empty with no Throttle means the
	// rule only adds latency.
	ErrorCode string `json:"errorCode,omitempty"`
	// Status is the HTTP status for ErrorCode (default 500).
	Status int `json:"status,omitempty"`
	// Message is the error message (a default is used when empty).
	Message string `json:"message,omitempty"`
	// LatencyMillis is added before the call is answered.
	LatencyMillis int `json:"latencyMillis,omitempty"`
	// Hits counts how many calls the rule has hit.
	Hits int `json:"hits"`
}

func (f *Fault) matches(service, operation string) bool {
	return (f.Service == "" || f.Service == "*" || f.Service == service) &&
		(f.Operation == "" || f.Operation == "*" || f.Operation == operation)
}

func (f *Fault) validate() error {
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("probability must be within 0–1, got %v", f.Probability)
	}
	if f.Count < 0 || f.LatencyMillis < 0 {
		return fmt.Errorf("count and latencyMillis must not be negative")
	}
	if !f.Throttle && f.ErrorCode == "" && f.LatencyMillis == 0 {
		return fmt.Errorf("a fault needs throttle, errorCode or latencyMillis")
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return fmt.Errorf("status must be an HTTP error status (400–599), got %d", f.Status)
	}
	return nil
}

type faultSet struct {
	mu    sync.Mutex
	next  int
	rules []*Fault
}

func newFaultSet() *faultSet { return &faultSet{} }

func (s *faultSet) add(f Fault) (Fault, error) {
	if err := f.validate(); err != nil {
		return Fault{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	f.ID = strconv.Itoa(s.next)
	f.Hits = 0
	s.rules = append(s.rules, &f)
	return f, nil
}

func (s *faultSet) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.rules {
		if f.ID == id {
			s.rules = append(s.rules[:i], s.rules[i+1:]...)
			return true
		}
	}
	return false
}

func (s *faultSet) clear() {
	s.mu.Lock()
	s.rules = nil
	s.mu.Unlock()
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.rules))
	for _, f := range s.rules {
		out = append(out, *f)
	}
	return out
}

// match returns the latency to add and the error to answer for a call, from the first rules that hit it.
// Exhausted count-limited rules are dropped.
func (s *faultSet) match(service, operation string, throttle *wire.Error) (time.Duration, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latency time.Duration
	var failure *wire.Error
	kept := s.rules[:0]
	for _, f := range s.rules {
		hit := f.matches(service, operation) && (f.Probability == 0 || rand.Float64() < f.Probability)
		if hit && failure == nil {
			f.Hits++
			latency += time.Duration(f.LatencyMillis) * time.Millisecond
			failure = f.failure(throttle)
		}
		if f.Count == 0 || f.Hits < f.Count {
			kept = append(kept, f)
		}
	}
	s.rules = kept
	return latency, failure
}

func (f *Fault) failure(throttle *wire.Error) *wire.Error {
	switch {
	case f.Throttle:
		e := throttle.Clone()
		if f.Message != "" {
			e.Message = f.Message
		}
		return e
	case f.ErrorCode != "":
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		msg := f.Message
		if msg == "" {
			msg = "injected by a localaws fault rule"
		}
		return &wire.Error{Status: status, Code: f.ErrorCode, Message: msg, Server: status >= 500}
	}
	return nil
}

// Quota is a per-service request-rate limit.
type Quota struct {
	// RequestsPerSecond is the sustained rate.
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	// Burst is how many requests may arrive at once (default: the rate, at least 1).
	Burst int `json:"burst,omitempty"`
}

type quotaSet struct {
	mu       sync.Mutex
	quotas   map[string]Quota
	limiters map[string]*rate.Limiter
}

func newQuotaSet() *quotaSet {
	return &quotaSet{quotas: map[string]Quota{}, limiters: map[string]*rate.Limiter{}}
}

func (q *quotaSet) set(service string, quota *Quota) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if quota == nil {
		delete(q.quotas, service)
		delete(q.limiters, service)
		return nil
	}
	if quota.RequestsPerSecond <= 0 {
		return fmt.Errorf("requestsPerSecond for %s must be positive", service)
	}
	burst := quota.Burst
	if burst <= 0 {
		burst = max(1, int(quota.RequestsPerSecond))
	}
	q.quotas[service] = Quota{RequestsPerSecond: quota.RequestsPerSecond, Burst: burst}
	q.limiters[service] = rate.NewLimiter(rate.Limit(quota.RequestsPerSecond), burst)
	return nil
}

func (q *quotaSet) allow(service string) bool {
	q.mu.Lock()
	l := q.limiters[service]
	q.mu.Unlock()
	return l == nil || l.Allow()
}

func (q *quotaSet) list() map[string]Quota {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]Quota, len(q.quotas))
	for k, v := range q.quotas {
		out[k] = v
	}
	return out
}

func (q *quotaSet) clear() {
	q.mu.Lock()
	q.quotas = map[string]Quota{}
	q.limiters = map[string]*rate.Limiter{}
	q.mu.Unlock()
}

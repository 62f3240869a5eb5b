package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"sync"
)

// StatusNeverRan is the status counted for a call a hook held before it ran and that never ran: its client
// went away or the hook dropped it, and nothing was answered (the code nginx logs for a client gone).
const StatusNeverRan = 499

// Hook holds one matching call until the hook is released or dropped, so a test can act at an exact point
// of a client's sequence of calls: kill the client while its call waits to run, or once the call has taken
// effect but before its answer is sent. A hook holds the first matching call only; later calls pass.
// Releasing the hook removes it and lets the held call go on; dropping it removes it and closes the held
// call's connection instead, so a call held before it runs never runs, and the answer of one held after it
// ran is lost, as on a broken connection.
type Hook struct {
	// ID identifies the hook; set by the server when the hook is added.
	ID string `json:"id,omitempty"`
	// Service is the signing name the hook applies to, or a path.Match pattern ("" or "*" for every service).
	Service string `json:"service,omitempty"`
	// Operations are the operation names the hook applies to, each a name or a path.Match pattern such as
	// "Create*"; empty means every operation.
	Operations []string `json:"operations,omitempty"`
	// After holds the call once it has run, before its answer is sent; otherwise the call is held before it
	// runs.
	After bool `json:"after,omitempty"`
	// Held is the call the hook holds or has held; set by the server (with After, once the call has run).
	Held *HeldCall `json:"held,omitempty"`
}

// HeldCall is the call a hook caught.
type HeldCall struct {
	// Service is the call's signing name.
	Service string `json:"service"`
	// Operation is the call's operation name.
	Operation string `json:"operation"`
	// Status is the HTTP status of the answer being held (After hooks only).
	Status int `json:"status,omitempty"`
}

func (h *Hook) validate() error {
	for _, p := range append([]string{h.Service}, h.Operations...) {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("pattern %q: %w", p, err)
		}
	}
	return nil
}

func (h *Hook) matches(service, operation string) bool {
	if ok, _ := path.Match(h.Service, service); h.Service != "" && !ok {
		return false
	}
	if len(h.Operations) == 0 {
		return true
	}
	for _, p := range h.Operations {
		if ok, _ := path.Match(p, operation); ok {
			return true
		}
	}
	return false
}

// hook is a Hook with the signals of its held call.
type hook struct {
	Hook
	// claimed is set when a call matched the hook; Held is set once the hook has caught it.
	claimed bool
	// held is closed when the hook has caught its call (with After, once the call has run).
	held chan struct{}
	// released is closed when the hook is removed; dropped, set before, says the held call must not go on.
	released chan struct{}
	dropped  bool
}

type hookSet struct {
	mu    sync.Mutex
	next  int
	hooks []*hook
}

func newHookSet() *hookSet { return &hookSet{} }

func (s *hookSet) add(h Hook) (Hook, error) {
	if err := h.validate(); err != nil {
		return Hook{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	h.ID = strconv.Itoa(s.next)
	h.Held = nil
	s.hooks = append(s.hooks, &hook{Hook: h, held: make(chan struct{}), released: make(chan struct{})})
	return h, nil
}

func (s *hookSet) list() []Hook {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Hook, 0, len(s.hooks))
	for _, h := range s.hooks {
		out = append(out, h.Hook)
	}
	return out
}

func (s *hookSet) find(id string) *hook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		if h.ID == id {
			return h
		}
	}
	return nil
}

// release removes a hook and lets its held call go on, or with drop ends it; false when there is no such
// hook.
func (s *hookSet) release(id string, drop bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, h := range s.hooks {
		if h.ID == id {
			h.dropped = drop
			close(h.released)
			s.hooks = append(s.hooks[:i], s.hooks[i+1:]...)
			return true
		}
	}
	return false
}

// clear releases every hook.
func (s *hookSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		close(h.released)
	}
	s.hooks = nil
}

// claim returns the first hook that matches the call and holds no call yet, marking it as holding it.
func (s *hookSet) claim(service, operation string) *hook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		if !h.claimed && h.matches(service, operation) {
			h.claimed = true
			return h
		}
	}
	return nil
}

// caught records the held call (with its answer's status for After hooks) and announces it to waiters.
func (s *hookSet) caught(h *hook, service, operation string, status int) {
	s.mu.Lock()
	h.Held = &HeldCall{Service: service, Operation: operation}
	if h.After {
		h.Held.Status = status
	}
	s.mu.Unlock()
	close(h.held)
}

// errHookReleased is wait's answer for a hook released before it caught a call.
var errHookReleased = errors.New("the hook was released before it caught a call")

// wait blocks until the hook has caught its call and returns the hook; it fails when the hook is released
// first or ctx ends.
func (s *hookSet) wait(ctx context.Context, h *hook) (Hook, error) {
	select {
	case <-h.held:
		s.mu.Lock()
		defer s.mu.Unlock()
		return h.Hook, nil
	case <-h.released:
		return Hook{}, errHookReleased
	case <-ctx.Done():
		return Hook{}, ctx.Err()
	}
}

// hold blocks until the hook is released (true) or dropped, or the held call's client goes away (false).
func (h *hook) hold(ctx context.Context) bool {
	select {
	case <-h.released:
		return !h.dropped
	case <-ctx.Done():
		return false
	}
}

// heldAnswer keeps a handler's answer while an After hook holds it.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newHeldAnswer() *heldAnswer { return &heldAnswer{header: http.Header{}} }

func (a *heldAnswer) Header() http.Header { return a.header }

func (a *heldAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *heldAnswer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}

// sendTo writes the kept answer to w.
func (a *heldAnswer) sendTo(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status != 0 {
		w.WriteHeader(a.status)
	}
	_, _ = w.Write(a.body.Bytes())
}

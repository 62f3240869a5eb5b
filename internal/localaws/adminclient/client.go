// Package adminclient is a small Go client for localaws's admin API, for tests and benchmarks: health,
// state dump, reset, call counters, fault rules, hooks, run-time configuration and the brokers' CA.
package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// Client talks to one localaws endpoint.
type Client struct {
	endpoint string
	http     *http.Client
}

// New returns a client for the localaws endpoint (for example "http://127.0.0.1:4566").
func New(endpoint string) *Client {
	return &Client{endpoint: strings.TrimSuffix(endpoint, "/"), http: http.DefaultClient}
}

// Health checks that the server answers.
func (c *Client) Health(ctx context.Context) (server.Health, error) {
	var h server.Health
	return h, c.do(ctx, http.MethodGet, "health", nil, &h)
}

// State decodes the JSON dump of every service's state into v.
func (c *Client) State(ctx context.Context, v any) error {
	return c.do(ctx, http.MethodGet, "state", nil, v)
}

// KafkaCA returns the PEM certificate of the CA the brokers' TLS certificates chain to.
func (c *Client) KafkaCA(ctx context.Context) ([]byte, error) {
	return c.send(ctx, http.MethodGet, server.KafkaCAPath, nil)
}

// Reset drops all state, counters, fault rules and quotas.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "reset", nil, nil)
}

// Calls returns the call counters.
func (c *Client) Calls(ctx context.Context) (Calls, error) {
	var r server.CallsResponse
	err := c.do(ctx, http.MethodGet, "calls", nil, &r)
	return Calls(r.Calls), err
}

// ResetCalls zeroes the call counters.
func (c *Client) ResetCalls(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "calls", nil, nil)
}

// AddFault adds a fault rule and returns it with its ID.
func (c *Client) AddFault(ctx context.Context, f server.Fault) (server.Fault, error) {
	var out server.Fault
	return out, c.do(ctx, http.MethodPost, "faults", f, &out)
}

// Faults lists the fault rules with their hit counts.
func (c *Client) Faults(ctx context.Context) ([]server.Fault, error) {
	var out []server.Fault
	return out, c.do(ctx, http.MethodGet, "faults", nil, &out)
}

// RemoveFault removes one fault rule.
func (c *Client) RemoveFault(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "faults/"+id, nil, nil)
}

// ClearFaults removes every fault rule.
func (c *Client) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "faults", nil, nil)
}

// AddHook adds a hook, which holds the next matching call until it is released, and returns it with its ID.
func (c *Client) AddHook(ctx context.Context, h server.Hook) (server.Hook, error) {
	var out server.Hook
	return out, c.do(ctx, http.MethodPost, "hooks", h, &out)
}

// Hooks lists the hooks with the calls they hold.
func (c *Client) Hooks(ctx context.Context) ([]server.Hook, error) {
	var out []server.Hook
	return out, c.do(ctx, http.MethodGet, "hooks", nil, &out)
}

// WaitHook blocks until the hook has caught a call (with After, once the call has run) and returns it with
// the call. It fails when the hook is released first or ctx ends.
func (c *Client) WaitHook(ctx context.Context, id string) (server.Hook, error) {
	var out server.Hook
	return out, c.do(ctx, http.MethodGet, "hooks/"+id+"/wait", nil, &out)
}

// ReleaseHook removes a hook and lets the call it holds go on.
func (c *Client) ReleaseHook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "hooks/"+id, nil, nil)
}

// DropHook removes a hook and closes the connection of the call it holds: a call held before it ran never
// runs; the answer of a call held after it ran is lost.
func (c *Client) DropHook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "hooks/"+id+"?drop=true", nil, nil)
}

// ReleaseHooks removes every hook and lets the calls they hold go on.
func (c *Client) ReleaseHooks(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "hooks", nil, nil)
}

// Config returns the run-time configuration.
func (c *Client) Config(ctx context.Context) (server.Config, error) {
	var out server.Config
	return out, c.do(ctx, http.MethodGet, "config", nil, &out)
}

// SetConfig applies a configuration patch and returns the configuration in force.
func (c *Client) SetConfig(ctx context.Context, p server.ConfigPatch) (server.Config, error) {
	var out server.Config
	return out, c.do(ctx, http.MethodPatch, "config", p, &out)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	b, err := c.send(ctx, method, path, body)
	if err != nil || out == nil || len(b) == 0 {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("localaws admin %s %s: decoding answer: %w", method, path, err)
	}
	return nil
}

// send makes one admin request and returns the answer's body; an error status is an error.
func (c *Client) send(ctx context.Context, method, path string, body io.Reader) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+"/_localaws/"+path, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("localaws admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("localaws admin %s %s: reading answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("localaws admin %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// Calls are call counters with helpers for assertions.
type Calls []server.CallCount

// Count returns how many calls of service/operation were made, whatever their status ("" matches any).
func (cs Calls) Count(service, operation string) int64 {
	var n int64
	for _, c := range cs {
		if (service == "" || c.Service == service) && (operation == "" || c.Operation == operation) {
			n += c.Count
		}
	}
	return n
}

// Total is the number of calls counted.
func (cs Calls) Total() int64 { return cs.Count("", "") }

// Writes returns the calls of operations that may change state (everything but Describe/Get/List/Head
// and message receipt), by "service:Operation".
func (cs Calls) Writes() map[string]int64 {
	out := map[string]int64{}
	for _, c := range cs {
		if !IsRead(c.Operation) {
			out[c.Service+":"+c.Operation] += c.Count
		}
	}
	return out
}

// IsRead reports whether an operation only reads state.
func IsRead(operation string) bool {
	for _, p := range []string{"Describe", "Get", "List", "Head", "Receive", "Filter"} {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

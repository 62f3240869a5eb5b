package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// adminPrefix is the reserved path of the admin API. No AWS service uses it.
const adminPrefix = "/_localaws/"

// KafkaCAPath is the admin API path (under /_localaws/) of the brokers' CA certificate in PEM.
const KafkaCAPath = "kafka/ca.pem"

// Health is the admin API's health answer.
type Health struct {
	// Status is "ok" while the server runs.
	Status string `json:"status"`
	// Services lists the signing names served.
	Services []string `json:"services"`
	// Region is the default region.
	Region string `json:"region"`
	// AccountID is the account in every ARN.
	AccountID string `json:"accountID"`
}

// Config is the run-time configuration the admin API reports.
type Config struct {
	// Timings are the lifecycle durations in force.
	Timings lifecycle.Settings `json:"timings"`
	// LogLevel is the request log level.
	LogLevel string `json:"logLevel,omitempty"`
	// Quotas are the per-service request-rate limits in force.
	Quotas map[string]Quota `json:"quotas"`
}

// ConfigPatch changes the run-time configuration; nil fields are left alone.
type ConfigPatch struct {
	// Profile switches the delay profile ("instant", "fast", "realistic").
	Profile *string `json:"profile,omitempty"`
	// Overrides set per-kind durations ("1.5s"); the value "default" removes an override.
	Overrides map[lifecycle.Kind]string `json:"overrides,omitempty"`
	// PropagationDelay sets the IAM propagation delay ("10s").
	PropagationDelay *string `json:"propagationDelay,omitempty"`
	// LogLevel sets the request log level (debug, info, warn, error).
	LogLevel *string `json:"logLevel,omitempty"`
	// Quotas set (or, with a null value, remove) per-service request-rate limits.
	Quotas map[string]*Quota `json:"quotas,omitempty"`
}

// CallsResponse is the admin API's call counter answer.
type CallsResponse struct {
	// Calls are the counters, sorted by service, operation and status.
	Calls []CallCount `json:"calls"`
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, adminPrefix)
	switch {
	case path == "health" && r.Method == http.MethodGet:
		writeAdmin(w, http.StatusOK, Health{Status: "ok", Services: s.order, Region: s.opts.Region, AccountID: s.opts.AccountID})
	case path == "state" && r.Method == http.MethodGet:
		state := map[string]any{}
		for name, svc := range s.services {
			state[name] = svc.Snapshot()
		}
		writeAdmin(w, http.StatusOK, state)
	case path == KafkaCAPath && r.Method == http.MethodGet:
		if len(s.opts.KafkaCA) == 0 {
			adminError(w, http.StatusNotFound, "this server has no Kafka CA")
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(s.opts.KafkaCA)
	case path == "reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	case path == "calls" && r.Method == http.MethodGet:
		writeAdmin(w, http.StatusOK, CallsResponse{Calls: s.calls.list()})
	case path == "calls" && r.Method == http.MethodDelete:
		s.calls.reset()
		w.WriteHeader(http.StatusNoContent)
	case path == "faults" && r.Method == http.MethodGet:
		writeAdmin(w, http.StatusOK, s.faults.list())
	case path == "faults" && r.Method == http.MethodPost:
		var f Fault
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			adminError(w, http.StatusBadRequest, "fault rule is not valid JSON: %v", err)
			return
		}
		added, err := s.faults.add(f)
		if err != nil {
			adminError(w, http.StatusBadRequest, "fault rule refused: %v", err)
			return
		}
		writeAdmin(w, http.StatusCreated, added)
	case path == "faults" && r.Method == http.MethodDelete:
		s.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(path, "faults/") && r.Method == http.MethodDelete:
		if !s.faults.remove(strings.TrimPrefix(path, "faults/")) {
			adminError(w, http.StatusNotFound, "no fault rule %q", strings.TrimPrefix(path, "faults/"))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case path == "hooks" || strings.HasPrefix(path, "hooks/"):
		s.serveHooks(w, r, strings.TrimPrefix(strings.TrimPrefix(path, "hooks"), "/"))
	case path == "config" && r.Method == http.MethodGet:
		writeAdmin(w, http.StatusOK, s.config())
	case path == "config" && (r.Method == http.MethodPatch || r.Method == http.MethodPut):
		var p ConfigPatch
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			adminError(w, http.StatusBadRequest, "config patch is not valid JSON: %v", err)
			return
		}
		if err := s.applyConfig(p); err != nil {
			adminError(w, http.StatusBadRequest, "config patch refused: %v", err)
			return
		}
		writeAdmin(w, http.StatusOK, s.config())
	default:
		adminError(w, http.StatusNotFound, "no admin endpoint %s %s", r.Method, r.URL.Path)
	}
}

// Reset drops every service's state, the call counters, fault rules and quotas, and releases every hook.
func (s *Server) Reset() {
	for _, svc := range s.services {
		svc.Reset()
	}
	for _, fn := range s.onReset {
		fn()
	}
	s.calls.reset()
	s.faults.clear()
	s.quotas.clear()
	s.hooks.clear()
}

// serveHooks serves hooks/ (list, add, release all) and hooks/<id> (release one, or with ?drop=true drop
// it), and hooks/<id>/wait, which answers the hook once it has caught its call.
func (s *Server) serveHooks(w http.ResponseWriter, r *http.Request, rest string) {
	id, wait := strings.CutSuffix(rest, "/wait")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		writeAdmin(w, http.StatusOK, s.hooks.list())
	case rest == "" && r.Method == http.MethodPost:
		var h Hook
		if err := json.NewDecoder(r.Body).Decode(&h); err != nil {
			adminError(w, http.StatusBadRequest, "hook is not valid JSON: %v", err)
			return
		}
		added, err := s.hooks.add(h)
		if err != nil {
			adminError(w, http.StatusBadRequest, "hook refused: %v", err)
			return
		}
		writeAdmin(w, http.StatusCreated, added)
	case rest == "" && r.Method == http.MethodDelete:
		s.hooks.clear()
		w.WriteHeader(http.StatusNoContent)
	case wait && r.Method == http.MethodGet:
		h := s.hooks.find(id)
		if h == nil {
			adminError(w, http.StatusNotFound, "no hook %q", id)
			return
		}
		caught, err := s.hooks.wait(r.Context(), h)
		switch {
		case errors.Is(err, errHookReleased):
			adminError(w, http.StatusGone, "hook %q: %v", id, err)
		case err == nil:
			writeAdmin(w, http.StatusOK, caught)
		}
	case !wait && r.Method == http.MethodDelete:
		if !s.hooks.release(id, r.URL.Query().Get("drop") == "true") {
			adminError(w, http.StatusNotFound, "no hook %q", id)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		adminError(w, http.StatusNotFound, "no admin endpoint %s %s", r.Method, r.URL.Path)
	}
}

func (s *Server) config() Config {
	c := Config{Quotas: s.quotas.list()}
	if s.opts.Timings != nil {
		c.Timings = s.opts.Timings.Settings()
	}
	if s.opts.LogLevel != nil {
		c.LogLevel = strings.ToLower(s.opts.LogLevel.Level().String())
	}
	return c
}

// applyConfig validates the whole patch before changing anything.
func (s *Server) applyConfig(p ConfigPatch) error {
	t := s.opts.Timings
	if t == nil && (p.Profile != nil || p.Overrides != nil || p.PropagationDelay != nil) {
		return fmt.Errorf("this server has no lifecycle timings")
	}
	if p.Profile != nil {
		if _, ok := lifecycle.Profiles[*p.Profile]; !ok {
			return fmt.Errorf("unknown profile %q (want instant, fast or realistic)", *p.Profile)
		}
	}
	overrides := map[lifecycle.Kind]time.Duration{}
	for k, v := range p.Overrides {
		if v == "default" {
			overrides[k] = -1
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("override %s: %q is not a non-negative duration", k, v)
		}
		overrides[k] = d
	}
	var propagation time.Duration
	if p.PropagationDelay != nil {
		d, err := time.ParseDuration(*p.PropagationDelay)
		if err != nil || d < 0 {
			return fmt.Errorf("propagationDelay %q is not a non-negative duration", *p.PropagationDelay)
		}
		propagation = d
	}
	var level slog.Level
	if p.LogLevel != nil {
		if s.opts.LogLevel == nil {
			return fmt.Errorf("this server's log level cannot be changed")
		}
		if err := level.UnmarshalText([]byte(*p.LogLevel)); err != nil {
			return fmt.Errorf("logLevel: %w", err)
		}
	}
	for svc := range p.Quotas {
		if _, ok := s.services[svc]; !ok {
			return fmt.Errorf("quota for unknown service %q", svc)
		}
	}
	// Everything validated: apply.
	if p.Profile != nil {
		if err := t.SetProfile(*p.Profile); err != nil {
			return err
		}
	}
	for k, d := range overrides {
		if err := t.SetOverride(k, d); err != nil {
			return err
		}
	}
	if p.PropagationDelay != nil {
		t.SetPropagation(propagation)
	}
	if p.LogLevel != nil {
		s.opts.LogLevel.Set(level)
	}
	for svc, q := range p.Quotas {
		if err := s.quotas.set(svc, q); err != nil {
			return err
		}
	}
	return nil
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, format string, args ...any) {
	writeAdmin(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

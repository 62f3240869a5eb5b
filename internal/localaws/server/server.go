// Package server is localaws's single HTTP endpoint: it routes each request to a service by the SigV4
// credential scope, lets the service resolve the operation, applies fault rules, rate quotas and hooks,
// counts the call, logs one line, and serves the admin API under /_localaws/.
package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Service is one emulated AWS service.
type Service interface {
	// Name is the SigV4 signing name requests for this service carry ("kafka", "pipes", "sqs", ...).
	Name() string
	// Protocol is the service's default wire protocol, used for errors before an operation is resolved.
	Protocol() wire.Protocol
	// Resolve finds the operation for c, setting c.Operation (and c.Proto when the service speaks two
	// protocols), and returns its handler.
	Resolve(c *wire.Call) (wire.Handler, *wire.Error)
	// Throttle is the error the service answers when a caller exceeds its rate (what the SDK retries).
	Throttle() *wire.Error
	// Reset drops all state.
	Reset()
	// Snapshot returns the service's state for the admin dump; it must be JSON-serialisable.
	Snapshot() any
}

// Options configure a Server.
type Options struct {
	// Region is used when a request carries no credential scope.
	Region string
	// AccountID appears in every ARN.
	AccountID string
	// Timings are the lifecycle durations, exposed for change through the admin API.
	Timings *lifecycle.Timings
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// LogLevel, when set, lets the admin API change the level of Logger at run time.
	LogLevel *slog.LevelVar
	// KafkaCA is the PEM certificate of the CA the brokers' TLS certificates chain to, served by the admin
	// API at /_localaws/kafka/ca.pem.
	KafkaCA []byte
}

// Server is the localaws HTTP handler.
type Server struct {
	opts     Options
	log      *slog.Logger
	services map[string]Service
	order    []string
	calls    *callCounter
	faults   *faultSet
	quotas   *quotaSet
	hooks    *hookSet
	onReset  []func()
}

// New returns a Server serving the given services.
func New(opts Options, services ...Service) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: opts.Logger, services: map[string]Service{},
		calls: newCallCounter(), faults: newFaultSet(), quotas: newQuotaSet(), hooks: newHookSet()}
	for _, svc := range services {
		s.services[svc.Name()] = svc
		s.order = append(s.order, svc.Name())
	}
	sort.Strings(s.order)
	return s
}

// OnReset registers fn to run when the admin API resets all state (after every service's Reset).
func (s *Server) OnReset(fn func()) { s.onReset = append(s.onReset, fn) }

// Calls returns the call counters.
func (s *Server) Calls() []CallCount { return s.calls.list() }

var credentialScope = regexp.MustCompile(`Credential=[^/,\s]*/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request`)

// scope returns the region and signing name from the Authorization header or a presigned URL.
func scope(r *http.Request) (region, service string) {
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1], m[2]
	}
	if cred := r.URL.Query().Get("X-Amz-Credential"); cred != "" {
		parts := strings.Split(cred, "/")
		if len(parts) == 5 {
			return parts[2], parts[3]
		}
	}
	return "", ""
}

// serviceFor picks the service of an unsigned request from its protocol markers.
func (s *Server) serviceFor(r *http.Request) string {
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(target, "AmazonSQS."):
		return "sqs"
	case strings.HasPrefix(target, "Logs_"):
		return "logs"
	}
	return ""
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	start := time.Now()
	region, name := scope(r)
	if name == "" {
		name = s.serviceFor(r)
	}
	if region == "" {
		region = s.opts.Region
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	c := &wire.Call{W: rec, R: r, Service: name, Region: region, AccountID: s.opts.AccountID,
		RequestID: uuid.NewString(), Now: start}
	rec.call = c
	svc, ok := s.services[name]
	if !ok {
		c.Proto = wire.RestJSON{}
		c.Operation = "Unknown"
		s.fail(c, wire.Errorf(http.StatusBadRequest, "UnrecognizedClientException",
			"localaws cannot tell which service this request is for (credential scope service %q)", name))
		s.finish(c, rec, start)
		return
	}
	c.Proto = svc.Protocol()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(c, wire.Internal(err))
		s.finish(c, rec, start)
		return
	}
	c.Body = body
	r.Body = io.NopCloser(bytes.NewReader(body))

	h, rerr := svc.Resolve(c)
	if rerr != nil {
		if c.Operation == "" {
			c.Operation = "Unknown"
		}
		s.fail(c, rerr)
		s.finish(c, rec, start)
		return
	}
	if ferr := s.intercept(r.Context(), c, svc); ferr != nil {
		s.fail(c, ferr)
		s.finish(c, rec, start)
		return
	}
	held := s.runHooked(c, rec, h)
	s.finish(c, rec, start)
	if !held {
		// A dropped call ends with its connection closed and nothing answered.
		panic(http.ErrAbortHandler)
	}
}

// runHooked runs the call's handler, held by the first hook that matches it, if any. It returns false when
// the hook dropped the call or its client went away while it was held: then nothing is answered (with a
// hook held before the call ran, the call did not run either).
func (s *Server) runHooked(c *wire.Call, rec *statusRecorder, h wire.Handler) bool {
	hk := s.hooks.claim(c.Service, c.Operation)
	switch {
	case hk == nil:
		s.run(c, h)
	case !hk.After:
		s.hooks.caught(hk, c.Service, c.Operation, 0)
		if !hk.hold(c.R.Context()) {
			rec.status = StatusNeverRan
			return false
		}
		s.run(c, h)
	default:
		w := rec.ResponseWriter
		answer := newHeldAnswer()
		rec.ResponseWriter = answer
		s.run(c, h)
		s.hooks.caught(hk, c.Service, c.Operation, rec.status)
		if !hk.hold(c.R.Context()) {
			return false
		}
		answer.sendTo(w)
	}
	return true
}

func (s *Server) run(c *wire.Call, h wire.Handler) {
	if herr := h(c); herr != nil {
		s.fail(c, herr)
	}
}

// intercept applies fault rules and quotas to a resolved call.
func (s *Server) intercept(ctx context.Context, c *wire.Call, svc Service) *wire.Error {
	latency, ferr := s.faults.match(c.Service, c.Operation, svc.Throttle())
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if ferr != nil {
		return ferr
	}
	if !s.quotas.allow(c.Service) {
		return svc.Throttle().Clone()
	}
	return nil
}

func (s *Server) fail(c *wire.Call, err error) {
	e, ok := err.(*wire.Error)
	if !ok {
		e = wire.Internal(err)
	}
	c.Proto.WriteError(c, e)
}

func (s *Server) finish(c *wire.Call, rec *statusRecorder, start time.Time) {
	s.calls.add(c.Service, c.Operation, rec.status)
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelWarn
	}
	s.log.Log(c.R.Context(), level, "request", "service", c.Service, "operation", c.Operation,
		"status", rec.status, "latency", time.Since(start).Round(time.Microsecond), "requestID", c.RequestID)
}

// statusRecorder remembers the status written and adds the request id header on the first write.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	call        *wire.Call
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader = true
	r.status = code
	if r.call != nil && r.call.Proto != nil {
		if h := r.call.Proto.RequestIDHeader(); h != "" {
			r.Header().Set(h, r.call.RequestID)
		}
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

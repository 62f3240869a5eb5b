// Package runtime executes Lambda functions for localaws. It implements lambda.Executor: every function
// instance is a sandbox made of a Lambda Runtime API server of its own on 127.0.0.1 and a process running
// the function's code against it — the zip's bootstrap for the provided runtimes, or the project's runtime
// clients for python3.x and nodejs handlers. Warm sandboxes are reused up to a per-function concurrency limit,
// timeouts are enforced by killing the process group, and the function's output goes to CloudWatch Logs
// with Lambda's START/END/REPORT lines. Event invocations go through a per-function queue with Lambda's
// asynchronous retries, maximum event age, dead-letter queue and destinations.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/logs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

// Queues delivers messages to SQS queues, as sqs.Service.Send does: dead-letter messages and destination
// records.
type Queues interface {
	Send(queueARN, body string, attrs map[string]sqs.MessageAttribute) (messageID string, err error)
}

// Logs stores function log lines, as logs.Service.Append does.
type Logs interface {
	Append(group, stream string, events []logs.Event) error
}

// Functions looks up the current configuration of functions, as lambda.Service does. The asynchronous path
// uses it to run retries against the function as it is at the time, and to read its EventInvokeConfig.
type Functions interface {
	Function(nameOrARN string) (lambda.FunctionView, bool)
	EventInvokeConfig(functionARN string) (lambda.EventInvokeConfigView, bool)
}

// Defaults for Config.
const (
	// DefaultConcurrency is how many instances of one function may run at once.
	DefaultConcurrency = 10
	// DefaultIdleTimeout is how long an unused warm instance is kept before its process is stopped.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultInitTimeout bounds the init phase (process start until its first GET /next), as on Lambda.
	DefaultInitTimeout = 10 * time.Second
)

// Config configures the runtime.
type Config struct {
	// Endpoint is the localaws endpoint URL functions get as AWS_ENDPOINT_URL.
	Endpoint string
	// Region is the region of functions whose view carries none (AWS_REGION, the log group). Default
	// us-east-1.
	Region string
	// Queues delivers to SQS dead-letter queues and destinations; nil drops those deliveries.
	Queues Queues
	// Logs receives function logs; nil discards them.
	Logs Logs
	// Functions looks up functions for asynchronous retries; it may be set later with SetFunctions.
	Functions Functions
	// TimeScale multiplies the asynchronous path's real-world delays: the retry delays (1 and 2 minutes),
	// the throttle backoff (1 s to 5 min) and MaximumEventAgeInSeconds. 0 means 1.
	TimeScale float64
	// Concurrency is the per-function instance limit (0 means DefaultConcurrency).
	Concurrency int
	// IdleTimeout stops warm instances unused for this long (0 means DefaultIdleTimeout).
	IdleTimeout time.Duration
	// InitTimeout bounds a cold start (0 means DefaultInitTimeout).
	InitTimeout time.Duration
	// VPCs, when set, gives the network of a VPC: functions attached to one (VpcConfig) run in it. nil runs
	// every function in localaws's own network.
	VPCs func(vpcID string) (Network, error)
	// WorkDir holds extracted code; "" means a new temporary directory, removed by Close.
	WorkDir string
	// Python is the interpreter for python3.x functions. Default "python3" from PATH.
	Python string
	// Node is the interpreter for nodejs functions (nodejs18.x and later). Default "node" from PATH.
	Node string
	// Logger receives data plane events (deliveries that failed, dropped events); nil discards.
	Logger *slog.Logger
}

// Runtime runs functions. It implements lambda.Executor. Use New.
type Runtime struct {
	cfg  Config
	code *codeCache

	mu        sync.Mutex
	functions Functions
	pools     map[string]*pool       // function ARN → instances of its current code and configuration
	queues    map[string]*asyncQueue // function ARN → asynchronous event queue
	closed    bool
}

// New returns a Runtime; it starts no process until the first invocation.
func New(cfg Config) (*Runtime, error) {
	if cfg.TimeScale <= 0 {
		cfg.TimeScale = 1
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.InitTimeout <= 0 {
		cfg.InitTimeout = DefaultInitTimeout
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	if cfg.Node == "" {
		cfg.Node = "node"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	code, err := newCodeCache(cfg.WorkDir)
	if err != nil {
		return nil, err
	}
	return &Runtime{cfg: cfg, code: code, functions: cfg.Functions, pools: map[string]*pool{},
		queues: map[string]*asyncQueue{}}, nil
}

// SetFunctions sets the function lookup after construction, for wiring a Lambda service that is created
// with this Runtime as its executor.
func (r *Runtime) SetFunctions(f Functions) {
	r.mu.Lock()
	r.functions = f
	r.mu.Unlock()
}

// Invocation types Invoke accepts.
const (
	invokeRequestResponse = "RequestResponse"
	invokeEvent           = "Event"
	invokeDryRun          = "DryRun"
)

// Invoke implements lambda.Executor. A RequestResponse invocation runs the function and returns its result
// (a function error is reported in FunctionError with the error document as payload, never as an error);
// an Event invocation is queued and answered with status 202 at once. Functions localaws cannot run and
// throttles come back as *wire.Error.
func (r *Runtime) Invoke(ctx context.Context, fn lambda.FunctionView, payload []byte, invocationType string) (lambda.InvokeResult, error) {
	if err := runnable(fn); err != nil {
		return lambda.InvokeResult{}, err
	}
	requestID := uuid.NewString()
	switch invocationType {
	case invokeEvent:
		if err := r.enqueue(fn, payload, requestID); err != nil {
			return lambda.InvokeResult{}, err
		}
		return lambda.InvokeResult{StatusCode: http.StatusAccepted}, nil
	case invokeDryRun:
		return lambda.InvokeResult{StatusCode: http.StatusNoContent}, nil
	case invokeRequestResponse, "":
		out, err := r.run(ctx, fn, payload, requestID)
		if err != nil {
			return lambda.InvokeResult{}, err
		}
		return out.invokeResult(), nil
	}
	return lambda.InvokeResult{}, fmt.Errorf("invoking %s: unknown invocation type %q", fn.ARN, invocationType)
}

// run executes a RequestResponse invocation. When ctx ends first the invocation still completes on its
// instance (as on Lambda, where a caller that disconnects does not stop the function), but the caller gets
// ctx's error.
func (r *Runtime) run(ctx context.Context, fn lambda.FunctionView, payload []byte, requestID string) (outcome, error) {
	p, err := r.poolFor(fn)
	if err != nil {
		return outcome{}, err
	}
	type result struct {
		out outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := p.execute(requestID, payload)
		done <- result{out, err}
	}()
	select {
	case res := <-done:
		return res.out, res.err
	case <-ctx.Done():
		return outcome{}, fmt.Errorf("invoking %s: %w", fn.ARN, ctx.Err())
	}
}

// runnable refuses what localaws cannot execute.
func runnable(fn lambda.FunctionView) error {
	if fn.PackageType == "Image" {
		return errUnsupported("localaws cannot run container images: function %s has PackageType Image (%s). Use a Zip package with a provided, python3.x or nodejs runtime.", fn.ARN, fn.ImageURI)
	}
	if _, ok := launcherFor(fn.Runtime); !ok {
		return errUnsupported("localaws cannot run the %s runtime of function %s: it runs provided.al2023, provided.al2, provided, python3.x and nodejs (18.x and later) functions.", fn.Runtime, fn.ARN)
	}
	return nil
}

// errClosed is returned by invocations after Close.
var errClosed = errors.New("the Lambda runtime is shut down")

// Reset stops every function instance and drops every queued event; the runtime stays usable.
func (r *Runtime) Reset() {
	r.mu.Lock()
	pools, queues := r.pools, r.queues
	r.pools, r.queues = map[string]*pool{}, map[string]*asyncQueue{}
	r.mu.Unlock()
	for _, q := range queues {
		q.stop()
	}
	for _, p := range pools {
		p.retire(true)
	}
}

// Close stops every function instance, drops queued events and removes extracted code. Later invocations
// fail. It is safe to call more than once.
func (r *Runtime) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.Reset()
	return r.code.remove()
}

// FunctionStats describes the instances of one function.
type FunctionStats struct {
	// Instances is how many sandboxes are alive (starting, idle or busy).
	Instances int
	// Idle is how many of them wait for an invocation.
	Idle int
	// ColdStarts counts the sandboxes started for the function's current code and configuration.
	ColdStarts int
	// Invocations counts the invocations run on them.
	Invocations int
	// Throttles counts the invocations refused because every allowed instance was busy.
	Throttles int
	// Queued is how many asynchronous events wait (including those waiting for a retry).
	Queued int
}

// Stats reports the instances and queued events of every function, by function ARN.
func (r *Runtime) Stats() map[string]FunctionStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]FunctionStats{}
	for arn, p := range r.pools {
		out[arn] = p.stats()
	}
	for arn, q := range r.queues {
		st := out[arn]
		st.Queued = q.len()
		out[arn] = st
	}
	return out
}

// scaled applies the time scale to a real-world delay.
func (r *Runtime) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * r.cfg.TimeScale)
}

// lookup returns the current view of a function, or ok false when it is gone or no lookup is wired.
func (r *Runtime) lookup(arn string) (lambda.FunctionView, bool) {
	r.mu.Lock()
	f := r.functions
	r.mu.Unlock()
	if f == nil {
		return lambda.FunctionView{}, false
	}
	return f.Function(arn)
}

// invokeConfig returns a function's asynchronous configuration with Lambda's defaults when none is set.
func (r *Runtime) invokeConfig(arn string) lambda.EventInvokeConfigView {
	r.mu.Lock()
	f := r.functions
	r.mu.Unlock()
	if f != nil {
		if v, ok := f.EventInvokeConfig(arn); ok {
			return v
		}
	}
	return lambda.EventInvokeConfigView{FunctionARN: arn + ":$LATEST", MaximumRetryAttempts: 2,
		MaximumEventAge: 6 * time.Hour}
}

// accountOf returns the account of an ARN (its fifth field).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// exists reports whether a path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

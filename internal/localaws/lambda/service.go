// Package lambda emulates the AWS Lambda control plane: functions (zip from the request or from S3, or a
// container image URI) with their Pending → Active and update lifecycles, asynchronous invocation
// configuration, Kafka (MSK) event source mappings, tags, and the Invoke API. Running code is delegated to
// an Executor and mapping consumers to a MappingRunner, both supplied by the data plane.
package lambda

import (
	"context"
	"net/http"
	"sort"
	"sync"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Roles is what Lambda asks IAM: whether it may assume a function's role, and what the role allows.
type Roles interface {
	RoleAssumable(roleARN, servicePrincipal string) (ok bool, reason string)
	RoleAllows(roleARN, action, resource string) bool
}

// Clusters reports MSK cluster states for event source mappings.
type Clusters interface {
	ClusterState(clusterARN string) (state string, ok bool)
}

// Queues reports whether an SQS queue exists, for dead-letter queues and destinations.
type Queues interface {
	QueueExists(queueARN string) bool
}

// Objects reads function code packages from S3.
type Objects interface {
	// Object returns an object's bytes, or S3's error (a *wire.Error with S3's code) when it cannot.
	Object(bucket, key, versionID string) (data []byte, err error)
}

// Executor runs invocations. invocationType is "RequestResponse" or "Event".
type Executor interface {
	Invoke(ctx context.Context, fn FunctionView, payload []byte, invocationType string) (InvokeResult, error)
}

// InvokeResult is the outcome of one invocation as the Invoke API reports it.
type InvokeResult struct {
	// StatusCode is the HTTP status of the Invoke response (200 for RequestResponse, 202 for Event); 0 means
	// the status for the invocation type.
	StatusCode int
	// Payload is the response body: the function's result, or its error document.
	Payload []byte
	// FunctionError is "Unhandled" (or "Handled") when the function failed; empty on success.
	FunctionError string
	// LogResult is the base64 tail of the execution log, returned when the caller asked for LogType Tail.
	LogResult string
	// ExecutedVersion is the version that ran ("$LATEST" when empty).
	ExecutedVersion string
}

// MappingRunner consumes for event source mappings. Run is called when a mapping becomes Enabled (again
// after every update that leaves it Enabled); Stop when it leaves Enabled (update, disable, delete, reset).
// Calls arrive in order on one goroutine, never while the service's lock is held.
type MappingRunner interface {
	Run(m MappingView)
	Stop(uuid string)
}

// Config configures the Lambda service. Every dependency may be nil: a nil Roles, Clusters or Queues skips
// the corresponding reference check, a nil Objects refuses S3 code locations, a nil Executor accepts Event
// invocations without running them and refuses RequestResponse ones, a nil Mappings runs nothing.
type Config struct {
	// Timings drive the function and mapping lifecycles (nil means the default profile).
	Timings *lifecycle.Timings
	// IAM answers role checks.
	IAM Roles
	// Clusters answers MSK cluster checks.
	Clusters Clusters
	// Queues answers SQS queue checks.
	Queues Queues
	// Objects serves S3 code locations.
	Objects Objects
	// Executor runs invocations.
	Executor Executor
	// Mappings runs event source mapping consumers.
	Mappings MappingRunner
	// Network answers the subnet and security group checks of VpcConfig; nil accepts any.
	Network Network
}

// Service is the emulated Lambda. State is per region.
type Service struct {
	cfg     Config
	router  wire.RestRouter
	mu      sync.Mutex
	regions map[string]*regionState
	seq     int64
	notify  notifier
}

type regionState struct {
	functions map[string]*function
	mappings  map[string]*mapping
}

// New returns an empty Lambda.
func New(cfg Config) *Service {
	if cfg.Timings == nil {
		cfg.Timings = lifecycle.DefaultTimings()
	}
	s := &Service{cfg: cfg, regions: map[string]*regionState{}}
	s.routes()
	return s
}

func (s *Service) routes() {
	r := &s.router
	r.Handle("POST /2015-03-31/functions", "CreateFunction", s.createFunction)
	r.Handle("GET /2015-03-31/functions", "ListFunctions", s.listFunctions)
	r.Handle("GET /2015-03-31/functions/{FunctionName}", "GetFunction", s.getFunction)
	r.Handle("DELETE /2015-03-31/functions/{FunctionName}", "DeleteFunction", s.deleteFunction)
	r.Handle("GET /2015-03-31/functions/{FunctionName}/configuration", "GetFunctionConfiguration", s.getFunctionConfiguration)
	r.Handle("PUT /2015-03-31/functions/{FunctionName}/configuration", "UpdateFunctionConfiguration", s.updateFunctionConfiguration)
	r.Handle("PUT /2015-03-31/functions/{FunctionName}/code", "UpdateFunctionCode", s.updateFunctionCode)
	r.Handle("POST /2015-03-31/functions/{FunctionName}/invocations", "Invoke", s.invoke)
	r.Handle("PUT /2019-09-25/functions/{FunctionName}/event-invoke-config", "PutFunctionEventInvokeConfig", s.putEventInvokeConfig)
	r.Handle("POST /2019-09-25/functions/{FunctionName}/event-invoke-config", "UpdateFunctionEventInvokeConfig", s.updateEventInvokeConfig)
	r.Handle("GET /2019-09-25/functions/{FunctionName}/event-invoke-config", "GetFunctionEventInvokeConfig", s.getEventInvokeConfig)
	r.Handle("DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config", "DeleteFunctionEventInvokeConfig", s.deleteEventInvokeConfig)
	r.Handle("GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list", "ListFunctionEventInvokeConfigs", s.listEventInvokeConfigs)
	r.Handle("POST /2015-03-31/event-source-mappings", "CreateEventSourceMapping", s.createMapping)
	r.Handle("GET /2015-03-31/event-source-mappings", "ListEventSourceMappings", s.listMappings)
	r.Handle("GET /2015-03-31/event-source-mappings/{UUID}", "GetEventSourceMapping", s.getMapping)
	r.Handle("PUT /2015-03-31/event-source-mappings/{UUID}", "UpdateEventSourceMapping", s.updateMapping)
	r.Handle("DELETE /2015-03-31/event-source-mappings/{UUID}", "DeleteEventSourceMapping", s.deleteMapping)
	r.Handle("POST /2017-03-31/tags/{ARN}", "TagResource", s.tagResource)
	r.Handle("DELETE /2017-03-31/tags/{ARN}", "UntagResource", s.untagResource)
	r.Handle("GET /2017-03-31/tags/{ARN}", "ListTags", s.listTags)
}

// Name implements server.Service.
func (s *Service) Name() string { return "lambda" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return wire.RestJSON{} }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) { return s.router.Resolve(c) }

// Throttle implements server.Service: Lambda's TooManyRequestsException (429) with Retry-After.
func (s *Service) Throttle() *wire.Error {
	return lambdaError(http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded").
		With("Reason", "CallerRateLimitExceeded").WithHeader("Retry-After", "1")
}

// Reset implements server.Service. Enabled mappings are stopped.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rs := range s.regions {
		for _, m := range rs.mappings {
			if m.state == stateEnabled {
				s.stopMapping(m)
			}
		}
	}
	s.regions = map[string]*regionState{}
}

// region returns the state of one region, creating it. s.mu must be held.
func (s *Service) region(name string) *regionState {
	rs, ok := s.regions[name]
	if !ok {
		rs = &regionState{functions: map[string]*function{}, mappings: map[string]*mapping{}}
		s.regions[name] = rs
	}
	return rs
}

// nextSeq orders resources by creation for stable listings. s.mu must be held.
func (s *Service) nextSeq() int64 {
	s.seq++
	return s.seq
}

// Snapshot implements server.Service.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	type regionSnapshot struct {
		Functions          []functionConfiguration `json:"functions"`
		EventInvokeConfigs []eventInvokeConfigOut  `json:"eventInvokeConfigs"`
		Mappings           []mappingOut            `json:"eventSourceMappings"`
	}
	out := map[string]regionSnapshot{}
	for name, rs := range s.regions {
		snap := regionSnapshot{Functions: []functionConfiguration{}, EventInvokeConfigs: []eventInvokeConfigOut{},
			Mappings: []mappingOut{}}
		for _, fn := range sortedFunctions(rs) {
			snap.Functions = append(snap.Functions, fn.configuration())
			if fn.invokeConfig != nil {
				snap.EventInvokeConfigs = append(snap.EventInvokeConfigs, fn.invokeConfig.output(fn.arn+":"+latest))
			}
		}
		for _, m := range sortedMappings(rs) {
			snap.Mappings = append(snap.Mappings, m.output())
		}
		out[name] = snap
	}
	return out
}

func sortedFunctions(rs *regionState) []*function {
	out := make([]*function, 0, len(rs.functions))
	for _, fn := range rs.functions {
		out = append(out, fn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func sortedMappings(rs *regionState) []*mapping {
	out := make([]*mapping, 0, len(rs.mappings))
	for _, m := range rs.mappings {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

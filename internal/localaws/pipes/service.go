// Package pipes emulates the EventBridge Pipes control plane (signing name "pipes") for pipes from an
// Amazon MSK cluster to a Lambda function: CreatePipe, DescribePipe, UpdatePipe, DeletePipe, StartPipe,
// StopPipe, ListPipes and tagging, over restJson1 with PascalCase members. Pipes move through AWS's
// states on the lifecycle timings; at the end of CREATING, UPDATING and STARTING the pipe's role is
// checked the way Pipes checks it, so missing permissions show up as an asynchronous *_FAILED state with a
// StateReason. An optional Runner is told when a pipe enters and leaves RUNNING.
package pipes

import (
	"net/http"
	"sync"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Clusters is what Pipes needs from MSK.
type Clusters interface {
	// ClusterState reports a cluster's state (CREATING, ACTIVE, ...); ok is false when it does not exist.
	ClusterState(clusterARN string) (state string, ok bool)
}

// Functions is what Pipes needs from Lambda.
type Functions interface {
	// FunctionState reports a function's state (Pending, Active, ...); ok is false when it does not exist.
	FunctionState(functionARN string) (state string, ok bool)
}

// Roles is what Pipes needs from IAM.
type Roles interface {
	// RoleAssumable reports whether servicePrincipal may assume the role now, and why not.
	RoleAssumable(roleARN, servicePrincipal string) (ok bool, reason string)
	// RoleAllows evaluates the role's policies for action on resource.
	RoleAllows(roleARN, action, resource string) bool
}

// Runner runs pipes: Run is called when a pipe enters RUNNING and Stop when it leaves RUNNING (stopped,
// updated, deleted, or the service reset). Calls arrive in transition order, one at a time, without the
// service's lock held, so a Runner may call Service.Pipe.
type Runner interface {
	Run(p PipeView)
	Stop(pipeARN string)
}

// DefaultMaxPipes is the Pipes quota of pipes per account across all Regions.
const DefaultMaxPipes = 1000

// Config configures the Pipes service. A nil Clusters, Functions or Roles skips the checks that use it
// (every reference exists, every role is assumable and allowed); a nil Runner runs nothing.
type Config struct {
	// Timings decides how long transitions take; nil uses the default profile.
	Timings *lifecycle.Timings
	// Clusters resolves MSK source clusters.
	Clusters Clusters
	// Functions resolves Lambda targets.
	Functions Functions
	// Roles checks execution roles.
	Roles Roles
	// Runner is told when pipes enter and leave RUNNING.
	Runner Runner
	// MaxPipes is the account's pipe quota; 0 means DefaultMaxPipes.
	MaxPipes int
}

// Service is the emulated Pipes control plane. It implements server.Service.
type Service struct {
	cfg     Config
	router  wire.RestRouter
	effects effectQueue

	mu    sync.Mutex
	pipes map[string]*pipe // by pipe ARN; the ARN carries the region
}

// New returns a Pipes service with no pipes.
func New(cfg Config) *Service {
	if cfg.Timings == nil {
		cfg.Timings = lifecycle.DefaultTimings()
	}
	if cfg.MaxPipes <= 0 {
		cfg.MaxPipes = DefaultMaxPipes
	}
	s := &Service{cfg: cfg, pipes: map[string]*pipe{}}
	s.routes()
	return s
}

func (s *Service) routes() {
	r := &s.router
	r.Handle("GET /v1/pipes", "ListPipes", s.listPipes)
	r.Handle("POST /v1/pipes/{Name}", "CreatePipe", s.createPipe)
	r.Handle("GET /v1/pipes/{Name}", "DescribePipe", s.describePipe)
	r.Handle("PUT /v1/pipes/{Name}", "UpdatePipe", s.updatePipe)
	r.Handle("DELETE /v1/pipes/{Name}", "DeletePipe", s.deletePipe)
	r.Handle("POST /v1/pipes/{Name}/start", "StartPipe", s.startPipe)
	r.Handle("POST /v1/pipes/{Name}/stop", "StopPipe", s.stopPipe)
	r.Handle("POST /tags/{resourceArn}", "TagResource", s.tagResource)
	r.Handle("DELETE /tags/{resourceArn}", "UntagResource", s.untagResource)
	r.Handle("GET /tags/{resourceArn}", "ListTagsForResource", s.listTags)
}

// Name implements server.Service.
func (s *Service) Name() string { return "pipes" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return wire.RestJSON{} }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) { return s.router.Resolve(c) }

// Throttle implements server.Service: Pipes answers an exceeded rate with ThrottlingException (429).
func (s *Service) Throttle() *wire.Error {
	return wire.Errorf(http.StatusTooManyRequests, "ThrottlingException", "Rate exceeded").WithHeader("Retry-After", "1")
}

// Reset implements server.Service: it drops every pipe, stopping those that were running.
func (s *Service) Reset() {
	s.mu.Lock()
	for _, p := range s.pipes {
		if p.current == stateRunning {
			s.effects.stop(s.cfg.Runner, p.arn)
		}
	}
	s.pipes = map[string]*pipe{}
	s.mu.Unlock()
	s.effects.flush()
}

// Snapshot implements server.Service: every pipe as DescribePipe shows it, by ARN.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]describeResponse, len(s.pipes))
	for arn, p := range s.pipes {
		out[arn] = p.describe()
	}
	return out
}

// Pipe returns a copy of the pipe with this ARN, as the data plane needs it.
func (s *Service) Pipe(arn string) (PipeView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[arn]
	if !ok {
		return PipeView{}, false
	}
	return p.view(), true
}

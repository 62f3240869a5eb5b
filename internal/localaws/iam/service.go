// Package iam emulates the role subset of AWS Identity and Access Management for localaws: roles, their trust
// policies, inline policies, attached managed policies and tags, over the awsQuery protocol. IAM is global:
// every region sees the same roles. Other emulated services ask it whether a service may assume a role
// (RoleAssumable) and what a role may do (RoleAllows).
package iam

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// XMLNS is the namespace of every IAM response.
const XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"

var protocol = wire.Query{XMLNS: XMLNS}

// Config configures the IAM emulator.
type Config struct {
	// Timings supplies the propagation delay a new role needs before services may assume it; nil means
	// no delay.
	Timings *lifecycle.Timings
	// Now is the clock for creation dates and propagation; nil means time.Now.
	Now func() time.Time
}

// Service is the IAM emulator. It implements server.Service.
type Service struct {
	cfg    Config
	router wire.ActionRouter

	mu    sync.RWMutex
	roles map[string]*role // by lower-cased role name: IAM names are unique regardless of case
}

// New returns an IAM emulator with no roles.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{cfg: cfg, roles: map[string]*role{}}
	for name, h := range map[string]wire.Handler{
		"CreateRole":               s.createRole,
		"GetRole":                  s.getRole,
		"DeleteRole":               s.deleteRole,
		"ListRoles":                s.listRoles,
		"UpdateAssumeRolePolicy":   s.updateAssumeRolePolicy,
		"PutRolePolicy":            s.putRolePolicy,
		"GetRolePolicy":            s.getRolePolicy,
		"DeleteRolePolicy":         s.deleteRolePolicy,
		"ListRolePolicies":         s.listRolePolicies,
		"AttachRolePolicy":         s.attachRolePolicy,
		"DetachRolePolicy":         s.detachRolePolicy,
		"ListAttachedRolePolicies": s.listAttachedRolePolicies,
		"TagRole":                  s.tagRole,
		"UntagRole":                s.untagRole,
		"ListRoleTags":             s.listRoleTags,
	} {
		s.router.Handle(name, h)
	}
	return s
}

// Name implements server.Service.
func (s *Service) Name() string { return "iam" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return protocol }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) { return s.router.Resolve(c) }

// Throttle implements server.Service: IAM's Throttling error (400), which the SDK retries.
func (s *Service) Throttle() *wire.Error { return throttling() }

// Reset implements server.Service.
func (s *Service) Reset() {
	s.mu.Lock()
	s.roles = map[string]*role{}
	s.mu.Unlock()
}

// Snapshot implements server.Service: every role with its policies and tags, by name.
func (s *Service) Snapshot() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := struct {
		Roles []roleSnapshot `json:"roles"`
	}{Roles: []roleSnapshot{}}
	for _, r := range s.sortedRoles() {
		out.Roles = append(out.Roles, r.snapshot())
	}
	return out
}

func (s *Service) now() time.Time { return s.cfg.Now() }

func (s *Service) propagation() time.Duration {
	if s.cfg.Timings == nil {
		return 0
	}
	return s.cfg.Timings.Propagation()
}

// lookup finds a role by name, ignoring case as IAM does. The caller holds s.mu.
func (s *Service) lookup(name string) (*role, bool) {
	r, ok := s.roles[strings.ToLower(name)]
	return r, ok
}

// sortedRoles lists roles by name. The caller holds s.mu.
func (s *Service) sortedRoles() []*role {
	out := make([]*role, 0, len(s.roles))
	for _, r := range s.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].name) < strings.ToLower(out[j].name) })
	return out
}

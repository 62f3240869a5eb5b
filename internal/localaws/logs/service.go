// Package logs emulates Amazon CloudWatch Logs for localaws over awsJson1_1 (X-Amz-Target
// Logs_20140328.<Op>): log groups with retention and tags, log streams, PutLogEvents, GetLogEvents and
// FilterLogEvents. Emulated Lambda functions and pipes write their logs through Append.
package logs

import (
	"maps"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

var protocol = wire.AWSJSON{Version: "1.1"}

// Config configures the CloudWatch Logs emulator.
type Config struct {
	// Now is the clock for creation and ingestion times and the age checks of PutLogEvents; nil means
	// time.Now.
	Now func() time.Time
	// Region and AccountID place the log groups Append creates by name; they default to us-east-1 and
	// 000000000000.
	Region, AccountID string
}

// Service is the CloudWatch Logs emulator. It implements server.Service.
type Service struct {
	cfg    Config
	router wire.TargetRouter

	mu      sync.Mutex
	regions map[string]map[string]*group // region → log group name → group
}

// New returns a CloudWatch Logs emulator with no log groups.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "000000000000"
	}
	s := &Service{cfg: cfg, router: wire.TargetRouter{Prefix: "Logs_20140328"}, regions: map[string]map[string]*group{}}
	for name, h := range map[string]wire.Handler{
		"CreateLogGroup":        op(s.createLogGroup),
		"DescribeLogGroups":     op(s.describeLogGroups),
		"DeleteLogGroup":        op(s.deleteLogGroup),
		"PutRetentionPolicy":    op(s.putRetentionPolicy),
		"DeleteRetentionPolicy": op(s.deleteRetentionPolicy),
		"CreateLogStream":       op(s.createLogStream),
		"DescribeLogStreams":    op(s.describeLogStreams),
		"DeleteLogStream":       op(s.deleteLogStream),
		"PutLogEvents":          op(s.putLogEvents),
		"GetLogEvents":          op(s.getLogEvents),
		"FilterLogEvents":       op(s.filterLogEvents),
		"TagResource":           op(s.tagResource),
		"UntagResource":         op(s.untagResource),
		"ListTagsForResource":   op(s.listTagsForResource),
	} {
		s.router.Handle(name, h)
	}
	return s
}

// Name implements server.Service.
func (s *Service) Name() string { return "logs" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return protocol }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) {
	c.Proto = protocol
	return s.router.Resolve(c)
}

// Throttle implements server.Service with CloudWatch Logs' throttling error.
func (s *Service) Throttle() *wire.Error {
	return wire.ValidationError("ThrottlingException", "Rate exceeded")
}

// Reset implements server.Service.
func (s *Service) Reset() {
	s.mu.Lock()
	s.regions = map[string]map[string]*group{}
	s.mu.Unlock()
}

// GroupSnapshot is one log group in the admin state dump.
type GroupSnapshot struct {
	// ARN is the log group ARN (without the ":*" suffix).
	ARN string `json:"arn"`
	// RetentionInDays is the retention policy, 0 when events never expire.
	RetentionInDays int `json:"retentionInDays,omitempty"`
	// Streams maps each stream name to its number of stored events.
	Streams map[string]int `json:"streams"`
	// Tags are the group's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// Snapshot implements server.Service: log groups by region and name.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := map[string]map[string]GroupSnapshot{}
	for region, groups := range s.regions {
		gs := map[string]GroupSnapshot{}
		for name, g := range groups {
			g.expire(now)
			snap := GroupSnapshot{ARN: g.arn, RetentionInDays: g.retention, Streams: map[string]int{}, Tags: maps.Clone(g.tags)}
			for sn, st := range g.streams {
				snap.Streams[sn] = len(st.events)
			}
			gs[name] = snap
		}
		out[region] = gs
	}
	return out
}

func (s *Service) now() time.Time { return s.cfg.Now() }

// groups returns a region's log groups, creating the region on first use. The caller holds s.mu.
func (s *Service) groups(region string) map[string]*group {
	g, ok := s.regions[region]
	if !ok {
		g = map[string]*group{}
		s.regions[region] = g
	}
	return g
}

// op adapts an operation to a wire.Handler: it decodes the JSON input, runs fn and writes its output
// (nil output is an empty object).
func op[T any](fn func(c *wire.Call, in *T) (any, *wire.Error)) wire.Handler {
	return func(c *wire.Call) error {
		in := new(T)
		if err := c.DecodeJSON(in); err != nil {
			return err
		}
		out, werr := fn(c, in)
		if werr != nil {
			return werr
		}
		if out == nil {
			out = struct{}{}
		}
		return c.JSON(http.StatusOK, out)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Package streams is the localaws data plane between Kafka and Lambda: it consumes the topics of RUNNING
// EventBridge pipes and Enabled Lambda event source mappings from the in-process MSK brokers, and invokes
// their functions with the events AWS sends.
//
// Every consumer is a Kafka group member of its own consumer group that never auto-commits. Records are
// handed to one worker per partition, which batches them (BatchSize records, or what arrived within the
// batching window), invokes the function, and commits the offset after the last record of the batch only
// once the batch is done, so each partition is processed in order and a failing batch blocks only its
// partition. Pipes (PipeRunner) send the Pipes event, a JSON array; event source mappings (MappingRunner)
// send the event source mapping event, an object with records by "<topic>-<partition>" (AWS may put several
// partitions in one invocation; localaws always sends one).
//
// Not emulated: filter criteria, input templates and enrichment (records go to the function unfiltered and
// untransformed, with a warning in the log), Pipes stopping a pipe on persistent target errors, and
// OnFailure destinations other than SQS.
package streams

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

// Invoker runs a function, as the Lambda executor does. invocationType is "RequestResponse" or "Event"; a
// function error is reported in InvokeResult.FunctionError, a failure to run it as the error.
type Invoker interface {
	Invoke(ctx context.Context, fn lambda.FunctionView, payload []byte, invocationType string) (lambda.InvokeResult, error)
}

// Functions looks functions up by name or ARN, as lambda.Service.Function does.
type Functions interface {
	Function(nameOrARN string) (lambda.FunctionView, bool)
}

// FunctionsFunc adapts a lookup function to Functions, for wiring a Lambda service that is created later.
type FunctionsFunc func(nameOrARN string) (lambda.FunctionView, bool)

// Function implements Functions.
func (f FunctionsFunc) Function(nameOrARN string) (lambda.FunctionView, bool) { return f(nameOrARN) }

// Clusters finds the running brokers of an MSK cluster, as brokers.Pool does.
type Clusters interface {
	// Cluster returns the cluster's running brokers.
	Cluster(clusterARN string) (*kfake.Cluster, bool)
	// ClientOpts are the options a poller connects to the cluster's brokers with (TLS and IAM SASL).
	ClientOpts(clusterARN string) []kgo.Opt
}

// Queues delivers messages to SQS queues, as sqs.Service.Send does. Event source mappings send their
// OnFailure records through it.
type Queues interface {
	Send(queueARN, body string, attrs map[string]sqs.MessageAttribute) (messageID string, err error)
}

// Defaults for Config.
const (
	// DefaultRetryMin is the first pause before a failed batch is retried.
	DefaultRetryMin = 100 * time.Millisecond
	// DefaultRetryMax caps the pause between retries of a failed batch.
	DefaultRetryMax = 5 * time.Second
	// DefaultMappingAttempts is how many times an event source mapping with an OnFailure destination invokes
	// its function with a failing batch before it sends the OnFailure record and moves on.
	DefaultMappingAttempts = 3
	// DefaultStopGrace is how long Stop lets an invocation in flight finish before cancelling it.
	DefaultStopGrace = 5 * time.Second
	// DefaultMetadataRefresh is how often a consumer refreshes its topic's metadata, and so how soon it
	// consumes partitions added to the topic. AWS does not document how soon pipes and event source mappings
	// find new partitions; Kafka clients default to five minutes, which would leave a grown topic's new
	// partitions unread for that long.
	DefaultMetadataRefresh = 10 * time.Second
)

// Config configures the data plane.
type Config struct {
	// Clusters finds the brokers of source clusters. Required.
	Clusters Clusters
	// Functions looks up target functions. Required.
	Functions Functions
	// Invoker runs the functions. Required.
	Invoker Invoker
	// Queues receives event source mapping OnFailure records; nil makes an SQS destination unreachable,
	// so a failing batch is retried until delivery is possible.
	Queues Queues
	// Logger receives consumer events; nil discards.
	Logger *slog.Logger
	// RetryMin and RetryMax bound the exponential pause between attempts at a failed batch (0 means
	// DefaultRetryMin and DefaultRetryMax).
	RetryMin, RetryMax time.Duration
	// MappingAttempts is how many invocations of a failing batch an event source mapping with an OnFailure
	// destination makes before giving up on it (0 means DefaultMappingAttempts). AWS documents bounded
	// retries only for provisioned mode (at most 10 retries with an OnFailure destination); the behaviour of
	// on-demand mappings is UNCONFIRMED, so localaws gives up after this many attempts.
	MappingAttempts int
	// StopGrace is how long stopping a consumer waits for invocations in flight (0 means DefaultStopGrace).
	StopGrace time.Duration
	// MetadataRefresh is how often a consumer refreshes its topic's metadata (0 means
	// DefaultMetadataRefresh).
	MetadataRefresh time.Duration
}

// Streams runs the consumers of pipes and event source mappings. Its PipeRunner and MappingRunner plug
// into the Pipes and Lambda services.
type Streams struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	consumers map[string]*consumer // by pipe ARN or mapping UUID
	closed    bool
}

// New returns a data plane with no consumers.
func New(cfg Config) *Streams {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = DefaultRetryMax
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = cfg.RetryMin
	}
	if cfg.MappingAttempts <= 0 {
		cfg.MappingAttempts = DefaultMappingAttempts
	}
	if cfg.MetadataRefresh <= 0 {
		cfg.MetadataRefresh = DefaultMetadataRefresh
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = DefaultStopGrace
	}
	return &Streams{cfg: cfg, log: cfg.Logger, consumers: map[string]*consumer{}}
}

// Pipes returns the pipes.Runner of this data plane.
func (s *Streams) Pipes() *PipeRunner { return &PipeRunner{s: s} }

// Mappings returns the lambda.MappingRunner of this data plane.
func (s *Streams) Mappings() *MappingRunner { return &MappingRunner{s: s} }

// Running reports whether a consumer runs under key (a pipe ARN or a mapping UUID).
func (s *Streams) Running(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.consumers[key]
	return ok
}

// Close stops every consumer and waits for them; later Run calls start nothing.
func (s *Streams) Close() {
	s.mu.Lock()
	s.closed = true
	all := s.consumers
	s.consumers = map[string]*consumer{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Go(c.shutdown)
	}
	wg.Wait()
}

// start replaces the consumer under key with one for src. The old one is stopped first, so the new one
// resumes from the offsets it committed.
func (s *Streams) start(key string, src source) {
	s.stop(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	c := newConsumer(s, src)
	s.consumers[key] = c
	go c.run()
}

// stop stops the consumer under key, if any, and waits until it has committed what it finished and left
// its group.
func (s *Streams) stop(key string) {
	s.mu.Lock()
	c, ok := s.consumers[key]
	delete(s.consumers, key)
	s.mu.Unlock()
	if ok {
		c.shutdown()
	}
}

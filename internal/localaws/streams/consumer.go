package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// Polling limits of a consumer.
const (
	// maxPollRecords bounds the records taken from the client in one poll.
	maxPollRecords = 10000
	// fetchMaxWait is how long the brokers hold a fetch without new data; it also bounds how soon a resumed
	// partition is fetched again.
	fetchMaxWait = 500 * time.Millisecond
	// clusterWait is the pause between looks for a source cluster's brokers that are not running yet, and
	// after a poll that returned only errors.
	clusterWait = 200 * time.Millisecond
	// commitTimeout bounds one offset commit or start offset lookup.
	commitTimeout = 10 * time.Second
	// minHighWater is the fewest records buffered for a partition before its fetching is paused.
	minHighWater = 1000
)

// source is what one consumer reads and how it delivers.
type source struct {
	// kind ("pipe" or "event source mapping") and id (ARN or UUID) name the consumer in logs.
	kind, id   string
	clusterARN string
	topic      string
	group      string
	// start is where a partition without a committed offset starts.
	start startPosition
	// batchSize is the most records per invocation.
	batchSize int
	// window is how long records are gathered before an invocation; 0 invokes with what is there.
	window   time.Duration
	delivery delivery
}

// delivery describes how a batch becomes an invocation and what a failing batch leads to.
type delivery struct {
	functionARN    string
	invocationType string
	// encode builds the event for a batch of one partition's records.
	encode func(batch []*kgo.Record, bootstrap string) ([]byte, error)
	// maxAttempts bounds the invocations of a failing batch; 0 retries until it succeeds or its records
	// are gone from the topic.
	maxAttempts int
	// exhausted runs after maxAttempts failed invocations; the batch is committed once it returns nil.
	exhausted func(f failure) error
}

// outcome is the result of one invocation attempt.
type outcome struct {
	payloadSize int
	result      lambda.InvokeResult
	// err is set when the function could not be invoked at all.
	err error
	// accepted is set for Event invocations: once Lambda queued the event, what the function does with it
	// is no longer the caller's concern.
	accepted bool
}

func (o outcome) failed() bool { return o.err != nil || (!o.accepted && o.result.FunctionError != "") }

func (o outcome) describe() string {
	if o.err != nil {
		return o.err.Error()
	}
	return fmt.Sprintf("function error %s: %s", o.result.FunctionError, truncate(string(o.result.Payload), 256))
}

// failure describes a batch given up on, for OnFailure destinations.
type failure struct {
	batch     []*kgo.Record
	bootstrap string
	attempts  int
	last      outcome
	at        time.Time
}

// consumer is one group member and its partition workers.
type consumer struct {
	s   *Streams
	src source
	log *slog.Logger

	// ctx ends when the consumer is told to stop: polling, batching and retry pauses end with it.
	ctx    context.Context
	cancel context.CancelFunc
	// invokeCtx ends StopGrace after ctx, aborting invocations still in flight.
	invokeCtx    context.Context
	invokeCancel context.CancelFunc
	done         chan struct{}

	// Set by run before any partition worker starts; connected is closed once they are.
	connected chan struct{}
	cl        *kgo.Client
	adm       *kadm.Client
	bootstrap string
	highWater int

	mu    sync.Mutex
	parts map[int32]*partition
}

func newConsumer(s *Streams, src source) *consumer {
	c := &consumer{s: s, src: src, done: make(chan struct{}), connected: make(chan struct{}), parts: map[int32]*partition{},
		log: s.log.With(src.kind, src.id, "topic", src.topic, "group", src.group)}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.invokeCtx, c.invokeCancel = context.WithCancel(context.Background())
	c.highWater = max(4*src.batchSize, minHighWater)
	return c
}

// shutdown stops the consumer and waits until its workers committed what they finished and it left the
// group.
func (c *consumer) shutdown() {
	c.cancel()
	grace := time.AfterFunc(c.s.cfg.StopGrace, c.invokeCancel)
	<-c.done
	grace.Stop()
	c.invokeCancel()
}

func (c *consumer) run() {
	defer close(c.done)
	addrs, ok := c.awaitCluster()
	if !ok {
		return
	}
	cl, err := kgo.NewClient(append(c.s.cfg.Clusters.ClientOpts(c.src.clusterARN),
		kgo.SeedBrokers(addrs...),
		kgo.ClientID("localaws-"+strings.ReplaceAll(c.src.kind, " ", "-")),
		kgo.ConsumerGroup(c.src.group),
		kgo.ConsumeTopics(c.src.topic),
		kgo.ConsumeResetOffset(c.src.start.offset()),
		kgo.AdjustFetchOffsetsFn(c.pinStart),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsRevoked(c.revoked),
		kgo.OnPartitionsLost(c.revoked),
		kgo.FetchMaxWait(fetchMaxWait),
		kgo.MetadataMaxAge(c.s.cfg.MetadataRefresh),
	)...)
	if err != nil {
		c.log.Error("cannot create the Kafka consumer", "error", err)
		return
	}
	c.cl, c.adm, c.bootstrap = cl, kadm.NewClient(cl), strings.Join(addrs, ",")
	close(c.connected)
	c.log.Info("consumer started", "bootstrap", c.bootstrap)
	c.poll()
	c.stopPartitions(nil)
	if c.brokersGone() {
		// Leaving the group cannot succeed and Close would spend its leave timeout trying; the group has
		// gone with the brokers, so the client is left to close on its own.
		go cl.Close()
	} else {
		cl.Close() // leaves the group, so a replacement consumer joins without waiting for a rebalance
	}
	c.log.Info("consumer stopped")
}

// brokersGone reports whether the brokers the consumer connected to stopped (the cluster was deleted or
// the service reset).
func (c *consumer) brokersGone() bool {
	kc, ok := c.s.cfg.Clusters.Cluster(c.src.clusterARN)
	return !ok || strings.Join(kc.ListenAddrs(), ",") != c.bootstrap
}

// awaitCluster waits until the source cluster's brokers run, and returns their addresses.
func (c *consumer) awaitCluster() ([]string, bool) {
	logged := false
	for {
		if kc, ok := c.s.cfg.Clusters.Cluster(c.src.clusterARN); ok {
			return kc.ListenAddrs(), true
		}
		if !logged {
			c.log.Warn("waiting for the source cluster's brokers", "cluster", c.src.clusterARN)
			logged = true
		}
		if !sleepCtx(c.ctx, clusterWait) {
			return nil, false
		}
	}
}

// poll hands fetched records to the partition workers until the consumer stops.
func (c *consumer) poll() {
	for {
		fetches := c.cl.PollRecords(c.ctx, maxPollRecords)
		if c.ctx.Err() != nil || fetches.IsClientClosed() {
			c.cl.AllowRebalance()
			return
		}
		errored := false
		fetches.EachError(func(topic string, partition int32, err error) {
			if !errors.Is(err, context.Canceled) {
				errored = true
				c.log.Debug("fetch error", "partition", partition, "error", err)
			}
		})
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) > 0 {
				c.partition(p.Partition).push(p.Records)
			}
		})
		c.cl.AllowRebalance()
		if errored && fetches.NumRecords() == 0 && !sleepCtx(c.ctx, clusterWait) {
			return
		}
	}
}

// partition returns the worker of a partition, starting it on first use.
func (c *consumer) partition(id int32) *partition {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.parts[id]
	if !ok {
		p = newPartition(c, id)
		c.parts[id] = p
		go p.work()
	}
	return p
}

// revoked stops the workers of partitions the group took away; it runs before the rebalance completes.
func (c *consumer) revoked(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	if ids, ok := lost[c.src.topic]; ok {
		c.stopPartitions(ids)
	}
}

// stopPartitions stops the workers of the given partitions (all when ids is nil) and waits for them.
func (c *consumer) stopPartitions(ids []int32) {
	c.mu.Lock()
	var stopping []*partition
	if ids == nil {
		for id, p := range c.parts {
			stopping = append(stopping, p)
			delete(c.parts, id)
		}
	}
	for _, id := range ids {
		if p, ok := c.parts[id]; ok {
			stopping = append(stopping, p)
			delete(c.parts, id)
		}
	}
	c.mu.Unlock()
	for _, p := range stopping {
		p.stop()
	}
}

// invoke runs the function once with a batch.
func (c *consumer) invoke(batch []*kgo.Record) outcome {
	d := &c.src.delivery
	payload, err := d.encode(batch, c.bootstrap)
	if err != nil {
		return outcome{err: err}
	}
	o := outcome{payloadSize: len(payload)}
	fn, ok := c.s.cfg.Functions.Function(d.functionARN)
	switch {
	case !ok:
		o.err = fmt.Errorf("function %s not found", d.functionARN)
	case fn.State != "Active":
		o.err = fmt.Errorf("function %s is in state %s, not Active", d.functionARN, fn.State)
	default:
		o.result, o.err = c.s.cfg.Invoker.Invoke(c.invokeCtx, fn, payload, d.invocationType)
		if o.err != nil {
			o.err = fmt.Errorf("invoking %s: %w", d.functionARN, o.err)
		}
		o.accepted = o.err == nil && d.invocationType == invokeEvent
	}
	return o
}

// backoff is the pause before the next attempt after attempt failed ones.
func (c *consumer) backoff(attempt int) time.Duration {
	d := c.s.cfg.RetryMin
	for i := 1; i < attempt && d < c.s.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.s.cfg.RetryMax)
}

// sleepCtx waits for d and reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

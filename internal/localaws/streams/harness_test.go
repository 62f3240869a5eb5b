package streams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/brokers"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/pipes"
)

const (
	testCluster  = "arn:aws:kafka:us-east-1:000000000000:cluster/demo/751d2973-a626-431c-9d4e-d7975eb44dd7-s1"
	testFunction = "arn:aws:lambda:us-east-1:000000000000:function:processor"
	waitLimit    = 20 * time.Second
)

// call is one invocation the fake invoker received.
type call struct {
	fn             string
	invocationType string
	payload        []byte
	at             time.Time
}

// fakeInvoker records invocations; fail decides the outcome of each (nil: success).
type fakeInvoker struct {
	mu    sync.Mutex
	calls []call
	fail  func(n int, payload []byte) (lambda.InvokeResult, error)
	// records counts the records of every Pipes event received.
	records atomic.Int64
	// notify, when set before the first call, receives every call's arrival time without blocking.
	notify chan time.Time
	// discard drops payloads instead of keeping them, for benchmarks, which only count.
	discard bool
}

func (f *fakeInvoker) Invoke(_ context.Context, fn lambda.FunctionView, payload []byte, invocationType string) (lambda.InvokeResult, error) {
	now := time.Now()
	f.records.Add(int64(bytes.Count(payload, []byte(`"eventSourceKey"`))))
	f.mu.Lock()
	if !f.discard {
		f.calls = append(f.calls, call{fn: fn.ARN, invocationType: invocationType, payload: payload, at: now})
	}
	n := len(f.calls)
	fail := f.fail
	f.mu.Unlock()
	if f.notify != nil {
		select {
		case f.notify <- now:
		default:
		}
	}
	if fail != nil {
		return fail(n, payload)
	}
	return lambda.InvokeResult{StatusCode: 200, Payload: []byte(`null`)}, nil
}

func (f *fakeInvoker) setFail(fn func(n int, payload []byte) (lambda.InvokeResult, error)) {
	f.mu.Lock()
	f.fail = fn
	f.mu.Unlock()
}

func (f *fakeInvoker) snapshot() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func (f *fakeInvoker) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// functionError is what a function that throws returns.
func functionError() (lambda.InvokeResult, error) {
	return lambda.InvokeResult{StatusCode: 200, FunctionError: "Unhandled",
		Payload: []byte(`{"errorMessage":"boom","errorType":"errorString"}`)}, nil
}

// harness is a running broker cluster, a data plane with a fake invoker, and Kafka clients.
type harness struct {
	t       testing.TB
	pool    *brokers.Pool
	inv     *fakeInvoker
	streams *Streams
	client  *kgo.Client
	adm     *kadm.Client
	addrs   []string
}

// newHarness starts the cluster's brokers and a data plane; queues may be nil.
func newHarness(t testing.TB, queues Queues) *harness {
	t.Helper()
	pool, err := brokers.NewPool(brokers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, pool: pool, inv: &fakeInvoker{}}
	t.Cleanup(h.pool.Close)
	bootstrap, err := h.pool.Start(testCluster)
	if err != nil {
		t.Fatal(err)
	}
	h.addrs = strings.Split(bootstrap, ",")
	h.streams = newTestStreams(h.pool, h.inv, queues)
	t.Cleanup(h.streams.Close)
	h.connect(h.addrs)
	return h
}

// useInvoker replaces the data plane with one that invokes through inv.
func (h *harness) useInvoker(inv Invoker) {
	h.streams.Close()
	h.streams = newTestStreams(h.pool, inv, nil)
	h.t.Cleanup(h.streams.Close)
}

// connect makes the harness's Kafka clients for brokers at addrs.
func (h *harness) connect(addrs []string) {
	h.t.Helper()
	cl, err := kgo.NewClient(append(h.pool.ClientOpts(testCluster), kgo.SeedBrokers(addrs...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(cl.Close)
	h.client, h.adm = cl, kadm.NewClient(cl)
}

func newTestStreams(pool *brokers.Pool, inv Invoker, queues Queues) *Streams {
	return New(Config{Clusters: pool, Invoker: inv, Queues: queues,
		Functions: FunctionsFunc(func(name string) (lambda.FunctionView, bool) {
			if name != testFunction {
				return lambda.FunctionView{}, false
			}
			return lambda.FunctionView{Name: "processor", ARN: testFunction, State: "Active"}, true
		}),
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, StopGrace: time.Second})
}

func (h *harness) createTopic(topic string, partitions int32) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	resp, err := h.adm.CreateTopic(ctx, partitions, 3, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		h.t.Fatalf("creating topic %s: %v", topic, err)
	}
}

// produce writes records and returns them with their offsets.
func (h *harness) produce(recs ...*kgo.Record) []*kgo.Record {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := h.client.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		h.t.Fatalf("producing: %v", err)
	}
	return recs
}

// produceN writes n records with values "<prefix>-<i>" to one partition.
func (h *harness) produceN(topic string, partition int32, prefix string, n int) []*kgo.Record {
	h.t.Helper()
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = &kgo.Record{Topic: topic, Partition: partition, Value: fmt.Appendf(nil, "%s-%d", prefix, i)}
	}
	return h.produce(recs...)
}

// committed returns the group's committed offset for a partition (-1 when none).
func (h *harness) committed(group, topic string, partition int32) int64 {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	offsets, err := h.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return -1
	}
	if err != nil {
		h.t.Fatalf("fetching offsets of %s: %v", group, err)
	}
	o, ok := offsets.Lookup(topic, partition)
	if !ok {
		return -1
	}
	return o.At
}

// pipe is a RUNNING pipe view on the test cluster and function.
func pipe(name, topic string) pipes.PipeView {
	return pipes.PipeView{Name: name, ARN: "arn:aws:pipes:us-east-1:000000000000:pipe/" + name,
		SourceClusterARN: testCluster, Topic: topic, StartingPosition: "TRIM_HORIZON", BatchSize: 100,
		ConsumerGroupID: "group-" + name, TargetARN: testFunction, InvocationType: "REQUEST_RESPONSE",
		CurrentState: "RUNNING", DesiredState: "RUNNING"}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pipeEventRecord is one element of a Pipes event as a function decodes it.
type pipeEventRecord struct {
	EventSource    string              `json:"eventSource"`
	EventSourceArn string              `json:"eventSourceArn"`
	EventSourceKey string              `json:"eventSourceKey"`
	Topic          string              `json:"topic"`
	Partition      int32               `json:"partition"`
	Offset         int64               `json:"offset"`
	Timestamp      int64               `json:"timestamp"`
	TimestampType  string              `json:"timestampType"`
	Key            *string             `json:"key"`
	Value          []byte              `json:"value"`
	Headers        []map[string][]uint `json:"headers"`
}

// decodePipeEvent decodes a Pipes event.
func decodePipeEvent(t testing.TB, payload []byte) []pipeEventRecord {
	t.Helper()
	var out []pipeEventRecord
	if err := json.Unmarshal(payload, &out); err != nil {
		t.Fatalf("the pipe event is not a JSON array of records: %v\n%s", err, payload)
	}
	return out
}

// firstRecord decodes the first record of a Pipes event without failing the test, for invoker callbacks
// that run on the data plane's goroutines; it is the zero record (partition -1) if there is none.
func firstRecord(payload []byte) pipeEventRecord {
	var recs []pipeEventRecord
	if json.Unmarshal(payload, &recs) != nil || len(recs) == 0 {
		return pipeEventRecord{Partition: -1}
	}
	return recs[0]
}

// delivered decodes every pipe invocation so far, in call order.
func (h *harness) delivered() [][]pipeEventRecord {
	var out [][]pipeEventRecord
	for _, c := range h.inv.snapshot() {
		out = append(out, decodePipeEvent(h.t, c.payload))
	}
	return out
}

// values returns the distinct record values delivered so far, from Pipes and event source mapping events.
func (h *harness) values() map[string]int {
	seen := map[string]int{}
	for _, c := range h.inv.snapshot() {
		for _, v := range eventValues(h.t, c.payload) {
			seen[v]++
		}
	}
	return seen
}

// eventValues returns the record values of a Pipes event (an array of records) or an event source mapping
// event (records by topic-partition).
func eventValues(t testing.TB, payload []byte) []string {
	t.Helper()
	type record struct {
		Value []byte `json:"value"`
	}
	var batches [][]record
	var pipeEvent []record
	var mappingEvent struct {
		Records map[string][]record `json:"records"`
	}
	if json.Unmarshal(payload, &pipeEvent) == nil {
		batches = append(batches, pipeEvent)
	} else if err := json.Unmarshal(payload, &mappingEvent); err == nil {
		for _, recs := range mappingEvent.Records {
			batches = append(batches, recs)
		}
	} else {
		t.Fatalf("the event is neither a Pipes nor an event source mapping event: %v\n%s", err, payload)
	}
	var out []string
	for _, b := range batches {
		for _, r := range b {
			out = append(out, string(r.Value))
		}
	}
	return out
}

// hasAll reports whether every record was delivered at least once.
func (h *harness) hasAll(recs []*kgo.Record) bool {
	seen := h.values()
	for _, r := range recs {
		if seen[string(r.Value)] == 0 {
			return false
		}
	}
	return true
}

var errInvoke = errors.New("the function could not be reached")

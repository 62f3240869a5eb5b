package streams

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

func TestPipeEventShape(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("orders", 2)
	ts := time.UnixMilli(1545084650987)
	h.produce(
		&kgo.Record{Topic: "orders", Partition: 1, Key: []byte("k1"), Value: []byte(`{"id":1}`), Timestamp: ts,
			Headers: []kgo.RecordHeader{{Key: "headerKey", Value: []byte("headerValue")}, {Key: "empty"}}},
		&kgo.Record{Topic: "orders", Partition: 1, Value: []byte("no key"), Timestamp: ts},
	)
	p := pipe("shape", "orders")
	h.streams.Pipes().Run(p)
	eventually(t, "an invocation", func() bool { return h.inv.count() > 0 })

	c := h.inv.snapshot()[0]
	if c.fn != testFunction || c.invocationType != "RequestResponse" {
		t.Fatalf("invoked %s with %s, want %s RequestResponse", c.fn, c.invocationType, testFunction)
	}
	got := decodePipeEvent(t, c.payload)
	if len(got) != 2 {
		t.Fatalf("got %d records, want 2: %s", len(got), c.payload)
	}
	key := base64.StdEncoding.EncodeToString([]byte("k1"))
	want := pipeEventRecord{EventSource: "aws:kafka", EventSourceArn: testCluster, EventSourceKey: "orders-1",
		Topic: "orders", Partition: 1, Offset: 0, Timestamp: 1545084650987, TimestampType: "CREATE_TIME",
		Key: &key, Value: []byte(`{"id":1}`),
		Headers: []map[string][]uint{{"headerKey": {104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101}}, {"empty": {}}}}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("record 0 = %+v\nwant %+v", got[0], want)
	}
	if got[1].Key != nil || got[1].Offset != 1 || string(got[1].Value) != "no key" || got[1].Headers == nil {
		t.Errorf("record 1 = %+v, want offset 1, no key, value \"no key\", empty headers", got[1])
	}

	// The raw JSON: partition and offset are numbers, the value is base64, a null key is absent, headers
	// are arrays of byte values.
	var raw []map[string]any
	if err := json.Unmarshal(c.payload, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw[0]["partition"].(float64); !ok {
		t.Errorf("partition is %T, want a number", raw[0]["partition"])
	}
	if raw[0]["value"] != base64.StdEncoding.EncodeToString([]byte(`{"id":1}`)) {
		t.Errorf("value = %v, want base64", raw[0]["value"])
	}
	if _, ok := raw[1]["key"]; ok {
		t.Errorf("a null key is present: %v", raw[1]["key"])
	}
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "orders", 1) == 2 })
}

func TestPipeBatchSize(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("sized", 1)
	recs := h.produceN("sized", 0, "r", 10)
	p := pipe("sized", "sized")
	p.BatchSize = 3
	h.streams.Pipes().Run(p)
	eventually(t, "all records", func() bool { return h.hasAll(recs) })

	var offsets []int64
	for _, batch := range h.delivered() {
		if len(batch) == 0 || len(batch) > 3 {
			t.Fatalf("batch of %d records, want 1 to 3", len(batch))
		}
		for _, r := range batch {
			offsets = append(offsets, r.Offset)
		}
	}
	if want := []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(offsets, want) {
		t.Errorf("offsets %v, want %v", offsets, want)
	}
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "sized", 0) == 10 })
}

func TestPipeBatchingWindow(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("windowed", 1)
	p := pipe("windowed", "windowed")
	p.MaximumBatchingWindowInSeconds = 1
	h.streams.Pipes().Run(p)

	// Records trickle in; they are gathered until the window since the first one ends.
	start := time.Now()
	var recs []*kgo.Record
	for i := range 4 {
		recs = append(recs, h.produceN("windowed", 0, fmt.Sprintf("w%d", i), 1)...)
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, "all records", func() bool { return h.hasAll(recs) })
	calls := h.inv.snapshot()
	// The first records may have arrived before the consumer joined, but every batch waits out the window.
	for _, c := range calls {
		if c.at.Sub(start) < 900*time.Millisecond {
			t.Errorf("a batch was sent %v after the first record, before the 1 s window", c.at.Sub(start))
		}
	}
	if len(calls) != 1 || len(decodePipeEvent(t, calls[0].payload)) != 4 {
		t.Errorf("got %d invocations, want one batch of 4", len(calls))
	}

	// A full batch goes at once, without waiting for the window.
	p2 := pipe("full", "windowed")
	p2.BatchSize = 4
	p2.MaximumBatchingWindowInSeconds = 300
	h.streams.Pipes().Run(p2)
	eventually(t, "the full batch", func() bool { return h.inv.count() == 2 })
	if got := decodePipeEvent(t, h.inv.snapshot()[1].payload); len(got) != 4 {
		t.Errorf("full batch has %d records, want 4", len(got))
	}
}

func TestPipeOrderingPerPartition(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("ordered", 3)
	p := pipe("ordered", "ordered")
	p.BatchSize = 7
	h.streams.Pipes().Run(p)
	var recs []*kgo.Record
	for round := range 5 {
		for part := range int32(3) {
			recs = append(recs, h.produceN("ordered", part, fmt.Sprintf("p%d-r%d", part, round), 20)...)
		}
	}
	eventually(t, "all records", func() bool { return h.hasAll(recs) })

	next := map[int32]int64{}
	for _, batch := range h.delivered() {
		part := batch[0].Partition
		for _, r := range batch {
			if r.Partition != part {
				t.Fatalf("a batch mixes partitions %d and %d", part, r.Partition)
			}
			if r.Offset != next[part] {
				t.Fatalf("partition %d: offset %d delivered, want %d", part, r.Offset, next[part])
			}
			next[part]++
		}
	}
	for part := range int32(3) {
		if next[part] != 100 {
			t.Errorf("partition %d: %d records delivered, want 100", part, next[part])
		}
		eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "ordered", part) == 100 })
	}
}

func TestPipeRequestResponseRetriesAndBlocks(t *testing.T) {
	for name, fail := range map[string]func() (lambda.InvokeResult, error){
		"function error": functionError,
		"invoke failure": func() (lambda.InvokeResult, error) { return lambda.InvokeResult{}, errInvoke },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.createTopic("blocked", 2)
			// Partition 0 fails until it was tried four times; partition 1 always works.
			failures := 0
			h.inv.setFail(func(_ int, payload []byte) (lambda.InvokeResult, error) {
				if firstRecord(payload).Partition == 0 && failures < 4 {
					failures++
					return fail()
				}
				return lambda.InvokeResult{StatusCode: 200}, nil
			})
			first := h.produceN("blocked", 0, "a", 3)
			p := pipe("blocked", "blocked")
			h.streams.Pipes().Run(p)
			eventually(t, "the failing batch retried", func() bool { return h.inv.count() >= 2 })
			second := h.produceN("blocked", 0, "b", 3)
			other := h.produceN("blocked", 1, "c", 3)
			eventually(t, "every record", func() bool { return h.hasAll(slices.Concat(first, second, other)) })

			// The failing batch was retried whole and nothing after it went before it succeeded.
			var p0 [][]pipeEventRecord
			for _, b := range h.delivered() {
				if b[0].Partition == 0 {
					p0 = append(p0, b)
				}
			}
			for i := range 5 {
				if p0[i][0].Offset != 0 || len(p0[i]) != 3 {
					t.Fatalf("attempt %d started at offset %d with %d records, want the whole first batch", i+1, p0[i][0].Offset, len(p0[i]))
				}
			}
			if got := p0[5][0].Offset; got != 3 {
				t.Errorf("after the retried batch came offset %d, want 3", got)
			}
			eventually(t, "offsets committed", func() bool {
				return h.committed(p.ConsumerGroupID, "blocked", 0) == 6 && h.committed(p.ConsumerGroupID, "blocked", 1) == 3
			})
		})
	}
}

func TestPipeRetriesUntilRecordsExpire(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("expiring", 1)
	h.inv.setFail(func(_ int, payload []byte) (lambda.InvokeResult, error) {
		if string(firstRecord(payload).Value) == "old-0" {
			return functionError()
		}
		return lambda.InvokeResult{StatusCode: 200}, nil
	})
	h.produceN("expiring", 0, "old", 2)
	p := pipe("expiring", "expiring")
	h.streams.Pipes().Run(p)
	eventually(t, "retries", func() bool { return h.inv.count() >= 3 })
	if h.committed(p.ConsumerGroupID, "expiring", 0) > 0 {
		t.Fatal("a failing batch was committed")
	}

	// Retention removes the failing records; the pipe moves on.
	ctx := t.Context()
	trim := kadm.Offsets{}
	trim.Add(kadm.Offset{Topic: "expiring", Partition: 0, At: 2, LeaderEpoch: -1})
	resp, err := h.adm.DeleteRecords(ctx, trim)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	fresh := h.produceN("expiring", 0, "new", 2)
	eventually(t, "the new records", func() bool { return h.hasAll(fresh) })
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "expiring", 0) == 4 })
}

func TestPipeFireAndForget(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("async", 1)
	h.inv.setFail(func(int, []byte) (lambda.InvokeResult, error) { return functionError() })
	p := pipe("async", "async")
	p.InvocationType = "FIRE_AND_FORGET"
	p.BatchSize = 2
	recs := h.produceN("async", 0, "e", 6)
	h.streams.Pipes().Run(p)
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "async", 0) == 6 })
	for _, c := range h.inv.snapshot() {
		if c.invocationType != "Event" {
			t.Errorf("invocation type %s, want Event", c.invocationType)
		}
	}
	if seen := h.values(); len(seen) != len(recs) {
		t.Errorf("%d distinct records delivered, want %d", len(seen), len(recs))
	} else {
		for v, n := range seen {
			if n != 1 {
				t.Errorf("%s delivered %d times, want once despite function errors", v, n)
			}
		}
	}
}

func TestPipeStopAndStart(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("paused", 1)
	p := pipe("paused", "paused")
	runner := h.streams.Pipes()
	runner.Run(p)
	first := h.produceN("paused", 0, "first", 5)
	eventually(t, "the first records", func() bool { return h.hasAll(first) })
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "paused", 0) == 5 })

	runner.Stop(p.ARN)
	if h.streams.Running(p.ARN) {
		t.Fatal("the pipe still runs after Stop")
	}
	calls := h.inv.count()
	second := h.produceN("paused", 0, "second", 5)
	time.Sleep(300 * time.Millisecond) // a stopped pipe has no consumer; this only gives a stray one time to show
	if n := h.inv.count(); n != calls {
		t.Fatalf("%d invocations after Stop", n-calls)
	}
	if got := h.committed(p.ConsumerGroupID, "paused", 0); got != 5 {
		t.Fatalf("committed offset moved to %d while stopped", got)
	}

	runner.Run(p)
	eventually(t, "the second records", func() bool { return h.hasAll(second) })
	for v, n := range h.values() {
		if n != 1 {
			t.Errorf("%s delivered %d times, want once", v, n)
		}
	}
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "paused", 0) == 10 })
}

func TestPipeBatchSizeUpdate(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("resized", 1)
	p := pipe("resized", "resized")
	p.BatchSize = 1
	runner := h.streams.Pipes()
	runner.Run(p)
	before := h.produceN("resized", 0, "small", 4)
	eventually(t, "the first records", func() bool { return h.hasAll(before) })

	// UpdatePipe: Stop, then Run with the new view.
	runner.Stop(p.ARN)
	p.BatchSize = 10
	p.MaximumBatchingWindowInSeconds = 2
	runner.Run(p)
	after := h.produceN("resized", 0, "big", 10)
	eventually(t, "the later records", func() bool { return h.hasAll(after) })

	for i, batch := range h.delivered() {
		if i < 4 && len(batch) != 1 {
			t.Errorf("batch %d has %d records, want 1 before the update", i, len(batch))
		}
		if i >= 4 && len(batch) != 10 {
			t.Errorf("batch %d has %d records, want 10 after the update", i, len(batch))
		}
	}
	for v, n := range h.values() {
		if n != 1 {
			t.Errorf("%s delivered %d times, want once", v, n)
		}
	}
	eventually(t, "offsets committed", func() bool { return h.committed(p.ConsumerGroupID, "resized", 0) == 14 })

	// Run on a running pipe replaces its consumer the same way.
	p.BatchSize = 5
	runner.Run(p)
	last := h.produceN("resized", 0, "again", 5)
	eventually(t, "the last records", func() bool { return h.hasAll(last) })
	if got := h.delivered(); len(got[len(got)-1]) != 5 {
		t.Errorf("last batch has %d records, want 5", len(got[len(got)-1]))
	}
}

func TestPipeStartingPosition(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("positions", 1)
	old := h.produceN("positions", 0, "old", 3)

	horizon := pipe("horizon", "positions")
	h.streams.Pipes().Run(horizon)
	eventually(t, "TRIM_HORIZON to read the old records", func() bool { return h.hasAll(old) })
	calls := h.inv.count()

	latest := pipe("latest", "positions")
	latest.StartingPosition = "LATEST"
	h.streams.Pipes().Stop(horizon.ARN)
	h.streams.Pipes().Run(latest)
	// Produce until the LATEST pipe has joined and sees a new record.
	for i := 0; h.inv.count() == calls; i++ {
		if i > 400 {
			t.Fatal("the LATEST pipe never consumed")
		}
		h.produceN("positions", 0, fmt.Sprintf("new%d", i), 1)
		time.Sleep(50 * time.Millisecond)
	}
	for _, batch := range h.delivered()[calls:] {
		for _, r := range batch {
			if r.Offset < 3 {
				t.Errorf("the LATEST pipe delivered old offset %d", r.Offset)
			}
		}
	}

	// Committed offsets win over the starting position.
	eventually(t, "LATEST offsets committed", func() bool { return h.committed(latest.ConsumerGroupID, "positions", 0) >= 4 })
	h.streams.Pipes().Stop(latest.ARN)
	committed := h.committed(latest.ConsumerGroupID, "positions", 0)
	latest.StartingPosition = "TRIM_HORIZON"
	h.streams.Pipes().Run(latest)
	tail := h.produceN("positions", 0, "tail", 1)
	before := h.inv.count()
	eventually(t, "the tail record", func() bool { return h.hasAll(tail) })
	for _, batch := range h.delivered()[before:] {
		for _, r := range batch {
			if r.Offset < committed {
				t.Errorf("offset %d delivered again after committed %d", r.Offset, committed)
			}
		}
	}
}

func TestPipeWaitsForCluster(t *testing.T) {
	h := newHarness(t, nil)
	late := "arn:aws:kafka:us-east-1:000000000000:cluster/late/0f3c1d2e-aaaa-bbbb-cccc-000000000000-s1"
	p := pipe("late", "events")
	p.SourceClusterARN = late
	h.streams.Pipes().Run(p)
	bootstrap, err := h.pool.Start(late)
	if err != nil {
		t.Fatal(err)
	}
	late2 := &harness{t: t, pool: h.pool, inv: h.inv}
	late2.connect(strings.Split(bootstrap, ","))
	late2.createTopic("events", 1)
	recs := late2.produceN("events", 0, "late", 2)
	eventually(t, "the records of the late cluster", func() bool { return h.hasAll(recs) })
	if got := h.delivered()[0][0].EventSourceArn; got != late {
		t.Errorf("eventSourceArn %s, want %s", got, late)
	}
}

func TestCloseStopsEveryConsumer(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("closing", 1)
	a, b := pipe("a", "closing"), pipe("b", "closing")
	h.streams.Pipes().Run(a)
	h.streams.Pipes().Run(b)
	h.streams.Close()
	if h.streams.Running(a.ARN) || h.streams.Running(b.ARN) {
		t.Fatal("consumers still run after Close")
	}
	h.streams.Pipes().Run(a)
	if h.streams.Running(a.ARN) {
		t.Fatal("Run after Close started a consumer")
	}
}

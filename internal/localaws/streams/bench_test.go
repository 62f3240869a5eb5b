package streams

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// benchPipe starts a LATEST pipe with a counting invoker and waits until it consumes.
func benchPipe(b *testing.B, batchSize int) *harness {
	h := newHarness(b, nil)
	h.inv.notify = make(chan time.Time, 4096)
	h.createTopic("bench", 1)
	p := pipe("bench", "bench")
	p.StartingPosition = "LATEST"
	p.BatchSize = batchSize
	h.streams.Pipes().Run(p)
	for i := 0; h.inv.records.Load() == 0; i++ {
		if i > 400 {
			b.Fatal("the pipe never consumed")
		}
		h.produceN("bench", 0, "warmup", 1)
		time.Sleep(25 * time.Millisecond)
	}
	// Records before the consumer found the end were skipped; once a last marker is delivered, every
	// earlier one has been too.
	marker := h.produceN("bench", 0, "marker", 1)
	eventually(b, "the marker record", func() bool { return h.hasAll(marker) })
	h.inv.mu.Lock()
	h.inv.discard, h.inv.calls = true, nil
	h.inv.mu.Unlock()
	h.inv.records.Store(0)
	for len(h.inv.notify) > 0 {
		<-h.inv.notify
	}
	return h
}

// awaitRecords waits until the invoker has seen n records and returns when the last call arrived.
func (h *harness) awaitRecords(n int64) time.Time {
	h.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case at := <-h.inv.notify:
			if h.inv.records.Load() >= n {
				return at
			}
		case <-time.After(100 * time.Millisecond): // only if a notification was dropped
			if h.inv.records.Load() >= n {
				return time.Now()
			}
		case <-deadline:
			h.t.Fatalf("the invoker saw %d of %d records", h.inv.records.Load(), n)
		}
	}
}

// BenchmarkPipeLatency measures the time from producing a burst of batch-size records through one pipe to
// the invocation that delivers the burst's last record.
func BenchmarkPipeLatency(b *testing.B) {
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			h := benchPipe(b, size)
			burst := make([]*kgo.Record, size)
			latencies := make([]time.Duration, 0, b.N)
			var seen int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range burst {
					burst[j] = &kgo.Record{Topic: "bench", Value: []byte(`{"order":42,"amount":"9.99"}`)}
				}
				start := time.Now()
				h.produce(burst...)
				seen += int64(size)
				latencies = append(latencies, h.awaitRecords(seen).Sub(start))
			}
			b.StopTimer()
			slices.Sort(latencies)
			ms := func(q float64) float64 {
				return float64(latencies[int(q*float64(len(latencies)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
		})
	}
}

// BenchmarkPipeThroughput measures messages per second through one pipe with batch size 100: b.N records
// produced at once, timed until the last one is delivered.
func BenchmarkPipeThroughput(b *testing.B) {
	h := benchPipe(b, 100)
	recs := make([]*kgo.Record, b.N)
	for i := range recs {
		recs[i] = &kgo.Record{Topic: "bench", Value: []byte(`{"order":42,"amount":"9.99"}`)}
	}
	b.ResetTimer()
	start := time.Now()
	for _, r := range recs {
		h.client.Produce(context.Background(), r, nil)
	}
	end := h.awaitRecords(int64(b.N))
	b.StopTimer()
	if err := h.client.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/end.Sub(start).Seconds(), "msgs/s")
}

package streams

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// deliverWhileRunning produces single records to a partition until one is delivered, for a LATEST consumer
// whose position on that partition may not be resolved yet, and returns the delivered record.
func (h *harness) deliverWhileRunning(topic string, partition int32, prefix string) []*kgo.Record {
	h.t.Helper()
	for i := 0; ; i++ {
		recs := h.produceN(topic, partition, prefix, 1)
		deadline := time.Now().Add(250 * time.Millisecond)
		for time.Now().Before(deadline) {
			if h.hasAll(recs) {
				return recs
			}
			time.Sleep(5 * time.Millisecond)
		}
		if i > 200 {
			h.t.Fatalf("nothing produced to %s/%d was delivered", topic, partition)
		}
	}
}

func TestStopStartKeepsRecordsOfIdlePartitions(t *testing.T) {
	for _, kind := range []string{"pipe", "mapping"} {
		t.Run(kind, func(t *testing.T) {
			h := newHarness(t, nil)
			topic := "idle-" + kind
			h.createTopic(topic, 2)
			start, stop := h.runLatest(kind, topic)
			start()
			// The consumer runs and owns both partitions; partition 1 has received nothing yet.
			h.deliverWhileRunning(topic, 0, "before")
			stop()
			during := h.produceN(topic, 1, "during-stop", 3)
			start()
			// Once a record produced after the restart is delivered from partition 1, the ones produced
			// during the stop, which come before it, must have been too.
			h.deliverWhileRunning(topic, 1, "after")
			if !h.hasAll(during) {
				t.Fatalf("records produced to an idle partition during the stop were skipped: delivered %v", h.values())
			}
		})
	}
}

// runLatest returns how to start and stop a LATEST consumer of topic: a pipe or an event source mapping.
func (h *harness) runLatest(kind, topic string) (start, stop func()) {
	if kind == "pipe" {
		p := pipe(topic, topic)
		p.StartingPosition = "LATEST"
		return func() { h.streams.Pipes().Run(p) }, func() { h.streams.Pipes().Stop(p.ARN) }
	}
	m := mapping("3f1e1e6a-0000-4000-8000-0000000000aa", topic)
	m.StartingPosition = "LATEST"
	return func() { h.streams.Mappings().Run(m) }, func() { h.streams.Mappings().Stop(m.UUID) }
}

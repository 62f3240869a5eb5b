package streams

import (
	"testing"
	"time"
)

func TestStopIsQuickAfterTheClusterIsGone(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("gone", 1)
	p := pipe("gone", "gone")
	h.streams.Pipes().Run(p)
	recs := h.produceN("gone", 0, "g", 2)
	eventually(t, "the records", func() bool { return h.hasAll(recs) })
	h.pool.Stop(testCluster)
	start := time.Now()
	h.streams.Pipes().Stop(p.ARN)
	// Leaving the group of stopped brokers would take the client's leave timeout (about a second).
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Errorf("Stop took %v after the brokers stopped", took)
	}
}

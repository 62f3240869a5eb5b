// Package awstest holds what the tests of the operator's AWS packages share: running an operation the way
// the controller's requeues do until it stops waiting, and counting the writes a localaws server answered.
package awstest

import (
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// SettleTimeout is how long Settle keeps calling an operation that answers Waiting.
const SettleTimeout = 20 * time.Second

// settleInterval is the pause between Settle's calls.
const settleInterval = 10 * time.Millisecond

// Settle calls op, as the controller's requeues would, until its error is not a Waiting outcome, and returns
// that call's result and error. It fails t when op still answers Waiting after SettleTimeout.
func Settle[R any](t testing.TB, op func() (R, error)) (R, error) {
	t.Helper()
	deadline := time.Now().Add(SettleTimeout)
	for {
		res, err := op()
		if _, waiting := outcome.AsWaiting(err); !waiting {
			return res, err
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %s: %v", SettleTimeout, err)
		}
		time.Sleep(settleInterval)
	}
}

// MustSettle is Settle that also fails t when the last call fails.
func MustSettle[R any](t testing.TB, op func() (R, error)) R {
	t.Helper()
	res, err := Settle(t, op)
	if err != nil {
		t.Fatalf("after waiting: %v", err)
	}
	return res
}

// UntilGone calls del, as the controller's requeues would, until it reports the resource gone. It fails t
// when a call fails or the resource is still there after SettleTimeout.
func UntilGone(t testing.TB, del func() (gone bool, err error)) {
	t.Helper()
	deadline := time.Now().Add(SettleTimeout)
	for {
		gone, err := del()
		if err != nil {
			t.Fatalf("deleting: %v", err)
		}
		if gone {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not gone after %s", SettleTimeout)
		}
		time.Sleep(settleInterval)
	}
}

// Writes returns the calls srv has answered of the service's operations that may change state (those
// adminclient.IsRead does not count as reads), by operation.
func Writes(srv *server.Server, service string) map[string]int64 {
	out := map[string]int64{}
	for _, c := range srv.Calls() {
		if c.Service == service && !adminclient.IsRead(c.Operation) {
			out[c.Operation] += c.Count
		}
	}
	return out
}

// Total returns the sum of the counts.
func Total(counts map[string]int64) int64 {
	var n int64
	for _, v := range counts {
		n += v
	}
	return n
}

package lawstest

import (
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// WaitTimeout is how long Eventually waits for its condition.
const WaitTimeout = 10 * time.Second

// pollInterval is how often Eventually looks again.
const pollInterval = 5 * time.Millisecond

// Eventually polls cond until it holds, failing t when it still does not after WaitTimeout.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pollInterval)
	}
}

// Override makes transitions of kind that start from now on take d (a negative d restores the profile's
// duration), failing t when tm refuses.
func Override(t testing.TB, tm *lifecycle.Timings, kind lifecycle.Kind, d time.Duration) {
	t.Helper()
	if err := tm.SetOverride(kind, d); err != nil {
		t.Fatal(err)
	}
}

// Hold makes transitions of the kinds that start from now on take an hour, so a test can observe the state
// before they complete.
func Hold(t testing.TB, tm *lifecycle.Timings, kinds ...lifecycle.Kind) {
	t.Helper()
	for _, k := range kinds {
		Override(t, tm, k, time.Hour)
	}
}

// Release undoes Hold (or any Override) for transitions of the kinds that start from now on.
func Release(t testing.TB, tm *lifecycle.Timings, kinds ...lifecycle.Kind) {
	t.Helper()
	for _, k := range kinds {
		Override(t, tm, k, -1)
	}
}

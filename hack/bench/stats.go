package main

import (
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Duration is a time.Duration that JSON writes as seconds.
type Duration time.Duration

// MarshalJSON writes the duration in seconds, to the millisecond.
func (d Duration) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, math.Round(time.Duration(d).Seconds()*1000)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("reading a duration in seconds: %w", err)
	}
	*d = Duration(time.Duration(s * float64(time.Second)))
	return nil
}

// String rounds the duration for the table, never below the millisecond JSON keeps.
func (d Duration) String() string {
	t := time.Duration(d)
	switch {
	case t >= 10*time.Second:
		return t.Round(100 * time.Millisecond).String()
	case t >= time.Second:
		return t.Round(10 * time.Millisecond).String()
	}
	return t.Round(time.Millisecond).String()
}

// Latencies are the quantiles of a set of durations.
type Latencies struct {
	// Count is the number of durations.
	Count int `json:"count"`
	// P50, P95 and Max are the median, the 95th percentile (nearest rank) and the largest.
	P50 Duration `json:"p50"`
	P95 Duration `json:"p95"`
	Max Duration `json:"max"`
}

// latencies computes the quantiles of ds (all zero when ds is empty).
func latencies(ds []time.Duration) Latencies {
	if len(ds) == 0 {
		return Latencies{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return Latencies{Count: len(s), P50: Duration(nearestRank(s, 0.50)), P95: Duration(nearestRank(s, 0.95)),
		Max: Duration(s[len(s)-1])}
}

// nearestRank is the q-quantile of sorted s by the nearest-rank method.
func nearestRank(s []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(s))))
	return s[max(rank, 1)-1]
}

// cpuTime is the CPU time this process (manager, localaws and the benchmark's client) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// revision is the commit of the repository at root, with "-dirty" when the tree has changes (the
// benchmark builds what is in the tree).
func revision(root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty", "--abbrev=12").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

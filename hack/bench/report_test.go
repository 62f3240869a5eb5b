package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleResult() Result {
	calls := CallSummary{Total: 480, Writes: 80, PerPipeline: 48, WritesPerPipeline: 8, ByOperation: []OperationCalls{
		{Service: "iam", Operation: "GetRole", Calls: 80, Errors: 20},
		{Service: "pipes", Operation: "CreatePipe", Write: true, Calls: 10},
	}}
	return Result{
		Settings: Settings{Pipelines: 10, Concurrency: 4, Profile: "instant", Delivery: "Pipe",
			IAMPropagation: Duration(10 * time.Second), ResyncPeriod: Duration(time.Hour), Revision: "abc"},
		Create: CreatePhase{Phase: Phase{Pipelines: 10, Makespan: Duration(40 * time.Second), Calls: calls,
			KubeWrites: map[string]int64{"status.patch": 100, "patch": 10}, KubeWritesPerPipeline: 11,
			Left: map[string]int{"FunctionRoleReady/QuotaExceeded": 2}, Example: "p0008: FunctionRoleReady/QuotaExceeded: quota"},
			Ready: 8, TimeToReady: Latencies{Count: 8, P50: Duration(35 * time.Second)}},
		MemoryReady: Memory{HeapAlloc: 64 << 20, HeapLocalAWS: 40 << 20, HeapOther: 24 << 20},
		Problems:    []string{"2 of 10 pipelines never became Ready"},
	}
}

func TestWriteTable(t *testing.T) {
	var out bytes.Buffer
	if err := writeTable(&out, sampleResult()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"pipelines Ready    40s", "cluster Ready      0s        0s   0          -             -", "(8 of 10 Ready)", "64.0 MiB", "WRITE    pipes  CreatePipe",
		"kube writes status.patch=100 patch=10", "not finished: FunctionRoleReady/QuotaExceeded=2",
		"PROBLEMS", "2 of 10 pipelines never became Ready", "revision abc",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var out bytes.Buffer
	if err := writeJSON(&out, sampleResult()); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Create.Makespan != Duration(40*time.Second) || back.Create.Ready != 8 || back.Settings.IAMPropagation != Duration(10*time.Second) {
		t.Errorf("the result did not survive JSON: %+v", back.Create)
	}
}

func TestFormatCounts(t *testing.T) {
	if got := formatCounts(map[string]int{"b": 1, "a": 1, "c": 5}); got != "c=5 a=1 b=1" {
		t.Errorf("formatCounts = %q", got)
	}
	if got := formatCounts(map[string]int64{}); got != "none" {
		t.Errorf("formatCounts of nothing = %q", got)
	}
}

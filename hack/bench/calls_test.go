package main

import (
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

func TestDiffCalls(t *testing.T) {
	before := adminclient.Calls{
		{Service: "iam", Operation: "GetRole", Status: 200, Count: 5},
		{Service: "iam", Operation: "GetRole", Status: 404, Count: 1},
		{Service: "sqs", Operation: "CreateQueue", Status: 200, Count: 2},
	}
	after := adminclient.Calls{
		{Service: "iam", Operation: "GetRole", Status: 200, Count: 9},
		{Service: "iam", Operation: "GetRole", Status: 404, Count: 3},
		{Service: "sqs", Operation: "CreateQueue", Status: 200, Count: 2},
		{Service: "pipes", Operation: "CreatePipe", Status: 200, Count: 2},
	}
	s := diffCalls(before, after, 2)
	if s.Total != 8 || s.Writes != 2 || s.Errors != 2 {
		t.Errorf("total/writes/errors = %d/%d/%d, want 8/2/2", s.Total, s.Writes, s.Errors)
	}
	if s.PerPipeline != 4 || s.WritesPerPipeline != 1 {
		t.Errorf("per pipeline = %v, writes per pipeline = %v, want 4 and 1", s.PerPipeline, s.WritesPerPipeline)
	}
	want := []OperationCalls{
		{Service: "iam", Operation: "GetRole", Calls: 6, Errors: 2},
		{Service: "pipes", Operation: "CreatePipe", Write: true, Calls: 2},
	}
	if len(s.ByOperation) != len(want) {
		t.Fatalf("by operation = %+v, want %+v", s.ByOperation, want)
	}
	for i := range want {
		if s.ByOperation[i] != want[i] {
			t.Errorf("by operation [%d] = %+v, want %+v", i, s.ByOperation[i], want[i])
		}
	}
	if z := diffCalls(after, after, 0); z.Total != 0 || z.PerPipeline != 0 || len(z.ByOperation) != 0 {
		t.Errorf("no change gave %+v", z)
	}
}

func TestCountKeyIgnoresCount(t *testing.T) {
	a := server.CallCount{Service: "sqs", Operation: "CreateQueue", Status: 200, Count: 3}
	b := a
	b.Count = 7
	if countKey(a) != countKey(b) {
		t.Errorf("countKey differs by count")
	}
}

package main

import (
	"cmp"
	"slices"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// OperationCalls is the number of calls of one AWS operation in a phase.
type OperationCalls struct {
	// Service is the signing name (kafka, pipes, lambda, sqs, iam, sts, ec2, logs).
	Service string `json:"service"`
	// Operation is the AWS operation name.
	Operation string `json:"operation"`
	// Write is true for operations that may change state.
	Write bool `json:"write"`
	// Calls is how many calls were made.
	Calls int64 `json:"calls"`
	// Errors is how many of them were answered with an error status.
	Errors int64 `json:"errors,omitempty"`
}

// CallSummary is the AWS calls of one phase.
type CallSummary struct {
	// Total is every call.
	Total int64 `json:"total"`
	// Writes is the calls of operations that may change state.
	Writes int64 `json:"writes"`
	// Errors is the calls answered with an error status (expected ones included: a lookup before a create
	// answers 404).
	Errors int64 `json:"errors"`
	// PerPipeline is Total divided by the pipelines of the phase.
	PerPipeline float64 `json:"perPipeline"`
	// WritesPerPipeline is Writes divided by the pipelines of the phase.
	WritesPerPipeline float64 `json:"writesPerPipeline"`
	// ByOperation breaks the calls down, most frequent first.
	ByOperation []OperationCalls `json:"byOperation"`
}

// count returns the calls of one operation.
func (s CallSummary) count(service, operation string) int64 {
	for _, oc := range s.ByOperation {
		if oc.Service == service && oc.Operation == operation {
			return oc.Calls
		}
	}
	return 0
}

type opKey struct{ service, operation string }

// diffCalls summarizes the calls counted between two snapshots of localaws's counters, per pipeline of n.
func diffCalls(before, after adminclient.Calls, n int) CallSummary {
	prev := map[server.CallCount]int64{}
	for _, c := range before {
		prev[countKey(c)] = c.Count
	}
	ops := map[opKey]*OperationCalls{}
	var s CallSummary
	for _, c := range after {
		d := c.Count - prev[countKey(c)]
		if d <= 0 {
			continue
		}
		k := opKey{c.Service, c.Operation}
		oc := ops[k]
		if oc == nil {
			oc = &OperationCalls{Service: c.Service, Operation: c.Operation, Write: !adminclient.IsRead(c.Operation)}
			ops[k] = oc
		}
		oc.Calls += d
		s.Total += d
		if c.Status >= 300 {
			oc.Errors += d
			s.Errors += d
		}
		if oc.Write {
			s.Writes += d
		}
	}
	for _, oc := range ops {
		s.ByOperation = append(s.ByOperation, *oc)
	}
	slices.SortFunc(s.ByOperation, func(a, b OperationCalls) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation))
	})
	if n > 0 {
		s.PerPipeline = float64(s.Total) / float64(n)
		s.WritesPerPipeline = float64(s.Writes) / float64(n)
	}
	return s
}

// countKey identifies a counter regardless of its count.
func countKey(c server.CallCount) server.CallCount {
	c.Count = 0
	return c
}

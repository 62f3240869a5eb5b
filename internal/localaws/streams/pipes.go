package streams

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/pipes"
)

// Lambda invocation types.
const (
	invokeRequestResponse = "RequestResponse"
	invokeEvent           = "Event"
)

// PipeRunner runs RUNNING pipes. It implements pipes.Runner.
type PipeRunner struct {
	s *Streams
}

// Run starts consuming for a pipe that entered RUNNING, replacing any consumer the pipe had, which resumes
// from the committed offsets with the new settings.
func (r *PipeRunner) Run(p pipes.PipeView) {
	if len(p.FilterPatterns) > 0 || p.InputTemplate != "" {
		r.s.log.Warn("localaws pipes apply neither filter criteria nor input templates; records are sent unfiltered and untransformed",
			"pipe", p.ARN)
	}
	r.s.start(p.ARN, pipeSource(p))
}

// Stop stops consuming for a pipe that left RUNNING, after the batch in flight is done and committed.
func (r *PipeRunner) Stop(pipeARN string) { r.s.stop(pipeARN) }

// pipeSource describes a pipe's consumer. REQUEST_RESPONSE invokes synchronously and retries a failing batch
// until it succeeds or its records expire; FIRE_AND_FORGET invokes with the Event type and commits once
// Lambda accepted the event, whatever the function does with it later.
func pipeSource(p pipes.PipeView) source {
	invocationType := invokeRequestResponse
	if p.InvocationType == "FIRE_AND_FORGET" {
		invocationType = invokeEvent
	}
	cluster := p.SourceClusterARN
	return source{kind: "pipe", id: p.ARN, clusterARN: cluster, topic: p.Topic, group: p.ConsumerGroupID,
		start: startPosition{position: p.StartingPosition}, batchSize: max(p.BatchSize, 1),
		window: time.Duration(p.MaximumBatchingWindowInSeconds) * time.Second,
		delivery: delivery{functionARN: p.TargetARN, invocationType: invocationType,
			encode: func(batch []*kgo.Record, _ string) ([]byte, error) { return pipeEvent(cluster, batch) }}}
}

package streams

import (
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// MappingRunner runs Enabled event source mappings. It implements lambda.MappingRunner.
type MappingRunner struct {
	s *Streams
}

// Run starts consuming for a mapping that became Enabled, replacing any consumer it had, which resumes
// from the committed offsets with the new settings. A disabled mapping is stopped instead.
func (r *MappingRunner) Run(m lambda.MappingView) {
	if !m.Enabled {
		r.s.stop(m.UUID)
		return
	}
	if len(m.FilterPatterns) > 0 {
		r.s.log.Warn("localaws event source mappings do not apply filter criteria; every record is sent", "mapping", m.UUID)
	}
	r.s.start(m.UUID, r.source(m))
}

// Stop stops consuming for a mapping that left Enabled, after the batch in flight is done and committed.
func (r *MappingRunner) Stop(uuid string) { r.s.stop(uuid) }

// source describes a mapping's consumer: synchronous invocations with the event source mapping event,
// retried until they succeed or the records expire; with an SQS OnFailure destination a batch is given up
// after Config.MappingAttempts invocations, its OnFailure record sent, and its offsets committed.
func (r *MappingRunner) source(m lambda.MappingView) source {
	cluster := m.EventSourceARN
	d := delivery{functionARN: m.FunctionARN, invocationType: invokeRequestResponse,
		encode: func(batch []*kgo.Record, bootstrap string) ([]byte, error) {
			return newMappingEvent(cluster, bootstrap, batch)
		}}
	switch dest := m.OnFailureDestination; {
	case strings.HasPrefix(dest, "arn:aws:sqs:") && r.s.cfg.Queues != nil:
		d.maxAttempts = r.s.cfg.MappingAttempts
		d.exhausted = func(f failure) error { return r.s.sendOnFailure(dest, m, f) }
	case dest != "":
		r.s.log.Warn("localaws delivers event source mapping OnFailure records only to SQS; failing batches are retried until their records expire",
			"mapping", m.UUID, "destination", dest)
	}
	return source{kind: "event source mapping", id: m.UUID, clusterARN: cluster, topic: m.Topic,
		group: m.ConsumerGroupID, start: startPosition{position: m.StartingPosition, at: m.StartingPositionTimestamp},
		batchSize: max(m.BatchSize, 1), window: m.MaximumBatchingWindow, delivery: d}
}

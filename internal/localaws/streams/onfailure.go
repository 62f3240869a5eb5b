package streams

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// onFailureRecord is the metadata record an event source mapping for Kafka sends to an SQS or SNS
// OnFailure destination for a batch it gave up on.
type onFailureRecord struct {
	RequestContext  requestContext   `json:"requestContext"`
	ResponseContext *responseContext `json:"responseContext"`
	Version         string           `json:"version"`
	Timestamp       string           `json:"timestamp"`
	KafkaBatchInfo  kafkaBatchInfo   `json:"KafkaBatchInfo"`
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// responseContext describes the last invocation; it is null when the function could not be invoked.
type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError"`
}

type kafkaBatchInfo struct {
	BatchSize        int                     `json:"batchSize"`
	EventSourceArn   string                  `json:"eventSourceArn"`
	BootstrapServers string                  `json:"bootstrapServers"`
	PayloadSize      int                     `json:"payloadSize"`
	RecordsInfo      map[string]recordsRange `json:"recordsInfo"`
}

// recordsRange spans one partition's records in the batch; offsets are strings, timestamps ISO 8601.
type recordsRange struct {
	FirstRecordOffset    string `json:"firstRecordOffset"`
	LastRecordOffset     string `json:"lastRecordOffset"`
	FirstRecordTimestamp string `json:"firstRecordTimestamp"`
	LastRecordTimestamp  string `json:"lastRecordTimestamp"`
}

// isoMillis is the timestamp layout of invocation records.
const isoMillis = "2006-01-02T15:04:05.000Z"

// newOnFailureRecord describes a batch that exhausted its attempts.
func newOnFailureRecord(m lambda.MappingView, f failure) onFailureRecord {
	rec := onFailureRecord{
		RequestContext: requestContext{RequestID: uuid.NewString(), FunctionArn: m.FunctionARN,
			Condition: "RetryAttemptsExhausted", ApproximateInvokeCount: f.attempts},
		Version: "1.0", Timestamp: f.at.UTC().Format(isoMillis),
		KafkaBatchInfo: kafkaBatchInfo{BatchSize: len(f.batch), EventSourceArn: m.EventSourceARN,
			BootstrapServers: f.bootstrap, PayloadSize: f.last.payloadSize, RecordsInfo: recordsInfo(f.batch)},
	}
	if f.last.err == nil {
		status, version := f.last.result.StatusCode, f.last.result.ExecutedVersion
		if status == 0 {
			status = http.StatusOK
		}
		if version == "" {
			version = "$LATEST"
		}
		rec.ResponseContext = &responseContext{StatusCode: status, ExecutedVersion: version,
			FunctionError: f.last.result.FunctionError}
	}
	return rec
}

// recordsInfo spans the batch's records per partition.
func recordsInfo(batch []*kgo.Record) map[string]recordsRange {
	out := map[string]recordsRange{}
	for _, r := range batch {
		key := partitionKey(r.Topic, r.Partition)
		offset := strconv.FormatInt(r.Offset, 10)
		ts := r.Timestamp.UTC().Format(isoMillis)
		span, seen := out[key]
		if !seen {
			span.FirstRecordOffset, span.FirstRecordTimestamp = offset, ts
		}
		span.LastRecordOffset, span.LastRecordTimestamp = offset, ts
		out[key] = span
	}
	return out
}

// sendOnFailure sends a batch's OnFailure record to an SQS destination.
func (s *Streams) sendOnFailure(queueARN string, m lambda.MappingView, f failure) error {
	body, err := json.Marshal(newOnFailureRecord(m, f))
	if err != nil {
		return fmt.Errorf("encoding the OnFailure record: %w", err)
	}
	if _, err := s.cfg.Queues.Send(queueARN, string(body), nil); err != nil {
		return fmt.Errorf("sending the OnFailure record of mapping %s: %w", m.UUID, err)
	}
	s.log.Info("sent an OnFailure record", "mapping", m.UUID, "destination", queueARN, "records", len(f.batch))
	return nil
}

// Package processor is the built-in record processor: the Lambda handler the operator deploys for
// `code: {builtin: {}}`. It accepts both the EventBridge Pipes event (a JSON array of records) and the
// Lambda event source mapping event ({"records": {"<topic>-<partition>": [...]}}), decodes each record's
// base64 value, parses it as JSON (or keeps the text), logs one structured line per record, and returns a
// summary. A record that cannot be decoded is reported in the summary without failing the batch.
package processor

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
)

// Record is one Kafka record as Pipes and event source mappings deliver it.
type Record struct {
	// Topic is the record's topic.
	Topic string `json:"topic"`
	// Partition is the record's partition (delivered as a number; a string is accepted too).
	Partition FlexInt `json:"partition"`
	// Offset is the record's offset.
	Offset FlexInt `json:"offset"`
	// Timestamp is the record timestamp in Unix milliseconds.
	Timestamp int64 `json:"timestamp"`
	// TimestampType is CREATE_TIME or LOG_APPEND_TIME.
	TimestampType string `json:"timestampType"`
	// Key is the base64 record key; absent for a null key.
	Key string `json:"key,omitempty"`
	// Value is the base64 record value.
	Value string `json:"value"`
}

// FlexInt is an integer that may arrive as a JSON number or a JSON string.
type FlexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*f = FlexInt(n)
	return nil
}

// Failure describes a record that could not be processed.
type Failure struct {
	// Topic, Partition and Offset identify the record.
	Topic     string `json:"topic"`
	Partition int64  `json:"partition"`
	Offset    int64  `json:"offset"`
	// Error says what was wrong.
	Error string `json:"error"`
}

// Summary is the handler's result.
type Summary struct {
	// Records is how many records the event held.
	Records int `json:"records"`
	// Processed is how many were decoded and logged.
	Processed int `json:"processed"`
	// Failed lists the records that could not be decoded.
	Failed []Failure `json:"failed,omitempty"`
}

// ErrForcedFailure is returned when the processor is configured to fail on purpose.
var ErrForcedFailure = errors.New("the processor is configured to fail (PROCESSOR_FAIL=true)")

// Processor handles events.
type Processor struct {
	// Log receives one line per record.
	Log *slog.Logger
	// Fail makes every invocation fail after logging, to exercise retries and the dead-letter queue.
	Fail bool
}

// Handle processes one event of either shape.
func (p *Processor) Handle(ctx context.Context, event json.RawMessage) (Summary, error) {
	records, err := Records(event)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Records: len(records)}
	for _, r := range records {
		content, err := decode(r.Value)
		if err != nil {
			f := Failure{Topic: r.Topic, Partition: int64(r.Partition), Offset: int64(r.Offset), Error: err.Error()}
			sum.Failed = append(sum.Failed, f)
			p.Log.LogAttrs(ctx, slog.LevelError, "record not processed", slog.String("topic", r.Topic),
				slog.Int64("partition", f.Partition), slog.Int64("offset", f.Offset), slog.String("error", f.Error))
			continue
		}
		sum.Processed++
		p.Log.LogAttrs(ctx, slog.LevelInfo, "record", slog.String("topic", r.Topic),
			slog.Int64("partition", int64(r.Partition)), slog.Int64("offset", int64(r.Offset)), slog.Any("content", content))
	}
	if p.Fail {
		return sum, ErrForcedFailure
	}
	return sum, nil
}

// Records extracts the records of a Pipes event (array) or an event source mapping event (object with a
// "records" map keyed "<topic>-<partition>", returned in key order).
func Records(event json.RawMessage) ([]Record, error) {
	trimmed := bytes.TrimSpace(event)
	if len(trimmed) == 0 {
		return nil, errors.New("empty event")
	}
	switch trimmed[0] {
	case '[':
		var records []Record
		if err := json.Unmarshal(trimmed, &records); err != nil {
			return nil, fmt.Errorf("decoding a Pipes event: %w", err)
		}
		return records, nil
	case '{':
		var esm struct {
			Records map[string][]Record `json:"records"`
		}
		if err := json.Unmarshal(trimmed, &esm); err != nil {
			return nil, fmt.Errorf("decoding an event source mapping event: %w", err)
		}
		keys := make([]string, 0, len(esm.Records))
		for k := range esm.Records {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var records []Record
		for _, k := range keys {
			records = append(records, esm.Records[k]...)
		}
		return records, nil
	}
	return nil, errors.New("the event is neither a Pipes record array nor an event source mapping event")
}

// decode base64-decodes a value and parses it as JSON, keeping the text when it is not JSON.
func decode(value string) (any, error) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("the value is not base64: %w", err)
	}
	var parsed any
	if json.Unmarshal(raw, &parsed) == nil {
		return parsed, nil
	}
	return string(raw), nil
}

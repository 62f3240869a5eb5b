package processor

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func newProcessor(out io.Writer, fail bool) *Processor {
	return &Processor{Log: slog.New(slog.NewJSONHandler(out, nil)), Fail: fail}
}

func TestHandlePipesEvent(t *testing.T) {
	event := fmt.Sprintf(`[{"eventSource":"aws:kafka","eventSourceKey":"test-topic-0","topic":"test-topic","partition":0,
		"offset":15,"timestamp":1545084650987,"timestampType":"CREATE_TIME","value":%q},
		{"topic":"test-topic","partition":"1","offset":"16","value":%q},
		{"topic":"test-topic","partition":2,"offset":17,"value":"%%%%not-base64"}]`,
		b64(`{"message": "Hello Kafka"}`), b64("plain text"))
	var logs bytes.Buffer
	sum, err := newProcessor(&logs, false).Handle(context.Background(), json.RawMessage(event))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if sum.Records != 3 || sum.Processed != 2 || len(sum.Failed) != 1 {
		t.Fatalf("summary = %+v, want 3 records, 2 processed, 1 failed", sum)
	}
	if f := sum.Failed[0]; f.Partition != 2 || f.Offset != 17 || !strings.Contains(f.Error, "base64") {
		t.Fatalf("failure = %+v", f)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 log lines, got %d:\n%s", len(lines), logs.String())
	}
	var first struct {
		Msg       string         `json:"msg"`
		Topic     string         `json:"topic"`
		Partition int            `json:"partition"`
		Offset    int            `json:"offset"`
		Content   map[string]any `json:"content"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Msg != "record" || first.Topic != "test-topic" || first.Offset != 15 || first.Content["message"] != "Hello Kafka" {
		t.Fatalf("first log line = %s", lines[0])
	}
	if !strings.Contains(lines[1], `"content":"plain text"`) || !strings.Contains(lines[1], `"partition":1`) {
		t.Fatalf("second log line keeps non-JSON text: %s", lines[1])
	}
}

func TestHandleEventSourceMappingEvent(t *testing.T) {
	event := fmt.Sprintf(`{"eventSource":"aws:kafka","bootstrapServers":"b:9098","records":{
		"t-1":[{"topic":"t","partition":1,"offset":3,"value":%q}],
		"t-0":[{"topic":"t","partition":0,"offset":1,"value":%q},{"topic":"t","partition":0,"offset":2,"value":%q}]}}`,
		b64(`"c"`), b64(`1`), b64(`[true]`))
	var logs bytes.Buffer
	sum, err := newProcessor(&logs, false).Handle(context.Background(), json.RawMessage(event))
	if err != nil || sum.Records != 3 || sum.Processed != 3 {
		t.Fatalf("summary = %+v, err = %v", sum, err)
	}
	records, _ := Records(json.RawMessage(event))
	if records[0].Partition != 0 || records[2].Partition != 1 {
		t.Fatalf("records not in key order: %+v", records)
	}
}

func TestHandleFailsOnPurpose(t *testing.T) {
	event := fmt.Sprintf(`[{"topic":"t","partition":0,"offset":0,"value":%q}]`, b64(`{}`))
	var logs bytes.Buffer
	sum, err := newProcessor(&logs, true).Handle(context.Background(), json.RawMessage(event))
	if !errors.Is(err, ErrForcedFailure) {
		t.Fatalf("err = %v, want ErrForcedFailure", err)
	}
	if sum.Processed != 1 || logs.Len() == 0 {
		t.Fatalf("the record is still logged before failing: %+v", sum)
	}
}

func TestRecordsRejectsOtherEvents(t *testing.T) {
	for _, event := range []string{``, `42`, `"x"`, `[{"partition":"x"}]`} {
		if _, err := Records(json.RawMessage(event)); err == nil {
			t.Errorf("Records(%q) = nil error", event)
		}
	}
}

// BenchmarkHandle measures records per second for a Pipes batch of 10,000 one-KiB JSON records.
func BenchmarkHandle(b *testing.B) {
	payload := `{"message":"` + strings.Repeat("x", 1000) + `"}`
	records := make([]Record, 10000)
	for i := range records {
		records[i] = Record{Topic: "bench", Partition: FlexInt(i % 3), Offset: FlexInt(i), Value: b64(payload)}
	}
	event, err := json.Marshal(records)
	if err != nil {
		b.Fatal(err)
	}
	p := newProcessor(io.Discard, false)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Handle(context.Background(), event); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(records)*b.N)/b.Elapsed().Seconds(), "records/s")
}

package runtime

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// textLogLine is the line Lambda's python runtime writes for a logging record in the Text format:
// [LEVEL] <time> <request id> <message>, tab separated.
var textLogLine = regexp.MustCompile(`^\[(\w+)\]\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\t([0-9a-f-]{36})\t(.*)$`)

// startRequestID returns the request id of the first START line, or of the first platform.start event in
// the JSON log format.
func startRequestID(t *testing.T, msgs []string) string {
	t.Helper()
	for _, m := range msgs {
		if rest, ok := strings.CutPrefix(m, "START RequestId: "); ok {
			id, _, _ := strings.Cut(rest, " ")
			return id
		}
		var event struct {
			Type   string `json:"type"`
			Record struct {
				RequestID string `json:"requestId"`
			} `json:"record"`
		}
		if json.Unmarshal([]byte(m), &event) == nil && event.Type == "platform.start" {
			return event.Record.RequestID
		}
	}
	t.Fatalf("no START line in %q", msgs)
	return ""
}

func TestPythonLoggingTextFormat(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "pylog", "python3.11", "logs_app.handler", pythonZip)
	if out := s.invoke(t, "pylog", map[string]any{"id": 7}); out.FunctionError != nil {
		t.Fatalf("function error: %s", out.Payload)
	}
	msgs := s.logMessages(t, "pylog")
	id := startRequestID(t, msgs)
	var got [][]string
	for _, m := range msgs {
		if g := textLogLine.FindStringSubmatch(m); g != nil {
			got = append(got, []string{g[1], g[3], g[4]})
		}
	}
	want := [][]string{{"INFO", id, "processing record 7"}, {"WARNING", id, "two lines\rin one record"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("logging records in the log = %q, want %q (all lines: %q)", got, want, msgs)
	}
	if containsLine(msgs, "hidden at INFO") {
		t.Errorf("a DEBUG record was written at level INFO: %q", msgs)
	}
}

func TestPythonLoggingLevelFromEnvironment(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "pydefault", "python3.12", "logs_default.handler", pythonZip)
	s.invoke(t, "pydefault", map[string]any{})
	msgs := s.logMessages(t, "pydefault")
	// Without a level, Python's root logger passes WARNING and above, as on Lambda.
	if containsLine(msgs, "info from") || !containsLine(msgs, "[WARNING]\t") {
		t.Errorf("default level: log = %q", msgs)
	}

	s.createFunction(t, "pyenvlevel", "python3.12", "logs_default.handler", pythonZip, func(in *lambdasdk.CreateFunctionInput) {
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"AWS_LAMBDA_LOG_LEVEL": "DEBUG"}}
	})
	s.invoke(t, "pyenvlevel", map[string]any{})
	msgs = s.logMessages(t, "pyenvlevel")
	if !containsLine(msgs, "[INFO]\t") || !containsLine(msgs, "[DEBUG]\t") {
		t.Errorf("AWS_LAMBDA_LOG_LEVEL=DEBUG: log = %q", msgs)
	}
}

func TestPythonLoggingJSONFormat(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "pyjson", "python3.11", "logs_default.handler", pythonZip, func(in *lambdasdk.CreateFunctionInput) {
		in.LoggingConfig = &lambdatypes.LoggingConfig{LogFormat: lambdatypes.LogFormatJson}
	})
	cfg, err := s.lambdaC.GetFunctionConfiguration(context.Background(),
		&lambdasdk.GetFunctionConfigurationInput{FunctionName: aws.String("pyjson")})
	if err != nil {
		t.Fatal(err)
	}
	if lc := cfg.LoggingConfig; lc == nil || lc.LogFormat != lambdatypes.LogFormatJson ||
		lc.ApplicationLogLevel != lambdatypes.ApplicationLogLevelInfo || lc.SystemLogLevel != lambdatypes.SystemLogLevelInfo {
		t.Errorf("LoggingConfig = %+v, want JSON with the default levels INFO", cfg.LoggingConfig)
	}
	s.invoke(t, "pyjson", map[string]any{})
	msgs := s.logMessages(t, "pyjson")
	var records []map[string]any
	platform := map[string]map[string]any{}
	for _, m := range msgs {
		var rec map[string]any
		if json.Unmarshal([]byte(m), &rec) != nil {
			t.Errorf("a log event in the JSON format is not JSON: %q", m)
			continue
		}
		if kind, ok := rec["type"].(string); ok {
			platform[kind], _ = rec["record"].(map[string]any)
			continue
		}
		records = append(records, rec)
	}
	// The system log lines are JSON too: platform.start and platform.report instead of START, END and REPORT.
	id, _ := platform["platform.start"]["requestId"].(string)
	report := platform["platform.report"]
	metrics, _ := report["metrics"].(map[string]any)
	if id == "" || platform["platform.start"]["version"] != "$LATEST" || report["requestId"] != id ||
		report["status"] != "success" || metrics["memorySizeMB"] != float64(128) || metrics["durationMs"] == nil {
		t.Errorf("system log events = %v", platform)
	}
	if len(records) != 2 {
		t.Fatalf("JSON records = %v, want INFO and WARNING (DEBUG filtered) in %q", records, msgs)
	}
	for i, want := range []struct{ level, message, logger string }{
		{"INFO", "info from a handler that sets no level", "root"},
		{"WARNING", "two lines\nin one record", "payments"},
	} {
		rec := records[i]
		if rec["level"] != want.level || rec["message"] != want.message || rec["logger"] != want.logger ||
			rec["requestId"] != id || !isRFC3339Millis(rec["timestamp"]) {
			t.Errorf("record %d = %v, want %+v with request id %s", i, rec, want, id)
		}
	}
}

// isRFC3339Millis reports whether v is a UTC timestamp with milliseconds, as Lambda's JSON logs write.
func isRFC3339Millis(v any) bool {
	s, _ := v.(string)
	return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(s)
}

func TestSystemLogLevelWarnHidesPlatformEvents(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "pyquiet", "python3.11", "logs_default.handler", pythonZip, func(in *lambdasdk.CreateFunctionInput) {
		in.LoggingConfig = &lambdatypes.LoggingConfig{LogFormat: lambdatypes.LogFormatJson,
			SystemLogLevel: lambdatypes.SystemLogLevelWarn}
	})
	s.invoke(t, "pyquiet", map[string]any{})
	msgs := s.logMessages(t, "pyquiet")
	if containsLine(msgs, `"type":"platform.`) || !containsLine(msgs, "info from a handler that sets no level") {
		t.Errorf("SystemLogLevel WARN: log = %q, want the function's records without platform events", msgs)
	}
}

func TestLoggingConfigLogGroup(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "grouped", "python3.11", "app.handler", pythonZip, func(in *lambdasdk.CreateFunctionInput) {
		in.LoggingConfig = &lambdatypes.LoggingConfig{LogGroup: aws.String("/shared/app-logs")}
	})
	s.invoke(t, "grouped", map[string]any{"mode": "echo"})
	out, err := s.logsC.FilterLogEvents(context.Background(), &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/shared/app-logs")})
	if err != nil {
		t.Fatalf("FilterLogEvents on the configured group: %v", err)
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, aws.ToString(e.Message))
	}
	if !containsLine(msgs, "python handling echo") {
		t.Errorf("the configured log group holds %q", msgs)
	}
}

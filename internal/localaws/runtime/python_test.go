package runtime

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPythonHandlers(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "py", "python3.12", "app.handler", pythonZip)
	out := s.invoke(t, "py", map[string]any{"mode": "echo", "n": 1})
	if out.FunctionError != nil {
		t.Fatalf("function error: %s", out.Payload)
	}
	var r struct {
		PID          int            `json:"pid"`
		RequestID    string         `json:"requestId"`
		FunctionName string         `json:"functionName"`
		Remaining    int            `json:"remaining"`
		Memory       string         `json:"memory"`
		LogStream    string         `json:"logStream"`
		Endpoint     string         `json:"endpoint"`
		ExecEnv      string         `json:"execEnv"`
		Event        map[string]any `json:"event"`
	}
	if err := json.Unmarshal(out.Payload, &r); err != nil {
		t.Fatalf("%s: %v", out.Payload, err)
	}
	if r.FunctionName != "py" || r.RequestID == "" || r.Memory != "128" || r.Endpoint != s.endpoint ||
		r.ExecEnv != "AWS_Lambda_python3.12" || r.Event["n"] != float64(1) || !logStreamPattern.MatchString(r.LogStream) {
		t.Errorf("python context: %+v", r)
	}
	if r.Remaining <= 0 || r.Remaining > 5000 {
		t.Errorf("get_remaining_time_in_millis = %d, want within the 5 s timeout", r.Remaining)
	}
	var again struct {
		PID int `json:"pid"`
	}
	if err := json.Unmarshal(s.invoke(t, "py", map[string]any{}).Payload, &again); err != nil || again.PID != r.PID {
		t.Errorf("the second invocation ran in pid %d, want the warm %d (%v)", again.PID, r.PID, err)
	}

	doc := decodeError(t, s.invoke(t, "py", map[string]any{"mode": "error", "message": "insufficient funds"}))
	if doc.ErrorType != "PaymentDeclined" || doc.ErrorMessage != "insufficient funds" {
		t.Errorf("handler exception reported %+v", doc)
	}
	trace, _ := doc.StackTrace.([]any)
	if len(trace) == 0 || !strings.Contains(trace[len(trace)-1].(string), "app.py") {
		t.Errorf("stack trace %v does not point into app.py", doc.StackTrace)
	}
	doc = decodeError(t, s.invoke(t, "py", map[string]any{"mode": "unserializable"}))
	if doc.ErrorType != "Runtime.MarshalError" || !strings.HasPrefix(doc.ErrorMessage, "Unable to marshal response") {
		t.Errorf("unserializable result reported %+v", doc)
	}
	if msgs := s.logMessages(t, "py"); !containsLine(msgs, "python handling echo") || !containsLine(msgs, "[ERROR] PaymentDeclined: insufficient funds") {
		t.Errorf("python log lines: %q", msgs)
	}
}

func TestPythonPackagesAndInitErrors(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "pkg", "python3.11", "pkg/mod.handler", pythonZip)
	if out := s.invoke(t, "pkg", map[string]any{}); out.FunctionError != nil {
		t.Errorf("a handler in a package: %s", out.Payload)
	}
	for _, tc := range []struct{ handler, wantType, wantMessage string }{
		{"missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"app.nothing", "Runtime.HandlerNotFound", "Handler 'nothing' missing on module 'app'"},
		{"nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot'"},
	} {
		t.Run(tc.wantType, func(t *testing.T) {
			name := strings.ReplaceAll(strings.ReplaceAll(tc.handler, ".", "-"), "/", "-")
			s.createFunction(t, name, "python3.12", tc.handler, pythonZip)
			doc := decodeError(t, s.invoke(t, name, map[string]any{}))
			if doc.ErrorType != tc.wantType || !strings.HasPrefix(doc.ErrorMessage, tc.wantMessage) {
				t.Errorf("got %+v, want %s %q", doc, tc.wantType, tc.wantMessage)
			}
		})
	}
}

package runtime

import (
	"strings"
	"testing"
)

func TestPythonHandlers(t *testing.T) {
	s := newStack(t)
	s.createFunction(t, "py", "python3.12", "app.handler", pythonZip)
	s.checkManagedContext(t, "py", "python3.12")

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

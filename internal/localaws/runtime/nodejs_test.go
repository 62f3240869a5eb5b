package runtime

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// nodeLogLine is the line Lambda's nodejs runtime writes for a console call in the Text format:
// <time> <request id> <LEVEL> <message>, tab separated.
var nodeLogLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\t([0-9a-f-]{36}|undefined)\t([A-Z]+)\t(.*)$`)

func requireNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH (make test-deps-js installs it)")
	}
}

func TestNodeHandlers(t *testing.T) {
	requireNode(t)
	s := newStack(t)
	s.createFunction(t, "node", "nodejs20.x", "index.handler", nodeZip)
	r := s.checkManagedContext(t, "node", "nodejs20.x")

	doc := decodeError(t, s.invoke(t, "node", map[string]any{"mode": "error", "message": "insufficient funds"}))
	if doc.ErrorType != "PaymentDeclined" || doc.ErrorMessage != "insufficient funds" {
		t.Errorf("handler error reported %+v", doc)
	}
	// An exception thrown outside the handler's promise fails the invocation and ends the process.
	doc = decodeError(t, s.invoke(t, "node", map[string]any{"mode": "crash"}))
	if doc.ErrorType != "TypeError" || doc.ErrorMessage != "thrown outside the handler" {
		t.Errorf("uncaught exception reported %+v", doc)
	}
	eventually(t, 5*time.Second, "the crashed process is gone", func() bool { return processGone(r.PID) })
	if out := s.invoke(t, "node", map[string]any{"mode": "log"}); out.FunctionError != nil {
		t.Fatalf("log mode: %s", out.Payload)
	}
	msgs := s.logMessages(t, "node")
	got := map[string]string{}
	for _, m := range msgs {
		if g := nodeLogLine.FindStringSubmatch(m); g != nil && g[2] != "undefined" {
			got[g[4]] = g[3]
		}
	}
	for msg, level := range map[string]string{"node handling echo": "INFO", `an object: {"a":1}`: "INFO",
		"two lines\rin one event": "WARN"} {
		if got[msg] != level {
			t.Errorf("console line %q has level %q, want %s (lines %q)", msg, got[msg], level, msgs)
		}
	}
	if !containsLine(msgs, "\tERROR\tError: logged error") || !containsLine(msgs, "\tDEBUG\ta debug line") {
		t.Errorf("console.error and console.debug lines missing: %q", msgs)
	}
	if !containsLine(msgs, "\tERROR\tInvoke Error \t{\"errorType\":\"PaymentDeclined\",\"errorMessage\":\"insufficient funds\"") {
		t.Errorf("the handler error is not logged as Lambda's nodejs runtime does: %q", msgs)
	}
}

func TestNodeModuleKindsAndCallbacks(t *testing.T) {
	requireNode(t)
	s := newStack(t)
	s.createFunction(t, "esm", "nodejs22.x", "lib/esm.handler", nodeZip)
	if out := s.invoke(t, "esm", map[string]any{"n": 5}); out.FunctionError != nil || string(out.Payload) != `{"style":"esm","got":5}` {
		t.Errorf("ES module handler: %s %s", out.Payload, deref(out.FunctionError))
	}
	s.createFunction(t, "cb", "nodejs20.x", "callback.handler", nodeZip)
	var r struct{ Style, RequestID string }
	out := s.invoke(t, "cb", map[string]any{})
	if err := json.Unmarshal(out.Payload, &r); err != nil || r.Style != "callback" || r.RequestID == "" {
		t.Errorf("callback handler: %s (%v)", out.Payload, err)
	}
	if doc := decodeError(t, s.invoke(t, "cb", map[string]any{"fail": true})); doc.ErrorType != "Error" || doc.ErrorMessage != "callback failure" {
		t.Errorf("callback error reported %+v", doc)
	}
}

func TestNodeInitErrors(t *testing.T) {
	requireNode(t)
	s := newStack(t)
	for _, tc := range []struct{ handler, wantType, wantMessage string }{
		{"missing.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"},
		{"index.nothing", "Runtime.HandlerNotFound", "index.nothing is undefined or not exported"},
		{"nodot", "Runtime.MalformedHandlerName", "Bad handler nodot"},
		{"broken.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: "},
	} {
		t.Run(tc.wantType, func(t *testing.T) {
			name := "node-" + strings.ReplaceAll(tc.handler, ".", "-")
			s.createFunction(t, name, "nodejs20.x", tc.handler, nodeZip)
			doc := decodeError(t, s.invoke(t, name, map[string]any{}))
			if doc.ErrorType != tc.wantType || !strings.HasPrefix(doc.ErrorMessage, tc.wantMessage) {
				t.Errorf("got %+v, want %s %q", doc, tc.wantType, tc.wantMessage)
			}
		})
	}
}

func TestNodeJSONLogs(t *testing.T) {
	requireNode(t)
	s := newStack(t)
	s.createFunction(t, "nodejson", "nodejs20.x", "index.handler", nodeZip, func(in *lambdasdk.CreateFunctionInput) {
		in.LoggingConfig = &lambdatypes.LoggingConfig{LogFormat: lambdatypes.LogFormatJson,
			ApplicationLogLevel: lambdatypes.ApplicationLogLevelInfo}
	})
	s.invoke(t, "nodejson", map[string]any{"mode": "log"})
	msgs := s.logMessages(t, "nodejson")
	id := startRequestID(t, msgs)
	byMessage := map[string]map[string]any{}
	for _, m := range msgs {
		var rec map[string]any
		if json.Unmarshal([]byte(m), &rec) == nil {
			if msg, ok := rec["message"].(string); ok {
				byMessage[msg] = rec
			}
		}
	}
	warn := byMessage["two lines\nin one event"]
	if warn == nil || warn["level"] != "WARN" || warn["requestId"] != id || !isRFC3339Millis(warn["timestamp"]) {
		t.Errorf("the WARN record = %v (lines %q)", warn, msgs)
	}
	if rec := byMessage["a debug line"]; rec != nil {
		t.Errorf("a DEBUG record was written at level INFO: %v", rec)
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

package runtime

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// TestFailureShapesAcrossRuntimes checks that a timeout, a process that exits during an invocation and an
// init failure read the same in every runtime: the error document, FunctionError and the REPORT line.
func TestFailureShapesAcrossRuntimes(t *testing.T) {
	requireNode(t)
	s := newStack(t)
	type runtimeCase struct {
		id, handler string
		code        []byte
		badInit     func(in *lambdasdk.CreateFunctionInput)
		initType    string
	}
	for _, rc := range []runtimeCase{
		{"provided.al2023", "bootstrap", handlerZip, func(in *lambdasdk.CreateFunctionInput) {
			in.Environment = &lambdatypes.Environment{Variables: map[string]string{"FAIL_INIT": "true"}}
		}, "Runtime.ExitError"},
		{"python3.11", "app.handler", pythonZip, func(in *lambdasdk.CreateFunctionInput) { in.Handler = aws.String("missing.handler") },
			"Runtime.ImportModuleError"},
		{"nodejs20.x", "index.handler", nodeZip, func(in *lambdasdk.CreateFunctionInput) { in.Handler = aws.String("missing.handler") },
			"Runtime.ImportModuleError"},
	} {
		t.Run(rc.id, func(t *testing.T) {
			name := "shape-" + strings.ReplaceAll(rc.id, ".", "-")
			s.createFunction(t, name, rc.id, rc.handler, rc.code, func(in *lambdasdk.CreateFunctionInput) { in.Timeout = aws.Int32(1) })
			doc := decodeError(t, s.invoke(t, name, map[string]any{"mode": "hang"}))
			if doc.ErrorType != "Sandbox.Timedout" || !strings.HasSuffix(doc.ErrorMessage, "Task timed out after 1.00 seconds") {
				t.Errorf("timeout reported %+v", doc)
			}
			doc = decodeError(t, s.invoke(t, name, map[string]any{"mode": "exit"}))
			if doc.ErrorType != "Runtime.ExitError" || !strings.HasSuffix(doc.ErrorMessage, "Error: Runtime exited with error: exit status 3") {
				t.Errorf("exit reported %+v", doc)
			}
			s.createFunction(t, name+"-init", rc.id, rc.handler, rc.code, rc.badInit)
			doc = decodeError(t, s.invoke(t, name+"-init", map[string]any{}))
			if doc.ErrorType != rc.initType || doc.ErrorMessage == "" {
				t.Errorf("init failure reported %+v, want %s", doc, rc.initType)
			}
			var msgs []string
			want := []string{"Status: timeout", "Status: error\tError Type: Runtime.ExitError"}
			eventually(t, 5*time.Second, "the REPORT lines", func() bool {
				msgs = s.logMessages(t, name)
				return containsLine(msgs, want[0]) && containsLine(msgs, want[1])
			})
			initWant := fmt.Sprintf("Status: error\tError Type: %s", rc.initType)
			eventually(t, 5*time.Second, "the init failure's REPORT line", func() bool {
				return containsLine(s.logMessages(t, name+"-init"), initWant)
			})
		})
	}
}

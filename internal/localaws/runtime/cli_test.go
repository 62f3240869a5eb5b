package runtime

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIInvoke invokes functions with the AWS CLI (version 1 on these machines, which sends --payload as
// text), as a user of localaws would.
func TestAWSCLIInvoke(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	s := newStack(t)
	s.createFunction(t, "cli-py", "python3.12", "app.handler", pythonZip)
	dir := t.TempDir()
	invoke := func(payload string, extra ...string) (map[string]any, string) {
		t.Helper()
		outFile := filepath.Join(dir, "out.json")
		args := append([]string{"--endpoint-url", s.endpoint, "--output", "json", "lambda", "invoke", "--function-name", "cli-py",
			"--payload", payload}, extra...)
		cmd := exec.Command("aws", append(args, outFile)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_ENDPOINT_URL=",
			"AWS_ENDPOINT_URL_LAMBDA=")
		out, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws lambda invoke: %v\n%s", err, stderr)
		}
		var doc map[string]any
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("aws lambda invoke printed %s", out)
		}
		body, err := os.ReadFile(outFile)
		if err != nil {
			t.Fatal(err)
		}
		return doc, string(body)
	}

	doc, body := invoke(`{"mode":"echo"}`, "--log-type", "Tail")
	if doc["StatusCode"] != float64(200) || doc["ExecutedVersion"] != "$LATEST" || doc["FunctionError"] != nil {
		t.Errorf("success: %v", doc)
	}
	if !strings.Contains(body, `"functionName": "cli-py"`) {
		t.Errorf("success payload %s", body)
	}
	tail, err := base64.StdEncoding.DecodeString(doc["LogResult"].(string))
	if err != nil || !strings.Contains(string(tail), "python handling echo") {
		t.Errorf("log tail %q (%v)", tail, err)
	}

	doc, body = invoke(`{"mode":"error","message":"from the cli"}`)
	if doc["StatusCode"] != float64(200) || doc["FunctionError"] != "Unhandled" || doc["LogResult"] != nil {
		t.Errorf("function error: %v", doc)
	}
	if !strings.Contains(body, `"errorMessage": "from the cli"`) {
		t.Errorf("error payload %s", body)
	}

	if doc, _ = invoke(`{"mode":"echo"}`, "--invocation-type", "Event"); doc["StatusCode"] != float64(202) {
		t.Errorf("Event: %v", doc)
	}
}

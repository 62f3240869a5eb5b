package localaws_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// jsConformanceDir holds the AWS SDK for JavaScript v3 check and its package.json; make test-deps-js
// installs the SDK into its node_modules.
var jsConformanceDir = filepath.Join("testdata", "conformance", "js")

func TestConformanceJavaScriptSDK(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH (make test-deps-js installs it)")
	}
	if _, err := os.Stat(filepath.Join(jsConformanceDir, "node_modules", "@aws-sdk", "client-sqs")); err != nil {
		t.Skip("the AWS SDK for JavaScript is not installed: run make test-deps-js")
	}
	t.Parallel()
	inst := conformanceServer(t, map[lifecycle.Kind]time.Duration{
		lifecycle.ClusterCreate: 500 * time.Millisecond, lifecycle.ClusterDelete: 200 * time.Millisecond,
	})
	code := filepath.Join(t.TempDir(), "fn.zip")
	zipped, err := lawstest.ZipDir(filepath.Join("testdata", "conformance", "handlers", "nodejs"))
	must(t, err, "zipping the handler")
	must(t, os.WriteFile(code, zipped, 0o644), "writing the zip")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "stack.mjs", code)
	cmd.Dir = jsConformanceDir
	// Only the global endpoint variable: SQS requests follow the queue URLs.
	cmd.Env = append(clientEnv(), "AWS_ENDPOINT_URL="+inst.Endpoint, "AWS_REGION=us-east-1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "client ") || strings.HasPrefix(l, "FAILED ") {
			t.Log(l)
		}
	}
	if err != nil {
		t.Fatalf("stack.mjs: %v\n%s%s", err, out, stderr.String())
	}
	var summary struct {
		Checks int      `json:"checks"`
		Failed []string `json:"failed"`
	}
	must(t, json.Unmarshal([]byte(lines[len(lines)-1]), &summary), "stack.mjs summary")
	if summary.Checks < 25 || len(summary.Failed) > 0 {
		t.Fatalf("stack.mjs ran %d checks, failed %v", summary.Checks, summary.Failed)
	}
	t.Logf("the AWS SDK for JavaScript v3 passed %d checks", summary.Checks)

	calls, err := adminclient.New(inst.Endpoint).Calls(ctx)
	must(t, err, "calls")
	for _, op := range []string{"SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "DeleteQueue"} {
		if countOf(calls, "sqs", op, 200) == 0 {
			t.Errorf("no successful SQS %s reached localaws: the SDK sent it elsewhere", op)
		}
	}
	assertNothingLeft(t, inst, "js-")
}

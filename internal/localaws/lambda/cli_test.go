package lambda

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// TestAWSCLI drives the control plane with the AWS CLI, as a user of localaws would.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t, func(c *Config) {
		c.Network = fakeNetwork{subnets: map[string]string{"subnet-a": "vpc-1"}, groups: map[string]bool{"sg-1": true}}
	})
	h.iam.grant(testRole, "sqs:SendMessage", testQueue)
	h.iam.grant(testRole, "ec2:CreateNetworkInterface", "*")
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "fn.zip")
	if err := os.WriteFile(zipPath, zipOf(t, map[string]string{"bootstrap": "cli"}), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", h.endpoint, "--output", "json", "lambda"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_ENDPOINT_URL=",
			"AWS_ENDPOINT_URL_LAMBDA=")
		out, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws lambda %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var doc map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("aws lambda %s printed %s", args[0], out)
			}
		}
		return doc
	}
	created := run("create-function", "--function-name", "cli-fn", "--runtime", "provided.al2023", "--handler", "bootstrap",
		"--role", testRole, "--zip-file", "fileb://"+zipPath, "--tags", "owner=cli")
	if created["State"] != "Pending" || created["FunctionArn"] != "arn:aws:lambda:us-east-1:000000000000:function:cli-fn" {
		t.Fatalf("create-function: %v", created)
	}
	lawstest.Eventually(t, "cli-fn active", func() bool {
		cfg := run("get-function", "--function-name", "cli-fn")["Configuration"].(map[string]any)
		return cfg["State"] == "Active"
	})
	eic := run("put-function-event-invoke-config", "--function-name", "cli-fn", "--maximum-retry-attempts", "1",
		"--destination-config", `{"OnFailure":{"Destination":"`+testQueue+`"}}`)
	if eic["MaximumRetryAttempts"] != float64(1) {
		t.Fatalf("put-function-event-invoke-config: %v", eic)
	}
	m := run("create-event-source-mapping", "--function-name", "cli-fn", "--event-source-arn", testCluster,
		"--topics", "orders", "--starting-position", "TRIM_HORIZON", "--batch-size", "10")
	if m["State"] != "Creating" || m["BatchSize"] != float64(10) {
		t.Fatalf("create-event-source-mapping: %v", m)
	}
	if list := run("list-event-source-mappings", "--function-name", "cli-fn"); len(list["EventSourceMappings"].([]any)) != 1 {
		t.Fatalf("list-event-source-mappings: %v", list)
	}
	if tags := run("list-tags", "--resource", "arn:aws:lambda:us-east-1:000000000000:function:cli-fn"); tags["Tags"].(map[string]any)["owner"] != "cli" {
		t.Fatalf("list-tags: %v", tags)
	}
	// CLI v1 sends --payload as given.
	inv := run("invoke", "--function-name", "cli-fn", "--invocation-type", "Event", "--payload", `{"hello":"world"}`,
		filepath.Join(dir, "out.json"))
	if inv["StatusCode"] != float64(202) {
		t.Fatalf("invoke: %v", inv)
	}
	vpc := run("update-function-configuration", "--function-name", "cli-fn",
		"--vpc-config", "SubnetIds=subnet-a,SecurityGroupIds=sg-1")["VpcConfig"].(map[string]any)
	if vpc["VpcId"] != "vpc-1" || len(vpc["SubnetIds"].([]any)) != 1 || len(vpc["SecurityGroupIds"].([]any)) != 1 {
		t.Fatalf("update-function-configuration --vpc-config: VpcConfig %v", vpc)
	}
	run("delete-function", "--function-name", "cli-fn")
}

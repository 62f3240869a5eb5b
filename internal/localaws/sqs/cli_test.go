package sqs

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// clientEnv is the environment for the AWS CLI and boto3: dummy credentials, no shared config.
func clientEnv(endpoint string) []string {
	return append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_ENDPOINT_URL="+endpoint)
}

func TestAWSCLIRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t, false)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"sqs", "--endpoint-url", h.endpoint, "--output", "json"}, args...)...)
		cmd.Env = clientEnv(h.endpoint)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws sqs %v: %v\n%s", args, err, out)
		}
		var v map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("aws sqs %v: %v\n%s", args, err, out)
			}
		}
		return v
	}
	created := run("create-queue", "--queue-name", "cli-q", "--attributes", "VisibilityTimeout=45", "--tags", "team=data")
	q, _ := created["QueueUrl"].(string)
	if q != "https://sqs.us-east-1.amazonaws.com/000000000000/cli-q" {
		t.Fatalf("create-queue = %v", created)
	}
	run("send-message", "--queue-url", q, "--message-body", "from the cli",
		"--message-attributes", `{"Kind":{"DataType":"String","StringValue":"test"}}`)
	got := run("receive-message", "--queue-url", q, "--message-attribute-names", "All")
	msgs, _ := got["Messages"].([]any)
	if len(msgs) != 1 || !strings.Contains(string(mustJSON(t, msgs[0])), `"from the cli"`) {
		t.Fatalf("receive-message = %v", got)
	}
	cmd := exec.Command("aws", "sqs", "--endpoint-url", h.endpoint, "get-queue-url", "--queue-name", "absent")
	cmd.Env = clientEnv(h.endpoint)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "AWS.SimpleQueueService.NonExistentQueue") {
		t.Fatalf("get-queue-url of a missing queue: %v\n%s", err, out)
	}
}

func TestBoto3RoundTrip(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not on PATH")
	}
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		t.Skip("boto3 not installed")
	}
	h := newHarness(t, false)
	script := `
import boto3, sys
sqs = boto3.client("sqs", endpoint_url=sys.argv[1])
url = sqs.create_queue(QueueName="boto-q", Attributes={"DelaySeconds": "0"})["QueueUrl"]
sent = sqs.send_message(QueueUrl=url, MessageBody="from boto3",
    MessageAttributes={"N": {"DataType": "Number", "StringValue": "7"}})
msgs = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"]
assert msgs[0]["Body"] == "from boto3", msgs
assert msgs[0]["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"], (msgs, sent)
sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
try:
    sqs.get_queue_url(QueueName="absent")
    raise SystemExit("no error")
except sqs.exceptions.QueueDoesNotExist as e:
    print(e.response["Error"]["Code"])
`
	cmd := exec.Command("python3", "-c", script, h.endpoint)
	cmd.Env = clientEnv(h.endpoint)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "AWS.SimpleQueueService.NonExistentQueue") {
		t.Fatalf("boto3 error code: %s", out)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

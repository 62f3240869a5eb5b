package s3

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// aws runs the AWS CLI against the harness, returning its combined output and exit error.
func (h *harness) aws(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", h.endpoint}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_S3=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "function.zip")
	content := strings.Repeat("zip bytes with spaces + plus\n", 100)
	if err := os.WriteFile(src, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, err := h.aws(t, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	mustRun("s3api", "create-bucket", "--bucket", "cli-bucket")
	mustRun("s3", "cp", src, "s3://cli-bucket/code/my function.zip")
	if got, err := h.svc.Object("cli-bucket", "code/my function.zip", ""); err != nil || string(got) != content {
		t.Fatalf("uploaded object = %d bytes, %v", len(got), err)
	}
	dst := filepath.Join(dir, "copy.zip")
	mustRun("s3", "cp", "s3://cli-bucket/code/my function.zip", dst)
	if b, err := os.ReadFile(dst); err != nil || string(b) != content {
		t.Fatalf("downloaded %d bytes, %v", len(b), err)
	}
	if out := mustRun("s3", "ls", "s3://cli-bucket/code/"); !strings.Contains(out, "my function.zip") {
		t.Fatalf("s3 ls: %s", out)
	}
	if out := mustRun("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--delimiter", "/"); !strings.Contains(out, `"Prefix": "code/"`) {
		t.Fatalf("list-objects-v2: %s", out)
	}
	mustRun("s3", "rm", "s3://cli-bucket/code/my function.zip")
	out, err := h.aws(t, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "code/my function.zip")
	if err == nil || !strings.Contains(out, "404") {
		t.Fatalf("head-object of a deleted key: %v %s", err, out)
	}
	out, err = h.aws(t, "s3api", "get-object", "--bucket", "cli-bucket", "--key", "gone", filepath.Join(dir, "x"))
	if err == nil || !strings.Contains(out, "NoSuchKey") {
		t.Fatalf("get-object of a missing key: %v %s", err, out)
	}
	mustRun("s3api", "delete-bucket", "--bucket", "cli-bucket")
}

package localaws_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// TestConformanceAWSCLIVersionsAndLists drives the operations botocore's models describe for versioned
// function code, Lambda's logging configuration and the list operations with the AWS CLI.
func TestConformanceAWSCLIVersionsAndLists(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH")
	}
	version, _ := exec.Command("aws", "--version").CombinedOutput()
	t.Logf("client %s", strings.TrimSpace(string(version)))
	t.Parallel()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	a := &awsCLI{t: t, endpoint: inst.Endpoint, dir: t.TempDir()}

	a.json("s3api", "create-bucket", "--bucket", "cli-versioned")
	a.json("s3api", "put-bucket-versioning", "--bucket", "cli-versioned", "--versioning-configuration", "Status=Enabled")
	wantEqual(t, "bucket versioning", str(t, a.json("s3api", "get-bucket-versioning", "--bucket", "cli-versioned"), "Status"), "Enabled")
	code, err := lawstest.ZipDir(filepath.Join("testdata", "conformance", "handlers", "python"))
	must(t, err, "zipping the handler")
	zipName := a.file("fn.zip", code)
	v1 := str(t, a.json("s3api", "put-object", "--bucket", "cli-versioned", "--key", "fn.zip", "--body", zipName), "VersionId")
	v2 := str(t, a.json("s3api", "put-object", "--bucket", "cli-versioned", "--key", "fn.zip", "--body", zipName), "VersionId")
	if v1 == v2 {
		t.Fatalf("two puts answered the same version id %s", v1)
	}
	got := a.json("s3api", "get-object", "--bucket", "cli-versioned", "--key", "fn.zip", "--version-id", v1, "copy.zip")
	wantEqual(t, "GetObject version", str(t, got, "VersionId"), v1)
	a.failsWith("NoSuchBucket", "s3api", "get-object", "--bucket", "cli-absent", "--key", "fn.zip", "out.zip")
	listed := get(t, a.json("s3api", "list-object-versions", "--bucket", "cli-versioned"), "Versions").([]any)
	if len(listed) != 2 || get(t, listed[0], "VersionId") != v2 || get(t, listed[0], "IsLatest") != true ||
		get(t, listed[1], "VersionId") != v1 {
		t.Errorf("list-object-versions = %v, want %s (latest) then %s", listed, v2, v1)
	}

	role := str(t, a.json("iam", "create-role", "--role-name", "cli-fn", "--assume-role-policy-document",
		trustPolicy("lambda.amazonaws.com")), "Role", "Arn")
	fn := a.json("lambda", "create-function", "--function-name", "cli-versioned-fn", "--runtime", "python3.11",
		"--handler", "lambda_function.lambda_handler", "--role", role,
		"--code", "S3Bucket=cli-versioned,S3Key=fn.zip,S3ObjectVersion="+v1,
		"--logging-config", "LogFormat=JSON,ApplicationLogLevel=DEBUG")
	wantEqual(t, "logging config", get(t, fn, "LoggingConfig"), map[string]any{"LogFormat": "JSON",
		"ApplicationLogLevel": "DEBUG", "SystemLogLevel": "INFO", "LogGroup": "/aws/lambda/cli-versioned-fn"})
	a.failsWith("InvalidParameterValueException", "lambda", "create-function", "--function-name", "cli-bad-version",
		"--runtime", "python3.11", "--handler", "lambda_function.lambda_handler", "--role", role,
		"--code", "S3Bucket=cli-versioned,S3Key=fn.zip,S3ObjectVersion=3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH")

	wantEqual(t, "no event invoke configs", get(t, a.json("lambda", "list-function-event-invoke-configs",
		"--function-name", "cli-versioned-fn"), "FunctionEventInvokeConfigs"), []any{})
	a.json("lambda", "put-function-event-invoke-config", "--function-name", "cli-versioned-fn", "--maximum-retry-attempts", "0")
	configs := get(t, a.json("lambda", "list-function-event-invoke-configs", "--function-name", "cli-versioned-fn"),
		"FunctionEventInvokeConfigs").([]any)
	if len(configs) != 1 || get(t, configs[0], "MaximumRetryAttempts") != float64(0) {
		t.Errorf("event invoke configs = %v", configs)
	}
	wantEqual(t, "ListClusters (v1)", get(t, a.json("kafka", "list-clusters"), "ClusterInfoList"), []any{})
}

package iam

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

func TestThrottleAndUnknownAction(t *testing.T) {
	h := newHarness(t)
	if e := h.svc.Throttle(); e.Status != http.StatusBadRequest || e.Code != "Throttling" {
		t.Fatalf("Throttle() = %+v", e)
	}
	admin := adminclient.New(h.endpoint)
	if _, err := admin.AddFault(ctx, server.Fault{Service: "iam", Operation: "GetRole", Throttle: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("x")})
	wantErr[smithy.APIError](t, err, "Throttling", "Rate exceeded")

	_, err = h.client.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantErr[smithy.APIError](t, err, "InvalidAction", "")
}

func TestSnapshotAndReset(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "fn", "/kafkapipeline/", lambdaTrust)
	must(h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("dlq"),
		PolicyDocument: aws.String(sqsPolicy)})).get(t)
	must(h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("fn"), PolicyArn: aws.String(basicPolicy)})).get(t)
	must(h.client.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("fn"),
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("me")}}})).get(t)

	var state struct {
		IAM struct {
			Roles []roleSnapshot `json:"roles"`
		} `json:"iam"`
	}
	if err := adminclient.New(h.endpoint).State(ctx, &state); err != nil {
		t.Fatal(err)
	}
	if len(state.IAM.Roles) != 1 {
		b, _ := json.Marshal(h.svc.Snapshot())
		t.Fatalf("state roles = %+v (snapshot %s)", state.IAM.Roles, b)
	}
	r := state.IAM.Roles[0]
	if r.Arn != "arn:aws:iam::000000000000:role/kafkapipeline/fn" || r.AssumeRolePolicyDocument != lambdaTrust ||
		r.InlinePolicies["dlq"] != sqsPolicy || len(r.AttachedPolicies) != 1 || len(r.Tags) != 1 {
		t.Fatalf("snapshot role = %+v", r)
	}

	h.svc.Reset()
	_, err := h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("fn")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "")
}

// TestAWSCLI drives IAM through the AWS CLI, whose botocore decodes the URL-encoded policy documents.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t)
	run := func(args ...string) (string, error) {
		cmd := exec.Command("aws", append([]string{"--endpoint-url", h.endpoint, "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
			"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"AWS_PAGER=", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_IAM=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	mustRun := func(args ...string) map[string]any {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var v map[string]any
		if strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return v
	}

	created := mustRun("iam", "create-role", "--role-name", "cli-role", "--path", "/kafkapipeline/",
		"--assume-role-policy-document", lambdaTrust, "--tags", "Key=owner,Value=cli")
	role := created["Role"].(map[string]any)
	if role["Arn"] != "arn:aws:iam::000000000000:role/kafkapipeline/cli-role" {
		t.Fatalf("create-role = %v", created)
	}
	trust := role["AssumeRolePolicyDocument"].(map[string]any)
	if trust["Version"] != "2012-10-17" {
		t.Fatalf("botocore must decode the trust policy to JSON, got %v", role["AssumeRolePolicyDocument"])
	}
	mustRun("iam", "put-role-policy", "--role-name", "cli-role", "--policy-name", "dlq", "--policy-document", sqsPolicy)
	got := mustRun("iam", "get-role-policy", "--role-name", "cli-role", "--policy-name", "dlq")
	doc := got["PolicyDocument"].(map[string]any)
	if doc["Statement"].([]any)[0].(map[string]any)["Resource"] != "arn:aws:sqs:*:*:kp-*" {
		t.Fatalf("get-role-policy = %v", got)
	}
	mustRun("iam", "attach-role-policy", "--role-name", "cli-role", "--policy-arn", basicPolicy)
	listed := mustRun("iam", "list-attached-role-policies", "--role-name", "cli-role")
	if len(listed["AttachedPolicies"].([]any)) != 1 {
		t.Fatalf("list-attached-role-policies = %v", listed)
	}
	roles := mustRun("iam", "list-roles", "--path-prefix", "/kafkapipeline/")
	if len(roles["Roles"].([]any)) != 1 {
		t.Fatalf("list-roles = %v", roles)
	}
	tags := mustRun("iam", "list-role-tags", "--role-name", "cli-role")
	if len(tags["Tags"].([]any)) != 1 {
		t.Fatalf("list-role-tags = %v", tags)
	}

	out, err := run("iam", "delete-role", "--role-name", "cli-role")
	if err == nil || !strings.Contains(out, "DeleteConflict") || !strings.Contains(out, "must detach all policies first") {
		t.Fatalf("delete-role with policies: %v %s", err, out)
	}
	out, err = run("iam", "get-role", "--role-name", "missing")
	if err == nil || !strings.Contains(out, "NoSuchEntity") || !strings.Contains(out, "The role with name missing cannot be found.") {
		t.Fatalf("get-role of a missing role: %v %s", err, out)
	}
	mustRun("iam", "detach-role-policy", "--role-name", "cli-role", "--policy-arn", basicPolicy)
	mustRun("iam", "delete-role-policy", "--role-name", "cli-role", "--policy-name", "dlq")
	mustRun("iam", "delete-role", "--role-name", "cli-role")
}

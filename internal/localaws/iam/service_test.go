package iam

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

func TestThrottleAndUnknownAction(t *testing.T) {
	h := newHarness(t)
	if e := h.svc.Throttle(); e.Status != http.StatusBadRequest || e.Code != "Throttling" {
		t.Fatalf("Throttle() = %+v", e)
	}
	lawstest.AddFault(t, h.endpoint, server.Fault{Service: "iam", Operation: "GetRole", Throttle: true, Count: 1})
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

// TestRawQueryValidation posts forms the SDK would refuse to send, to check IAM's answers to missing and
// malformed members.
func TestRawQueryValidation(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "fn", "", lambdaTrust)
	post := func(form string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, h.endpoint+"/", strings.NewReader(form+"&Version=2010-05-08"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250601/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, resp.Body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b.String()
	}
	tests := []struct {
		name, form string
		status     int
		want       string
	}{
		{"missing role name", "Action=GetRole", 400,
			"<Code>ValidationError</Code><Message>1 validation error detected: Value null at &#39;roleName&#39; failed to satisfy constraint: Member must not be null</Message>"},
		{"missing everything", "Action=CreateRole", 400, "2 validation errors detected"},
		{"missing policy document", "Action=PutRolePolicy&RoleName=fn&PolicyName=p", 400, "at &#39;policyDocument&#39;"},
		{"tag without value", "Action=TagRole&RoleName=fn&Tags.member.1.Key=k", 400, "at &#39;tags.1.member.value&#39;"},
		{"tag without key", "Action=TagRole&RoleName=fn&Tags.member.1.Value=v", 400, "at &#39;tags.1.member.key&#39;"},
		{"no tags", "Action=TagRole&RoleName=fn", 400, "at &#39;tags&#39; failed to satisfy constraint: Member must not be null"},
		{"no tag keys", "Action=UntagRole&RoleName=fn", 400, "at &#39;tagKeys&#39;"},
		{"too many tag keys", "Action=UntagRole&RoleName=fn&TagKeys.member.1=k" + manyKeys(50), 400,
			"Member must have length less than or equal to 50"},
		{"max items not a number", "Action=ListRoles&MaxItems=ten", 400, "Member must be a number"},
		{"attached marker", "Action=ListAttachedRolePolicies&RoleName=fn&Marker=zzz", 400, "Invalid Marker"},
		{"tags marker", "Action=ListRoleTags&RoleName=fn&Marker=zzz", 400, "Invalid Marker"},
		{"empty aws managed name", "Action=AttachRolePolicy&RoleName=fn&PolicyArn=arn:aws:iam::aws:policy/service-role/", 404,
			"<Code>NoSuchEntity</Code>"},
		{"unknown action", "Action=Frobnicate", 400, "<Code>InvalidAction</Code>"},
		{"success envelope", "Action=ListRolePolicies&RoleName=fn", 200,
			`<ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolePoliciesResult><PolicyNames></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult><ResponseMetadata><RequestId>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d body %s\nwant %d containing %s", status, body, tt.status, tt.want)
			}
			if status >= 400 && !strings.Contains(body, "<Type>Sender</Type>") {
				t.Fatalf("error body %s lacks <Type>Sender</Type>", body)
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := 2; i <= n+1; i++ {
		b.WriteString("&TagKeys.member." + strconv.Itoa(i) + "=k" + strconv.Itoa(i))
	}
	return b.String()
}

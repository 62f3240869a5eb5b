package iam

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

func TestRoleAssumable(t *testing.T) {
	h := newHarness(t)
	h.timings.SetPropagation(10 * time.Second)
	fn := aws.ToString(h.createRole(t, "kp-fn", "/kafkapipeline/", lambdaTrust).Arn)

	ok, reason := h.svc.RoleAssumable(fn, "lambda.amazonaws.com")
	if ok || !strings.Contains(reason, "propagat") {
		t.Fatalf("fresh role: ok=%v reason=%q, want not yet propagated", ok, reason)
	}
	h.clock.Advance(10 * time.Second)
	if ok, reason := h.svc.RoleAssumable(fn, "lambda.amazonaws.com"); !ok {
		t.Fatalf("propagated role: %s", reason)
	}
	// The delay can change at run time.
	h.timings.SetPropagation(time.Minute)
	if ok, _ := h.svc.RoleAssumable(fn, "lambda.amazonaws.com"); ok {
		t.Fatal("a longer propagation delay must apply to existing roles")
	}
	h.timings.SetPropagation(0)

	tests := []struct {
		name, arn, service, reason string
	}{
		{"other service", fn, "pipes.amazonaws.com", "does not allow pipes.amazonaws.com"},
		{"unknown role", "arn:aws:iam::000000000000:role/kafkapipeline/nope", "lambda.amazonaws.com", "does not exist"},
		{"wrong path", "arn:aws:iam::000000000000:role/kp-fn", "lambda.amazonaws.com", "does not exist"},
		{"wrong account", "arn:aws:iam::111111111111:role/kafkapipeline/kp-fn", "lambda.amazonaws.com", "does not exist"},
		{"not an arn", "kp-fn", "lambda.amazonaws.com", "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := h.svc.RoleAssumable(tt.arn, tt.service)
			if ok || !strings.Contains(reason, tt.reason) {
				t.Fatalf("ok=%v reason=%q, want false with %q", ok, reason, tt.reason)
			}
		})
	}
	if ok, reason := h.svc.RoleAssumable("arn:aws:iam::000000000000:role/kafkapipeline/KP-FN", "lambda.amazonaws.com"); !ok {
		t.Fatalf("role name in the ARN is case-insensitive: %s", reason)
	}

	// Trust policy conditions: aws:SourceAccount is the role's account; aws:SourceArn is checked only when known.
	conditioned := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pipes.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"},"ArnLike":{"aws:SourceArn":"arn:aws:pipes:us-east-1:000000000000:pipe/kp-*"}}}]}`
	pipe := aws.ToString(h.createRole(t, "kp-pipe", "/kafkapipeline/", conditioned).Arn)
	if ok, reason := h.svc.RoleAssumable(pipe, "pipes.amazonaws.com"); !ok {
		t.Fatalf("conditioned trust: %s", reason)
	}
	if ok, reason := h.svc.RoleAssumableFrom(pipe, "pipes.amazonaws.com", "arn:aws:pipes:us-east-1:000000000000:pipe/kp-1"); !ok {
		t.Fatalf("conditioned trust with matching source: %s", reason)
	}
	if ok, _ := h.svc.RoleAssumableFrom(pipe, "pipes.amazonaws.com", "arn:aws:pipes:us-east-1:000000000000:pipe/other"); ok {
		t.Fatal("a source ARN outside the condition must not assume the role")
	}
	otherAccount := strings.Replace(conditioned, `"aws:SourceAccount":"000000000000"`, `"aws:SourceAccount":"111111111111"`, 1)
	must(h.client.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("kp-pipe"),
		PolicyDocument: aws.String(otherAccount)})).get(t)
	if ok, _ := h.svc.RoleAssumable(pipe, "pipes.amazonaws.com"); ok {
		t.Fatal("a trust policy for another source account must not be assumable")
	}

	must(h.client.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("kp-fn")})).get(t)
	if ok, _ := h.svc.RoleAssumable(fn, "lambda.amazonaws.com"); ok {
		t.Fatal("a deleted role must not be assumable")
	}
}

func TestRoleAssumableWithoutTimings(t *testing.T) {
	svc := New(Config{})
	svc.roles["r"] = &role{name: "r", arn: "arn:aws:iam::000000000000:role/r", created: time.Now(),
		trust: iampolicy.MustParse(lambdaTrust, iampolicy.Trust)}
	if ok, reason := svc.RoleAssumable("arn:aws:iam::000000000000:role/r", "lambda.amazonaws.com"); !ok {
		t.Fatalf("no Timings means no propagation delay: %s", reason)
	}
}

func TestRoleAllows(t *testing.T) {
	h := newHarness(t)
	fn := aws.ToString(h.createRole(t, "kp-fn", "/kafkapipeline/", lambdaTrust).Arn)
	const queue = "arn:aws:sqs:us-east-1:000000000000:kp-dlq"
	const cluster = "arn:aws:kafka:us-east-1:000000000000:cluster/kp/abc"

	if h.svc.RoleAllows(fn, "sqs:SendMessage", queue) {
		t.Fatal("a role without policies must be allowed nothing")
	}
	must(h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("kp-fn"), PolicyName: aws.String("dlq"),
		PolicyDocument: aws.String(sqsPolicy)})).get(t)
	must(h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("kp-fn"), PolicyArn: aws.String(mskRolePath)})).get(t)
	must(h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("kp-fn"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})).get(t)

	tests := []struct {
		action, resource string
		want             bool
	}{
		{"sqs:SendMessage", queue, true},
		{"SQS:SENDMESSAGE", queue, true},
		{"sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:other", false},
		{"sqs:DeleteQueue", queue, false},
		{"kafka:DescribeClusterV2", cluster, true},
		{"kafka:GetBootstrapBrokers", cluster, true},
		{"ec2:CreateNetworkInterface", "*", true},
		{"logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/kp-fn:*", true},
		{"kafka-cluster:ReadData", cluster, false},                              // not in AWSLambdaMSKExecutionRole
		{"iam:CreateRole", "*", false},                                          // AWS managed policies without a document grant nothing
		{"sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:KP-dlq", false}, // resources are case-sensitive
	}
	for _, tt := range tests {
		if got := h.svc.RoleAllows(fn, tt.action, tt.resource); got != tt.want {
			t.Errorf("RoleAllows(%s, %s) = %v, want %v", tt.action, tt.resource, got, tt.want)
		}
	}

	must(h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("kp-fn"), PolicyName: aws.String("deny"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"` + queue + `"}]}`)})).get(t)
	if h.svc.RoleAllows(fn, "sqs:SendMessage", queue) {
		t.Fatal("an explicit Deny must win")
	}
	if !h.svc.RoleAllows(fn, "kafka:DescribeClusterV2", cluster) {
		t.Fatal("a Deny elsewhere must not remove other permissions")
	}
	if h.svc.RoleAllows("arn:aws:iam::000000000000:role/kafkapipeline/nope", "kafka:DescribeClusterV2", cluster) {
		t.Fatal("an unknown role must be allowed nothing")
	}

	// A permissions boundary caps what the policies grant.
	_, err := h.client.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("bounded"),
		AssumeRolePolicyDocument: aws.String(lambdaTrust), PermissionsBoundary: aws.String(basicPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	must(h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("bounded"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})).get(t)
	bounded := "arn:aws:iam::000000000000:role/bounded"
	if !h.svc.RoleAllows(bounded, "logs:CreateLogStream", "*") {
		t.Fatal("an action both the policy and the boundary allow must be allowed")
	}
	if h.svc.RoleAllows(bounded, "sqs:SendMessage", queue) {
		t.Fatal("an action outside the boundary must be denied")
	}
}

/*
Copyright 2026 The kafka-pipeline-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package iam_test checks the controller's IAM policy: valid for IAM, within IAM's size limit, granting every
// AWS operation the operator makes on what it owns, and nothing on what it does not.
package iam_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

// Representative ARNs of resources the operator owns (kp- names, role path /kafkapipeline/).
const (
	ownedCluster  = "arn:aws:kafka:ap-northeast-1:123456789012:cluster/kp-default-shared-1a2b3c4d-msk/0b3e1c8e-1c1e-4e6e-9f4f-7a4c4e0f2d11-s1"
	ownedPipe     = "arn:aws:pipes:ap-northeast-1:123456789012:pipe/kp-default-test-pipeline-1a2b3c4d-pipe"
	ownedFunction = "arn:aws:lambda:ap-northeast-1:123456789012:function:kp-default-test-pipeline-1a2b3c4d-fn"
	// ownedAdmin is a KafkaCluster's topic admin function, the only function the operator invokes.
	ownedAdmin    = "arn:aws:lambda:ap-northeast-1:123456789012:function:kp-default-shared-1a2b3c4d-topic-admin"
	ownedMapping  = "arn:aws:lambda:ap-northeast-1:123456789012:event-source-mapping:7f1c4c1e-0c2b-4d1e-9e33-0a3f2b1c4d5e"
	ownedQueue    = "arn:aws:sqs:ap-northeast-1:123456789012:kp-default-test-pipeline-1a2b3c4d-dlq"
	ownedRole     = "arn:aws:iam::123456789012:role/kafkapipeline/kp-default-test-pipeline-1a2b3c4d-fn-role"
	ownedLogGroup = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/kp-default-test-pipeline-1a2b3c4d-fn:*"
	ec2Prefix     = "arn:aws:ec2:ap-northeast-1:123456789012:"
	ownershipTag  = "kafkapipeline.dev/cluster-id"
)

// Request contexts: a create carrying the ownership tag, and a call on a resource carrying it.
var (
	creating = map[string][]string{"aws:RequestTag/" + ownershipTag: {"prod"}}
	owned    = map[string][]string{"aws:ResourceTag/" + ownershipTag: {"prod"}}
	none     = map[string][]string{}
)

func loadPolicy(t *testing.T) (raw []byte, policy iampolicy.Policy) {
	t.Helper()
	raw, err := os.ReadFile("controller-policy.json")
	if err != nil {
		t.Fatalf("reading policy: %v", err)
	}
	policy, err = iampolicy.Parse(string(raw), iampolicy.Identity)
	if err != nil {
		t.Fatalf("IAM would refuse the policy: %v", err)
	}
	return raw, policy
}

func TestPolicyIsAValidInlinePolicy(t *testing.T) {
	raw, policy := loadPolicy(t)
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatalf("compacting policy: %v", err)
	}
	// IAM counts characters without whitespace; a role's inline policies may total 10,240.
	if n := compact.Len(); n > 10240 {
		t.Errorf("policy is %d characters; IAM allows 10,240 in a role's inline policies", n)
	}
	sids := map[string]bool{}
	for _, st := range policy.Statements {
		if st.Sid == "" || sids[st.Sid] {
			t.Errorf("statement Sid %q is empty or repeated", st.Sid)
		}
		sids[st.Sid] = true
		if st.Effect != iampolicy.EffectAllow || st.NotAction != nil || st.NotResource != nil {
			t.Errorf("statement %s: want a plain Allow with Action and Resource", st.Sid)
		}
		for _, a := range st.Action {
			if strings.Contains(a, "*") {
				t.Errorf("statement %s grants wildcard action %q", st.Sid, a)
			}
		}
	}
}

// serviceOf maps each SDK interface of internal/aws to its IAM service prefix.
var serviceOf = map[reflect.Type]string{
	reflect.TypeFor[awsapi.KafkaAPI]():  "kafka",
	reflect.TypeFor[awsapi.PipesAPI]():  "pipes",
	reflect.TypeFor[awsapi.LambdaAPI](): "lambda",
	reflect.TypeFor[awsapi.SQSAPI]():    "sqs",
	reflect.TypeFor[awsapi.IAMAPI]():    "iam",
	reflect.TypeFor[awsapi.STSAPI]():    "sts",
	reflect.TypeFor[awsapi.LogsAPI]():   "logs",
	reflect.TypeFor[awsapi.EC2API]():    "ec2",
}

func TestPolicyGrantsEveryOperationTheOperatorMakesOnWhatItOwns(t *testing.T) {
	_, policy := loadPolicy(t)
	for iface, service := range serviceOf {
		for i := range iface.NumMethod() {
			op := iface.Method(i).Name
			action := service + ":" + op
			if a, ok := iamActionOf[action]; ok {
				action = a
			}
			resource, ctx := ownedTarget(service, op)
			r := iampolicy.Request{Action: action, Resource: resource, Context: ctx}
			if d := iampolicy.EvaluateRequest([]iampolicy.Policy{policy}, r); !d.Allowed() {
				t.Errorf("%s on %s with %v: %s; the controller calls it", action, resource, ctx, d)
			}
		}
	}
}

// iamActionOf names the IAM action of the SDK operations whose action is named otherwise.
var iamActionOf = map[string]string{"lambda:Invoke": "lambda:InvokeFunction"}

// taggedCreates are the operations creating a resource with the ownership tag in the same call.
var taggedCreates = map[string]bool{
	"CreateClusterV2": true, "CreatePipe": true, "CreateFunction": true, "CreateEventSourceMapping": true,
	"CreateQueue": true, "CreateRole": true, "CreateVpc": true, "CreateSubnet": true, "CreateInternetGateway": true,
	"AllocateAddress": true, "CreateNatGateway": true, "CreateRouteTable": true, "CreateSecurityGroup": true,
}

// ownedTarget returns the resource and request context of a call the operator makes on its own resources.
func ownedTarget(service, op string) (string, map[string][]string) {
	ctx := owned
	if taggedCreates[op] {
		ctx = creating
	}
	switch service {
	case "kafka":
		return ownedCluster, ctx
	case "pipes":
		return ownedPipe, ctx
	case "lambda":
		if strings.Contains(op, "EventSourceMapping") {
			return ownedMapping, ctx
		}
		if op == "Invoke" {
			return ownedAdmin, ctx
		}
		return ownedFunction, ctx
	case "sqs":
		return ownedQueue, ctx
	case "iam":
		return ownedRole, ctx
	case "logs":
		return ownedLogGroup, ctx
	case "ec2":
		return ec2Resource(op), ctx
	default:
		return "*", ctx
	}
}

// ec2Resource returns an EC2 resource ARN of the type an EC2 operation acts on.
func ec2Resource(op string) string {
	if strings.HasPrefix(op, "Describe") {
		return "*"
	}
	for _, m := range []struct{ word, arn string }{
		{"InternetGateway", "internet-gateway/igw-0abc"},
		{"NatGateway", "natgateway/nat-0abc"},
		{"Address", "elastic-ip/eipalloc-0abc"},
		{"RouteTable", "route-table/rtb-0abc"},
		{"Route", "route-table/rtb-0abc"},
		{"SecurityGroup", "security-group/sg-0abc"},
		{"Subnet", "subnet/subnet-0abc"},
	} {
		if strings.Contains(op, m.word) {
			return ec2Prefix + m.arn
		}
	}
	return ec2Prefix + "vpc/vpc-0abc"
}

func TestPolicyRefusesWhatTheOperatorDoesNotOwn(t *testing.T) {
	_, policy := loadPolicy(t)
	cases := []struct {
		name             string
		action, resource string
		ctx              map[string][]string
		allowed          bool
	}{
		// Creates must carry the ownership tag.
		{"untagged cluster create", "kafka:CreateClusterV2", ownedCluster, none, false},
		{"untagged function create", "lambda:CreateFunction", ownedFunction, none, false},
		{"untagged queue create", "sqs:CreateQueue", ownedQueue, none, false},
		{"untagged role create", "iam:CreateRole", ownedRole, none, false},
		{"untagged pipe create", "pipes:CreatePipe", ownedPipe, none, false},
		{"untagged vpc create", "ec2:CreateVpc", ec2Prefix + "vpc/vpc-0abc", none, false},
		{"untagged mapping create", "lambda:CreateEventSourceMapping", ownedMapping, none, false},
		// Changes need the ownership tag on the resource: a same-named resource of someone else is left alone.
		{"unowned cluster delete", "kafka:DeleteCluster", ownedCluster, none, false},
		{"unowned pipe delete", "pipes:DeletePipe", ownedPipe, none, false},
		{"unowned function delete", "lambda:DeleteFunction", ownedFunction, none, false},
		{"unowned queue delete", "sqs:DeleteQueue", ownedQueue, none, false},
		{"unowned role delete", "iam:DeleteRole", ownedRole, none, false},
		{"unowned role policy", "iam:PutRolePolicy", ownedRole, none, false},
		{"unowned vpc delete", "ec2:DeleteVpc", ec2Prefix + "vpc/vpc-0abc", none, false},
		{"unowned mapping delete", "lambda:DeleteEventSourceMapping", ownedMapping, none, false},
		{"subnet in someone's vpc", "ec2:CreateSubnet", ec2Prefix + "vpc/vpc-0abc", creating, false},
		{"nat gateway in someone's subnet", "ec2:CreateNatGateway", ec2Prefix + "subnet/subnet-0abc", creating, false},
		// Names outside the operator's prefix and path.
		{"other function", "lambda:UpdateFunctionCode", "arn:aws:lambda:ap-northeast-1:123456789012:function:payments", owned, false},
		{"other queue", "sqs:DeleteQueue", "arn:aws:sqs:ap-northeast-1:123456789012:orders", owned, false},
		{"other pipe", "pipes:DeletePipe", "arn:aws:pipes:ap-northeast-1:123456789012:pipe/orders", owned, false},
		{"role outside the path", "iam:DeleteRole", "arn:aws:iam::123456789012:role/kp-admin", owned, false},
		{"other log group", "logs:DeleteLogGroup", "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/payments:*", none, false},
		// Never granted.
		{"attach managed policies", "iam:AttachRolePolicy", ownedRole, owned, false},
		{"pass role to ec2", "iam:PassRole", ownedRole, map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, false},
		{"invoke a pipeline's function", "lambda:InvokeFunction", ownedFunction, owned, false},
		{"invoke an untagged topic admin function", "lambda:InvokeFunction", ownedAdmin, none, false},
		{"invoke another topic admin function", "lambda:InvokeFunction", "arn:aws:lambda:ap-northeast-1:123456789012:function:payments-topic-admin", owned, false},
		{"read queue messages", "sqs:ReceiveMessage", ownedQueue, owned, false},
		// Reads of resources the operator does not own stay possible: they are how it reports NotOwned and
		// reads the cluster, function and queue a spec names by ARN.
		{"read any cluster", "kafka:DescribeClusterV2", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/theirs/abc-1", none, true},
		{"read any function", "lambda:GetFunction", "arn:aws:lambda:ap-northeast-1:123456789012:function:payments", none, true},
		{"read any queue", "sqs:GetQueueAttributes", "arn:aws:sqs:ap-northeast-1:123456789012:orders", none, true},
		{"pass role to pipes", "iam:PassRole", ownedRole, map[string][]string{"iam:PassedToService": {"pipes.amazonaws.com"}}, true},
		{"pass the topic admin role to lambda", "iam:PassRole", "arn:aws:iam::123456789012:role/kafkapipeline/kp-default-shared-1a2b3c4d-topic-admin-role",
			map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}, true},
		{"invoke the topic admin function", "lambda:InvokeFunction", ownedAdmin, owned, true},
		{"tags on create of a vpc", "ec2:CreateTags", ec2Prefix + "vpc/vpc-0abc", map[string][]string{"ec2:CreateAction": {"CreateVpc"}}, true},
		{"tags on create of a cluster", "kafka:TagResource", ownedCluster, creating, true},
		{"cluster endpoints made by MSK", "ec2:CreateVpcEndpoint", ec2Prefix + "vpc-endpoint/vpce-0abc", map[string][]string{"aws:RequestTag/AWSMSKManaged": {"true"}}, true},
		{"other vpc endpoints", "ec2:DeleteVpcEndpoints", ec2Prefix + "vpc-endpoint/vpce-0abc", none, false},
		{"topics on a named cluster", "kafka-cluster:CreateTopic", "arn:aws:kafka:ap-northeast-1:123456789012:topic/theirs/abc-1/test-topic", none, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := iampolicy.Request{Action: tc.action, Resource: tc.resource, Context: tc.ctx}
			if got := iampolicy.EvaluateRequest([]iampolicy.Policy{policy}, r).Allowed(); got != tc.allowed {
				t.Errorf("%s on %s with %v: allowed=%v; want %v", tc.action, tc.resource, tc.ctx, got, tc.allowed)
			}
		})
	}
}

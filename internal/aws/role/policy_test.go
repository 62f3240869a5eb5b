package role

import (
	"strings"
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

const (
	testCluster  = "arn:aws:kafka:ap-northeast-1:123456789012:cluster/shared/6a5f-uuid-s1"
	testFunction = "arn:aws:lambda:ap-northeast-1:123456789012:function:kp-ns-orders-12345678-fn"
	testDLQ      = "arn:aws:sqs:ap-northeast-1:123456789012:kp-ns-orders-12345678-dlq"
)

var testPipe = PipePermissions{ClusterARN: testCluster, Topic: "orders", ConsumerGroup: "kp-group", FunctionARN: testFunction}

func TestPipePolicyDocument(t *testing.T) {
	got, err := PipePolicy(testPipe)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DescribeCluster","Effect":"Allow","Action":["kafka:DescribeClusterV2","kafka:GetBootstrapBrokers"],` +
		`"Resource":["arn:aws:kafka:ap-northeast-1:123456789012:cluster/shared/6a5f-uuid-s1"]},` +
		`{"Sid":"ConnectCluster","Effect":"Allow","Action":["kafka-cluster:Connect","kafka-cluster:DescribeClusterDynamicConfiguration"],` +
		`"Resource":["arn:aws:kafka:ap-northeast-1:123456789012:cluster/shared/6a5f-uuid-s1"]},` +
		`{"Sid":"ReadTopic","Effect":"Allow","Action":["kafka-cluster:DescribeTopic","kafka-cluster:ReadData"],` +
		`"Resource":["arn:aws:kafka:ap-northeast-1:123456789012:topic/shared/6a5f-uuid-s1/orders"]},` +
		`{"Sid":"UseConsumerGroup","Effect":"Allow","Action":["kafka-cluster:AlterGroup","kafka-cluster:DescribeGroup"],` +
		`"Resource":["arn:aws:kafka:ap-northeast-1:123456789012:group/shared/6a5f-uuid-s1/kp-group"]},` +
		`{"Sid":"NetworkInterfaces","Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface",` +
		`"ec2:DescribeNetworkInterfaces","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs"],"Resource":["*"]},` +
		`{"Sid":"InvokeFunction","Effect":"Allow","Action":["lambda:InvokeFunction"],` +
		`"Resource":["arn:aws:lambda:ap-northeast-1:123456789012:function:kp-ns-orders-12345678-fn",` +
		`"arn:aws:lambda:ap-northeast-1:123456789012:function:kp-ns-orders-12345678-fn:*"]}]}`
	if got != want {
		t.Errorf("pipe policy\n got %s\nwant %s", got, want)
	}
	again, _ := PipePolicy(testPipe)
	if again != got {
		t.Error("rendering the same permissions twice gave different documents")
	}
}

func TestFunctionPolicyDocument(t *testing.T) {
	got, err := FunctionPolicy(FunctionPermissions{Region: "ap-northeast-1", Account: "123456789012",
		FunctionName: "kp-ns-orders-12345678-fn", DLQARN: testDLQ})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":["arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/kp-ns-orders-12345678-fn",` +
		`"arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/kp-ns-orders-12345678-fn:*"]},` +
		`{"Sid":"DeadLetterQueue","Effect":"Allow","Action":["sqs:SendMessage"],` +
		`"Resource":["arn:aws:sqs:ap-northeast-1:123456789012:kp-ns-orders-12345678-dlq"]}]}`
	if got != want {
		t.Errorf("function policy\n got %s\nwant %s", got, want)
	}
}

func TestFunctionPolicyStatements(t *testing.T) {
	esm := testPipe
	esm.FunctionARN = ""
	for _, tc := range []struct {
		name string
		in   FunctionPermissions
		sids []string
	}{
		{"logs only", FunctionPermissions{Region: "us-east-1", Account: "1", FunctionName: "f"}, []string{"Logs"}},
		{"with DLQ", FunctionPermissions{Region: "us-east-1", Account: "1", FunctionName: "f", DLQARN: testDLQ},
			[]string{"Logs", "DeadLetterQueue"}},
		{"event source mapping", FunctionPermissions{Region: "us-east-1", Account: "1", FunctionName: "f", DLQARN: testDLQ,
			ESM: &esm}, []string{"Logs", "DeadLetterQueue", "DescribeCluster", "ConnectCluster", "ReadTopic",
			"UseConsumerGroup", "NetworkInterfaces"}},
		{"china partition", FunctionPermissions{Region: "cn-north-1", Account: "1", FunctionName: "f"}, []string{"Logs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := FunctionPolicy(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			p := iampolicy.MustParse(doc, iampolicy.Identity)
			var sids []string
			for _, st := range p.Statements {
				sids = append(sids, st.Sid)
			}
			if strings.Join(sids, ",") != strings.Join(tc.sids, ",") {
				t.Errorf("statements %v, want %v", sids, tc.sids)
			}
			if tc.in.Region == "cn-north-1" && !strings.Contains(doc, "arn:aws-cn:logs:cn-north-1:") {
				t.Errorf("log group ARN not in the aws-cn partition: %s", doc)
			}
		})
	}
}

func TestPolicyInputErrors(t *testing.T) {
	for name, render := range map[string]func() (string, error){
		"cluster ARN of another service": func() (string, error) {
			p := testPipe
			p.ClusterARN = "arn:aws:sqs:us-east-1:1:q"
			return PipePolicy(p)
		},
		"cluster ARN without uuid": func() (string, error) {
			p := testPipe
			p.ClusterARN = "arn:aws:kafka:us-east-1:1:cluster/name"
			return PipePolicy(p)
		},
		"no topic": func() (string, error) {
			p := testPipe
			p.Topic = ""
			return PipePolicy(p)
		},
		"no function": func() (string, error) {
			p := testPipe
			p.FunctionARN = ""
			return PipePolicy(p)
		},
		"function without name": func() (string, error) {
			return FunctionPolicy(FunctionPermissions{Region: "us-east-1", Account: "1"})
		},
		"bad DLQ ARN": func() (string, error) {
			return FunctionPolicy(FunctionPermissions{Region: "us-east-1", Account: "1", FunctionName: "f", DLQARN: "queue"})
		},
		"bad ESM cluster": func() (string, error) {
			return FunctionPolicy(FunctionPermissions{Region: "us-east-1", Account: "1", FunctionName: "f",
				ESM: &PipePermissions{ClusterARN: "nope", Topic: "t", ConsumerGroup: "g"}})
		},
	} {
		if doc, err := render(); err == nil {
			t.Errorf("%s: rendered %s, want an error", name, doc)
		}
	}
}

// TestPoliciesAreLeastPrivilege evaluates the rendered documents as IAM does: everything a consumer needs is
// allowed on the exact resources, nothing else is, and no action is a wildcard.
func TestPoliciesAreLeastPrivilege(t *testing.T) {
	pipeDoc, err := PipePolicy(testPipe)
	if err != nil {
		t.Fatal(err)
	}
	esm := testPipe
	fnDoc, err := FunctionPolicy(FunctionPermissions{Region: "ap-northeast-1", Account: "123456789012",
		FunctionName: "kp-ns-orders-12345678-fn", DLQARN: testDLQ, ESM: &esm})
	if err != nil {
		t.Fatal(err)
	}
	topic := "arn:aws:kafka:ap-northeast-1:123456789012:topic/shared/6a5f-uuid-s1/orders"
	group := "arn:aws:kafka:ap-northeast-1:123456789012:group/shared/6a5f-uuid-s1/kp-group"
	logGroup := "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/kp-ns-orders-12345678-fn"
	consumer := []struct{ action, resource string }{
		{"kafka:DescribeClusterV2", testCluster}, {"kafka:GetBootstrapBrokers", testCluster},
		{"kafka-cluster:Connect", testCluster}, {"kafka-cluster:DescribeClusterDynamicConfiguration", testCluster},
		{"kafka-cluster:DescribeTopic", topic}, {"kafka-cluster:ReadData", topic},
		{"kafka-cluster:DescribeGroup", group}, {"kafka-cluster:AlterGroup", group},
		{"ec2:CreateNetworkInterface", "*"}, {"ec2:DescribeNetworkInterfaces", "*"}, {"ec2:DescribeVpcs", "*"},
		{"ec2:DeleteNetworkInterface", "*"}, {"ec2:DescribeSubnets", "*"}, {"ec2:DescribeSecurityGroups", "*"},
	}
	forbidden := []struct{ action, resource string }{
		{"kafka-cluster:WriteData", topic}, {"kafka-cluster:CreateTopic", topic}, {"kafka-cluster:AlterCluster", testCluster},
		{"kafka-cluster:ReadData", "arn:aws:kafka:ap-northeast-1:123456789012:topic/shared/6a5f-uuid-s1/other"},
		{"kafka-cluster:AlterGroup", "arn:aws:kafka:ap-northeast-1:123456789012:group/shared/6a5f-uuid-s1/other"},
		{"kafka-cluster:Connect", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/other/1-uuid"},
		{"kafka:DeleteCluster", testCluster}, {"ec2:CreateVpc", "*"},
		{"lambda:InvokeFunction", "arn:aws:lambda:ap-northeast-1:123456789012:function:other"},
		{"lambda:UpdateFunctionCode", testFunction},
		{"sqs:SendMessage", "arn:aws:sqs:ap-northeast-1:123456789012:other"}, {"sqs:DeleteQueue", testDLQ},
		{"logs:CreateLogGroup", "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/other"},
	}
	for _, tc := range []struct {
		name    string
		doc     string
		allowed []struct{ action, resource string }
	}{
		{"pipe", pipeDoc, append(consumer, struct{ action, resource string }{"lambda:InvokeFunction", testFunction},
			struct{ action, resource string }{"lambda:InvokeFunction", testFunction + ":$LATEST"})},
		{"function", fnDoc, append(consumer, struct{ action, resource string }{"sqs:SendMessage", testDLQ},
			struct{ action, resource string }{"logs:CreateLogGroup", logGroup},
			struct{ action, resource string }{"logs:PutLogEvents", logGroup + ":log-stream:2025/01/01/[$LATEST]abc"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := iampolicy.Parse(tc.doc, iampolicy.Identity)
			if err != nil {
				t.Fatalf("IAM would refuse the document: %v", err)
			}
			for _, st := range p.Statements {
				for _, a := range st.Action {
					if strings.Contains(a, "*") {
						t.Errorf("statement %s has the wildcard action %s", st.Sid, a)
					}
				}
			}
			for _, r := range tc.allowed {
				if !iampolicy.Evaluate([]iampolicy.Policy{p}, r.action, r.resource).Allowed() {
					t.Errorf("%s on %s is not allowed", r.action, r.resource)
				}
			}
			for _, r := range forbidden {
				if iampolicy.Evaluate([]iampolicy.Policy{p}, r.action, r.resource).Allowed() {
					t.Errorf("%s on %s is allowed", r.action, r.resource)
				}
			}
		})
	}
}

func TestTrustPolicy(t *testing.T) {
	doc, err := TrustPolicy(ServicePipes, SourceAccount("123456789012"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pipes.amazonaws.com"},` +
		`"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	if doc != want {
		t.Errorf("trust policy\n got %s\nwant %s", doc, want)
	}
	p := iampolicy.MustParse(doc, iampolicy.Trust)
	req := iampolicy.Request{Action: "sts:AssumeRole", PrincipalType: "Service", PrincipalID: ServicePipes,
		Context: map[string][]string{"aws:SourceAccount": {"123456789012"}}}
	if !iampolicy.EvaluateRequest([]iampolicy.Policy{p}, req).Allowed() {
		t.Error("pipes cannot assume the role from its own account")
	}
	req.Context["aws:SourceAccount"] = []string{"999999999999"}
	if iampolicy.EvaluateRequest([]iampolicy.Policy{p}, req).Allowed() {
		t.Error("pipes can assume the role on behalf of another account")
	}
	lambdaDoc, err := TrustPolicy(ServiceLambda, nil)
	if err != nil || strings.Contains(lambdaDoc, "Condition") {
		t.Errorf("lambda trust policy %s, %v", lambdaDoc, err)
	}
	if _, err := TrustPolicy("lambda", nil); err == nil {
		t.Error("a trust policy for a non-service principal was rendered")
	}
}

func TestEquivalentDocuments(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:B","a:C"],"Resource":["r1"]}]}`
	for _, tc := range []struct {
		name  string
		other string
		equal bool
	}{
		{"identical", base, true},
		{"whitespace and key order", "{ \"Statement\": [ {\"Resource\": \"r1\", \"Action\": [\"a:B\", \"a:C\"],\n \"Effect\": \"Allow\"} ],\n \"Version\": \"2012-10-17\" }", true},
		{"single statement object", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["a:C","a:B"],"Resource":"r1"}}`, true},
		{"other action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:B","a:D"],"Resource":["r1"]}]}`, false},
		{"fewer actions", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:B","Resource":["r1"]}]}`, false},
		{"other effect", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["a:B","a:C"],"Resource":["r1"]}]}`, false},
		{"empty", "", false},
		{"not JSON", "{", false},
	} {
		if got := EquivalentDocuments(base, tc.other); got != tc.equal {
			t.Errorf("%s: EquivalentDocuments = %v, want %v", tc.name, got, tc.equal)
		}
	}
}

func TestDecodeDocument(t *testing.T) {
	got, err := decodeDocument("%7B%22Action%22%3A%22a%2Bb%22%7D")
	if err != nil || got != `{"Action":"a+b"}` {
		t.Errorf("decodeDocument = %q, %v", got, err)
	}
	if _, err := decodeDocument("%zz"); err == nil {
		t.Error("an invalid escape was decoded")
	}
}

package localaws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// clientEnv is the environment for the AWS CLI and boto3: dummy credentials, no shared configuration, no
// pager.
func clientEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
}

// conformanceServer starts localaws with the fast profile and the given per-transition overrides.
func conformanceServer(t *testing.T, overrides map[lifecycle.Kind]time.Duration) *localaws.Instance {
	t.Helper()
	return startLocalAWS(t, localaws.Options{Profile: "fast", Overrides: overrides})
}

// assertNothingLeft checks through the state dump that no control-plane resource survived the teardown.
// EC2 keeps deleted NAT gateways visible for a while and SQS remembers deleted names, as AWS does, so
// those two are checked by the clients themselves.
func assertNothingLeft(t *testing.T, inst *localaws.Instance, marker string) {
	t.Helper()
	var state map[string]json.RawMessage
	must(t, adminclient.New(inst.Endpoint).State(context.Background(), &state), "state")
	for _, svc := range []string{"kafka", "pipes", "lambda", "iam", "s3"} {
		if strings.Contains(string(state[svc]), marker) {
			t.Errorf("%s still holds %s resources after the teardown: %s", svc, marker, state[svc])
		}
	}
}

func TestConformanceBoto3(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	if out, err := exec.Command("python3", "-c", "import boto3").CombinedOutput(); err != nil {
		t.Skipf("boto3 is not installed: %s", out)
	}
	t.Parallel()
	inst := conformanceServer(t, map[lifecycle.Kind]time.Duration{
		lifecycle.NatGatewayCreate: 1500 * time.Millisecond, lifecycle.NatGatewayDelete: 500 * time.Millisecond,
		lifecycle.ClusterCreate: 1500 * time.Millisecond, lifecycle.ClusterDelete: 500 * time.Millisecond,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", filepath.Join("testdata", "conformance", "stack.py"), inst.Endpoint)
	cmd.Env = clientEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stack.py: %v\n%s%s", err, out, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var summary struct {
		Network struct {
			VPC     string   `json:"vpc"`
			Private []string `json:"private"`
		} `json:"network"`
		Cluster struct {
			ARN     string `json:"arn"`
			Brokers string `json:"brokers"`
		} `json:"cluster"`
		QueryQueue struct {
			Requests int `json:"requests"`
		} `json:"queryQueue"`
		Pipe struct {
			State string `json:"state"`
		} `json:"pipe"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err != nil {
		t.Fatalf("stack.py summary: %v in %q", err, out)
	}
	if !strings.HasPrefix(summary.Network.VPC, "vpc-") || len(summary.Network.Private) != 2 ||
		!strings.Contains(summary.Cluster.ARN, ":cluster/kp-boto3/") || summary.Cluster.Brokers == "" ||
		summary.QueryQueue.Requests < 10 || summary.Pipe.State != "RUNNING" {
		t.Fatalf("stack.py summary = %+v", summary)
	}

	calls, err := adminclient.New(inst.Endpoint).Calls(ctx)
	must(t, err, "calls")
	for _, svc := range []string{"ec2", "kafka", "sqs", "iam", "lambda", "s3", "pipes", "sts"} {
		if calls.Count(svc, "") == 0 {
			t.Errorf("no %s calls counted", svc)
		}
	}
	if n := countOf(calls, "sqs", "CreateQueue", 200); n < 3 {
		t.Errorf("%d successful CreateQueue calls, want the JSON and query queues", n)
	}
	assertNothingLeft(t, inst, "kp-boto3")
}

// awsCLI runs the AWS CLI against one localaws endpoint.
type awsCLI struct {
	t        *testing.T
	endpoint string
	// dir holds the files passed with file:// and fileb://.
	dir string
}

func (a *awsCLI) command(args ...string) *exec.Cmd {
	cmd := exec.Command("aws", append([]string{"--endpoint-url", a.endpoint, "--output", "json"}, args...)...)
	cmd.Env = clientEnv()
	cmd.Dir = a.dir
	return cmd
}

// json runs a command that must succeed and decodes its JSON output (nil when there is none).
func (a *awsCLI) json(args ...string) map[string]any {
	a.t.Helper()
	var stderr strings.Builder
	cmd := a.command(args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	if strings.TrimSpace(string(out)) == "" {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		a.t.Fatalf("aws %s: %v in %q", strings.Join(args, " "), err, out)
	}
	return v
}

// text runs a command that must succeed and returns its output.
func (a *awsCLI) text(args ...string) string {
	a.t.Helper()
	out, err := a.command(args...).CombinedOutput()
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// failsWith runs a command that must fail with the given AWS error code.
func (a *awsCLI) failsWith(code string, args ...string) {
	a.t.Helper()
	if out, ok := a.tryFailsWith(code, args...); !ok {
		a.t.Fatalf("aws %s: %s; want the error %s", strings.Join(args, " "), out, code)
	}
}

// tryFailsWith reports whether a command failed with the given AWS error code, and its output.
func (a *awsCLI) tryFailsWith(code string, args ...string) (string, bool) {
	out, err := a.command(args...).CombinedOutput()
	var exit *exec.ExitError
	return string(out), errors.As(err, &exit) && strings.Contains(string(out), "("+code+")")
}

// file writes a file into the CLI's directory and returns its name.
func (a *awsCLI) file(name string, data []byte) string {
	a.t.Helper()
	must(a.t, os.WriteFile(filepath.Join(a.dir, name), data, 0o600), "writing "+name)
	return name
}

// get walks a decoded JSON value by map keys and list indexes.
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	cur := v
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok || m[k] == nil {
				t.Fatalf("no %v in %v", path[:i+1], v)
			}
			cur = m[k]
		case int:
			l, ok := cur.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("no %v in %v", path[:i+1], v)
			}
			cur = l[k]
		}
	}
	return cur
}

// str is get for a string value.
func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, ok := get(t, v, path...).(string)
	if !ok {
		t.Fatalf("%v in %v is not a string", path, v)
	}
	return s
}

// wantEqual fails the test unless got equals want.
func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %#v, want %#v", what, got, want)
	}
}

// decode parses a JSON document written by the test, for comparing with what the CLI reads back.
func decode(t *testing.T, doc string) any {
	t.Helper()
	var v any
	must(t, json.Unmarshal([]byte(doc), &v), "decoding "+doc)
	return v
}

// cliNetwork is what the CLI's network step created.
type cliNetwork struct {
	vpc, public, igw, eip, nat, group, endpoint string
	private, routeTables                        []string
}

const cliCIDR = "10.40.0.0/16"

func (a *awsCLI) buildNetwork(t *testing.T) cliNetwork {
	var n cliNetwork
	vpc := a.json("ec2", "create-vpc", "--cidr-block", cliCIDR, "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=kp-cli}]")
	n.vpc = str(t, vpc, "Vpc", "VpcId")
	wantEqual(t, "VPC CIDR", str(t, vpc, "Vpc", "CidrBlock"), cliCIDR)
	wantEqual(t, "VPC tags", get(t, vpc, "Vpc", "Tags"), []any{map[string]any{"Key": "Name", "Value": "kp-cli"}})
	a.json("ec2", "modify-vpc-attribute", "--vpc-id", n.vpc, "--enable-dns-support", `{"Value":true}`)
	a.json("ec2", "modify-vpc-attribute", "--vpc-id", n.vpc, "--enable-dns-hostnames", `{"Value":true}`)
	wantEqual(t, "enableDnsSupport", get(t, a.json("ec2", "describe-vpc-attribute", "--vpc-id", n.vpc, "--attribute", "enableDnsSupport"),
		"EnableDnsSupport", "Value"), true)
	wantEqual(t, "enableDnsHostnames", get(t, a.json("ec2", "describe-vpc-attribute", "--vpc-id", n.vpc, "--attribute", "enableDnsHostnames"),
		"EnableDnsHostnames", "Value"), true)
	zones := a.json("ec2", "describe-availability-zones")
	az := []string{str(t, zones, "AvailabilityZones", 0, "ZoneName"), str(t, zones, "AvailabilityZones", 1, "ZoneName")}

	n.public = str(t, a.json("ec2", "create-subnet", "--vpc-id", n.vpc, "--cidr-block", "10.40.0.0/24", "--availability-zone", az[0]),
		"Subnet", "SubnetId")
	a.json("ec2", "modify-subnet-attribute", "--subnet-id", n.public, "--map-public-ip-on-launch")
	wantEqual(t, "MapPublicIpOnLaunch", get(t, a.json("ec2", "describe-subnets", "--subnet-ids", n.public), "Subnets", 0, "MapPublicIpOnLaunch"), true)
	n.igw = str(t, a.json("ec2", "create-internet-gateway"), "InternetGateway", "InternetGatewayId")
	a.json("ec2", "attach-internet-gateway", "--internet-gateway-id", n.igw, "--vpc-id", n.vpc)
	wantEqual(t, "IGW attachments", get(t, a.json("ec2", "describe-internet-gateways", "--internet-gateway-ids", n.igw),
		"InternetGateways", 0, "Attachments"), []any{map[string]any{"State": "available", "VpcId": n.vpc}})
	n.eip = str(t, a.json("ec2", "allocate-address", "--domain", "vpc"), "AllocationId")
	nat := a.json("ec2", "create-nat-gateway", "--subnet-id", n.public, "--allocation-id", n.eip)
	n.nat = str(t, nat, "NatGateway", "NatGatewayId")
	wantEqual(t, "new NAT gateway state", str(t, nat, "NatGateway", "State"), "pending")
	a.text("ec2", "wait", "nat-gateway-available", "--nat-gateway-ids", n.nat)
	nats := a.json("ec2", "describe-nat-gateways", "--nat-gateway-ids", n.nat)
	wantEqual(t, "NAT gateway state", str(t, nats, "NatGateways", 0, "State"), "available")
	wantEqual(t, "NAT gateway address", str(t, nats, "NatGateways", 0, "NatGatewayAddresses", 0, "AllocationId"), n.eip)

	for i, zone := range az {
		n.private = append(n.private, str(t, a.json("ec2", "create-subnet", "--vpc-id", n.vpc,
			"--cidr-block", fmt.Sprintf("10.40.%d.0/24", i+1), "--availability-zone", zone), "Subnet", "SubnetId"))
	}
	route := func(subnets []string, target ...string) string {
		rt := str(t, a.json("ec2", "create-route-table", "--vpc-id", n.vpc), "RouteTable", "RouteTableId")
		wantEqual(t, "CreateRoute", get(t, a.json(append([]string{"ec2", "create-route", "--route-table-id", rt,
			"--destination-cidr-block", "0.0.0.0/0"}, target...)...), "Return"), true)
		for _, s := range subnets {
			wantEqual(t, "association state", str(t, a.json("ec2", "associate-route-table", "--route-table-id", rt, "--subnet-id", s),
				"AssociationState", "State"), "associated")
		}
		n.routeTables = append(n.routeTables, rt)
		return rt
	}
	route([]string{n.public}, "--gateway-id", n.igw)
	private := route(n.private, "--nat-gateway-id", n.nat)
	rt := a.json("ec2", "describe-route-tables", "--route-table-ids", private)
	wantEqual(t, "private default route", str(t, rt, "RouteTables", 0, "Routes", 1, "NatGatewayId"), n.nat)
	wantEqual(t, "private associations", len(get(t, rt, "RouteTables", 0, "Associations").([]any)), 2)

	n.group = str(t, a.json("ec2", "create-security-group", "--group-name", "kp-cli-msk", "--description", "MSK IAM clients",
		"--vpc-id", n.vpc), "GroupId")
	a.json("ec2", "authorize-security-group-ingress", "--group-id", n.group, "--protocol", "tcp", "--port", "9098", "--cidr", cliCIDR)
	perm := get(t, a.json("ec2", "describe-security-groups", "--group-ids", n.group), "SecurityGroups", 0, "IpPermissions", 0)
	wantEqual(t, "ingress port", []any{get(t, perm, "FromPort"), get(t, perm, "ToPort"), str(t, perm, "IpRanges", 0, "CidrIp")},
		[]any{9098.0, 9098.0, cliCIDR})

	ep := a.json("ec2", "create-vpc-endpoint", "--vpc-id", n.vpc, "--vpc-endpoint-type", "Interface",
		"--service-name", "com.amazonaws.us-east-1.lambda", "--subnet-ids", n.private[0], n.private[1], "--security-group-ids", n.group)
	n.endpoint = str(t, ep, "VpcEndpoint", "VpcEndpointId")
	wantEqual(t, "endpoint", []any{get(t, ep, "VpcEndpoint", "VpcEndpointType"), get(t, ep, "VpcEndpoint", "PrivateDnsEnabled"),
		get(t, ep, "VpcEndpoint", "Groups", 0, "GroupId"), len(get(t, ep, "VpcEndpoint", "SubnetIds").([]any))},
		[]any{"Interface", true, n.group, 2})
	a.pollState(t, "available", []any{"VpcEndpoints", 0, "State"}, "ec2", "describe-vpc-endpoints",
		"--filters", "Name=vpc-id,Values="+n.vpc, "Name=service-name,Values=com.amazonaws.us-east-1.lambda")

	a.failsWith("DependencyViolation", "ec2", "delete-vpc", "--vpc-id", n.vpc)
	return n
}

func (a *awsCLI) deleteNetwork(t *testing.T, n cliNetwork) {
	a.json("ec2", "delete-nat-gateway", "--nat-gateway-id", n.nat)
	a.text("ec2", "wait", "nat-gateway-deleted", "--nat-gateway-ids", n.nat)
	a.json("ec2", "release-address", "--allocation-id", n.eip)
	for _, rt := range n.routeTables {
		for _, assoc := range get(t, a.json("ec2", "describe-route-tables", "--route-table-ids", rt), "RouteTables", 0, "Associations").([]any) {
			a.json("ec2", "disassociate-route-table", "--association-id", str(t, assoc, "RouteTableAssociationId"))
		}
		a.json("ec2", "delete-route", "--route-table-id", rt, "--destination-cidr-block", "0.0.0.0/0")
		a.json("ec2", "delete-route-table", "--route-table-id", rt)
	}
	a.json("ec2", "detach-internet-gateway", "--internet-gateway-id", n.igw, "--vpc-id", n.vpc)
	a.json("ec2", "delete-internet-gateway", "--internet-gateway-id", n.igw)
	wantEqual(t, "endpoint deletion", get(t, a.json("ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", n.endpoint), "Unsuccessful"), []any{})
	a.json("ec2", "delete-security-group", "--group-id", n.group)
	for _, s := range append([]string{n.public}, n.private...) {
		a.json("ec2", "delete-subnet", "--subnet-id", s)
	}
	a.json("ec2", "delete-vpc", "--vpc-id", n.vpc)
	a.failsWith("InvalidVpcID.NotFound", "ec2", "describe-vpcs", "--vpc-ids", n.vpc)
	a.failsWith("InvalidGroup.NotFound", "ec2", "describe-security-groups", "--group-ids", n.group)
}

// pollState runs a describe command until the value at path equals want.
func (a *awsCLI) pollState(t *testing.T, want string, path []any, args ...string) map[string]any {
	var last map[string]any
	eventually(t, 2*time.Minute, strings.Join(args, " ")+" reaching "+want, func() (bool, string) {
		last = a.json(args...)
		got := str(t, last, path...)
		return got == want, got
	})
	return last
}

// pollGone runs a describe command until it fails with code.
func (a *awsCLI) pollGone(t *testing.T, code string, args ...string) {
	eventually(t, 2*time.Minute, strings.Join(args, " ")+" answering "+code, func() (bool, string) {
		out, ok := a.tryFailsWith(code, args...)
		return ok, out
	})
}

func TestConformanceAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH")
	}
	t.Parallel()
	// The CLI's NAT gateway waiters poll every 15 s, so NAT gateways change state at once here; the other
	// transitions take long enough for the polls below to see them in progress.
	inst := conformanceServer(t, map[lifecycle.Kind]time.Duration{
		lifecycle.NatGatewayCreate: 0, lifecycle.NatGatewayDelete: 0,
		lifecycle.ClusterCreate: 2 * time.Second, lifecycle.ClusterDelete: time.Second,
		lifecycle.FunctionCreate: 1500 * time.Millisecond,
	})
	ctx := context.Background()
	admin := adminclient.New(inst.Endpoint)
	a := &awsCLI{t: t, endpoint: inst.Endpoint, dir: t.TempDir()}
	const region, account = "us-east-1", "000000000000"

	wantEqual(t, "caller account", str(t, a.json("sts", "get-caller-identity"), "Account"), account)
	net := a.buildNetwork(t)

	// MSK Serverless with IAM authentication; the CLI has no kafka waiter, so poll.
	serverless := fmt.Sprintf(`{"VpcConfigs":[{"SubnetIds":["%s","%s"],"SecurityGroupIds":["%s"]}],`+
		`"ClientAuthentication":{"Sasl":{"Iam":{"Enabled":true}}}}`, net.private[0], net.private[1], net.group)
	created := a.json("kafka", "create-cluster-v2", "--cluster-name", "kp-cli", "--serverless", serverless, "--tags", "owner=conformance")
	cluster := str(t, created, "ClusterArn")
	wantEqual(t, "new cluster", []string{str(t, created, "State"), str(t, created, "ClusterType")}, []string{"CREATING", "SERVERLESS"})
	info := a.pollState(t, "ACTIVE", []any{"ClusterInfo", "State"}, "kafka", "describe-cluster-v2", "--cluster-arn", cluster)
	wantEqual(t, "cluster IAM auth", get(t, info, "ClusterInfo", "Serverless", "ClientAuthentication", "Sasl", "Iam", "Enabled"), true)
	wantEqual(t, "cluster tags", get(t, info, "ClusterInfo", "Tags"), map[string]any{"owner": "conformance"})
	if brokers := str(t, a.json("kafka", "get-bootstrap-brokers", "--cluster-arn", cluster), "BootstrapBrokerStringSaslIam"); !strings.Contains(brokers, ":") {
		t.Fatalf("BootstrapBrokerStringSaslIam = %q", brokers)
	}

	// The dead-letter queue with 14-day retention (SQS over JSON, as this CLI speaks it).
	queueURL := str(t, a.json("sqs", "create-queue", "--queue-name", "kp-cli-dlq", "--attributes", "MessageRetentionPeriod=1209600",
		"--tags", "owner=conformance"), "QueueUrl")
	wantEqual(t, "queue URL", queueURL, a.endpoint+"/"+account+"/kp-cli-dlq")
	attrs := a.json("sqs", "get-queue-attributes", "--queue-url", queueURL, "--attribute-names", "All")
	queueARN := "arn:aws:sqs:" + region + ":" + account + ":kp-cli-dlq"
	wantEqual(t, "queue attributes", []string{str(t, attrs, "Attributes", "MessageRetentionPeriod"), str(t, attrs, "Attributes", "QueueArn")},
		[]string{"1209600", queueARN})
	wantEqual(t, "queue tags", get(t, a.json("sqs", "list-queue-tags", "--queue-url", queueURL), "Tags"), map[string]any{"owner": "conformance"})

	// Roles: trust and inline policies read back as written.
	fnARN := "arn:aws:lambda:" + region + ":" + account + ":function:kp-cli-fn"
	fnTrust := trustPolicy("lambda.amazonaws.com")
	fnPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",` +
		`"logs:PutLogEvents"],"Resource":"arn:aws:logs:` + region + `:` + account + `:log-group:/aws/lambda/kp-cli-fn:*"},` +
		`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + queueARN + `"}]}`
	fnRole := a.createRole(t, "kp-cli-fn-role", fnTrust, "function", fnPolicy)
	a.failsWith("EntityAlreadyExists", "iam", "create-role", "--role-name", "kp-cli-fn-role",
		"--assume-role-policy-document", "file://"+a.file("again.json", []byte(fnTrust)))

	// Functions: from a zip and from S3, with the dead-letter queue and the asynchronous invoke configuration.
	zipName := a.file("fn.zip", tinyZip(t))
	hour, none := "1h", "0s"
	_, err := admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: &hour})
	must(t, err, "set propagation delay")
	a.failsWith("InvalidParameterValueException", "lambda", "create-function", "--function-name", "kp-cli-fn",
		"--runtime", "provided.al2023", "--handler", "bootstrap", "--role", fnRole, "--zip-file", "fileb://"+zipName)
	_, err = admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: &none})
	must(t, err, "clear propagation delay")
	fn := a.json("lambda", "create-function", "--function-name", "kp-cli-fn", "--runtime", "provided.al2023", "--handler", "bootstrap",
		"--role", fnRole, "--zip-file", "fileb://"+zipName, "--dead-letter-config", "TargetArn="+queueARN, "--tags", "owner=conformance")
	wantEqual(t, "new function", []string{str(t, fn, "FunctionArn"), str(t, fn, "State")}, []string{fnARN, "Pending"})
	sha := str(t, fn, "CodeSha256")
	a.text("lambda", "wait", "function-active-v2", "--function-name", "kp-cli-fn")
	conf := a.json("lambda", "get-function-configuration", "--function-name", "kp-cli-fn")
	wantEqual(t, "function state and DLQ", []string{str(t, conf, "State"), str(t, conf, "DeadLetterConfig", "TargetArn")},
		[]string{"Active", queueARN})
	invoke := a.json("lambda", "put-function-event-invoke-config", "--function-name", "kp-cli-fn",
		"--maximum-retry-attempts", "2", "--maximum-event-age-in-seconds", "300")
	wantEqual(t, "invoke config", []any{get(t, invoke, "MaximumRetryAttempts"), get(t, invoke, "MaximumEventAgeInSeconds"),
		str(t, invoke, "FunctionArn")}, []any{2.0, 300.0, fnARN + ":$LATEST"})
	got := a.json("lambda", "get-function-event-invoke-config", "--function-name", "kp-cli-fn")
	wantEqual(t, "invoke config read back", []any{get(t, got, "MaximumRetryAttempts"), get(t, got, "MaximumEventAgeInSeconds")}, []any{2.0, 300.0})

	if out := a.text("s3", "mb", "s3://kp-cli-code"); !strings.Contains(out, "make_bucket: kp-cli-code") {
		t.Fatalf("s3 mb: %s", out)
	}
	a.text("s3", "cp", zipName, "s3://kp-cli-code/fn.zip")
	if out := a.text("s3", "ls", "s3://kp-cli-code"); !strings.Contains(out, "fn.zip") {
		t.Fatalf("s3 ls: %s", out)
	}
	fromS3 := a.json("lambda", "create-function", "--function-name", "kp-cli-fn-s3", "--runtime", "provided.al2023",
		"--handler", "bootstrap", "--role", fnRole, "--code", "S3Bucket=kp-cli-code,S3Key=fn.zip")
	wantEqual(t, "code from S3", str(t, fromS3, "CodeSha256"), sha)
	a.text("lambda", "wait", "function-active-v2", "--function-name", "kp-cli-fn-s3")

	// The pipe role (aws-semantics §5.1) and the pipe.
	clusterPart := strings.SplitN(cluster, ":cluster/", 2)[1]
	kafkaPrefix := "arn:aws:kafka:" + region + ":" + account + ":"
	pipeTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pipes.amazonaws.com"},` +
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `"}}}]}`
	pipePolicyDoc := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["kafka:DescribeClusterV2","kafka:GetBootstrapBrokers"],"Resource":"` + cluster + `"},` +
		`{"Effect":"Allow","Action":["kafka-cluster:Connect","kafka-cluster:DescribeGroup","kafka-cluster:AlterGroup",` +
		`"kafka-cluster:DescribeTopic","kafka-cluster:ReadData","kafka-cluster:DescribeClusterDynamicConfiguration"],` +
		`"Resource":["` + cluster + `","` + kafkaPrefix + `topic/` + clusterPart + `/test-topic","` + kafkaPrefix + `group/` + clusterPart + `/*"]},` +
		`{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeVpcs",` +
		`"ec2:DeleteNetworkInterface","ec2:DescribeSubnets","ec2:DescribeSecurityGroups"],"Resource":"*"},` +
		`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + fnARN + `","` + fnARN + `:*"]}]}`
	pipeRole := a.createRole(t, "kp-cli-pipe-role", pipeTrust, "pipe", pipePolicyDoc)

	pipeArgs := []string{"pipes", "create-pipe", "--name", "kp-cli-pipe", "--role-arn", pipeRole, "--source", cluster, "--target", fnARN,
		"--source-parameters", `{"ManagedStreamingKafkaParameters":{"TopicName":"test-topic","StartingPosition":"LATEST","BatchSize":10}}`,
		"--target-parameters", `{"LambdaFunctionParameters":{"InvocationType":"FIRE_AND_FORGET"}}`, "--tags", "owner=conformance"}
	pipe := a.json(pipeArgs...)
	pipeARN := "arn:aws:pipes:" + region + ":" + account + ":pipe/kp-cli-pipe"
	wantEqual(t, "new pipe", []string{str(t, pipe, "Arn"), str(t, pipe, "DesiredState"), str(t, pipe, "CurrentState")},
		[]string{pipeARN, "RUNNING", "CREATING"})
	a.failsWith("ConflictException", pipeArgs...)
	described := a.pollState(t, "RUNNING", []any{"CurrentState"}, "pipes", "describe-pipe", "--name", "kp-cli-pipe")
	wantEqual(t, "pipe source parameters", get(t, described, "SourceParameters", "ManagedStreamingKafkaParameters", "BatchSize"), 10.0)
	wantEqual(t, "pipe topic", str(t, described, "SourceParameters", "ManagedStreamingKafkaParameters", "TopicName"), "test-topic")
	wantEqual(t, "pipe starting position", str(t, described, "SourceParameters", "ManagedStreamingKafkaParameters", "StartingPosition"), "LATEST")
	wantEqual(t, "pipe invocation type", str(t, described, "TargetParameters", "LambdaFunctionParameters", "InvocationType"), "FIRE_AND_FORGET")
	wantEqual(t, "pipe tags", get(t, a.json("pipes", "list-tags-for-resource", "--resource-arn", pipeARN), "tags"),
		map[string]any{"owner": "conformance"})

	// Everything goes, in reverse.
	deleting := a.json("pipes", "delete-pipe", "--name", "kp-cli-pipe")
	wantEqual(t, "deleting pipe", []string{str(t, deleting, "DesiredState"), str(t, deleting, "CurrentState")}, []string{"DELETED", "DELETING"})
	a.pollGone(t, "NotFoundException", "pipes", "describe-pipe", "--name", "kp-cli-pipe")
	a.deleteRole(t, "kp-cli-pipe-role", "pipe")

	a.json("lambda", "delete-function-event-invoke-config", "--function-name", "kp-cli-fn")
	a.failsWith("ResourceNotFoundException", "lambda", "get-function-event-invoke-config", "--function-name", "kp-cli-fn")
	for _, name := range []string{"kp-cli-fn", "kp-cli-fn-s3"} {
		a.json("lambda", "delete-function", "--function-name", name)
		a.failsWith("ResourceNotFoundException", "lambda", "get-function", "--function-name", name)
	}
	a.failsWith("BucketNotEmpty", "s3", "rb", "s3://kp-cli-code")
	a.text("s3", "rm", "s3://kp-cli-code/fn.zip")
	a.text("s3", "rb", "s3://kp-cli-code")
	if out := a.text("s3", "ls"); strings.Contains(out, "kp-cli-code") {
		t.Fatalf("bucket still listed: %s", out)
	}
	a.deleteRole(t, "kp-cli-fn-role", "function")

	a.json("sqs", "delete-queue", "--queue-url", queueURL)
	a.failsWith("AWS.SimpleQueueService.NonExistentQueue", "sqs", "get-queue-url", "--queue-name", "kp-cli-dlq")
	a.failsWith("AWS.SimpleQueueService.QueueDeletedRecently", "sqs", "create-queue", "--queue-name", "kp-cli-dlq")

	wantEqual(t, "deleting cluster", str(t, a.json("kafka", "delete-cluster", "--cluster-arn", cluster), "State"), "DELETING")
	a.pollGone(t, "NotFoundException", "kafka", "describe-cluster-v2", "--cluster-arn", cluster)

	a.deleteNetwork(t, net)
	assertNothingLeft(t, inst, "kp-cli")
}

// createRole creates a role under /kafkapipeline/ with one inline policy through the CLI and checks that
// both policies read back as written.
func (a *awsCLI) createRole(t *testing.T, name, trust, policyName, policy string) string {
	role := a.json("iam", "create-role", "--role-name", name, "--path", "/kafkapipeline/",
		"--assume-role-policy-document", "file://"+a.file(name+"-trust.json", []byte(trust)), "--tags", "Key=owner,Value=conformance")
	arn := str(t, role, "Role", "Arn")
	wantEqual(t, "role ARN", arn, "arn:aws:iam::000000000000:role/kafkapipeline/"+name)
	a.json("iam", "put-role-policy", "--role-name", name, "--policy-name", policyName,
		"--policy-document", "file://"+a.file(name+"-policy.json", []byte(policy)))
	wantEqual(t, name+" trust policy", get(t, a.json("iam", "get-role", "--role-name", name), "Role", "AssumeRolePolicyDocument"), decode(t, trust))
	wantEqual(t, name+" inline policy", get(t, a.json("iam", "get-role-policy", "--role-name", name, "--policy-name", policyName),
		"PolicyDocument"), decode(t, policy))
	wantEqual(t, name+" policy names", get(t, a.json("iam", "list-role-policies", "--role-name", name), "PolicyNames"), []any{policyName})
	return arn
}

// deleteRole checks that a role with an inline policy cannot be deleted, then deletes the policy and the role.
func (a *awsCLI) deleteRole(t *testing.T, name, policyName string) {
	a.failsWith("DeleteConflict", "iam", "delete-role", "--role-name", name)
	a.json("iam", "delete-role-policy", "--role-name", name, "--policy-name", policyName)
	a.json("iam", "delete-role", "--role-name", name)
	a.failsWith("NoSuchEntity", "iam", "get-role", "--role-name", name)
}

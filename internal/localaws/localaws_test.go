package localaws_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// allServices are the signing names the assembled server answers for, sorted.
var allServices = []string{"ec2", "iam", "kafka", "lambda", "logs", "pipes", "s3", "sqs", "sts"}

// startLocalAWS starts localaws on a free 127.0.0.1 port and stops it when the test ends.
func startLocalAWS(t testing.TB, opts localaws.Options) *localaws.Instance {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	inst, err := localaws.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting localaws: %v", err)
	}
	t.Cleanup(func() {
		if err := inst.Stop(); err != nil {
			t.Errorf("stopping localaws: %v", err)
		}
	})
	return inst
}

// sdkConfig is the aws.Config real SDK clients use to reach inst, making up to maxAttempts attempts per
// call with a short backoff and no client-side retry quota, so retried faults finish quickly.
func sdkConfig(inst *localaws.Instance, maxAttempts int) aws.Config {
	cfg := lawstest.Config(inst.Endpoint)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = 50 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	}
	return cfg
}

// clients are real SDK clients for every emulated service.
type clients struct {
	kafka  *kafkasdk.Client
	pipes  *pipessdk.Client
	lambda *lambdasdk.Client
	sqs    *sqssdk.Client
	iam    *iamsdk.Client
	sts    *stssdk.Client
	ec2    *ec2sdk.Client
	s3     *s3sdk.Client
	logs   *logssdk.Client
}

func newClients(cfg aws.Config) clients {
	return clients{
		kafka: kafkasdk.NewFromConfig(cfg), pipes: pipessdk.NewFromConfig(cfg), lambda: lambdasdk.NewFromConfig(cfg),
		sqs: sqssdk.NewFromConfig(cfg), iam: iamsdk.NewFromConfig(cfg), sts: stssdk.NewFromConfig(cfg),
		ec2: ec2sdk.NewFromConfig(cfg), logs: logssdk.NewFromConfig(cfg),
		s3: s3sdk.NewFromConfig(cfg, func(o *s3sdk.Options) { o.UsePathStyle = true }),
	}
}

// eventually polls cond every 100 ms until it reports done, failing the test with cond's last words when
// timeout passes first.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (done bool, last string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		done, last := cond()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done after %s; last: %s", what, timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// must fails the test when err is not nil.
func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantAPIError fails the test unless err is (or wraps) an error of target's type.
func wantAPIError[T error](t testing.TB, err error, what string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: error %v (%T), want %T", what, err, err, target)
	}
	return target
}

// httpStatus is the HTTP status of the response an SDK error came from, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// countOf is how many calls of service/operation answered status.
func countOf(calls adminclient.Calls, service, operation string, status int) int64 {
	for _, c := range calls {
		if c.Service == service && c.Operation == operation && c.Status == status {
			return c.Count
		}
	}
	return 0
}

// probe is one cheap read-only call of a service, used to check routing, faults and quotas per service.
type probe struct {
	service, operation string
	// throttleStatus is the HTTP status of the service's throttling error.
	throttleStatus int
	call           func(ctx context.Context, c clients) error
}

var probes = []probe{
	{"kafka", "ListClustersV2", http.StatusTooManyRequests, func(ctx context.Context, c clients) error {
		_, err := c.kafka.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{})
		return err
	}},
	{"pipes", "ListPipes", http.StatusTooManyRequests, func(ctx context.Context, c clients) error {
		_, err := c.pipes.ListPipes(ctx, &pipessdk.ListPipesInput{})
		return err
	}},
	{"lambda", "ListFunctions", http.StatusTooManyRequests, func(ctx context.Context, c clients) error {
		_, err := c.lambda.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{})
		return err
	}},
	{"sqs", "ListQueues", http.StatusForbidden, func(ctx context.Context, c clients) error {
		_, err := c.sqs.ListQueues(ctx, &sqssdk.ListQueuesInput{})
		return err
	}},
	{"iam", "ListRoles", http.StatusBadRequest, func(ctx context.Context, c clients) error {
		_, err := c.iam.ListRoles(ctx, &iamsdk.ListRolesInput{})
		return err
	}},
	{"sts", "GetCallerIdentity", http.StatusBadRequest, func(ctx context.Context, c clients) error {
		_, err := c.sts.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
		return err
	}},
	{"ec2", "DescribeVpcs", http.StatusServiceUnavailable, func(ctx context.Context, c clients) error {
		_, err := c.ec2.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{})
		return err
	}},
	{"s3", "ListBuckets", http.StatusServiceUnavailable, func(ctx context.Context, c clients) error {
		_, err := c.s3.ListBuckets(ctx, &s3sdk.ListBucketsInput{})
		return err
	}},
	{"logs", "DescribeLogGroups", http.StatusBadRequest, func(ctx context.Context, c clients) error {
		_, err := c.logs.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{})
		return err
	}},
}

func TestStartServesEveryServiceAndStops(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	if !strings.HasPrefix(inst.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("Endpoint = %q, want http://127.0.0.1:<port>", inst.Endpoint)
	}
	admin := adminclient.New(inst.Endpoint)
	h, err := admin.Health(ctx)
	must(t, err, "health")
	if h.Status != "ok" || h.Region != "us-east-1" || h.AccountID != "000000000000" ||
		strings.Join(h.Services, ",") != strings.Join(allServices, ",") {
		t.Fatalf("health = %+v, want ok, us-east-1, 000000000000 and services %v", h, allServices)
	}

	must(t, inst.Stop(), "Stop")
	must(t, inst.Stop(), "second Stop")
	if _, err := admin.Health(ctx); err == nil {
		t.Fatal("health answered after Stop")
	}
}

func TestStartWithRegionAndAccount(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant", Region: "eu-central-1", AccountID: "123456789012"})
	h, err := adminclient.New(inst.Endpoint).Health(ctx)
	must(t, err, "health")
	if h.Region != "eu-central-1" || h.AccountID != "123456789012" {
		t.Fatalf("health = %+v, want eu-central-1 and 123456789012", h)
	}
	c := newClients(sdkConfig(inst, 1))
	id, err := c.sts.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	must(t, err, "GetCallerIdentity")
	if aws.ToString(id.Account) != "123456789012" {
		t.Fatalf("GetCallerIdentity account = %q, want 123456789012", aws.ToString(id.Account))
	}
	q, err := c.sqs.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("acct")})
	must(t, err, "CreateQueue")
	// The client signs for us-east-1, so the queue lives there whatever the default region.
	if got := aws.ToString(q.QueueUrl); got != inst.Endpoint+"/123456789012/acct" {
		t.Fatalf("QueueUrl = %q, want the endpoint's host", got)
	}
}

func TestAWSQueueURLs(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant", AWSQueueURLs: true})
	c := newClients(sdkConfig(inst, 1))
	q, err := c.sqs.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("aws-format")})
	must(t, err, "CreateQueue")
	if got := aws.ToString(q.QueueUrl); got != "https://sqs.us-east-1.amazonaws.com/000000000000/aws-format" {
		t.Fatalf("QueueUrl = %q, want AWS's format", got)
	}
	// Requests still find the queue by the URL's path.
	_, err = c.sqs.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
	must(t, err, "SendMessage")
}

func TestStartStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inst, err := localaws.Start(ctx, localaws.Options{Addr: "127.0.0.1:0", Profile: "instant"})
	must(t, err, "Start")
	t.Cleanup(func() { _ = inst.Stop() })
	admin := adminclient.New(inst.Endpoint)
	_, err = admin.Health(context.Background())
	must(t, err, "health")
	cancel()
	eventually(t, 10*time.Second, "the server stops after its context ends", func() (bool, string) {
		_, err := admin.Health(context.Background())
		return err != nil, "health still answers"
	})
}

func TestStartRefusesBadOptions(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err, "listen")
	defer busy.Close()
	for name, opts := range map[string]localaws.Options{
		"unknown profile": {Addr: "127.0.0.1:0", Profile: "glacial"},
		"unknown kind":    {Addr: "127.0.0.1:0", Overrides: map[lifecycle.Kind]time.Duration{"queue.create": time.Second}},
		"address in use":  {Addr: busy.Addr().String(), Profile: "instant"},
		"invalid address": {Addr: "127.0.0.1:notaport", Profile: "instant"},
	} {
		t.Run(name, func(t *testing.T) {
			inst, err := localaws.Start(context.Background(), opts)
			if err == nil {
				_ = inst.Stop()
				t.Fatalf("Start(%+v) succeeded, want an error", opts)
			}
		})
	}
}

func TestStartAppliesProfileOverridesAndPropagation(t *testing.T) {
	inst := startLocalAWS(t, localaws.Options{Profile: "fast", PropagationDelay: 7 * time.Second,
		Overrides: map[lifecycle.Kind]time.Duration{lifecycle.ClusterCreate: 250 * time.Millisecond}})
	cfg, err := adminclient.New(inst.Endpoint).Config(context.Background())
	must(t, err, "config")
	tm := cfg.Timings
	if tm.Profile != "fast" || tm.Propagation != "7s" || tm.Overrides[lifecycle.ClusterCreate] != "250ms" ||
		tm.Effective[lifecycle.ClusterCreate] != "250ms" || tm.Effective[lifecycle.PipeCreate] != "2s" {
		t.Fatalf("timings = %+v, want fast with cluster.create 250ms, pipe.create 2s and 7s propagation", tm)
	}
}

func TestRoutingByCredentialScope(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))
	for _, p := range probes {
		must(t, p.call(ctx, c), p.service+" "+p.operation)
	}
	calls, err := admin.Calls(ctx)
	must(t, err, "calls")
	for _, p := range probes {
		if n := countOf(calls, p.service, p.operation, http.StatusOK); n != 1 {
			t.Errorf("%s %s answered 200 %d times, want 1 (calls %+v)", p.service, p.operation, n, calls)
		}
	}
	if calls.Total() != int64(len(probes)) {
		t.Errorf("%d calls counted, want %d: %+v", calls.Total(), len(probes), calls)
	}

	// The region comes from the credential scope too: a queue made in eu-west-1 is not in us-east-1.
	euCfg := sdkConfig(inst, 1)
	euCfg.Region = "eu-west-1"
	eu := sqssdk.NewFromConfig(euCfg)
	q, err := eu.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("regional")})
	must(t, err, "CreateQueue in eu-west-1")
	if got := aws.ToString(q.QueueUrl); got != inst.Endpoint+"/000000000000/regional" {
		t.Fatalf("QueueUrl = %q", got)
	}
	_, err = c.sqs.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("regional")})
	wantAPIError[*sqstypes.QueueDoesNotExist](t, err, "GetQueueUrl in us-east-1 of a queue made in eu-west-1")
}

// rawCall sends an HTTP request to inst signed (by header only) for service in us-east-1; an empty service
// sends no Authorization header.
func rawCall(t *testing.T, inst *localaws.Instance, method, path, service, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, inst.Endpoint+path, strings.NewReader(body))
	must(t, err, "request")
	if service != "" {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260102/us-east-1/"+service+
			"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err, method+" "+path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err, "reading the answer")
	return resp, string(b)
}

func TestUnknownServiceAndAdminPath(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})

	resp, body := rawCall(t, inst, http.MethodPost, "/", "dynamodb", "application/x-amz-json-1.0", "{}")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-Errortype") != "UnrecognizedClientException" ||
		!strings.Contains(body, `dynamodb`) {
		t.Fatalf("dynamodb request: %d %v %s, want 400 UnrecognizedClientException naming dynamodb", resp.StatusCode, resp.Header, body)
	}
	resp, body = rawCall(t, inst, http.MethodGet, "/", "", "", "")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-Errortype") != "UnrecognizedClientException" {
		t.Fatalf("unsigned request without protocol markers: %d %s", resp.StatusCode, body)
	}
	// An unsigned awsJson request is still routed by its target prefix.
	req, err := http.NewRequest(http.MethodPost, inst.Endpoint+"/", strings.NewReader("{}"))
	must(t, err, "request")
	req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	unsigned, err := http.DefaultClient.Do(req)
	must(t, err, "unsigned ListQueues")
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusOK {
		t.Fatalf("unsigned ListQueues: %d, want 200", unsigned.StatusCode)
	}

	calls, err := adminclient.New(inst.Endpoint).Calls(ctx)
	must(t, err, "calls")
	if countOf(calls, "dynamodb", "Unknown", http.StatusBadRequest) != 1 || countOf(calls, "sqs", "ListQueues", http.StatusOK) != 1 {
		t.Fatalf("calls = %+v, want dynamodb Unknown 400 and sqs ListQueues 200", calls)
	}
	resp, body = rawCall(t, inst, http.MethodGet, "/_localaws/nothing", "", "", "")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "no admin endpoint") {
		t.Fatalf("unknown admin endpoint: %d %s", resp.StatusCode, body)
	}
}

// network creates a VPC with two private subnets in two zones and a security group, as MSK needs.
func network(t testing.TB, ctx context.Context, c clients) (subnets []string, group string) {
	t.Helper()
	vpc, err := c.ec2.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	must(t, err, "CreateVpc")
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := c.ec2.CreateSubnet(ctx, &ec2sdk.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(zone),
			CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i+1))})
		must(t, err, "CreateSubnet")
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	sg, err := c.ec2.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("msk"), Description: aws.String("MSK clients")})
	must(t, err, "CreateSecurityGroup")
	_, err = c.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(9098), ToPort: aws.Int32(9098),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}}}}})
	must(t, err, "AuthorizeSecurityGroupIngress")
	return subnets, aws.ToString(sg.GroupId)
}

// createCluster starts creating an MSK Serverless cluster with IAM authentication and returns its ARN.
func createCluster(t testing.TB, ctx context.Context, c clients, name string, subnets []string, group string) string {
	t.Helper()
	out, err := c.kafka.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String(name),
		Serverless: &kafkatypes.ServerlessRequest{
			VpcConfigs: []kafkatypes.VpcConfig{{SubnetIds: subnets, SecurityGroupIds: []string{group}}},
			ClientAuthentication: &kafkatypes.ServerlessClientAuthentication{
				Sasl: &kafkatypes.ServerlessSasl{Iam: &kafkatypes.Iam{Enabled: aws.Bool(true)}}}}})
	must(t, err, "CreateClusterV2 "+name)
	if out.State != kafkatypes.ClusterStateCreating {
		t.Fatalf("CreateClusterV2 %s state = %s, want CREATING", name, out.State)
	}
	return aws.ToString(out.ClusterArn)
}

// clusterState is the state DescribeClusterV2 reports.
func clusterState(t testing.TB, ctx context.Context, c clients, arn string) kafkatypes.ClusterState {
	t.Helper()
	out, err := c.kafka.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(arn)})
	must(t, err, "DescribeClusterV2")
	return out.ClusterInfo.State
}

// waitCluster polls until the cluster is ACTIVE.
func waitCluster(t testing.TB, ctx context.Context, c clients, arn string) {
	t.Helper()
	eventually(t, 30*time.Second, "cluster "+arn+" ACTIVE", func() (bool, string) {
		s := clusterState(t, ctx, c, arn)
		return s == kafkatypes.ClusterStateActive, string(s)
	})
}

// trustPolicy lets one AWS service principal assume a role.
func trustPolicy(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + principal +
		`"},"Action":"sts:AssumeRole"}]}`
}

// createRole creates a role under /kafkapipeline/ that principal may assume, with one inline policy.
func createRole(t testing.TB, ctx context.Context, c clients, name, principal, policy string) string {
	t.Helper()
	out, err := c.iam.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/kafkapipeline/"),
		AssumeRolePolicyDocument: aws.String(trustPolicy(principal))})
	must(t, err, "CreateRole "+name)
	_, err = c.iam.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(policy)})
	must(t, err, "PutRolePolicy "+name)
	return aws.ToString(out.Role.Arn)
}

// functionPolicy is a Lambda execution policy: logs only.
const functionPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",` +
	`"logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`

// pipePolicy is the pipe execution policy of aws-semantics §5.1 for any cluster and function.
const pipePolicy = `{"Version":"2012-10-17","Statement":[` +
	`{"Effect":"Allow","Action":["kafka:DescribeClusterV2","kafka:GetBootstrapBrokers"],"Resource":"*"},` +
	`{"Effect":"Allow","Action":["kafka-cluster:Connect","kafka-cluster:DescribeGroup","kafka-cluster:AlterGroup",` +
	`"kafka-cluster:DescribeTopic","kafka-cluster:ReadData","kafka-cluster:DescribeClusterDynamicConfiguration"],"Resource":"*"},` +
	`{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeVpcs",` +
	`"ec2:DeleteNetworkInterface","ec2:DescribeSubnets","ec2:DescribeSecurityGroups"],"Resource":"*"},` +
	`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`

// tinyZip is a deployment package holding a file named bootstrap.
func tinyZip(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("bootstrap")
	must(t, err, "zip entry")
	_, err = w.Write([]byte("#!/bin/sh\necho not run by these tests\n"))
	must(t, err, "zip entry")
	must(t, zw.Close(), "zip")
	return buf.Bytes()
}

// createFunction creates a provided.al2023 function from tinyZip and returns its ARN.
func createFunction(ctx context.Context, c clients, name, role string, zip []byte) (string, error) {
	out, err := c.lambda.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String(name),
		Role: aws.String(role), Runtime: lambdatypes.Runtime("provided.al2023"), Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: zip}})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.FunctionArn), nil
}

// waitFunction waits for a function to be Active with the SDK's own waiter.
func waitFunction(t testing.TB, ctx context.Context, c clients, name string) {
	t.Helper()
	w := lambdasdk.NewFunctionActiveV2Waiter(c.lambda, func(o *lambdasdk.FunctionActiveV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	must(t, w.Wait(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String(name)}, 30*time.Second), "function "+name+" Active")
}

// stack is a RUNNING pipe from an MSK topic to a function, with everything it needs.
type stack struct {
	function, pipe string
}

// buildStack creates the network, an ACTIVE cluster, both roles, an Active function and a RUNNING pipe.
func buildStack(t testing.TB, ctx context.Context, c clients) stack {
	t.Helper()
	subnets, group := network(t, ctx, c)
	cluster := createCluster(t, ctx, c, "bench", subnets, group)
	waitCluster(t, ctx, c, cluster)
	fnRole := createRole(t, ctx, c, "bench-fn", "lambda.amazonaws.com", functionPolicy)
	pipeRole := createRole(t, ctx, c, "bench-pipe", "pipes.amazonaws.com", pipePolicy)
	fn, err := createFunction(ctx, c, "bench-fn", fnRole, tinyZip(t))
	must(t, err, "CreateFunction")
	waitFunction(t, ctx, c, "bench-fn")
	_, err = c.pipes.CreatePipe(ctx, &pipessdk.CreatePipeInput{Name: aws.String("bench-pipe"), RoleArn: aws.String(pipeRole),
		Source: aws.String(cluster), Target: aws.String(fn),
		SourceParameters: &pipestypes.PipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.PipeSourceManagedStreamingKafkaParameters{
			TopicName: aws.String("test-topic"), StartingPosition: pipestypes.MSKStartPositionLatest, BatchSize: aws.Int32(10)}},
		TargetParameters: &pipestypes.PipeTargetParameters{LambdaFunctionParameters: &pipestypes.PipeTargetLambdaFunctionParameters{
			InvocationType: pipestypes.PipeTargetInvocationTypeFireAndForget}}})
	must(t, err, "CreatePipe")
	eventually(t, 30*time.Second, "pipe RUNNING", func() (bool, string) {
		out, err := c.pipes.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String("bench-pipe")})
		must(t, err, "DescribePipe")
		return out.CurrentState == pipestypes.PipeStateRunning, string(out.CurrentState) + " " + aws.ToString(out.StateReason)
	})
	return stack{function: fn, pipe: "bench-pipe"}
}

func TestAdminStateCountersAndReset(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))

	_, err := c.sqs.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("state-q")})
	must(t, err, "CreateQueue")
	createRole(t, ctx, c, "state-role", "lambda.amazonaws.com", functionPolicy)
	_, err = c.s3.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("state-bucket")})
	must(t, err, "CreateBucket")
	_, err = c.logs.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/state-fn")})
	must(t, err, "CreateLogGroup")
	_, err = c.sqs.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("absent")})
	wantAPIError[*sqstypes.QueueDoesNotExist](t, err, "GetQueueUrl absent")

	var state map[string]json.RawMessage
	must(t, admin.State(ctx, &state), "state")
	for _, svc := range allServices {
		if _, ok := state[svc]; !ok {
			t.Errorf("state dump has no %q entry: %v", svc, keys(state))
		}
	}
	for svc, want := range map[string]string{"sqs": "state-q", "iam": "state-role", "s3": "state-bucket", "logs": "/aws/lambda/state-fn"} {
		if !strings.Contains(string(state[svc]), want) {
			t.Errorf("state of %s does not mention %q: %s", svc, want, state[svc])
		}
	}

	calls, err := admin.Calls(ctx)
	must(t, err, "calls")
	for _, want := range []server.CallCount{
		{Service: "sqs", Operation: "CreateQueue", Status: 200, Count: 1},
		{Service: "sqs", Operation: "GetQueueUrl", Status: 400, Count: 1},
		{Service: "iam", Operation: "CreateRole", Status: 200, Count: 1},
		{Service: "iam", Operation: "PutRolePolicy", Status: 200, Count: 1},
		{Service: "s3", Operation: "CreateBucket", Status: 200, Count: 1},
		{Service: "logs", Operation: "CreateLogGroup", Status: 200, Count: 1},
	} {
		if got := countOf(calls, want.Service, want.Operation, want.Status); got != want.Count {
			t.Errorf("%s %s status %d counted %d times, want %d", want.Service, want.Operation, want.Status, got, want.Count)
		}
	}
	if calls.Total() != 6 || calls.Writes()["sqs:CreateQueue"] != 1 || calls.Writes()["sqs:GetQueueUrl"] != 0 {
		t.Errorf("calls = %+v, want 6 calls with CreateQueue among the writes and GetQueueUrl not", calls)
	}
	must(t, admin.ResetCalls(ctx), "reset calls")
	calls, err = admin.Calls(ctx)
	must(t, err, "calls")
	if calls.Total() != 0 {
		t.Fatalf("calls after reset = %+v", calls)
	}

	_, err = admin.AddFault(ctx, server.Fault{Service: "sts", LatencyMillis: 1})
	must(t, err, "add fault")
	must(t, admin.Reset(ctx), "reset")
	list, err := c.sqs.ListQueues(ctx, &sqssdk.ListQueuesInput{})
	must(t, err, "ListQueues")
	if len(list.QueueUrls) != 0 {
		t.Fatalf("queues after reset: %v", list.QueueUrls)
	}
	_, err = c.iam.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("state-role")})
	wantAPIError[*iamtypes.NoSuchEntityException](t, err, "GetRole after reset")
	faults, err := admin.Faults(ctx)
	must(t, err, "faults")
	calls, err = admin.Calls(ctx)
	must(t, err, "calls")
	if len(faults) != 0 || calls.Total() != 2 {
		t.Fatalf("after reset: faults %+v, calls %+v; want no faults and only the 2 calls since", faults, calls)
	}
}

func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFaultThrottleNextCallsIsRetriedBySDK(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 4))
	for _, p := range probes {
		t.Run(p.service, func(t *testing.T) {
			added, err := admin.AddFault(ctx, server.Fault{Service: p.service, Operation: p.operation, Count: 2, Throttle: true})
			must(t, err, "add fault")
			if added.ID == "" {
				t.Fatalf("added fault has no ID: %+v", added)
			}
			must(t, p.call(ctx, c), "call with two throttles before it")
			calls, err := admin.Calls(ctx)
			must(t, err, "calls")
			if th, ok := countOf(calls, p.service, p.operation, p.throttleStatus), countOf(calls, p.service, p.operation, 200); th != 2 || ok != 1 {
				t.Fatalf("%s %s: %d throttled (status %d) and %d ok calls, want 2 and 1 (calls %+v)",
					p.service, p.operation, th, p.throttleStatus, ok, calls)
			}
			faults, err := admin.Faults(ctx)
			must(t, err, "faults")
			if len(faults) != 0 {
				t.Fatalf("an exhausted next-N rule is still listed: %+v", faults)
			}
		})
	}
}

func TestFaultThrottleWithProbability(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 40))
	_, err := admin.AddFault(ctx, server.Fault{Service: "pipes", Operation: "ListPipes", Probability: 0.5, Throttle: true})
	must(t, err, "add fault")
	const n = 40
	for range n {
		_, err := c.pipes.ListPipes(ctx, &pipessdk.ListPipesInput{})
		must(t, err, "ListPipes with a 50% throttle rule")
	}
	calls, err := admin.Calls(ctx)
	must(t, err, "calls")
	faults, err := admin.Faults(ctx)
	must(t, err, "faults")
	throttled := countOf(calls, "pipes", "ListPipes", http.StatusTooManyRequests)
	if ok := countOf(calls, "pipes", "ListPipes", http.StatusOK); ok != n || throttled == 0 {
		t.Fatalf("%d ok and %d throttled ListPipes, want %d ok and some throttled", ok, throttled, n)
	}
	if len(faults) != 1 || int64(faults[0].Hits) != throttled {
		t.Fatalf("faults = %+v, want one rule with %d hits", faults, throttled)
	}
	must(t, admin.RemoveFault(ctx, faults[0].ID), "remove fault")
	if err := admin.RemoveFault(ctx, faults[0].ID); err == nil {
		t.Fatal("removing a removed fault succeeded")
	}
}

func TestFaultErrorCodeStatusAndLatency(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	once := newClients(sdkConfig(inst, 1))
	retrying := newClients(sdkConfig(inst, 3))

	// The code must be one the operation models for the SDK to return its type (DescribePipe does not model
	// ConflictException, so that would come back as a generic API error, as from AWS).
	_, err := admin.AddFault(ctx, server.Fault{Service: "pipes", Operation: "DescribePipe", ErrorCode: "ValidationException",
		Status: http.StatusBadRequest, Message: "injected refusal", Count: 1})
	must(t, err, "add fault")
	_, err = once.pipes.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String("any")})
	refusal := wantAPIError[*pipestypes.ValidationException](t, err, "DescribePipe with a ValidationException rule")
	if httpStatus(err) != http.StatusBadRequest || refusal.ErrorMessage() != "injected refusal" {
		t.Fatalf("DescribePipe: status %d message %q, want 400 and the rule's message", httpStatus(err), refusal.ErrorMessage())
	}
	_, err = once.pipes.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String("any")})
	wantAPIError[*pipestypes.NotFoundException](t, err, "DescribePipe once the rule is spent")

	// A 500 with the default status: the SDK retries it and then sees the real answer.
	_, err = admin.AddFault(ctx, server.Fault{Service: "lambda", Operation: "GetFunction", ErrorCode: "ServiceException", Count: 1})
	must(t, err, "add fault")
	_, err = once.lambda.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("absent")})
	wantAPIError[*lambdatypes.ServiceException](t, err, "GetFunction with a ServiceException rule")
	if httpStatus(err) != http.StatusInternalServerError {
		t.Fatalf("GetFunction status %d, want 500", httpStatus(err))
	}
	_, err = admin.AddFault(ctx, server.Fault{Service: "lambda", Operation: "GetFunction", ErrorCode: "ServiceException", Count: 1})
	must(t, err, "add fault")
	_, err = retrying.lambda.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("absent")})
	wantAPIError[*lambdatypes.ResourceNotFoundException](t, err, "GetFunction retried past a ServiceException")
	calls, err := admin.Calls(ctx)
	must(t, err, "calls")
	if countOf(calls, "lambda", "GetFunction", 500) != 2 || countOf(calls, "lambda", "GetFunction", 404) != 1 {
		t.Fatalf("GetFunction calls: %+v, want two 500s and one 404", calls)
	}

	// Added latency: the call takes at least as long as the rule says; the rule applies to every STS call.
	_, err = admin.AddFault(ctx, server.Fault{Service: "sts", LatencyMillis: 300, Count: 1})
	must(t, err, "add fault")
	start := time.Now()
	_, err = once.sts.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	must(t, err, "GetCallerIdentity with added latency")
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Fatalf("GetCallerIdentity took %s with 300 ms of added latency", took)
	}

	for name, bad := range map[string]server.Fault{
		"nothing to do":   {Service: "sqs"},
		"probability > 1": {Throttle: true, Probability: 1.5},
		"success status":  {ErrorCode: "X", Status: 200},
		"negative count":  {Throttle: true, Count: -1},
	} {
		if _, err := admin.AddFault(ctx, bad); err == nil || !strings.Contains(err.Error(), "400") {
			t.Errorf("%s: AddFault(%+v) = %v, want a 400 refusal", name, bad, err)
		}
	}
	_, err = admin.AddFault(ctx, server.Fault{Throttle: true})
	must(t, err, "add fault")
	must(t, admin.ClearFaults(ctx), "clear faults")
	_, err = once.sts.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	must(t, err, "GetCallerIdentity after the rules are cleared")
}

func TestConfigChangesAtRunTime(t *testing.T) {
	ctx := context.Background()
	var level slog.LevelVar
	inst := startLocalAWS(t, localaws.Options{Profile: "fast", LogLevel: &level})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))

	cfg, err := admin.Config(ctx)
	must(t, err, "config")
	if cfg.Timings.Profile != "fast" || cfg.Timings.Effective[lifecycle.ClusterCreate] != "3s" || cfg.LogLevel != "info" {
		t.Fatalf("initial config = %+v, want fast (cluster.create 3s) at info", cfg)
	}
	subnets, group := network(t, ctx, c)

	realistic := "realistic"
	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{Profile: &realistic})
	must(t, err, "set profile realistic")
	if cfg.Timings.Effective[lifecycle.ClusterCreate] != "5m0s" {
		t.Fatalf("realistic cluster.create = %s, want 5m0s", cfg.Timings.Effective[lifecycle.ClusterCreate])
	}
	slow := createCluster(t, ctx, c, "slow", subnets, group)
	if s := clusterState(t, ctx, c, slow); s != kafkatypes.ClusterStateCreating {
		t.Fatalf("a cluster under the realistic profile is %s right away, want CREATING", s)
	}

	instant := "instant"
	_, err = admin.SetConfig(ctx, server.ConfigPatch{Profile: &instant})
	must(t, err, "set profile instant")
	quick := createCluster(t, ctx, c, "quick", subnets, group)
	waitCluster(t, ctx, c, quick)

	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{Overrides: map[lifecycle.Kind]string{lifecycle.ClusterCreate: "1h"}})
	must(t, err, "override cluster.create")
	if cfg.Timings.Overrides[lifecycle.ClusterCreate] != "1h0m0s" || cfg.Timings.Effective[lifecycle.ClusterCreate] != "1h0m0s" {
		t.Fatalf("override not in force: %+v", cfg.Timings)
	}
	held := createCluster(t, ctx, c, "held", subnets, group)
	if s := clusterState(t, ctx, c, held); s != kafkatypes.ClusterStateCreating {
		t.Fatalf("a cluster under a 1h override is %s, want CREATING", s)
	}
	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{Overrides: map[lifecycle.Kind]string{lifecycle.ClusterCreate: "default"}})
	must(t, err, "drop override")
	if _, ok := cfg.Timings.Overrides[lifecycle.ClusterCreate]; ok || cfg.Timings.Effective[lifecycle.ClusterCreate] != "0s" {
		t.Fatalf("override not dropped: %+v", cfg.Timings)
	}

	// Propagation: a role younger than the delay cannot be assumed by Lambda; shortening the delay at run
	// time lets the same role through.
	hour, none := "1h", "0s"
	_, err = admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: &hour})
	must(t, err, "set propagation 1h")
	role := createRole(t, ctx, c, "young", "lambda.amazonaws.com", functionPolicy)
	_, err = createFunction(ctx, c, "young-fn", role, tinyZip(t))
	invalid := wantAPIError[*lambdatypes.InvalidParameterValueException](t, err, "CreateFunction with an unpropagated role")
	if !strings.Contains(invalid.ErrorMessage(), "cannot be assumed by Lambda") {
		t.Fatalf("CreateFunction message %q", invalid.ErrorMessage())
	}
	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: &none})
	must(t, err, "set propagation 0s")
	if cfg.Timings.Propagation != "0s" {
		t.Fatalf("propagation = %s", cfg.Timings.Propagation)
	}
	_, err = createFunction(ctx, c, "young-fn", role, tinyZip(t))
	must(t, err, "CreateFunction once the role has propagated")

	debug := "debug"
	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{LogLevel: &debug})
	must(t, err, "set log level")
	if cfg.LogLevel != "debug" || level.Level().String() != "DEBUG" {
		t.Fatalf("log level = %q / %s, want debug", cfg.LogLevel, level.Level())
	}

	// A patch with one bad field changes nothing.
	bogus, five := "glacial", "5s"
	if _, err := admin.SetConfig(ctx, server.ConfigPatch{Profile: &bogus, PropagationDelay: &five}); err == nil {
		t.Fatal("an unknown profile was accepted")
	}
	for _, bad := range []server.ConfigPatch{
		{Overrides: map[lifecycle.Kind]string{"queue.create": "1s"}},
		{Overrides: map[lifecycle.Kind]string{lifecycle.PipeCreate: "-1s"}},
		{PropagationDelay: &bogus},
		{LogLevel: &bogus},
	} {
		if _, err := admin.SetConfig(ctx, bad); err == nil {
			t.Errorf("SetConfig(%+v) succeeded, want a refusal", bad)
		}
	}
	cfg, err = admin.Config(ctx)
	must(t, err, "config")
	if cfg.Timings.Profile != "instant" || cfg.Timings.Propagation != "0s" {
		t.Fatalf("a refused patch changed the configuration: %+v", cfg.Timings)
	}
}

func TestQuotasAnswerTheThrottleError(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))

	// One request per 100 s with a burst of one: the first call passes, the next is over the quota.
	cfg, err := admin.SetConfig(ctx, server.ConfigPatch{Quotas: map[string]*server.Quota{"sqs": {RequestsPerSecond: 0.01, Burst: 1}}})
	must(t, err, "set quota")
	if q := cfg.Quotas["sqs"]; q.RequestsPerSecond != 0.01 || q.Burst != 1 {
		t.Fatalf("quotas = %+v", cfg.Quotas)
	}
	_, err = c.sqs.ListQueues(ctx, &sqssdk.ListQueuesInput{})
	must(t, err, "ListQueues within the quota")
	_, err = c.sqs.ListQueues(ctx, &sqssdk.ListQueuesInput{})
	wantAPIError[*sqstypes.RequestThrottled](t, err, "ListQueues over the quota")
	if httpStatus(err) != http.StatusForbidden {
		t.Fatalf("throttled ListQueues status %d, want 403", httpStatus(err))
	}
	// Other services are not limited.
	_, err = c.sts.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	must(t, err, "GetCallerIdentity without a quota")

	cfg, err = admin.SetConfig(ctx, server.ConfigPatch{Quotas: map[string]*server.Quota{"sqs": nil}})
	must(t, err, "drop quota")
	if len(cfg.Quotas) != 0 {
		t.Fatalf("quotas after removal = %+v", cfg.Quotas)
	}
	_, err = c.sqs.ListQueues(ctx, &sqssdk.ListQueuesInput{})
	must(t, err, "ListQueues with the quota gone")

	for _, bad := range []map[string]*server.Quota{
		{"dynamodb": {RequestsPerSecond: 1}},
		{"sqs": {RequestsPerSecond: 0}},
	} {
		if _, err := admin.SetConfig(ctx, server.ConfigPatch{Quotas: bad}); err == nil {
			t.Errorf("quota %v accepted", bad)
		}
	}
}

func TestEscapedARNPaths(t *testing.T) {
	ctx := context.Background()
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	c := newClients(sdkConfig(inst, 1))
	subnets, group := network(t, ctx, c)
	cluster := createCluster(t, ctx, c, "escaped", subnets, group)
	waitCluster(t, ctx, c, cluster)

	// The SDK escapes ':' and '/' inside the ARN label.
	_, err := c.kafka.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(cluster), Tags: map[string]string{"team": "data"}})
	must(t, err, "TagResource")
	tags, err := c.kafka.ListTagsForResource(ctx, &kafkasdk.ListTagsForResourceInput{ResourceArn: aws.String(cluster)})
	must(t, err, "ListTagsForResource")
	if tags.Tags["team"] != "data" {
		t.Fatalf("tags = %v", tags.Tags)
	}

	// The same path by hand, exactly as the SDK escapes it.
	escape := strings.NewReplacer(":", "%3A", "/", "%2F").Replace
	resp, body := rawCall(t, inst, http.MethodGet, "/v1/clusters/"+escape(cluster)+"/bootstrap-brokers", "kafka", "", "")
	var brokers struct {
		BootstrapBrokerStringSaslIam string `json:"bootstrapBrokerStringSaslIam"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &brokers) != nil || brokers.BootstrapBrokerStringSaslIam == "" {
		t.Fatalf("GetBootstrapBrokers by escaped path: %d %s", resp.StatusCode, body)
	}
	missing := strings.Replace(cluster, "escaped", "missing", 1)
	_, err = c.kafka.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(missing)})
	nf := wantAPIError[*kafkatypes.NotFoundException](t, err, "DescribeClusterV2 of a missing cluster")
	if !strings.Contains(nf.ErrorMessage(), missing) {
		t.Fatalf("not-found message %q does not name %s", nf.ErrorMessage(), missing)
	}

	role := createRole(t, ctx, c, "escaped-fn", "lambda.amazonaws.com", functionPolicy)
	fn, err := createFunction(ctx, c, "escaped-fn", role, tinyZip(t))
	must(t, err, "CreateFunction")
	_, err = c.lambda.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(fn), Tags: map[string]string{"team": "data"}})
	must(t, err, "lambda TagResource by ARN")
	ltags, err := c.lambda.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(fn)})
	must(t, err, "lambda ListTags by ARN")
	if ltags.Tags["team"] != "data" {
		t.Fatalf("lambda tags = %v", ltags.Tags)
	}
	cfg, err := c.lambda.GetFunctionConfiguration(ctx, &lambdasdk.GetFunctionConfigurationInput{FunctionName: aws.String(fn)})
	must(t, err, "GetFunctionConfiguration by ARN")
	if aws.ToString(cfg.FunctionName) != "escaped-fn" {
		t.Fatalf("function by ARN = %q", aws.ToString(cfg.FunctionName))
	}
}

// buildCommand builds cmd/localaws into a temporary directory.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "localaws")
	out, err := exec.Command("go", "build", "-o", bin,
		"github.com/kafkapipeline/kafka-pipeline-operator/cmd/localaws").CombinedOutput()
	if err != nil {
		t.Fatalf("building cmd/localaws: %v\n%s", err, out)
	}
	return bin
}

// commandEnv is the environment without LOCALAWS_* variables, so only flags configure the command.
func commandEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOCALAWS_") {
			env = append(env, kv)
		}
	}
	return env
}

func TestCommandFlagsHealthAndSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cmd/localaws")
	}
	ctx := context.Background()
	bin := buildCommand(t)

	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--region", "eu-west-1", "--account-id", "111122223333",
		"--profile", "instant", "--propagation-delay", "2s", "--delay", "cluster.create=3s", "--delay", "pipe.create=1500ms",
		"--log-level", "debug")
	cmd.Env = commandEnv()
	stderr, err := cmd.StderrPipe()
	must(t, err, "stderr pipe")
	must(t, cmd.Start(), "starting localaws")
	exited := make(chan error, 1)
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // an error only says it has exited already
	// waitLine returns the first stderr line containing want.
	waitLine := func(want string) string {
		t.Helper()
		timeout := time.After(60 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("localaws exited before logging %q", want)
				}
				if strings.Contains(l, want) {
					return l
				}
			case <-timeout:
				t.Fatalf("localaws did not log %q within 60s", want)
			}
		}
	}
	serving := waitLine("localaws is serving")
	_, endpoint, ok := strings.Cut(serving, "endpoint=")
	endpoint, _, _ = strings.Cut(endpoint, " ")
	if !ok || !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("no endpoint in %q", serving)
	}

	admin := adminclient.New(endpoint)
	h, err := admin.Health(ctx)
	must(t, err, "health")
	if h.Status != "ok" || h.Region != "eu-west-1" || h.AccountID != "111122223333" || len(h.Services) != len(allServices) {
		t.Fatalf("health = %+v", h)
	}
	cfg, err := admin.Config(ctx)
	must(t, err, "config")
	tm := cfg.Timings
	if tm.Profile != "instant" || tm.Propagation != "2s" || tm.Effective[lifecycle.ClusterCreate] != "3s" ||
		tm.Effective[lifecycle.PipeCreate] != "1.5s" || tm.Effective[lifecycle.FunctionCreate] != "0s" || cfg.LogLevel != "debug" {
		t.Fatalf("config = %+v, want the flags' profile, delays, propagation and log level", cfg)
	}
	// The request log line of a call.
	stsCfg := lawstest.Config(endpoint)
	_, err = stssdk.NewFromConfig(stsCfg).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	must(t, err, "GetCallerIdentity")
	if l := waitLine("operation=GetCallerIdentity"); !strings.Contains(l, "status=200") || !strings.Contains(l, "service=sts") {
		t.Fatalf("request log line %q", l)
	}

	must(t, cmd.Process.Signal(syscall.SIGTERM), "SIGTERM")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("localaws exited with %v after SIGTERM, want status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("localaws did not exit within 30s of SIGTERM")
	}
}

func TestCommandRefusesBadFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cmd/localaws")
	}
	bin := buildCommand(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--delay", "cluster.create"}, "want kind=duration"},
		{[]string{"--delay", "cluster.create=soon"}, "invalid duration"},
		{[]string{"--delay", "queue.create=1s"}, "unknown transition kind"},
		{[]string{"--profile", "glacial"}, "unknown delay profile"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--addr", "127.0.0.1:notaport"}, "listening on 127.0.0.1:notaport"},
	} {
		// The deadline ends a command that wrongly starts serving.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin, append([]string{"--addr", "127.0.0.1:0"}, tc.args...)...)
		cmd.Env = commandEnv()
		out, err := cmd.CombinedOutput()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(string(out), tc.want) {
			t.Errorf("localaws %v: %v, output %q; want a non-zero exit mentioning %q", tc.args, err, out, tc.want)
		}
	}
}

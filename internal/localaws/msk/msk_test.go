package msk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// harness is one MSK service behind a test server and a real SDK client.
type harness struct {
	svc     *Service
	client  *kafkasdk.Client
	cfg     aws.Config
	timings *lifecycle.Timings
}

func newHarness(t *testing.T, brokers Brokers) *harness {
	t.Helper()
	tm := lawstest.Timings(t)
	svc := New(Config{Timings: tm, Brokers: brokers})
	_, cfg := lawstest.Serve(t, svc)
	return &harness{svc: svc, client: kafkasdk.NewFromConfig(cfg), cfg: cfg, timings: tm}
}

func serverlessInput(name string) *kafkasdk.CreateClusterV2Input {
	return &kafkasdk.CreateClusterV2Input{
		ClusterName: aws.String(name),
		Tags:        map[string]string{"owner": "team-a"},
		Serverless: &types.ServerlessRequest{
			VpcConfigs: []types.VpcConfig{{SubnetIds: []string{"subnet-a", "subnet-b"}, SecurityGroupIds: []string{"sg-1"}}},
			ClientAuthentication: &types.ServerlessClientAuthentication{
				Sasl: &types.ServerlessSasl{Iam: &types.Iam{Enabled: aws.Bool(true)}},
			},
		},
	}
}

func (h *harness) create(t *testing.T, name string) string {
	t.Helper()
	out, err := h.client.CreateClusterV2(context.Background(), serverlessInput(name))
	if err != nil {
		t.Fatalf("CreateClusterV2 %s: %v", name, err)
	}
	return aws.ToString(out.ClusterArn)
}

func (h *harness) describe(t *testing.T, arn string) *types.Cluster {
	t.Helper()
	out, err := h.client.DescribeClusterV2(context.Background(), &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeClusterV2: %v", err)
	}
	return out.ClusterInfo
}

func (h *harness) waitState(t *testing.T, arn string, want types.ClusterState) {
	t.Helper()
	lawstest.Eventually(t, fmt.Sprintf("cluster state %s", want), func() bool {
		st, ok := h.svc.ClusterState(arn)
		return ok && st == string(want)
	})
}

func (h *harness) waitGone(t *testing.T, arn string) {
	t.Helper()
	lawstest.Eventually(t, "cluster to be gone", func() bool { _, ok := h.svc.ClusterState(arn); return !ok })
}

var arnPattern = regexp.MustCompile(`^arn:aws:kafka:us-east-1:000000000000:cluster/orders/[0-9a-f-]{36}-s1$`)

func TestCreateClusterReportsCreatingThenActive(t *testing.T) {
	h := newHarness(t, nil)
	lawstest.Hold(t, h.timings, lifecycle.ClusterCreate)
	ctx := context.Background()
	out, err := h.client.CreateClusterV2(ctx, serverlessInput("orders"))
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ClusterArn)
	if !arnPattern.MatchString(arn) || out.State != types.ClusterStateCreating ||
		out.ClusterType != types.ClusterTypeServerless || aws.ToString(out.ClusterName) != "orders" {
		t.Fatalf("unexpected create response: arn=%s state=%s type=%s", arn, out.State, out.ClusterType)
	}
	info := h.describe(t, arn)
	if info.State != types.ClusterStateCreating || info.ClusterType != types.ClusterTypeServerless ||
		info.CreationTime == nil || time.Since(*info.CreationTime) > time.Minute || aws.ToString(info.CurrentVersion) == "" {
		t.Fatalf("unexpected cluster: %+v", info)
	}
	if info.Tags["owner"] != "team-a" || info.Serverless == nil || len(info.Serverless.VpcConfigs) != 1 ||
		len(info.Serverless.VpcConfigs[0].SubnetIds) != 2 || info.Serverless.VpcConfigs[0].SecurityGroupIds[0] != "sg-1" ||
		!aws.ToBool(info.Serverless.ClientAuthentication.Sasl.Iam.Enabled) {
		t.Fatalf("unexpected cluster details: %+v", info.Serverless)
	}
	_, err = h.client.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn)})
	if e := lawstest.ExpectError[*types.BadRequestException](t, err); aws.ToString(e.InvalidParameter) != "clusterArn" {
		t.Fatalf("invalidParameter = %q", aws.ToString(e.InvalidParameter))
	}

	// Another cluster created with instant timings goes ACTIVE and reports its brokers.
	lawstest.Release(t, h.timings, lifecycle.ClusterCreate)
	arn2 := h.create(t, "payments")
	h.waitState(t, arn2, types.ClusterStateActive)
	if st := h.describe(t, arn2).State; st != types.ClusterStateActive {
		t.Fatalf("state = %s", st)
	}
	bb, err := h.client.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn2)})
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^boot-[0-9a-z]{8}\.c1\.kafka-serverless\.us-east-1\.amazonaws\.com:9098$`)
	if got := aws.ToString(bb.BootstrapBrokerStringSaslIam); !want.MatchString(got) || bb.BootstrapBrokerString != nil || bb.BootstrapBrokerStringTls != nil {
		t.Fatalf("bootstrap = %q (plain %v, tls %v)", got, bb.BootstrapBrokerString, bb.BootstrapBrokerStringTls)
	}
	bb2, err := h.client.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn2)})
	if err != nil || aws.ToString(bb2.BootstrapBrokerStringSaslIam) != aws.ToString(bb.BootstrapBrokerStringSaslIam) {
		t.Fatalf("bootstrap not stable: %v %v", bb2, err)
	}
}

func TestCreateClusterDefaultsToIAMWhenAuthenticationOmitted(t *testing.T) {
	h := newHarness(t, nil)
	in := serverlessInput("noauth")
	in.Serverless.ClientAuthentication = nil
	out, err := h.client.CreateClusterV2(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	info := h.describe(t, aws.ToString(out.ClusterArn))
	if !aws.ToBool(info.Serverless.ClientAuthentication.Sasl.Iam.Enabled) {
		t.Fatal("IAM authentication not reported")
	}
}

func TestCreateClusterValidation(t *testing.T) {
	h := newHarness(t, nil)
	long := make([]byte, 65)
	for i := range long {
		long[i] = 'a'
	}
	tooManyTags := map[string]string{}
	for i := 0; i < 51; i++ {
		tooManyTags[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		name  string
		edit  func(in *kafkasdk.CreateClusterV2Input)
		param string
	}{
		{"name too long", func(in *kafkasdk.CreateClusterV2Input) { in.ClusterName = aws.String(string(long)) }, "clusterName"},
		{"name charset", func(in *kafkasdk.CreateClusterV2Input) { in.ClusterName = aws.String("bad_name") }, "clusterName"},
		{"empty name", func(in *kafkasdk.CreateClusterV2Input) { in.ClusterName = aws.String("") }, "clusterName"},
		{"no type", func(in *kafkasdk.CreateClusterV2Input) { in.Serverless = nil }, "serverless"},
		{"provisioned", func(in *kafkasdk.CreateClusterV2Input) {
			in.Serverless = nil
			in.Provisioned = &types.ProvisionedRequest{KafkaVersion: aws.String("3.6.0"), NumberOfBrokerNodes: aws.Int32(3),
				BrokerNodeGroupInfo: &types.BrokerNodeGroupInfo{ClientSubnets: []string{"subnet-a"}, InstanceType: aws.String("kafka.m5.large")}}
		}, "provisioned"},
		{"no vpc configs", func(in *kafkasdk.CreateClusterV2Input) { in.Serverless.VpcConfigs = []types.VpcConfig{} }, "vpcConfigs"},
		{"one subnet", func(in *kafkasdk.CreateClusterV2Input) { in.Serverless.VpcConfigs[0].SubnetIds = []string{"subnet-a"} }, "subnetIds"},
		{"bad subnet id", func(in *kafkasdk.CreateClusterV2Input) {
			in.Serverless.VpcConfigs[0].SubnetIds = []string{"subnet-a", "vpc-1"}
		}, "subnetIds"},
		{"duplicate subnet", func(in *kafkasdk.CreateClusterV2Input) {
			in.Serverless.VpcConfigs[0].SubnetIds = []string{"subnet-a", "subnet-a"}
		}, "subnetIds"},
		{"bad security group", func(in *kafkasdk.CreateClusterV2Input) {
			in.Serverless.VpcConfigs[0].SecurityGroupIds = []string{"group"}
		}, "securityGroupIds"},
		{"iam disabled", func(in *kafkasdk.CreateClusterV2Input) {
			in.Serverless.ClientAuthentication.Sasl.Iam.Enabled = aws.Bool(false)
		}, "clientAuthentication"},
		{"aws tag", func(in *kafkasdk.CreateClusterV2Input) { in.Tags = map[string]string{"aws:x": "y"} }, "tags"},
		{"too many tags", func(in *kafkasdk.CreateClusterV2Input) { in.Tags = tooManyTags }, "tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := serverlessInput("valid")
			tc.edit(in)
			_, err := h.client.CreateClusterV2(context.Background(), in)
			e := lawstest.ExpectError[*types.BadRequestException](t, err)
			if aws.ToString(e.InvalidParameter) != tc.param || aws.ToString(e.Message) == "" {
				t.Fatalf("invalidParameter = %q, message %q", aws.ToString(e.InvalidParameter), aws.ToString(e.Message))
			}
		})
	}
	if out, err := h.client.ListClustersV2(context.Background(), &kafkasdk.ListClustersV2Input{}); err != nil || len(out.ClusterInfoList) != 0 {
		t.Fatalf("invalid requests created clusters: %v %v", out, err)
	}
}

func TestCreateClusterDuplicateNameConflicts(t *testing.T) {
	h := newHarness(t, nil)
	h.create(t, "dup")
	_, err := h.client.CreateClusterV2(context.Background(), serverlessInput("dup"))
	lawstest.ExpectError[*types.ConflictException](t, err)

	// The same name is free in another Region.
	west := kafkasdk.NewFromConfig(h.cfg, func(o *kafkasdk.Options) { o.Region = "us-west-2" })
	out, err := west.CreateClusterV2(context.Background(), serverlessInput("dup"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^arn:aws:kafka:us-west-2:`).MatchString(aws.ToString(out.ClusterArn)) {
		t.Fatalf("ARN %s not in us-west-2", aws.ToString(out.ClusterArn))
	}
	_, err = h.client.DescribeClusterV2(context.Background(), &kafkasdk.DescribeClusterV2Input{ClusterArn: out.ClusterArn})
	lawstest.ExpectError[*types.NotFoundException](t, err)
}

func TestDeleteCluster(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	arn := h.create(t, "doomed")
	h.waitState(t, arn, types.ClusterStateActive)
	version := aws.ToString(h.describe(t, arn).CurrentVersion)

	_, err := h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn), CurrentVersion: aws.String("KWRONG")})
	if e := lawstest.ExpectError[*types.BadRequestException](t, err); aws.ToString(e.InvalidParameter) != "currentVersion" {
		t.Fatalf("invalidParameter = %q", aws.ToString(e.InvalidParameter))
	}

	lawstest.Hold(t, h.timings, lifecycle.ClusterDelete)
	out, err := h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn), CurrentVersion: aws.String(version)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != types.ClusterStateDeleting || aws.ToString(out.ClusterArn) != arn {
		t.Fatalf("delete response %+v", out)
	}
	if st := h.describe(t, arn).State; st != types.ClusterStateDeleting {
		t.Fatalf("state = %s", st)
	}
	_, err = h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn)})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	_, err = h.client.CreateClusterV2(ctx, serverlessInput("doomed"))
	lawstest.ExpectError[*types.ConflictException](t, err)

	lawstest.Release(t, h.timings, lifecycle.ClusterDelete)
	arn2 := h.create(t, "doomed2")
	if _, err := h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn2)}); err != nil {
		t.Fatal(err)
	}
	h.waitGone(t, arn2)
	_, err = h.client.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(arn2)})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn2)})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn2)})
	lawstest.ExpectError[*types.NotFoundException](t, err)
}

func TestUnknownAndMalformedClusterARNs(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	missing := "arn:aws:kafka:us-east-1:000000000000:cluster/none/6c1b1a8e-0000-4000-8000-000000000000-s1"
	_, err := h.client.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(missing)})
	if e := lawstest.ExpectError[*types.NotFoundException](t, err); aws.ToString(e.InvalidParameter) != "clusterArn" {
		t.Fatalf("invalidParameter = %q", aws.ToString(e.InvalidParameter))
	}
	_, err = h.client.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String("not-an-arn")})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	_, err = h.client.ListTagsForResource(ctx, &kafkasdk.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(missing), Tags: map[string]string{"a": "b"}})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.UntagResource(ctx, &kafkasdk.UntagResourceInput{ResourceArn: aws.String(missing), TagKeys: []string{"a"}})
	lawstest.ExpectError[*types.NotFoundException](t, err)
}

func TestListClustersV2(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	for _, n := range []string{"app-c", "app-a", "app-e", "other", "app-b", "app-d"} {
		h.create(t, n)
	}
	var names []string
	pages := 0
	p := kafkasdk.NewListClustersV2Paginator(h.client, &kafkasdk.ListClustersV2Input{ClusterNameFilter: aws.String("app-"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.ClusterInfoList) > 2 {
			t.Fatalf("page of %d", len(out.ClusterInfoList))
		}
		for _, cl := range out.ClusterInfoList {
			names = append(names, aws.ToString(cl.ClusterName))
			if cl.Tags["owner"] != "team-a" || cl.Serverless == nil {
				t.Fatalf("list entry lacks details: %+v", cl)
			}
		}
	}
	if fmt.Sprint(names) != "[app-a app-b app-c app-d app-e]" || pages != 3 {
		t.Fatalf("names %v in %d pages", names, pages)
	}
	out, err := h.client.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{ClusterTypeFilter: aws.String("PROVISIONED")})
	if err != nil || len(out.ClusterInfoList) != 0 {
		t.Fatalf("provisioned filter: %v %v", out, err)
	}
	out, err = h.client.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{ClusterTypeFilter: aws.String("SERVERLESS"), MaxResults: aws.Int32(100)})
	if err != nil || len(out.ClusterInfoList) != 6 || out.NextToken != nil {
		t.Fatalf("serverless filter: %d clusters, %v", len(out.ClusterInfoList), err)
	}
	for _, in := range []*kafkasdk.ListClustersV2Input{
		{MaxResults: aws.Int32(0)},
		{MaxResults: aws.Int32(101)},
		{ClusterTypeFilter: aws.String("BIG")},
		{NextToken: aws.String("garbage")},
	} {
		_, err := h.client.ListClustersV2(ctx, in)
		lawstest.ExpectError[*types.BadRequestException](t, err)
	}
}

func TestClusterTags(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	arn := h.create(t, "tagged")
	if _, err := h.client.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: map[string]string{"env": "dev", "owner": "team-b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UntagResource(ctx, &kafkasdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.ListTagsForResource(ctx, &kafkasdk.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || out.Tags["owner"] != "team-b" {
		t.Fatalf("tags = %v", out.Tags)
	}
	_, err = h.client.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"aws:cf": "x"}})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	_, err = h.client.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{}})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	_, err = h.client.UntagResource(ctx, &kafkasdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{}})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	many := map[string]string{}
	for i := 0; i < 50; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = h.client.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	lawstest.ExpectError[*types.BadRequestException](t, err)
}

// recordingBrokers is a Brokers that records calls and can fail Start.
type recordingBrokers struct {
	mu      sync.Mutex
	fail    error
	started []string
	stopped []string
}

func (b *recordingBrokers) Start(arn string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return "", b.fail
	}
	b.started = append(b.started, arn)
	return "127.0.0.1:19092,127.0.0.1:19093", nil
}

func (b *recordingBrokers) Stop(arn string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = append(b.stopped, arn)
}

func (b *recordingBrokers) stops() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.stopped...)
}

func TestBrokersHookBacksActiveClusters(t *testing.T) {
	b := &recordingBrokers{}
	h := newHarness(t, b)
	ctx := context.Background()
	arn := h.create(t, "real")
	h.waitState(t, arn, types.ClusterStateActive)
	bb, err := h.client.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn)})
	if err != nil || aws.ToString(bb.BootstrapBrokerStringSaslIam) != "127.0.0.1:19092,127.0.0.1:19093" {
		t.Fatalf("bootstrap %v, %v", bb, err)
	}
	if _, err := h.client.DeleteCluster(ctx, &kafkasdk.DeleteClusterInput{ClusterArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	h.waitGone(t, arn)
	lawstest.Eventually(t, "Stop on delete", func() bool { s := b.stops(); return len(s) == 1 && s[0] == arn })

	arn2 := h.create(t, "survivor")
	h.waitState(t, arn2, types.ClusterStateActive)
	lawstest.Hold(t, h.timings, lifecycle.ClusterCreate)
	h.create(t, "never-started")
	h.svc.Reset()
	if s := b.stops(); len(s) != 2 || s[1] != arn2 {
		t.Fatalf("stops after reset = %v", s)
	}
	if _, ok := h.svc.ClusterState(arn2); ok {
		t.Fatal("cluster survived Reset")
	}
	if snap := h.svc.Snapshot().(map[string]clusterInfo); len(snap) != 0 {
		t.Fatalf("snapshot after reset = %v", snap)
	}
}

func TestBrokersStartFailureFailsCluster(t *testing.T) {
	b := &recordingBrokers{fail: errors.New("no free port")}
	h := newHarness(t, b)
	arn := h.create(t, "broken")
	h.waitState(t, arn, types.ClusterStateFailed)
	info := h.describe(t, arn)
	if info.StateInfo == nil || aws.ToString(info.StateInfo.Code) == "" || !regexp.MustCompile("no free port").MatchString(aws.ToString(info.StateInfo.Message)) {
		t.Fatalf("stateInfo = %+v", info.StateInfo)
	}
	_, err := h.client.GetBootstrapBrokers(context.Background(), &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(arn)})
	lawstest.ExpectError[*types.BadRequestException](t, err)
	snap := h.svc.Snapshot().(map[string]clusterInfo)
	if snap[arn].State != stateFailed {
		t.Fatalf("snapshot = %+v", snap)
	}
}

func TestThrottleIsTooManyRequests(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	lawstest.AddFault(t, *h.cfg.BaseEndpoint, server.Fault{Service: "kafka", Operation: "ListClustersV2", Throttle: true})
	client := kafkasdk.NewFromConfig(h.cfg, func(o *kafkasdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := client.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{})
	lawstest.ExpectError[*types.TooManyRequestsException](t, err)
}

// knownNetwork is a Network that knows a fixed set of ids.
type knownNetwork map[string]bool

func (n knownNetwork) SubnetExists(_, id string) bool        { return n[id] }
func (n knownNetwork) SecurityGroupExists(_, id string) bool { return n[id] }

func TestCreateClusterChecksSubnetsAndSecurityGroupsExist(t *testing.T) {
	svc := New(Config{Timings: lawstest.Timings(t), Network: knownNetwork{"subnet-a": true, "sg-1": true}})
	_, cfg := lawstest.Serve(t, svc)
	client := kafkasdk.NewFromConfig(cfg)
	_, err := client.CreateClusterV2(context.Background(), serverlessInput("missing-subnet"))
	var bre *types.BadRequestException
	if !errors.As(err, &bre) || !regexp.MustCompile(`subnet-b' does not exist`).MatchString(aws.ToString(bre.Message)) {
		t.Fatalf("err = %v, want BadRequestException naming subnet-b", err)
	}
	in := serverlessInput("missing-sg")
	in.Serverless.VpcConfigs[0].SubnetIds = []string{"subnet-a", "subnet-a2"}
	svc.network = knownNetwork{"subnet-a": true, "subnet-a2": true}
	if _, err := client.CreateClusterV2(context.Background(), in); !errors.As(err, &bre) ||
		!regexp.MustCompile(`sg-1' does not exist`).MatchString(aws.ToString(bre.Message)) {
		t.Fatalf("err = %v, want BadRequestException naming sg-1", err)
	}
}

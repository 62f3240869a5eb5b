package cluster_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/ec2"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/msk"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// waits are the Service's waits in these tests: not the defaults, so the outcomes show they are the ones
// given.
func waits() cluster.Waits { return cluster.Waits{Creating: 7 * time.Second, Busy: 9 * time.Second} }

type env struct {
	srv     *server.Server
	cfg     aws.Config
	api     *kafkasdk.Client
	ec2     *ec2sdk.Client
	svc     *cluster.Service
	timings *lifecycle.Timings
}

// failingBrokers makes every cluster fail when it would become ACTIVE.
type failingBrokers struct{}

func (failingBrokers) Start(string) (string, error) { return "", errors.New("no capacity in the zone") }
func (failingBrokers) Stop(string)                  {}

func setup(t *testing.T, brokers msk.Brokers) *env {
	t.Helper()
	tm := lawstest.Timings(t)
	network := ec2.New(ec2.Config{Timings: tm})
	srv, cfg := lawstest.Serve(t, network, msk.New(msk.Config{Timings: tm, Brokers: brokers, Network: network}))
	api := kafkasdk.NewFromConfig(cfg)
	return &env{srv: srv, cfg: cfg, api: api, ec2: ec2sdk.NewFromConfig(cfg), svc: cluster.New(api, waits()), timings: tm}
}

// desired makes a VPC with two subnets and a security group and returns a cluster spec using them.
func (e *env) desired(t *testing.T) cluster.Desired {
	t.Helper()
	ctx := context.Background()
	vpc, err := e.ec2.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.10.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.Desired{
		Name:  "kp-team-shared-1a2b3c4d-msk",
		Owner: tags.Owner{ClusterID: "test", Kind: "KafkaCluster", Namespace: "team", Name: "shared", UID: "u-1"},
		Tags:  map[string]string{"team": "data"},
	}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := e.ec2.CreateSubnet(ctx, &ec2sdk.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
			CidrBlock: aws.String([]string{"10.10.1.0/24", "10.10.2.0/24"}[i]), AvailabilityZone: aws.String(az)})
		if err != nil {
			t.Fatal(err)
		}
		d.SubnetIDs = append(d.SubnetIDs, aws.ToString(sn.Subnet.SubnetId))
	}
	sg, err := e.ec2.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("kafka"), Description: aws.String("kafka")})
	if err != nil {
		t.Fatal(err)
	}
	d.SecurityGroupIDs = []string{aws.ToString(sg.GroupId)}
	return d
}

// ensureSettled calls Ensure until it stops waiting, passing on the ARN it learns as the status would.
func ensureSettled(t *testing.T, svc *cluster.Service, hint string, d cluster.Desired) (cluster.Result, error) {
	t.Helper()
	return awstest.Settle(t, func() (cluster.Result, error) {
		res, err := svc.Ensure(context.Background(), hint, d)
		if res.Observed != nil {
			hint = res.Observed.ARN
		}
		return res, err
	})
}

func TestEnsureCreatesOnceAndAdopts(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)

	res, err := e.svc.Ensure(ctx, "", d)
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != awserr.ReasonCreating || w.After != waits().Creating {
		t.Fatalf("first Ensure = %v, want Waiting Creating", err)
	}
	if !res.Created || res.Observed == nil || !strings.HasPrefix(res.Observed.ARN, "arn:aws:kafka:us-east-1:000000000000:cluster/"+d.Name+"/") {
		t.Fatalf("first Ensure result = %+v", res)
	}
	arn := res.Observed.ARN

	res, err = ensureSettled(t, e.svc, arn, d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	o := res.Observed
	if o.ARN != arn || o.State != "ACTIVE" || !strings.HasSuffix(o.BootstrapBrokers, ":9098") || o.UUID == "" ||
		!strings.HasSuffix(arn, "/"+o.UUID) || !o.IAMAuth || res.Adopted || res.Created {
		t.Fatalf("settled = %+v (observed %+v)", res, o)
	}
	before := awstest.Total(awstest.Writes(e.srv, "kafka"))
	if before != 1 {
		t.Fatalf("writes = %v, want one CreateClusterV2", awstest.Writes(e.srv, "kafka"))
	}

	again, err := e.svc.Ensure(ctx, arn, d)
	if err != nil || again.Created || again.Updated || again.Adopted || again.Observed.BootstrapBrokers != o.BootstrapBrokers {
		t.Fatalf("Ensure with hint = %+v, %v", again, err)
	}
	adopted, err := e.svc.Ensure(ctx, "", d)
	if err != nil || !adopted.Adopted || adopted.Observed.ARN != arn {
		t.Fatalf("Ensure without hint = %+v, %v", adopted, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "kafka")); after != before {
		t.Fatalf("a ready cluster caused %d writes: %v", after-before, awstest.Writes(e.srv, "kafka"))
	}

	desc, err := e.api.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(desc.ClusterInfo.Tags, d.Owner.Tags(cluster.Component, d.Tags)) || desc.ClusterInfo.ClusterType != types.ClusterTypeServerless {
		t.Fatalf("cluster = %+v", desc.ClusterInfo)
	}
}

func TestEnsureWaitsWhileCreating(t *testing.T) {
	e := setup(t, nil)
	lawstest.Override(t, e.timings, lifecycle.ClusterCreate, time.Hour)
	d := e.desired(t)
	for i := range 3 {
		res, err := e.svc.Ensure(context.Background(), "", d)
		if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonCreating || res.Observed == nil || res.Observed.ARN == "" ||
			res.Observed.State != "CREATING" || res.Observed.BootstrapBrokers != "" || res.Created != (i == 0) {
			t.Fatalf("Ensure %d = %+v, %v; want Waiting with the ARN of the cluster CREATING", i, res, err)
		}
	}
	if w := awstest.Writes(e.srv, "kafka"); awstest.Total(w) != 1 {
		t.Fatalf("writes = %v, want one create", w)
	}
}

func TestNotOwnedClusterIsLeftAlone(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)
	foreign, err := e.api.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{
		ClusterName: aws.String(d.Name),
		Tags:        map[string]string{"owner": "someone-else"},
		Serverless:  &types.ServerlessRequest{VpcConfigs: []types.VpcConfig{{SubnetIds: d.SubnetIDs}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "kafka"))

	for _, hint := range []string{"", aws.ToString(foreign.ClusterArn)} {
		res, err := e.svc.Ensure(ctx, hint, d)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || !strings.Contains(err.Error(), "left untouched") ||
			res.Observed != nil {
			t.Fatalf("Ensure with hint %q = %+v, %v; want Terminal NotOwned", hint, res, err)
		}
	}
	gone, err := e.svc.Delete(ctx, "", d)
	if err != nil || !gone {
		t.Fatalf("Delete = %v, %v; want gone without touching the foreign cluster", gone, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "kafka")); after != before {
		t.Fatalf("the foreign cluster got %d writes", after-before)
	}
	desc, err := e.api.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: foreign.ClusterArn})
	if err != nil || desc.ClusterInfo.State == types.ClusterStateDeleting || len(desc.ClusterInfo.Tags) != 1 {
		t.Fatalf("foreign cluster changed: %+v, %v", desc, err)
	}
}

func TestDeleteTwice(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)
	res, err := ensureSettled(t, e.svc, "", d)
	if err != nil {
		t.Fatal(err)
	}
	lawstest.Override(t, e.timings, lifecycle.ClusterDelete, 50*time.Millisecond)
	gone, err := e.svc.Delete(ctx, res.Observed.ARN, d)
	if err != nil || gone {
		t.Fatalf("first Delete = %v, %v; want in progress", gone, err)
	}
	switch desc, err := e.api.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: aws.String(res.Observed.ARN)}); {
	case awserr.IsNotFound(err): // deleted already
	case err != nil || desc.ClusterInfo.State != types.ClusterStateDeleting:
		t.Fatalf("cluster after Delete = %+v, %v; want DELETING", desc, err)
	}
	awstest.UntilGone(t, func() (bool, error) { return e.svc.Delete(ctx, res.Observed.ARN, d) })
	if gone, err := e.svc.Delete(ctx, res.Observed.ARN, d); err != nil || !gone {
		t.Fatalf("Delete again = %v, %v", gone, err)
	}
	if n := awstest.Writes(e.srv, "kafka")["DeleteCluster"]; n != 1 {
		t.Fatalf("DeleteCluster called %d times", n)
	}
	list, err := e.api.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{})
	if err != nil || len(list.ClusterInfoList) != 0 {
		t.Fatalf("clusters left: %+v, %v", list, err)
	}
}

func TestEnsureRepairsTagDrift(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)
	res, err := ensureSettled(t, e.svc, "", d)
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.String(res.Observed.ARN)
	if _, err := e.api.TagResource(ctx, &kafkasdk.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"stray": "1", "team": "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.UntagResource(ctx, &kafkasdk.UntagResourceInput{ResourceArn: arn, TagKeys: []string{tags.KeyUID}}); err != nil {
		t.Fatal(err)
	}
	d.Tags = map[string]string{"team": "data", "cost-center": "42"}
	fixed, err := e.svc.Ensure(ctx, res.Observed.ARN, d)
	if err != nil || !fixed.Updated {
		t.Fatalf("Ensure = %+v, %v", fixed, err)
	}
	desc, err := e.api.DescribeClusterV2(ctx, &kafkasdk.DescribeClusterV2Input{ClusterArn: arn})
	if err != nil || !maps.Equal(desc.ClusterInfo.Tags, d.Owner.Tags(cluster.Component, d.Tags)) {
		t.Fatalf("tags = %v, %v", desc.ClusterInfo.Tags, err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "kafka"))
	if again, err := e.svc.Ensure(ctx, res.Observed.ARN, d); err != nil || again.Updated {
		t.Fatalf("Ensure after repair = %+v, %v", again, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "kafka")); after != before {
		t.Fatalf("repaired cluster caused %d writes", after-before)
	}
}

func TestEnsureRefusesAChangedVPCConfiguration(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)
	res, err := ensureSettled(t, e.svc, "", d)
	if err != nil {
		t.Fatal(err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "kafka"))
	for name, edit := range map[string]func(*cluster.Desired){
		"subnets":         func(d *cluster.Desired) { d.SubnetIDs = []string{d.SubnetIDs[0], "subnet-0123456789abcdef0"} },
		"security groups": func(d *cluster.Desired) { d.SecurityGroupIDs = nil },
	} {
		changed := d
		edit(&changed)
		_, err := e.svc.Ensure(ctx, res.Observed.ARN, changed)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), "cannot change") {
			t.Fatalf("%s: Ensure = %v, want Terminal InvalidSpec", name, err)
		}
	}
	// The order of the subnets does not matter.
	d.SubnetIDs = []string{d.SubnetIDs[1], d.SubnetIDs[0]}
	if _, err := e.svc.Ensure(ctx, res.Observed.ARN, d); err != nil {
		t.Fatalf("Ensure with reordered subnets = %v", err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "kafka")); after != before {
		t.Fatalf("refused changes caused %d writes", after-before)
	}
}

func TestFailedClusterIsTerminal(t *testing.T) {
	e := setup(t, failingBrokers{})
	d := e.desired(t)
	_, err := ensureSettled(t, e.svc, "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonProvisioningFailed || !strings.Contains(err.Error(), "no capacity in the zone") {
		t.Fatalf("Ensure = %v, want Terminal ProvisioningFailed with MSK's message", err)
	}
}

func TestMissingSubnetIsTerminalWithAWSMessage(t *testing.T) {
	e := setup(t, nil)
	d := e.desired(t)
	d.SubnetIDs[1] = "subnet-0000000000000dead"
	_, err := e.svc.Ensure(context.Background(), "", d)
	term, ok := outcome.AsTerminal(err)
	var bad *types.BadRequestException
	if !ok || term.Reason != awserr.ReasonInvalidSpec || !errors.As(err, &bad) || !strings.Contains(err.Error(), "subnet-0000000000000dead") {
		t.Fatalf("Ensure = %v, want Terminal InvalidSpec (BadRequestException) naming the subnet", err)
	}
}

// racingKafka creates the cluster with another client just before the service's own CreateClusterV2, as a
// second writer would.
type racingKafka struct {
	*kafkasdk.Client
	rival *kafkasdk.CreateClusterV2Input
}

func (r *racingKafka) CreateClusterV2(ctx context.Context, in *kafkasdk.CreateClusterV2Input, opts ...func(*kafkasdk.Options)) (*kafkasdk.CreateClusterV2Output, error) {
	if r.rival != nil {
		rival := r.rival
		r.rival = nil
		if _, err := r.Client.CreateClusterV2(ctx, rival, opts...); err != nil {
			return nil, err
		}
	}
	return r.Client.CreateClusterV2(ctx, in, opts...)
}

func TestCreateRaceAdoptsTheWinner(t *testing.T) {
	e := setup(t, nil)
	d := e.desired(t)
	rival := &kafkasdk.CreateClusterV2Input{ClusterName: aws.String(d.Name), Tags: d.Owner.Tags(cluster.Component, d.Tags),
		Serverless: &types.ServerlessRequest{VpcConfigs: []types.VpcConfig{{SubnetIds: d.SubnetIDs, SecurityGroupIds: d.SecurityGroupIDs}}}}
	svc := cluster.New(&racingKafka{Client: e.api, rival: rival}, waits())
	res, err := svc.Ensure(context.Background(), "", d)
	if (err != nil && !isWaiting(err)) || !res.Adopted || res.Created || res.Observed == nil {
		t.Fatalf("Ensure = %+v, %v; want the rival's cluster adopted", res, err)
	}
	list, err := e.api.ListClustersV2(context.Background(), &kafkasdk.ListClustersV2Input{})
	if err != nil || len(list.ClusterInfoList) != 1 {
		t.Fatalf("clusters = %+v, %v", list, err)
	}
}

func TestObserveExternal(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := e.desired(t)
	lawstest.Override(t, e.timings, lifecycle.ClusterCreate, time.Hour)
	out, err := e.api.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String("external"),
		Serverless: &types.ServerlessRequest{VpcConfigs: []types.VpcConfig{{SubnetIds: d.SubnetIDs}}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ClusterArn)
	if _, err := e.svc.ObserveExternal(ctx, arn); !isWaiting(err) {
		t.Fatalf("ObserveExternal while creating = %v, want Waiting", err)
	}
	missing := strings.Replace(arn, "/external/", "/missing/", 1)
	if _, err := e.svc.ObserveExternal(ctx, missing); err == nil {
		t.Fatal("ObserveExternal of a missing cluster succeeded")
	} else if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonClusterNotFound {
		t.Fatalf("ObserveExternal of a missing cluster = %v, want Terminal ClusterNotFound", err)
	}
	if _, err := e.svc.ObserveExternal(ctx, "not-an-arn"); err == nil {
		t.Fatal("ObserveExternal of a malformed ARN succeeded")
	} else if _, ok := outcome.AsTerminal(err); !ok {
		t.Fatalf("ObserveExternal of a malformed ARN = %v, want Terminal", err)
	}

	lawstest.Override(t, e.timings, lifecycle.ClusterCreate, 0)
	ready, err := e.api.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String("external-ready"),
		Serverless: &types.ServerlessRequest{VpcConfigs: []types.VpcConfig{{SubnetIds: d.SubnetIDs}}}})
	if err != nil {
		t.Fatal(err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "kafka"))
	o, err := awstest.Settle(t, func() (*cluster.Observed, error) { return e.svc.ObserveExternal(ctx, aws.ToString(ready.ClusterArn)) })
	if err != nil {
		t.Fatalf("ObserveExternal = %v", err)
	}
	if o.State != "ACTIVE" || o.BootstrapBrokers == "" || !o.IAMAuth || len(o.SubnetIDs) != 2 {
		t.Fatalf("ObserveExternal = %+v", o)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "kafka")); after != before {
		t.Fatalf("ObserveExternal wrote %d times", after-before)
	}
}

func TestThrottlingIsTransient(t *testing.T) {
	e := setup(t, nil)
	d := e.desired(t)
	svc := cluster.New(kafkasdk.NewFromConfig(e.cfg, func(o *kafkasdk.Options) { o.RetryMaxAttempts = 1 }), waits())
	lawstest.AddFault(t, aws.ToString(e.cfg.BaseEndpoint), server.Fault{Service: "kafka", Operation: "ListClustersV2", Throttle: true})
	_, err := svc.Ensure(context.Background(), "", d)
	var tooMany *types.TooManyRequestsException
	if err == nil || isWaiting(err) || !errors.As(err, &tooMany) {
		t.Fatalf("Ensure = %v, want a transient TooManyRequestsException", err)
	}
	if _, ok := outcome.AsTerminal(err); ok {
		t.Fatalf("throttling classified as Terminal: %v", err)
	}
}

func isWaiting(err error) bool {
	_, ok := outcome.AsWaiting(err)
	return ok
}

func isBlocked(err error, reason string) bool {
	b, ok := outcome.AsBlocked(err)
	return ok && b.Reason == reason
}

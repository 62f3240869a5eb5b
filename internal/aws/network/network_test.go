package network_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/ec2"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// waits are the Service's waits in these tests: not the defaults, so the outcomes show they are the ones
// given.
func waits() network.Waits {
	return network.Waits{NatGateway: 7 * time.Second, Dependency: 9 * time.Second}
}

type env struct {
	srv     *server.Server
	admin   *adminclient.Client
	api     *ec2sdk.Client
	svc     *network.Service
	timings *lifecycle.Timings
	// endpoint is the server's base URL, for the AWS CLI.
	endpoint string
}

func setup(t *testing.T) *env {
	t.Helper()
	tm := lawstest.Timings(t)
	srv, cfg := lawstest.Serve(t, ec2.New(ec2.Config{Timings: tm}))
	api := ec2sdk.NewFromConfig(cfg)
	return &env{srv: srv, admin: adminclient.New(aws.ToString(cfg.BaseEndpoint)), api: api, svc: network.New(api, waits()), timings: tm,
		endpoint: aws.ToString(cfg.BaseEndpoint)}
}

func desired() network.Desired {
	return network.Desired{
		NamePrefix:        "kp-team-shared-1a2b3c4d-net",
		CIDR:              "10.10.0.0/16",
		AvailabilityZones: []string{"us-east-1a", "us-east-1c"},
		Owner:             tags.Owner{ClusterID: "test", Kind: "KafkaCluster", Namespace: "team", Name: "shared", UID: "u-1"},
		Tags:              map[string]string{"team": "data"},
	}
}

// ensureReady calls Ensure until it stops waiting, and fails the test on an error.
func ensureReady(t *testing.T, e *env, hint string, d network.Desired) network.Result {
	t.Helper()
	return awstest.MustSettle(t, func() (network.Result, error) { return e.svc.Ensure(context.Background(), hint, d) })
}

// deleteAll calls Delete until it reports gone.
func deleteAll(t *testing.T, e *env, hint string, d network.Desired) {
	t.Helper()
	awstest.UntilGone(t, func() (bool, error) { return e.svc.Delete(context.Background(), hint, d) })
}

func byName(name string) []types.Filter {
	return []types.Filter{{Name: aws.String("tag:Name"), Values: []string{name}}}
}

func TestEnsureBuildsTheWholeNetworkOnce(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()

	res, err := e.svc.Ensure(ctx, "", d)
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != awserr.ReasonCreating || !strings.Contains(w.Message, "NAT gateway") {
		t.Fatalf("first Ensure = %v, want Waiting for the NAT gateway", err)
	}
	if !res.Created || res.Observed == nil || res.Observed.VPCID == "" || res.Observed.NatGatewayID == "" {
		t.Fatalf("first Ensure result = %+v", res)
	}
	res = ensureReady(t, e, res.Observed.VPCID, d)
	o := res.Observed
	if o.NatGatewayState != "available" || o.PrivateRouteTableID == "" || len(o.PrivateSubnetIDs) != 2 ||
		o.SecurityGroupID == "" || o.PublicRouteTableID == "" || o.AllocationID == "" || o.InternetGatewayID == "" {
		t.Fatalf("observed = %+v", o)
	}

	want := map[string]int64{"CreateVpc": 1, "ModifyVpcAttribute": 1, "CreateSubnet": 3, "ModifySubnetAttribute": 1,
		"CreateInternetGateway": 1, "AttachInternetGateway": 1, "CreateRouteTable": 2, "CreateRoute": 2,
		"AssociateRouteTable": 3, "CreateSecurityGroup": 1, "AuthorizeSecurityGroupIngress": 1,
		"AuthorizeSecurityGroupEgress": 1, "RevokeSecurityGroupEgress": 1, "AllocateAddress": 1,
		"CreateNatGateway": 1}
	got := awstest.Writes(e.srv, "ec2")
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s called %d times, want %d (all writes %v)", op, got[op], n, got)
		}
	}
	if awstest.Total(got) != awstest.Total(want) {
		t.Fatalf("writes %v, want exactly %v", got, want)
	}

	// A ready network causes no writes, by hint or by name (adopting).
	before := awstest.Total(awstest.Writes(e.srv, "ec2"))
	again, err := e.svc.Ensure(ctx, o.VPCID, d)
	if err != nil || again.Created || again.Updated || again.Adopted || !reflect.DeepEqual(again.Observed, o) {
		t.Fatalf("Ensure with hint = %+v, %v", again, err)
	}
	adopted, err := e.svc.Ensure(ctx, "", d)
	if err != nil || !adopted.Adopted || adopted.Created || adopted.Updated || !reflect.DeepEqual(adopted.Observed, o) {
		t.Fatalf("Ensure without hint = %+v, %v", adopted, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "ec2")); after != before {
		t.Fatalf("a ready network caused %d writes", after-before)
	}

	vpcs, err := e.api.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{Filters: byName(d.NamePrefix + "-vpc")})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].CidrBlock) != d.CIDR {
		t.Fatalf("VPCs = %+v, %v", vpcs, err)
	}
	vt := map[string]string{}
	for _, tg := range vpcs.Vpcs[0].Tags {
		vt[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if !d.Owner.Owns(vt) || vt["team"] != "data" || vt["Name"] != d.NamePrefix+"-vpc" || vt[tags.KeyComponent] != network.Component {
		t.Fatalf("VPC tags = %v", vt)
	}
	subnets, err := e.api.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: o.PrivateSubnetIDs})
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{}
	for _, s := range subnets.Subnets {
		zones[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone) + " " + aws.ToString(s.CidrBlock)
	}
	if zones[o.PrivateSubnetIDs[0]] != "us-east-1a 10.10.1.0/24" || zones[o.PrivateSubnetIDs[1]] != "us-east-1c 10.10.2.0/24" {
		t.Fatalf("private subnets = %v", zones)
	}
	for _, attr := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
		a, err := e.api.DescribeVpcAttribute(ctx, &ec2sdk.DescribeVpcAttributeInput{VpcId: aws.String(o.VPCID), Attribute: attr})
		if err != nil {
			t.Fatal(err)
		}
		if (a.EnableDnsSupport != nil && !aws.ToBool(a.EnableDnsSupport.Value)) || (a.EnableDnsHostnames != nil && !aws.ToBool(a.EnableDnsHostnames.Value)) {
			t.Fatalf("%s is off", attr)
		}
	}
	rts, err := e.api.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{o.PrivateRouteTableID}})
	if err != nil || len(rts.RouteTables) != 1 {
		t.Fatal(rts, err)
	}
	var natRoute bool
	for _, r := range rts.RouteTables[0].Routes {
		natRoute = natRoute || aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && aws.ToString(r.NatGatewayId) == o.NatGatewayID
	}
	if !natRoute || len(rts.RouteTables[0].Associations) != 2 {
		t.Fatalf("private route table = %+v", rts.RouteTables[0])
	}
	sgs, err := e.api.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{o.SecurityGroupID}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatal(sgs, err)
	}
	// Exactly the rules MSK Serverless clients and the pollers' network interfaces need: Kafka over IAM
	// (9098) in from the group and the VPC, out to the group; HTTPS out to Lambda and STS. No 9092, no
	// EC2 default of all traffic out.
	g := sgs.SecurityGroups[0]
	wantIn := []string{"tcp 9098 " + d.CIDR, "tcp 9098 " + o.SecurityGroupID}
	wantOut := []string{"tcp 443 0.0.0.0/0", "tcp 9098 " + o.SecurityGroupID}
	if in, out := ruleSet(g.IpPermissions), ruleSet(g.IpPermissionsEgress); !reflect.DeepEqual(in, wantIn) || !reflect.DeepEqual(out, wantOut) {
		t.Fatalf("security group rules: in %v, out %v; want in %v, out %v", in, out, wantIn, wantOut)
	}
}

// ruleSet renders each peer of each permission as "protocol port peer", sorted.
func ruleSet(perms []types.IpPermission) []string {
	var out []string
	for _, p := range perms {
		rule := fmt.Sprintf("%s %d ", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort))
		if aws.ToInt32(p.FromPort) != aws.ToInt32(p.ToPort) {
			rule = fmt.Sprintf("%s %d-%d ", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort))
		}
		for _, r := range p.IpRanges {
			out = append(out, rule+aws.ToString(r.CidrIp))
		}
		for _, g := range p.UserIdGroupPairs {
			out = append(out, rule+aws.ToString(g.GroupId))
		}
	}
	slices.Sort(out)
	return out
}

func TestEnsureWaitsWhileTheNatGatewayIsPending(t *testing.T) {
	e := setup(t)
	lawstest.Override(t, e.timings, lifecycle.NatGatewayCreate, time.Hour)
	d := desired()
	for i := range 2 {
		res, err := e.svc.Ensure(context.Background(), "", d)
		w, ok := outcome.AsWaiting(err)
		if !ok || w.After != waits().NatGateway {
			t.Fatalf("Ensure %d = %v, want Waiting", i, err)
		}
		if res.Observed.NatGatewayState != "pending" || res.Observed.PrivateRouteTableID != "" || res.Observed.SecurityGroupID == "" {
			t.Fatalf("Ensure %d observed %+v", i, res.Observed)
		}
	}
	if got := awstest.Writes(e.srv, "ec2")["CreateNatGateway"]; got != 1 {
		t.Fatalf("CreateNatGateway called %d times", got)
	}
}

func TestDeleteRemovesEverythingInReverseOrder(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := ensureReady(t, e, "", d).Observed

	gone, err := e.svc.Delete(ctx, o.VPCID, d)
	if err != nil || gone {
		t.Fatalf("first Delete = %v, %v; want not gone while the NAT gateway is deleted", gone, err)
	}
	deleteAll(t, e, o.VPCID, d)
	gone, err = e.svc.Delete(ctx, o.VPCID, d)
	if err != nil || !gone {
		t.Fatalf("Delete again = %v, %v", gone, err)
	}
	if got := awstest.Writes(e.srv, "ec2")["DeleteNatGateway"]; got != 1 {
		t.Fatalf("DeleteNatGateway called %d times", got)
	}
	vpcs, err := e.api.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vpcs.Vpcs {
		if aws.ToString(v.VpcId) == o.VPCID {
			t.Fatalf("VPC %s still exists", o.VPCID)
		}
	}
	addrs, err := e.api.DescribeAddresses(ctx, &ec2sdk.DescribeAddressesInput{})
	if err != nil || len(addrs.Addresses) != 0 {
		t.Fatalf("addresses left: %+v, %v", addrs, err)
	}
	igws, err := e.api.DescribeInternetGateways(ctx, &ec2sdk.DescribeInternetGatewaysInput{Filters: byName(d.NamePrefix + "-igw")})
	if err != nil || len(igws.InternetGateways) != 0 {
		t.Fatalf("internet gateways left: %+v, %v", igws, err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "ec2"))
	if gone, err := e.svc.Delete(ctx, o.VPCID, d); err != nil || !gone {
		t.Fatalf("Delete after delete = %v, %v", gone, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "ec2")); after != before {
		t.Fatalf("Delete of a deleted network wrote %d times", after-before)
	}
}

func TestDeleteWaitsWhileSomethingElseUsesTheVPC(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := ensureReady(t, e, "", d).Observed
	// A subnet someone else made in the VPC blocks its deletion, and is never touched.
	other, err := e.api.CreateSubnet(ctx, &ec2sdk.CreateSubnetInput{VpcId: aws.String(o.VPCID), CidrBlock: aws.String("10.10.200.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		gone, err := e.svc.Delete(ctx, o.VPCID, d)
		if w, ok := outcome.AsWaiting(err); ok {
			if gone || !strings.Contains(w.Message, "deleting VPC "+o.VPCID) || !strings.Contains(w.Message, "still in use") {
				t.Fatalf("Delete = %v, %v", gone, err)
			}
			break
		}
		if err != nil || gone {
			t.Fatalf("Delete = %v, %v; want a Waiting outcome about the VPC", gone, err)
		}
		if time.Now().After(deadline) {
			t.Fatal("Delete never reached the VPC")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := e.api.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(other.Subnet.SubnetId)}}); err != nil {
		t.Fatalf("the other subnet was touched: %v", err)
	}
	if _, err := e.api.DeleteSubnet(ctx, &ec2sdk.DeleteSubnetInput{SubnetId: other.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	deleteAll(t, e, o.VPCID, d)
}

func TestNotOwnedVPCIsLeftAlone(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	foreign, err := e.api.CreateVpc(ctx, &ec2sdk.CreateVpcInput{
		CidrBlock: aws.String("10.20.0.0/16"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{
			{Key: aws.String("Name"), Value: aws.String(d.NamePrefix + "-vpc")},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := awstest.Writes(e.srv, "ec2")

	_, err = e.svc.Ensure(ctx, "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || !strings.Contains(err.Error(), "left untouched") {
		t.Fatalf("Ensure = %v, want Terminal NotOwned", err)
	}
	gone, err := e.svc.Delete(ctx, "", d)
	if err != nil || !gone {
		t.Fatalf("Delete = %v, %v; want gone without touching the foreign VPC", gone, err)
	}
	if after := awstest.Writes(e.srv, "ec2"); awstest.Total(after) != awstest.Total(before) {
		t.Fatalf("writes went from %v to %v", before, after)
	}
	vpcs, err := e.api.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{aws.ToString(foreign.Vpc.VpcId)}})
	if err != nil || len(vpcs.Vpcs) != 1 || len(vpcs.Vpcs[0].Tags) != 1 {
		t.Fatalf("foreign VPC changed: %+v, %v", vpcs, err)
	}
}

func TestEnsureRepairsDrift(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := ensureReady(t, e, "", d).Observed

	// Out of band: DNS hostnames off, the private default route gone, a subnet disassociated, a rule
	// revoked, an ownership-irrelevant user tag changed and a stray tag added.
	mustDo(t, func() error {
		_, err := e.api.ModifyVpcAttribute(ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: aws.String(o.VPCID),
			EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.DeleteRoute(ctx, &ec2sdk.DeleteRouteInput{RouteTableId: aws.String(o.PrivateRouteTableID),
			DestinationCidrBlock: aws.String("0.0.0.0/0")})
		return err
	})
	rts, err := e.api.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{o.PrivateRouteTableID}})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, func() error {
		_, err := e.api.DisassociateRouteTable(ctx, &ec2sdk.DisassociateRouteTableInput{
			AssociationId: rts.RouteTables[0].Associations[0].RouteTableAssociationId})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: aws.String(o.SecurityGroupID),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(9098), ToPort: aws.Int32(9098),
				IpRanges: []types.IpRange{{CidrIp: aws.String(d.CIDR)}}}}})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.RevokeSecurityGroupEgress(ctx, &ec2sdk.RevokeSecurityGroupEgressInput{GroupId: aws.String(o.SecurityGroupID),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.AuthorizeSecurityGroupEgress(ctx, &ec2sdk.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(o.SecurityGroupID),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.CreateTags(ctx, &ec2sdk.CreateTagsInput{Resources: []string{o.PublicSubnetID},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("other")}, {Key: aws.String("stray"), Value: aws.String("x")}}})
		return err
	})

	res, err := e.svc.Ensure(ctx, o.VPCID, d)
	if err != nil || !res.Updated || res.Created {
		t.Fatalf("Ensure after drift = %+v, %v", res, err)
	}
	got := awstest.Writes(e.srv, "ec2")
	for _, op := range []string{"ModifyVpcAttribute", "CreateRoute", "AssociateRouteTable", "AuthorizeSecurityGroupIngress",
		"AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "CreateTags", "DeleteTags"} {
		if got[op] == 0 {
			t.Errorf("%s was not called to repair drift (writes %v)", op, got)
		}
	}
	before := awstest.Total(got)
	if _, err := e.svc.Ensure(ctx, o.VPCID, d); err != nil {
		t.Fatal(err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "ec2")); after != before {
		t.Fatalf("the repaired network caused %d more writes", after-before)
	}
	subnets, err := e.api.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{o.PublicSubnetID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range subnets.Subnets[0].Tags {
		if k, v := aws.ToString(tg.Key), aws.ToString(tg.Value); k == "stray" || k == "team" && v != "data" {
			t.Fatalf("tag drift not repaired: %s=%s", k, v)
		}
	}
}

func TestEnsureReplacesADefaultRouteToSomethingElse(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := ensureReady(t, e, "", d).Observed
	mustDo(t, func() error {
		_, err := e.api.DeleteRoute(ctx, &ec2sdk.DeleteRouteInput{RouteTableId: aws.String(o.PublicRouteTableID),
			DestinationCidrBlock: aws.String("0.0.0.0/0")})
		return err
	})
	mustDo(t, func() error {
		_, err := e.api.CreateRoute(ctx, &ec2sdk.CreateRouteInput{RouteTableId: aws.String(o.PublicRouteTableID),
			DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(o.NatGatewayID)})
		return err
	})
	if _, err := e.svc.Ensure(ctx, o.VPCID, d); err != nil {
		t.Fatal(err)
	}
	rts, err := e.api.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{o.PublicRouteTableID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rts.RouteTables[0].Routes {
		if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && aws.ToString(r.GatewayId) != o.InternetGatewayID {
			t.Fatalf("default route = %+v, want the internet gateway", r)
		}
	}
}

func TestEnsureRefusesInvalidSpecs(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cases := []struct {
		name string
		edit func(*network.Desired)
		want string
	}{
		{name: "unknown zone", edit: func(d *network.Desired) { d.AvailabilityZones = []string{"us-east-1a", "us-east-1z"} },
			want: "valid zones are [us-east-1a us-east-1b us-east-1c us-east-1d us-east-1e us-east-1f]"},
		{name: "one zone", edit: func(d *network.Desired) { d.AvailabilityZones = []string{"us-east-1a"} }, want: "exactly two"},
		{name: "bad cidr", edit: func(d *network.Desired) { d.CIDR = "10.0.0.0/8" }, want: "between /16 and /26"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := desired()
			tc.edit(&d)
			_, err := e.svc.Ensure(ctx, "", d)
			if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Ensure = %v, want Terminal InvalidSpec containing %q", err, tc.want)
			}
		})
	}
	if n := awstest.Total(awstest.Writes(e.srv, "ec2")); n != 0 {
		t.Fatalf("invalid specs caused %d writes", n)
	}
}

func TestEnsureRefusesAChangedCIDR(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := ensureReady(t, e, "", d).Observed
	d.CIDR = "10.30.0.0/16"
	_, err := e.svc.Ensure(ctx, o.VPCID, d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), "cannot change") {
		t.Fatalf("Ensure = %v, want Terminal InvalidSpec", err)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.admin.AddFault(ctx, server.Fault{Service: "ec2", Operation: "CreateVpc", Status: 403,
		ErrorCode: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Ensure(ctx, "", desired())
	if b, ok := outcome.AsBlocked(err); !ok || b.Reason != awserr.ReasonAccessDenied {
		t.Fatalf("Ensure = %v, want Blocked AccessDenied", err)
	}
	var unwrapped interface{ ErrorCode() string }
	if !errors.As(err, &unwrapped) || unwrapped.ErrorCode() != "UnauthorizedOperation" {
		t.Fatalf("error %v does not carry the EC2 code", err)
	}
}

func mustDo(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

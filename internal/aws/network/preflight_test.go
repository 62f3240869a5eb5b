package network_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

const region = "us-east-1"

// byo is a network a user brings: a VPC with DNS hostnames, a public subnet with a NAT gateway, two
// private subnets in two zones that use the VPC's main route table (no route out yet), and the cluster's
// security group letting 9098 in from itself, with EC2's default of all traffic out.
type byo struct {
	t                 *testing.T
	e                 *env
	vpc, nat, group   string
	mainTable, public string
	private           []string
}

func (b *byo) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func newBYO(t *testing.T, e *env) *byo {
	t.Helper()
	ctx := context.Background()
	b := &byo{t: t, e: e}
	vpc, err := e.api.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	b.must(err)
	b.vpc = aws.ToString(vpc.Vpc.VpcId)
	_, err = e.api.ModifyVpcAttribute(ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: vpc.Vpc.VpcId,
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	b.must(err)
	b.public = b.subnet("10.20.0.0/24", "us-east-1a")
	eip, err := e.api.AllocateAddress(ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc})
	b.must(err)
	nat, err := e.api.CreateNatGateway(ctx, &ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(b.public),
		AllocationId: eip.AllocationId, ConnectivityType: types.ConnectivityTypePublic})
	b.must(err)
	b.nat = aws.ToString(nat.NatGateway.NatGatewayId)
	// The public subnet routes through its own table, so the NAT route below is a candidate in the message.
	rt, err := e.api.CreateRouteTable(ctx, &ec2sdk.CreateRouteTableInput{VpcId: vpc.Vpc.VpcId})
	b.must(err)
	_, err = e.api.CreateRoute(ctx, &ec2sdk.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId,
		DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(b.nat)})
	b.must(err)
	b.private = []string{b.subnet("10.20.1.0/24", "us-east-1a"), b.subnet("10.20.2.0/24", "us-east-1b")}
	tables, err := e.api.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{b.vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	b.must(err)
	b.mainTable = aws.ToString(tables.RouteTables[0].RouteTableId)
	sg, err := e.api.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("msk"), Description: aws.String("MSK Serverless clients")})
	b.must(err)
	b.group = aws.ToString(sg.GroupId)
	b.authorize(b.group, 9098, b.group)
	return b
}

func (b *byo) subnet(cidr, zone string) string {
	b.t.Helper()
	out, err := b.e.api.CreateSubnet(context.Background(), &ec2sdk.CreateSubnetInput{VpcId: aws.String(b.vpc),
		CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})
	b.must(err)
	return aws.ToString(out.Subnet.SubnetId)
}

// authorize lets TCP port into group from the group peer.
func (b *byo) authorize(group string, port int32, peer string) {
	b.t.Helper()
	_, err := b.e.api.AuthorizeSecurityGroupIngress(context.Background(), &ec2sdk.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(port), ToPort: aws.Int32(port), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(peer)}}}}})
	b.must(err)
}

// natRoute gives the main route table a default route to the NAT gateway.
func (b *byo) natRoute() {
	b.t.Helper()
	_, err := b.e.api.CreateRoute(context.Background(), &ec2sdk.CreateRouteInput{RouteTableId: aws.String(b.mainTable),
		DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(b.nat)})
	b.must(err)
}

// endpoints gives the VPC interface endpoints for Lambda and STS in a group of their own, letting 443 in
// from the cluster's group when open is set.
func (b *byo) endpoints(open bool) string {
	b.t.Helper()
	ctx := context.Background()
	sg, err := b.e.api.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: aws.String(b.vpc),
		GroupName: aws.String("endpoints"), Description: aws.String("Lambda and STS endpoints")})
	b.must(err)
	if open {
		b.authorize(aws.ToString(sg.GroupId), 443, b.group)
	}
	for _, svc := range []string{"lambda", "sts"} {
		_, err := b.e.api.CreateVpcEndpoint(ctx, &ec2sdk.CreateVpcEndpointInput{VpcId: aws.String(b.vpc),
			VpcEndpointType: types.VpcEndpointTypeInterface, ServiceName: aws.String("com.amazonaws." + region + "." + svc),
			SubnetIds: b.private, SecurityGroupIds: []string{aws.ToString(sg.GroupId)}})
		b.must(err)
	}
	return aws.ToString(sg.GroupId)
}

// privateDNSOff turns private DNS off on the VPC's endpoints, once they are available.
func (b *byo) privateDNSOff() {
	b.t.Helper()
	ctx := context.Background()
	var eps []types.VpcEndpoint
	lawstest.Eventually(b.t, "the endpoints becoming available", func() bool {
		out, err := b.e.api.DescribeVpcEndpoints(ctx, &ec2sdk.DescribeVpcEndpointsInput{Filters: []types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{b.vpc}}, {Name: aws.String("vpc-endpoint-state"), Values: []string{"available"}}}})
		b.must(err)
		eps = out.VpcEndpoints
		return len(eps) == 2
	})
	for _, ep := range eps {
		_, err := b.e.api.ModifyVpcEndpoint(ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: ep.VpcEndpointId,
			PrivateDnsEnabled: aws.Bool(false)})
		b.must(err)
	}
}

// narrowEgress replaces EC2's default of all traffic out with HTTPS out only.
func (b *byo) narrowEgress() {
	b.t.Helper()
	ctx := context.Background()
	_, err := b.e.api.AuthorizeSecurityGroupEgress(ctx, &ec2sdk.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(b.group),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
			IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	b.must(err)
	_, err = b.e.api.RevokeSecurityGroupEgress(ctx, &ec2sdk.RevokeSecurityGroupEgressInput{GroupId: aws.String(b.group),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	b.must(err)
}

func (b *byo) target() network.Target {
	return network.Target{Region: region, SubnetIDs: b.private, SecurityGroupIDs: []string{b.group}}
}

func preflight(t *testing.T, e *env, target network.Target) network.Report {
	t.Helper()
	rep, err := e.svc.Preflight(context.Background(), target)
	if err != nil {
		t.Fatalf("Preflight(%+v): %v", target, err)
	}
	return rep
}

func reasons(rep network.Report) []string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, p.Reason)
	}
	return out
}

// preflightCase is a broken network: how to break the fixture, the problems it shows, and how to fix it.
type preflightCase struct {
	name string
	// breakIt changes the fixture (which starts with no route out) and returns the cluster's network.
	breakIt func(*byo) network.Target
	want    []string
	// mention are strings the message must hold: the IDs and commands of the fix.
	mention func(*byo) []string
	// fix repairs the network and returns the cluster's network after it.
	fix func(*byo) network.Target
	// calls is the number of EC2 requests the broken network costs.
	calls int
}

var preflightCases = []preflightCase{
	{
		name:    "no NAT route and no endpoints",
		breakIt: func(b *byo) network.Target { return b.target() },
		want:    []string{awserr.ReasonNoRouteToLambdaAndSTS},
		mention: func(b *byo) []string {
			return []string{b.private[0], b.private[1], "main route table " + b.mainTable,
				"`aws ec2 create-route --route-table-id " + b.mainTable + " --destination-cidr-block 0.0.0.0/0 --nat-gateway-id " + b.nat + "`",
				"`aws ec2 create-vpc-endpoint --vpc-id " + b.vpc + " --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.lambda " +
					"--subnet-ids " + b.private[0] + " " + b.private[1] + " --security-group-ids " + b.group + "`",
				"com.amazonaws.us-east-1.sts"}
		},
		fix:   func(b *byo) network.Target { b.natRoute(); return b.target() },
		calls: 4,
	},
	{
		name: "one subnet routed, the other on the main table",
		breakIt: func(b *byo) network.Target {
			ctx := context.Background()
			rt, err := b.e.api.CreateRouteTable(ctx, &ec2sdk.CreateRouteTableInput{VpcId: aws.String(b.vpc)})
			b.must(err)
			_, err = b.e.api.CreateRoute(ctx, &ec2sdk.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId,
				DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(b.nat)})
			b.must(err)
			_, err = b.e.api.AssociateRouteTable(ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId,
				SubnetId: aws.String(b.private[0])})
			b.must(err)
			return b.target()
		},
		want: []string{awserr.ReasonNoRouteToLambdaAndSTS},
		mention: func(b *byo) []string {
			return []string{"in subnets " + b.private[1] + " (the VPC's main route table " + b.mainTable + ")",
				"create-route --route-table-id " + b.mainTable}
		},
		fix:   func(b *byo) network.Target { b.natRoute(); return b.target() },
		calls: 4,
	},
	{
		name: "route to a deleted NAT gateway",
		breakIt: func(b *byo) network.Target {
			ctx := context.Background()
			b.natRoute()
			_, err := b.e.api.DeleteNatGateway(ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(b.nat)})
			b.must(err)
			lawstest.Eventually(b.t, "the NAT gateway being deleted", func() bool {
				out, err := b.e.api.DescribeNatGateways(ctx, &ec2sdk.DescribeNatGatewaysInput{NatGatewayIds: []string{b.nat}})
				b.must(err)
				return out.NatGateways[0].State == types.NatGatewayStateDeleted
			})
			return b.target()
		},
		want: []string{awserr.ReasonNoRouteToLambdaAndSTS},
		mention: func(b *byo) []string {
			return []string{"no route table of the VPC points at a working NAT gateway", "`aws ec2 replace-route --route-table-id " + b.mainTable +
				" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-gateway-id>`"}
		},
		fix: func(b *byo) network.Target {
			ctx := context.Background()
			eip, err := b.e.api.AllocateAddress(ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc})
			b.must(err)
			nat, err := b.e.api.CreateNatGateway(ctx, &ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(b.public),
				AllocationId: eip.AllocationId, ConnectivityType: types.ConnectivityTypePublic})
			b.must(err)
			_, err = b.e.api.ReplaceRoute(ctx, &ec2sdk.ReplaceRouteInput{RouteTableId: aws.String(b.mainTable),
				DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: nat.NatGateway.NatGatewayId})
			b.must(err)
			return b.target()
		},
		calls: 4,
	},
	{
		name:    "endpoints closed to the cluster",
		breakIt: func(b *byo) network.Target { b.endpoints(false); return b.target() },
		want:    []string{awserr.ReasonNoRouteToLambdaAndSTS},
		mention: func(b *byo) []string { return []string{"--protocol tcp --port 443 --source-group " + b.group} },
		fix: func(b *byo) network.Target {
			out, err := b.e.api.DescribeSecurityGroups(context.Background(), &ec2sdk.DescribeSecurityGroupsInput{
				Filters: []types.Filter{{Name: aws.String("group-name"), Values: []string{"endpoints"}}}})
			b.must(err)
			b.authorize(aws.ToString(out.SecurityGroups[0].GroupId), 443, b.group)
			return b.target()
		},
		calls: 4,
	},
	{
		name:    "endpoints without private DNS",
		breakIt: func(b *byo) network.Target { b.endpoints(true); b.privateDNSOff(); return b.target() },
		want:    []string{awserr.ReasonNoRouteToLambdaAndSTS},
		mention: func(*byo) []string {
			return []string{"modify-vpc-endpoint --vpc-endpoint-id vpce-", "--private-dns-enabled`"}
		},
		fix:   func(b *byo) network.Target { b.natRoute(); return b.target() },
		calls: 4,
	},
	{
		name: "subnets in one zone",
		breakIt: func(b *byo) network.Target {
			b.natRoute()
			t := b.target()
			t.SubnetIDs = []string{b.public, b.private[0]}
			return t
		},
		want: []string{awserr.ReasonSubnetsInOneAZ},
		mention: func(b *byo) []string {
			return []string{b.public, b.private[0], "us-east-1a", "create-subnet --vpc-id " + b.vpc}
		},
		fix:   func(b *byo) network.Target { return b.target() },
		calls: 4,
	},
	{
		name: "security group without 9098",
		breakIt: func(b *byo) network.Target {
			b.natRoute()
			_, err := b.e.api.RevokeSecurityGroupIngress(context.Background(), &ec2sdk.RevokeSecurityGroupIngressInput{
				GroupId: aws.String(b.group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
					FromPort: aws.Int32(9098), ToPort: aws.Int32(9098), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(b.group)}}}}})
			b.must(err)
			// A rule on another port, and 9098 from outside the VPC, do not count.
			b.authorize(b.group, 9092, b.group)
			return b.target()
		},
		want: []string{awserr.ReasonSecurityGroupMissingKafkaRule},
		mention: func(b *byo) []string {
			return []string{"10.20.0.0/16", "`aws ec2 authorize-security-group-ingress --group-id " + b.group +
				" --protocol tcp --port 9098 --source-group " + b.group + "`"}
		},
		fix: func(b *byo) network.Target {
			_, err := b.e.api.AuthorizeSecurityGroupIngress(context.Background(), &ec2sdk.AuthorizeSecurityGroupIngressInput{
				GroupId: aws.String(b.group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
					FromPort: aws.Int32(9000), ToPort: aws.Int32(9100), IpRanges: []types.IpRange{{CidrIp: aws.String("10.20.0.0/16")}}}}})
			b.must(err)
			return b.target()
		},
		calls: 4,
	},
	{
		name: "subnets in two VPCs",
		breakIt: func(b *byo) network.Target {
			b.natRoute()
			other, err := b.e.api.CreateVpc(context.Background(), &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.30.0.0/16")})
			b.must(err)
			sub, err := b.e.api.CreateSubnet(context.Background(), &ec2sdk.CreateSubnetInput{VpcId: other.Vpc.VpcId,
				CidrBlock: aws.String("10.30.1.0/24"), AvailabilityZone: aws.String("us-east-1c")})
			b.must(err)
			t := b.target()
			t.SubnetIDs = []string{b.private[0], aws.ToString(sub.Subnet.SubnetId)}
			return t
		},
		want:    []string{awserr.ReasonSubnetsInSeveralVPCs},
		mention: func(b *byo) []string { return []string{b.private[0] + " in " + b.vpc} },
		fix:     func(b *byo) network.Target { return b.target() },
		calls:   1,
	},
	{
		name: "egress narrowed to HTTPS",
		breakIt: func(b *byo) network.Target {
			b.natRoute()
			b.narrowEgress()
			return b.target()
		},
		want: []string{awserr.ReasonSecurityGroupMissingEgressRule},
		mention: func(b *byo) []string {
			return []string{"`aws ec2 authorize-security-group-egress --group-id " + b.group +
				" --ip-permissions IpProtocol=tcp,FromPort=9098,ToPort=9098,UserIdGroupPairs=[{GroupId=" + b.group + "}]`"}
		},
		fix: func(b *byo) network.Target {
			_, err := b.e.api.AuthorizeSecurityGroupEgress(context.Background(), &ec2sdk.AuthorizeSecurityGroupEgressInput{
				GroupId: aws.String(b.group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
					FromPort: aws.Int32(9098), ToPort: aws.Int32(9098), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(b.group)}}}}})
			b.must(err)
			return b.target()
		},
		calls: 4,
	},
	{
		name: "missing subnet and foreign group",
		breakIt: func(b *byo) network.Target {
			b.natRoute()
			t := b.target()
			t.SubnetIDs = append(t.SubnetIDs, "subnet-0123456789abcdef0")
			t.SecurityGroupIDs = append(t.SecurityGroupIDs, "sg-0123456789abcdef0")
			return t
		},
		want:    []string{awserr.ReasonSubnetNotFound, awserr.ReasonSecurityGroupNotFound},
		mention: func(*byo) []string { return []string{"subnet-0123456789abcdef0", "sg-0123456789abcdef0"} },
		fix:     func(b *byo) network.Target { return b.target() },
		calls:   4,
	},
}

func TestPreflightNamesEachProblemAndItsFix(t *testing.T) {
	for _, tc := range preflightCases {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			b := newBYO(t, e)
			rep := preflight(t, e, tc.breakIt(b))
			if !slices.Equal(reasons(rep), tc.want) {
				t.Fatalf("problems = %+v, want reasons %v", rep.Problems, tc.want)
			}
			if rep.Calls != tc.calls {
				t.Errorf("%d EC2 calls, want %d", rep.Calls, tc.calls)
			}
			var all strings.Builder
			for _, p := range rep.Problems {
				t.Logf("%s: %s", p.Reason, p.Message)
				all.WriteString(p.Message + "\n")
			}
			for _, s := range tc.mention(b) {
				if !strings.Contains(all.String(), s) {
					t.Errorf("messages do not mention %q:\n%s", s, all.String())
				}
			}
			if fixed := preflight(t, e, tc.fix(b)); !fixed.Ready() || fixed.Calls != 4 || fixed.VPCID != b.vpc {
				t.Fatalf("after the fix: %+v", fixed)
			}
		})
	}
}

func TestPreflightJudgesTheGroupsTogether(t *testing.T) {
	e := setup(t)
	b := newBYO(t, e)
	b.natRoute()
	ctx := context.Background()
	// The first group lets nothing in and only HTTPS out; the second lets 9098 in from the first and keeps
	// EC2's default of all traffic out. The pollers' interfaces carry both.
	_, err := e.api.RevokeSecurityGroupIngress(ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: aws.String(b.group),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(9098), ToPort: aws.Int32(9098),
			UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(b.group)}}}}})
	b.must(err)
	b.narrowEgress()
	second, err := e.api.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: aws.String(b.vpc),
		GroupName: aws.String("kafka"), Description: aws.String("Kafka from the MSK group")})
	b.must(err)
	b.authorize(aws.ToString(second.GroupId), 9098, b.group)
	target := b.target()
	target.SecurityGroupIDs = append(target.SecurityGroupIDs, aws.ToString(second.GroupId))
	if rep := preflight(t, e, target); !rep.Ready() {
		t.Fatalf("two groups that together allow everything: %+v", rep.Problems)
	}
	rep := preflight(t, e, b.target())
	if !slices.Equal(reasons(rep), []string{awserr.ReasonSecurityGroupMissingKafkaRule,
		awserr.ReasonSecurityGroupMissingEgressRule}) {
		t.Fatalf("the first group alone: %+v", rep.Problems)
	}
	// A condition has room for one reason and one message.
	want := awserr.ReasonSecurityGroupMissingKafkaRule + ": " + rep.Problems[0].Message + "\n" +
		awserr.ReasonSecurityGroupMissingEgressRule + ": " + rep.Problems[1].Message
	if rep.Reason() != awserr.ReasonSecurityGroupMissingKafkaRule || rep.Message() != want {
		t.Fatalf("condition of the report = %q, %q", rep.Reason(), rep.Message())
	}
}

func TestPreflightAcceptsEndpointsInsteadOfNAT(t *testing.T) {
	e := setup(t)
	// Endpoints still pending are not usable yet.
	lawstest.Hold(t, e.timings, lifecycle.VpcEndpointCreate)
	pending := newBYO(t, e)
	pending.endpoints(true)
	rep := preflight(t, e, pending.target())
	if !slices.Equal(reasons(rep), []string{awserr.ReasonNoRouteToLambdaAndSTS}) ||
		!strings.Contains(rep.Problems[0].Message, "wait for endpoint vpce-") {
		t.Fatalf("problems with pending endpoints = %+v", rep.Problems)
	}
	lawstest.Release(t, e.timings, lifecycle.VpcEndpointCreate)
	b := newBYO(t, e)
	b.endpoints(true)
	eventuallyReady(t, e, b.target())
}

func eventuallyReady(t *testing.T, e *env, target network.Target) {
	t.Helper()
	var last network.Report
	lawstest.Eventually(t, "the network passing the preflight", func() bool {
		last = preflight(t, e, target)
		return last.Ready()
	})
}

func TestCreatedNetworkPassesThePreflight(t *testing.T) {
	e := setup(t)
	d := desired()
	res := ensureReady(t, e, "", d)
	o := res.Observed
	before := awstest.Total(awstest.Writes(e.srv, "ec2"))
	rep := preflight(t, e, network.Target{Region: region, SubnetIDs: o.PrivateSubnetIDs, SecurityGroupIDs: []string{o.SecurityGroupID}})
	if !rep.Ready() || rep.VPCID != o.VPCID || rep.Calls != 4 {
		t.Fatalf("preflight of the created network = %+v", rep)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "ec2")); after != before {
		t.Fatalf("the preflight wrote %d times", after-before)
	}
}

// commandPattern finds the AWS CLI commands a message quotes, without placeholders.
var commandPattern = regexp.MustCompile("`aws (ec2 [^`<]+)`")

// runCommands runs, through the AWS CLI, the commands of a problem's message that contain one of pick, or
// its first command when pick is empty.
func runCommands(t *testing.T, e *env, p network.Problem, pick []string) {
	t.Helper()
	var cmds []string
	for _, m := range commandPattern.FindAllStringSubmatch(p.Message, -1) {
		if len(pick) == 0 || slices.ContainsFunc(pick, func(s string) bool { return strings.Contains(m[1], s) }) {
			cmds = append(cmds, m[1])
		}
	}
	if len(cmds) == 0 {
		t.Fatalf("%s: no complete command with %v in %q", p.Reason, pick, p.Message)
	}
	if len(pick) == 0 {
		cmds = cmds[:1]
	}
	for _, c := range cmds {
		cmd := exec.Command("aws", append([]string{"--endpoint-url", e.endpoint, "--region", region}, strings.Fields(c)...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: aws %s: %v\n%s", p.Reason, c, err, out)
		}
	}
}

func TestPreflightCommandsFixTheNetworkInTheAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH")
	}
	for _, tc := range []struct {
		name    string
		breakIt func(*byo)
		// pick selects the commands to run (the first of each problem when empty).
		pick []string
	}{
		{"no route out, NAT route", func(*byo) {}, nil},
		{"no route out, endpoints", func(*byo) {}, []string{"create-vpc-endpoint", "--port 443"}},
		{"endpoints closed", func(b *byo) { b.endpoints(false) }, []string{"--port 443"}},
		{"endpoints without private DNS", func(b *byo) { b.endpoints(true); b.privateDNSOff() }, []string{"modify-vpc-endpoint"}},
		{"no 9098 and narrow egress", func(b *byo) {
			b.natRoute()
			b.narrowEgress()
			_, err := b.e.api.RevokeSecurityGroupIngress(context.Background(), &ec2sdk.RevokeSecurityGroupIngressInput{
				GroupId: aws.String(b.group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
					FromPort: aws.Int32(9098), ToPort: aws.Int32(9098), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(b.group)}}}}})
			b.must(err)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			b := newBYO(t, e)
			tc.breakIt(b)
			rep := preflight(t, e, b.target())
			if rep.Ready() {
				t.Fatal("the broken network passed the preflight")
			}
			for _, p := range rep.Problems {
				runCommands(t, e, p, tc.pick)
			}
			eventuallyReady(t, e, b.target())
		})
	}
}

func TestPreflightWithoutGroupsJudgesTheDefaultGroup(t *testing.T) {
	e := setup(t)
	b := newBYO(t, e)
	b.natRoute()
	target := b.target()
	target.SecurityGroupIDs = nil
	// The VPC's default group lets all traffic in from itself and out anywhere.
	if rep := preflight(t, e, target); !rep.Ready() {
		t.Fatalf("preflight with the default group = %+v", rep.Problems)
	}
	if _, err := e.svc.Preflight(context.Background(), network.Target{Region: region}); err == nil {
		t.Fatal("a preflight without subnets succeeded")
	}
}

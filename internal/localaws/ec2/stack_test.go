package ec2

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// TestNetworkStack builds the network an MSK Serverless cluster gets (VPC with DNS, a public subnet with
// an internet gateway, an Elastic IP and a NAT gateway, two private subnets routed through it, a security
// group allowing 9098 inside the VPC) and deletes it in reverse order.
func TestNetworkStack(t *testing.T) {
	h := newHarness(t, Config{})
	owner := []string{"kafkapipeline.io/owner", "ns/cluster"}
	vpc, err := h.ec2.CreateVpc(h.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.10.0.0/16"),
		TagSpecifications: tagSpec(types.ResourceTypeVpc, owner...)})
	h.must(err)
	vpcID := vpc.Vpc.VpcId
	for _, attr := range []*ec2sdk.ModifyVpcAttributeInput{
		{VpcId: vpcID, EnableDnsSupport: &types.AttributeBooleanValue{Value: aws.Bool(true)}},
		{VpcId: vpcID, EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}},
	} {
		_, err := h.ec2.ModifyVpcAttribute(h.ctx, attr)
		h.must(err)
	}
	zones, err := h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{})
	h.must(err)
	subnet := func(cidr string, zone int) string {
		out, err := h.ec2.CreateSubnet(h.ctx, &ec2sdk.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String(cidr),
			AvailabilityZoneId: zones.AvailabilityZones[zone].ZoneId, TagSpecifications: tagSpec(types.ResourceTypeSubnet, owner...)})
		h.must(err)
		return aws.ToString(out.Subnet.SubnetId)
	}
	public, privA, privC := subnet("10.10.0.0/24", 0), subnet("10.10.1.0/24", 0), subnet("10.10.2.0/24", 2)
	_, err = h.ec2.ModifySubnetAttribute(h.ctx, &ec2sdk.ModifySubnetAttributeInput{SubnetId: aws.String(public),
		MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	h.must(err)

	igw, err := h.ec2.CreateInternetGateway(h.ctx, &ec2sdk.CreateInternetGatewayInput{
		TagSpecifications: tagSpec(types.ResourceTypeInternetGateway, owner...)})
	h.must(err)
	igwID := igw.InternetGateway.InternetGatewayId
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)
	eip, err := h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc,
		TagSpecifications: tagSpec(types.ResourceTypeElasticIp, owner...)})
	h.must(err)
	nat, err := h.ec2.CreateNatGateway(h.ctx, &ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(public),
		AllocationId: eip.AllocationId, TagSpecifications: tagSpec(types.ResourceTypeNatgateway, owner...)})
	h.must(err)
	natID := aws.ToString(nat.NatGateway.NatGatewayId)
	h.waitNatState(natID, types.NatGatewayStateAvailable)

	table := func(dest string, gw, natGW *string, subnets ...string) (string, []string) {
		out, err := h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: vpcID,
			TagSpecifications: tagSpec(types.ResourceTypeRouteTable, owner...)})
		h.must(err)
		id := out.RouteTable.RouteTableId
		_, err = h.ec2.CreateRoute(h.ctx, &ec2sdk.CreateRouteInput{RouteTableId: id, DestinationCidrBlock: aws.String(dest),
			GatewayId: gw, NatGatewayId: natGW})
		h.must(err)
		var assocs []string
		for _, s := range subnets {
			a, err := h.ec2.AssociateRouteTable(h.ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: id, SubnetId: aws.String(s)})
			h.must(err)
			assocs = append(assocs, aws.ToString(a.AssociationId))
		}
		return aws.ToString(id), assocs
	}
	publicRT, publicAssocs := table("0.0.0.0/0", igwID, nil, public)
	privateRT, privateAssocs := table("0.0.0.0/0", nil, aws.String(natID), privA, privC)

	sg, err := h.ec2.CreateSecurityGroup(h.ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("msk-ns-cluster"),
		Description: aws.String("MSK Serverless clients"), TagSpecifications: tagSpec(types.ResourceTypeSecurityGroup, owner...)})
	h.must(err)
	_, err = h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []types.IpPermission{tcp(9098, []string{"10.10.0.0/16"}, aws.ToString(sg.GroupId))}})
	h.must(err)

	// Everything the operator made is found by its owner tag.
	owned, err := h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{flt("key", owner[0]), flt("value", owner[1])}})
	h.must(err)
	if len(owned.Tags) != 10 {
		t.Fatalf("want 10 owned resources, got %d: %+v", len(owned.Tags), owned.Tags)
	}
	_, err = h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: vpcID})
	lawstest.ExpectCode(t, err, "DependencyViolation")

	// Reverse order.
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: sg.GroupId})
	h.must(err)
	for rt, assocs := range map[string][]string{publicRT: publicAssocs, privateRT: privateAssocs} {
		for _, a := range assocs {
			_, err := h.ec2.DisassociateRouteTable(h.ctx, &ec2sdk.DisassociateRouteTableInput{AssociationId: aws.String(a)})
			h.must(err)
		}
		_, err := h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: aws.String(rt)})
		h.must(err)
	}
	_, err = h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(natID)})
	h.must(err)
	h.waitNatState(natID, types.NatGatewayStateDeleted)
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: eip.AllocationId})
	h.must(err)
	_, err = h.ec2.DetachInternetGateway(h.ctx, &ec2sdk.DetachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)
	_, err = h.ec2.DeleteInternetGateway(h.ctx, &ec2sdk.DeleteInternetGatewayInput{InternetGatewayId: igwID})
	h.must(err)
	for _, s := range []string{public, privA, privC} {
		_, err := h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(s)})
		h.must(err)
	}
	_, err = h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: vpcID})
	h.must(err)
}

// TestBoto3 drives the service through botocore's ec2 serializer and parser.
func TestBoto3(t *testing.T) {
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		t.Skip("python3 with boto3 not available")
	}
	h := newHarness(t, Config{})
	script := `
import sys, boto3, botocore.exceptions
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16",
    TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "boto"}]}])["Vpc"]
ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
sub = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
assert sub["AvailableIpAddressCount"] == 251, sub
sg = ec2.create_security_group(VpcId=vpc["VpcId"], GroupName="g", Description="d")["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 9098,
    "ToPort": 9098, "UserIdGroupPairs": [{"GroupId": sg}], "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
perm = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"][0]
assert perm["UserIdGroupPairs"][0]["GroupId"] == sg and perm["FromPort"] == 9098, perm
vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["boto"]}])["Vpcs"]
assert [v["VpcId"] for v in vpcs] == [vpc["VpcId"]], vpcs
try:
    ec2.delete_vpc(VpcId=vpc["VpcId"])
    raise SystemExit("DeleteVpc with a subnet succeeded")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
`
	cmd := exec.Command("python3", "-c", script, h.endpoint)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) != "DependencyViolation" {
		t.Fatalf("boto3 saw %q", out)
	}
}

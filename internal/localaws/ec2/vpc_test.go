package ec2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestVpcCreateDescribeDelete(t *testing.T) {
	h := newHarness(t, Config{})
	out, err := h.ec2.CreateVpc(h.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.10.0.0/16"),
		TagSpecifications: tagSpec(types.ResourceTypeVpc, "Name", "net-a", "owner", "team")})
	h.must(err)
	v := out.Vpc
	if id := aws.ToString(v.VpcId); len(id) != len("vpc-")+17 {
		t.Fatalf("VPC ID %q does not look like AWS's", id)
	}
	if v.State != types.VpcStateAvailable || aws.ToString(v.CidrBlock) != "10.10.0.0/16" ||
		aws.ToBool(v.IsDefault) || aws.ToString(v.OwnerId) != lawstest.AccountID ||
		v.InstanceTenancy != types.TenancyDefault || aws.ToString(v.DhcpOptionsId) == "" {
		t.Fatalf("unexpected VPC %+v", v)
	}
	if len(v.CidrBlockAssociationSet) != 1 || v.CidrBlockAssociationSet[0].CidrBlockState.State != types.VpcCidrBlockStateCodeAssociated {
		t.Fatalf("unexpected CIDR associations %+v", v.CidrBlockAssociationSet)
	}
	if tagValue(v.Tags, "Name") != "net-a" || tagValue(v.Tags, "owner") != "team" {
		t.Fatalf("tags not returned: %+v", v.Tags)
	}
	other := h.vpc("10.20.0.0/16")

	for name, f := range map[string][]types.Filter{
		"tag":      {flt("tag:Name", "net-a")},
		"wildcard": {flt("tag:Name", "net-*")},
		"tag-key":  {flt("tag-key", "owner")},
		"cidr":     {flt("cidr", "10.10.0.0/16"), flt("state", "available")},
		"vpc-id":   {flt("vpc-id", aws.ToString(v.VpcId))},
	} {
		got, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{Filters: f})
		h.must(err)
		if len(got.Vpcs) != 1 || aws.ToString(got.Vpcs[0].VpcId) != aws.ToString(v.VpcId) {
			t.Fatalf("filter %s: got %+v", name, got.Vpcs)
		}
	}
	all, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{})
	h.must(err)
	if len(all.Vpcs) != 2 {
		t.Fatalf("want 2 VPCs, got %d", len(all.Vpcs))
	}

	// Every VPC comes with a main route table holding the local route and a default security group.
	main := h.mainRouteTable(aws.ToString(v.VpcId))
	if len(main.Routes) != 1 || aws.ToString(main.Routes[0].GatewayId) != "local" ||
		aws.ToString(main.Routes[0].DestinationCidrBlock) != "10.10.0.0/16" || main.Routes[0].State != types.RouteStateActive {
		t.Fatalf("unexpected main routes %+v", main.Routes)
	}
	groups, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{
		Filters: []types.Filter{flt("vpc-id", aws.ToString(v.VpcId)), flt("group-name", "default")}})
	h.must(err)
	if len(groups.SecurityGroups) != 1 {
		t.Fatalf("want the default security group, got %+v", groups.SecurityGroups)
	}

	_, err = h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: v.VpcId})
	h.must(err)
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{aws.ToString(v.VpcId)}})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{aws.ToString(other.VpcId), "vpc-0123456789abcdef0"}})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
	_, err = h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: v.VpcId})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
	rts, err := h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{
		Filters: []types.Filter{flt("vpc-id", aws.ToString(v.VpcId))}})
	h.must(err)
	if len(rts.RouteTables) != 0 {
		t.Fatalf("main route table outlived its VPC: %+v", rts.RouteTables)
	}
}

func TestCreateVpcValidation(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tc := range []struct {
		name string
		in   ec2sdk.CreateVpcInput
		code string
	}{
		{"missing CIDR", ec2sdk.CreateVpcInput{}, "MissingParameter"},
		{"not a CIDR", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0")}, "InvalidParameterValue"},
		{"host bits", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.1/16")}, "InvalidParameterValue"},
		{"too large", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")}, "InvalidVpc.Range"},
		{"too small", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/29")}, "InvalidVpc.Range"},
		{"wrong tag resource type", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
			TagSpecifications: tagSpec(types.ResourceTypeSubnet, "a", "b")}, "InvalidParameterValue"},
		{"reserved tag key", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
			TagSpecifications: tagSpec(types.ResourceTypeVpc, "aws:x", "b")}, "InvalidParameterValue"},
		{"host tenancy", ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
			InstanceTenancy: types.TenancyHost}, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ec2.CreateVpc(h.ctx, &tc.in)
			lawstest.ExpectCode(t, err, tc.code)
		})
	}
	out, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{})
	h.must(err)
	if len(out.Vpcs) != 0 {
		t.Fatalf("a rejected CreateVpc left a VPC: %+v", out.Vpcs)
	}
}

func TestVpcAttributes(t *testing.T) {
	h := newHarness(t, Config{})
	id := h.vpc("10.0.0.0/16").VpcId
	attr := func(name types.VpcAttributeName) *ec2sdk.DescribeVpcAttributeOutput {
		t.Helper()
		out, err := h.ec2.DescribeVpcAttribute(h.ctx, &ec2sdk.DescribeVpcAttributeInput{VpcId: id, Attribute: name})
		h.must(err)
		if aws.ToString(out.VpcId) != aws.ToString(id) {
			t.Fatalf("attribute answer for %s names VPC %s", aws.ToString(id), aws.ToString(out.VpcId))
		}
		return out
	}
	if !aws.ToBool(attr(types.VpcAttributeNameEnableDnsSupport).EnableDnsSupport.Value) {
		t.Fatal("DNS support is on by default")
	}
	if aws.ToBool(attr(types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) {
		t.Fatal("DNS hostnames are off by default in a non-default VPC")
	}
	_, err := h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: id,
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	h.must(err)
	_, err = h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: id,
		EnableDnsSupport: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
	h.must(err)
	if !aws.ToBool(attr(types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) ||
		aws.ToBool(attr(types.VpcAttributeNameEnableDnsSupport).EnableDnsSupport.Value) {
		t.Fatal("attribute changes not kept")
	}
	if attr(types.VpcAttributeNameEnableNetworkAddressUsageMetrics).EnableNetworkAddressUsageMetrics == nil {
		t.Fatal("network address usage metrics attribute missing")
	}

	_, err = h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: id,
		EnableDnsSupport:   &types.AttributeBooleanValue{Value: aws.Bool(true)},
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	lawstest.ExpectCode(t, err, "InvalidParameterCombination")
	_, err = h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: id})
	lawstest.ExpectCode(t, err, "MissingParameter")
	_, err = h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: aws.String("vpc-00000000000000000"),
		EnableDnsSupport: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
	_, err = h.ec2.DescribeVpcAttribute(h.ctx, &ec2sdk.DescribeVpcAttributeInput{VpcId: id, Attribute: "bogus"})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

func TestDeleteVpcDependencies(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := h.vpc("10.0.0.0/16").VpcId
	deleteVpc := func() error {
		_, err := h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: vpcID})
		return err
	}

	sub := h.subnet(aws.ToString(vpcID), "10.0.1.0/24", "us-east-1a")
	lawstest.ExpectCode(t, deleteVpc(), "DependencyViolation")
	_, err := h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: sub.SubnetId})
	h.must(err)

	igw, err := h.ec2.CreateInternetGateway(h.ctx, &ec2sdk.CreateInternetGatewayInput{})
	h.must(err)
	igwID := igw.InternetGateway.InternetGatewayId
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)
	lawstest.ExpectCode(t, deleteVpc(), "DependencyViolation")
	_, err = h.ec2.DetachInternetGateway(h.ctx, &ec2sdk.DetachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)

	sg := h.group(aws.ToString(vpcID), "app")
	lawstest.ExpectCode(t, deleteVpc(), "DependencyViolation")
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(sg)})
	h.must(err)

	rt, err := h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: vpcID})
	h.must(err)
	lawstest.ExpectCode(t, deleteVpc(), "DependencyViolation")
	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId})
	h.must(err)

	h.must(deleteVpc())
}

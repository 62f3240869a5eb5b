package ec2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestSubnetCreateDescribeModifyDelete(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	out, err := h.ec2.CreateSubnet(h.ctx, &ec2sdk.CreateSubnetInput{VpcId: aws.String(vpcID),
		CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String("us-east-1c"),
		TagSpecifications: tagSpec(types.ResourceTypeSubnet, "Name", "private-c")})
	h.must(err)
	s := out.Subnet
	wantARN := "arn:aws:ec2:us-east-1:" + lawstest.AccountID + ":subnet/" + aws.ToString(s.SubnetId)
	if s.State != types.SubnetStateAvailable || aws.ToString(s.VpcId) != vpcID ||
		aws.ToString(s.AvailabilityZone) != "us-east-1c" || aws.ToString(s.AvailabilityZoneId) != "use1-az3" ||
		aws.ToInt32(s.AvailableIpAddressCount) != 251 || aws.ToBool(s.MapPublicIpOnLaunch) ||
		aws.ToString(s.SubnetArn) != wantARN || tagValue(s.Tags, "Name") != "private-c" {
		t.Fatalf("unexpected subnet %+v", s)
	}
	byID, err := h.ec2.CreateSubnet(h.ctx, &ec2sdk.CreateSubnetInput{VpcId: aws.String(vpcID),
		CidrBlock: aws.String("10.0.2.0/24"), AvailabilityZoneId: aws.String("use1-az1")})
	h.must(err)
	if aws.ToString(byID.Subnet.AvailabilityZone) != "us-east-1a" {
		t.Fatalf("zone ID use1-az1 resolved to %s", aws.ToString(byID.Subnet.AvailabilityZone))
	}

	_, err = h.ec2.ModifySubnetAttribute(h.ctx, &ec2sdk.ModifySubnetAttributeInput{SubnetId: byID.Subnet.SubnetId,
		MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	h.must(err)
	for name, f := range map[string][]types.Filter{
		"zone":      {flt("availability-zone", "us-east-1c")},
		"zone id":   {flt("availability-zone-id", "use1-az3")},
		"tag":       {flt("tag:Name", "private-*")},
		"public ip": {flt("map-public-ip-on-launch", "false"), flt("vpc-id", vpcID)},
		"cidr":      {flt("cidr-block", "10.0.1.0/24")},
	} {
		got, err := h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{Filters: f})
		h.must(err)
		if len(got.Subnets) != 1 || aws.ToString(got.Subnets[0].SubnetId) != aws.ToString(s.SubnetId) {
			t.Fatalf("filter %s: got %+v", name, got.Subnets)
		}
	}
	pub, err := h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(byID.Subnet.SubnetId)}})
	h.must(err)
	if !aws.ToBool(pub.Subnets[0].MapPublicIpOnLaunch) {
		t.Fatal("MapPublicIpOnLaunch not kept")
	}
	if !h.svc.SubnetExists(lawstest.Region, aws.ToString(s.SubnetId)) || h.svc.SubnetExists("eu-west-1", aws.ToString(s.SubnetId)) {
		t.Fatal("SubnetExists disagrees with the API")
	}

	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: s.SubnetId})
	h.must(err)
	if h.svc.SubnetExists(lawstest.Region, aws.ToString(s.SubnetId)) {
		t.Fatal("deleted subnet still exists")
	}
	_, err = h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(s.SubnetId)}})
	lawstest.ExpectCode(t, err, "InvalidSubnetID.NotFound")
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: s.SubnetId})
	lawstest.ExpectCode(t, err, "InvalidSubnetID.NotFound")
	_, err = h.ec2.ModifySubnetAttribute(h.ctx, &ec2sdk.ModifySubnetAttributeInput{SubnetId: s.SubnetId,
		MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	lawstest.ExpectCode(t, err, "InvalidSubnetID.NotFound")
	_, err = h.ec2.ModifySubnetAttribute(h.ctx, &ec2sdk.ModifySubnetAttributeInput{SubnetId: byID.Subnet.SubnetId})
	lawstest.ExpectCode(t, err, "MissingParameter")
}

func TestCreateSubnetValidation(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	h.subnet(vpcID, "10.0.0.0/20", "us-east-1a")
	for _, tc := range []struct {
		name, vpc, cidr, zone, code string
	}{
		{"outside the VPC", vpcID, "10.1.0.0/24", "", "InvalidSubnet.Range"},
		{"larger than the VPC", vpcID, "10.0.0.0/15", "", "InvalidSubnet.Range"},
		{"too small", vpcID, "10.0.128.0/29", "", "InvalidSubnet.Range"},
		{"overlapping", vpcID, "10.0.8.0/24", "", "InvalidSubnet.Conflict"},
		{"bad CIDR", vpcID, "10.0.300.0/24", "", "InvalidParameterValue"},
		{"unknown zone", vpcID, "10.0.64.0/24", "us-east-1z", "InvalidParameterValue"},
		{"zone of another region", vpcID, "10.0.64.0/24", "eu-west-1a", "InvalidParameterValue"},
		{"unknown VPC", "vpc-00000000000000000", "10.0.64.0/24", "", "InvalidVpcID.NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &ec2sdk.CreateSubnetInput{VpcId: aws.String(tc.vpc), CidrBlock: aws.String(tc.cidr)}
			if tc.zone != "" {
				in.AvailabilityZone = aws.String(tc.zone)
			}
			_, err := h.ec2.CreateSubnet(h.ctx, in)
			lawstest.ExpectCode(t, err, tc.code)
		})
	}
}

func TestDescribeAvailabilityZones(t *testing.T) {
	h := newHarness(t, Config{})
	out, err := h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{})
	h.must(err)
	var names, ids []string
	for _, z := range out.AvailabilityZones {
		names, ids = append(names, aws.ToString(z.ZoneName)), append(ids, aws.ToString(z.ZoneId))
		if z.State != types.AvailabilityZoneStateAvailable || aws.ToString(z.RegionName) != "us-east-1" ||
			aws.ToString(z.ZoneType) != "availability-zone" {
			t.Fatalf("unexpected zone %+v", z)
		}
	}
	if len(names) != 6 || names[0] != "us-east-1a" || names[5] != "us-east-1f" || ids[0] != "use1-az1" {
		t.Fatalf("us-east-1 zones: %v %v", names, ids)
	}

	tokyo, err := h.inRegion("ap-northeast-1").DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{})
	h.must(err)
	got := map[string]string{}
	for _, z := range tokyo.AvailabilityZones {
		got[aws.ToString(z.ZoneName)] = aws.ToString(z.ZoneId)
	}
	want := map[string]string{"ap-northeast-1a": "apne1-az4", "ap-northeast-1c": "apne1-az1", "ap-northeast-1d": "apne1-az2"}
	if len(got) != len(want) {
		t.Fatalf("ap-northeast-1 zones: %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("ap-northeast-1 zones: %v", got)
		}
	}

	other, err := h.inRegion("eu-west-3").DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{
		Filters: []types.Filter{flt("zone-id", "euw3-az2")}})
	h.must(err)
	if len(other.AvailabilityZones) != 1 || aws.ToString(other.AvailabilityZones[0].ZoneName) != "eu-west-3b" {
		t.Fatalf("eu-west-3 zone filter: %+v", other.AvailabilityZones)
	}
	named, err := h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{ZoneNames: []string{"us-east-1d"}})
	h.must(err)
	if len(named.AvailabilityZones) != 1 || aws.ToString(named.AvailabilityZones[0].ZoneId) != "use1-az4" {
		t.Fatalf("ZoneNames selection: %+v", named.AvailabilityZones)
	}
	_, err = h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{ZoneNames: []string{"us-east-1z"}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{ZoneIds: []string{"use1-az9"}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DescribeAvailabilityZones(h.ctx, &ec2sdk.DescribeAvailabilityZonesInput{
		Filters: []types.Filter{flt("bogus", "x")}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

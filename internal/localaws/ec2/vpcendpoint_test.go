package ec2

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// endpointFixture is a VPC with DNS hostnames on, two subnets in two zones and a security group.
type endpointFixture struct {
	vpcID, groupID string
	subnets        []string
}

func (h *harness) endpointFixture(cidrPrefix string) endpointFixture {
	h.t.Helper()
	vpcID := aws.ToString(h.vpc(cidrPrefix + ".0.0/16").VpcId)
	_, err := h.ec2.ModifyVpcAttribute(h.ctx, &ec2sdk.ModifyVpcAttributeInput{VpcId: aws.String(vpcID),
		EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
	h.must(err)
	f := endpointFixture{vpcID: vpcID, groupID: h.group(vpcID, "endpoints")}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		f.subnets = append(f.subnets, aws.ToString(h.subnet(vpcID, cidrPrefix+"."+string(rune('1'+i))+".0/24", zone).SubnetId))
	}
	return f
}

func (h *harness) createEndpoint(in *ec2sdk.CreateVpcEndpointInput) (types.VpcEndpoint, error) {
	h.t.Helper()
	out, err := h.ec2.CreateVpcEndpoint(h.ctx, in)
	if err != nil {
		return types.VpcEndpoint{}, err
	}
	return *out.VpcEndpoint, nil
}

func (f endpointFixture) input(service string) *ec2sdk.CreateVpcEndpointInput {
	return &ec2sdk.CreateVpcEndpointInput{VpcId: aws.String(f.vpcID), ServiceName: aws.String(service),
		VpcEndpointType: types.VpcEndpointTypeInterface, SubnetIds: f.subnets, SecurityGroupIds: []string{f.groupID}}
}

func (h *harness) describeEndpoint(id string) types.VpcEndpoint {
	h.t.Helper()
	out, err := h.ec2.DescribeVpcEndpoints(h.ctx, &ec2sdk.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	h.must(err)
	if len(out.VpcEndpoints) != 1 {
		h.t.Fatalf("want one VPC endpoint %s, got %d", id, len(out.VpcEndpoints))
	}
	return out.VpcEndpoints[0]
}

// TestInterfaceEndpointLifecycle checks an endpoint through the SDK. EC2 writes endpoint states in lower
// case ("pending", "available"), unlike the SDK's State constants.
func TestInterfaceEndpointLifecycle(t *testing.T) {
	timings := lawstest.Timings(t)
	lawstest.Override(t, timings, lifecycle.VpcEndpointCreate, time.Hour)
	h := newHarness(t, Config{Timings: timings})
	f := h.endpointFixture("10.7")
	in := f.input("com.amazonaws.us-east-1.lambda")
	in.TagSpecifications = tagSpec(types.ResourceTypeVpcEndpoint, "Name", "lambda")
	e, err := h.createEndpoint(in)
	h.must(err)
	id := aws.ToString(e.VpcEndpointId)
	if e.State != "pending" || e.VpcEndpointType != types.VpcEndpointTypeInterface ||
		aws.ToString(e.VpcId) != f.vpcID || aws.ToString(e.ServiceName) != "com.amazonaws.us-east-1.lambda" ||
		!aws.ToBool(e.PrivateDnsEnabled) || !slices.Equal(e.SubnetIds, f.subnets) || len(e.NetworkInterfaceIds) != 2 ||
		len(e.Groups) != 1 || aws.ToString(e.Groups[0].GroupId) != f.groupID || aws.ToString(e.Groups[0].GroupName) != "endpoints" ||
		e.CreationTimestamp == nil || tagValue(e.Tags, "Name") != "lambda" || aws.ToString(e.PolicyDocument) == "" ||
		e.IpAddressType != types.IpAddressTypeIpv4 || aws.ToString(e.OwnerId) == "" {
		t.Fatalf("unexpected new endpoint %+v", e)
	}
	var names []string
	for _, d := range e.DnsEntries {
		names = append(names, aws.ToString(d.DnsName))
	}
	if !slices.Contains(names, "lambda.us-east-1.amazonaws.com") || len(names) < 2 {
		t.Fatalf("DNS entries %v lack the regional endpoint name and the service's private DNS name", names)
	}
	subs, err := h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: f.subnets[:1]})
	h.must(err)
	if n := aws.ToInt32(subs.Subnets[0].AvailableIpAddressCount); n != 250 {
		t.Fatalf("the endpoint's network interface takes no address from its subnet: %d free", n)
	}

	lawstest.Override(t, timings, lifecycle.VpcEndpointCreate, 0)
	h2 := h.endpointFixture("10.8")
	fast, err := h.createEndpoint(h2.input("com.amazonaws.us-east-1.sts"))
	h.must(err)
	eventuallyState(t, h, aws.ToString(fast.VpcEndpointId), "available")
	if h.describeEndpoint(id).State != "pending" {
		t.Fatalf("the first endpoint is no longer pending")
	}

	for name, fs := range map[string][]types.Filter{
		"vpc":     {flt("vpc-id", f.vpcID)},
		"service": {flt("service-name", "com.amazonaws.us-east-1.lambda")},
		"state":   {flt("vpc-endpoint-state", "pending")},
		"type":    {flt("vpc-endpoint-type", "Interface"), flt("vpc-id", f.vpcID)},
		"tag":     {flt("tag:Name", "lambda")},
	} {
		got, err := h.ec2.DescribeVpcEndpoints(h.ctx, &ec2sdk.DescribeVpcEndpointsInput{Filters: fs})
		h.must(err)
		if len(got.VpcEndpoints) != 1 || aws.ToString(got.VpcEndpoints[0].VpcEndpointId) != id {
			t.Fatalf("filter %s: %+v", name, got.VpcEndpoints)
		}
	}

	// The endpoint's network interfaces hold its subnets and group; the VPC cannot go either.
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(f.subnets[0])})
	lawstest.ExpectCode(t, err, "DependencyViolation")
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(f.groupID)})
	lawstest.ExpectCode(t, err, "DependencyViolation")

	del, err := h.ec2.DeleteVpcEndpoints(h.ctx, &ec2sdk.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id, "vpce-0123456789abcdef0"}})
	h.must(err)
	if len(del.Unsuccessful) != 1 || aws.ToString(del.Unsuccessful[0].ResourceId) != "vpce-0123456789abcdef0" ||
		aws.ToString(del.Unsuccessful[0].Error.Code) != "InvalidVpcEndpointId.NotFound" {
		t.Fatalf("DeleteVpcEndpoints unsuccessful = %+v", del.Unsuccessful)
	}
	_, err = h.ec2.DescribeVpcEndpoints(h.ctx, &ec2sdk.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
	lawstest.ExpectCode(t, err, "InvalidVpcEndpointId.NotFound")
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(f.groupID)})
	h.must(err)
	for _, s := range f.subnets {
		_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(s)})
		h.must(err)
	}
	_, err = h.ec2.DeleteVpc(h.ctx, &ec2sdk.DeleteVpcInput{VpcId: aws.String(f.vpcID)})
	h.must(err)
}

func eventuallyState(t *testing.T, h *harness, id string, want types.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.describeEndpoint(id).State != want {
		if time.Now().After(deadline) {
			t.Fatalf("VPC endpoint %s never became %s", id, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestInterfaceEndpointDefaultsToTheVpcsDefaultGroup(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.endpointFixture("10.9")
	in := f.input("com.amazonaws.us-east-1.sts")
	in.SecurityGroupIds = nil
	in.PrivateDnsEnabled = aws.Bool(false)
	e, err := h.createEndpoint(in)
	h.must(err)
	groups, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{
		Filters: []types.Filter{flt("vpc-id", f.vpcID), flt("group-name", "default")}})
	h.must(err)
	if len(e.Groups) != 1 || aws.ToString(e.Groups[0].GroupId) != aws.ToString(groups.SecurityGroups[0].GroupId) ||
		aws.ToBool(e.PrivateDnsEnabled) {
		t.Fatalf("endpoint without groups = %+v", e)
	}
	for _, d := range e.DnsEntries {
		if aws.ToString(d.DnsName) == "sts.us-east-1.amazonaws.com" {
			t.Fatalf("private DNS is off but the endpoint has the service's name: %+v", e.DnsEntries)
		}
	}
}

func TestInterfaceEndpointRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.endpointFixture("10.10")
	other := h.endpointFixture("10.11")
	_, err := h.createEndpoint(f.input("com.amazonaws.us-east-1.lambda"))
	h.must(err)

	noDNS := aws.ToString(h.vpc("10.12.0.0/16").VpcId)
	noDNSSubnet := aws.ToString(h.subnet(noDNS, "10.12.1.0/24", "us-east-1a").SubnetId)
	sameZone := aws.ToString(h.subnet(f.vpcID, "10.10.9.0/24", "us-east-1a").SubnetId)
	cases := map[string]struct {
		in   func() *ec2sdk.CreateVpcEndpointInput
		code string
	}{
		"second private DNS name for a service": {func() *ec2sdk.CreateVpcEndpointInput {
			return f.input("com.amazonaws.us-east-1.lambda")
		}, "InvalidParameter"},
		"private DNS without DNS hostnames": {func() *ec2sdk.CreateVpcEndpointInput {
			return &ec2sdk.CreateVpcEndpointInput{VpcId: aws.String(noDNS), ServiceName: aws.String("com.amazonaws.us-east-1.sts"),
				VpcEndpointType: types.VpcEndpointTypeInterface, SubnetIds: []string{noDNSSubnet}}
		}, "InvalidParameter"},
		"unknown service": {func() *ec2sdk.CreateVpcEndpointInput {
			return f.input("com.amazonaws.us-east-1.nothing")
		}, "InvalidServiceName"},
		"service of another region": {func() *ec2sdk.CreateVpcEndpointInput {
			return f.input("com.amazonaws.eu-west-1.sts")
		}, "InvalidServiceName"},
		"two subnets in one zone": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("com.amazonaws.us-east-1.sts")
			in.SubnetIds = []string{f.subnets[0], sameZone}
			return in
		}, "DuplicateSubnetsInSameZone"},
		"subnet of another VPC": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("com.amazonaws.us-east-1.sts")
			in.SubnetIds = other.subnets
			return in
		}, "InvalidParameter"},
		"group of another VPC": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("com.amazonaws.us-east-1.sts")
			in.SecurityGroupIds = []string{other.groupID}
			return in
		}, "InvalidParameter"},
		"unknown subnet": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("com.amazonaws.us-east-1.sts")
			in.SubnetIds = []string{"subnet-0123456789abcdef0"}
			return in
		}, "InvalidSubnetID.NotFound"},
		"gateway endpoints": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("com.amazonaws.us-east-1.s3")
			in.VpcEndpointType, in.SubnetIds, in.SecurityGroupIds = types.VpcEndpointTypeGateway, nil, nil
			return in
		}, "InvalidParameterValue"},
		"missing service": {func() *ec2sdk.CreateVpcEndpointInput {
			in := f.input("")
			in.ServiceName = nil
			return in
		}, "MissingParameter"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := h.createEndpoint(tc.in())
			lawstest.ExpectCode(t, err, tc.code)
		})
	}
	got, err := h.ec2.DescribeVpcEndpoints(h.ctx, &ec2sdk.DescribeVpcEndpointsInput{})
	h.must(err)
	if len(got.VpcEndpoints) != 1 {
		t.Fatalf("refused creates left endpoints behind: %+v", got.VpcEndpoints)
	}
}

func TestModifyInterfaceEndpoint(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.endpointFixture("10.13")
	in := f.input("com.amazonaws.us-east-1.lambda")
	in.PrivateDnsEnabled = aws.Bool(false)
	e, err := h.createEndpoint(in)
	h.must(err)
	id := aws.ToString(e.VpcEndpointId)
	second := h.group(f.vpcID, "second")

	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id),
		PrivateDnsEnabled: aws.Bool(true), AddSecurityGroupIds: []string{second}, RemoveSecurityGroupIds: []string{f.groupID},
		PolicyDocument: aws.String(`{"Statement":[]}`)})
	h.must(err)
	got := h.describeEndpoint(id)
	if !aws.ToBool(got.PrivateDnsEnabled) || len(got.Groups) != 1 || aws.ToString(got.Groups[0].GroupId) != second ||
		aws.ToString(got.PolicyDocument) != `{"Statement":[]}` {
		t.Fatalf("modified endpoint = %+v", got)
	}
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(f.groupID)})
	h.must(err)

	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id),
		RemoveSecurityGroupIds: []string{second}})
	lawstest.ExpectCode(t, err, "InvalidParameter")
	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id),
		AddSecurityGroupIds: []string{h.endpointFixture("10.14").groupID}})
	lawstest.ExpectCode(t, err, "InvalidParameter")
	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: aws.String("vpce-0123456789abcdef0"),
		ResetPolicy: aws.Bool(true)})
	lawstest.ExpectCode(t, err, "InvalidVpcEndpointId.NotFound")

	// Private DNS is the service's name in the VPC: a second endpoint cannot take it.
	in = f.input("com.amazonaws.us-east-1.lambda")
	in.PrivateDnsEnabled, in.SecurityGroupIds = aws.Bool(false), []string{second}
	other, err := h.createEndpoint(in)
	h.must(err)
	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: other.VpcEndpointId,
		PrivateDnsEnabled: aws.Bool(true)})
	lawstest.ExpectCode(t, err, "InvalidParameter")
	_, err = h.ec2.ModifyVpcEndpoint(h.ctx, &ec2sdk.ModifyVpcEndpointInput{VpcEndpointId: aws.String(id), ResetPolicy: aws.Bool(true)})
	h.must(err)
	if p := aws.ToString(h.describeEndpoint(id).PolicyDocument); p != fullAccessPolicy {
		t.Fatalf("reset policy = %s", p)
	}
}

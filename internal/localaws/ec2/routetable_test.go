package ec2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestRouteTables(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	vpcID := aws.String(f.vpcID)
	igw, err := h.ec2.CreateInternetGateway(h.ctx, &ec2sdk.CreateInternetGatewayInput{})
	h.must(err)
	igwID := igw.InternetGateway.InternetGatewayId
	out, err := h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: vpcID,
		TagSpecifications: tagSpec(types.ResourceTypeRouteTable, "Name", "public")})
	h.must(err)
	rt := out.RouteTable
	rtID := rt.RouteTableId
	if aws.ToString(rt.VpcId) != f.vpcID || len(rt.Routes) != 1 || aws.ToString(rt.Routes[0].GatewayId) != "local" ||
		rt.Routes[0].Origin != types.RouteOriginCreateRouteTable || len(rt.Associations) != 0 || tagValue(rt.Tags, "Name") != "public" {
		t.Fatalf("unexpected new route table %+v", rt)
	}

	route := func(dest string, gw, nat *string) error {
		_, err := h.ec2.CreateRoute(h.ctx, &ec2sdk.CreateRouteInput{RouteTableId: rtID,
			DestinationCidrBlock: aws.String(dest), GatewayId: gw, NatGatewayId: nat})
		return err
	}
	// The internet gateway must be attached to the table's VPC first.
	lawstest.ExpectCode(t, route("0.0.0.0/0", igwID, nil), "InvalidParameterValue")
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)
	h.must(route("0.0.0.0/0", igwID, nil))
	lawstest.ExpectCode(t, route("0.0.0.0/0", igwID, nil), "RouteAlreadyExists")
	lawstest.ExpectCode(t, route("192.168.0.0/16", aws.String("igw-00000000000000000"), nil), "InvalidGatewayID.NotFound")
	lawstest.ExpectCode(t, route("192.168.0.0/16", nil, aws.String("nat-00000000000000000")), "InvalidNatGatewayID.NotFound")
	lawstest.ExpectCode(t, route("192.168.0.0/16", nil, nil), "MissingParameter")
	lawstest.ExpectCode(t, route("192.168.0.0/33", igwID, nil), "InvalidParameterValue")

	nat := aws.ToString(h.createNat(f, "").NatGatewayId)
	h.must(route("172.16.0.0/12", nil, aws.String(nat)))
	_, err = h.ec2.CreateRoute(h.ctx, &ec2sdk.CreateRouteInput{RouteTableId: aws.String("rtb-00000000000000000"),
		DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igwID})
	lawstest.ExpectCode(t, err, "InvalidRouteTableID.NotFound")

	sub := f.subnetID
	assoc, err := h.ec2.AssociateRouteTable(h.ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: rtID, SubnetId: aws.String(sub)})
	h.must(err)
	if aws.ToString(assoc.AssociationId) == "" || assoc.AssociationState.State != types.RouteTableAssociationStateCodeAssociated {
		t.Fatalf("unexpected association %+v", assoc)
	}
	_, err = h.ec2.AssociateRouteTable(h.ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: rtID, SubnetId: aws.String(sub)})
	lawstest.ExpectCode(t, err, "Resource.AlreadyAssociated")
	other := h.vpc("10.9.0.0/16")
	otherSub := h.subnet(aws.ToString(other.VpcId), "10.9.0.0/24", "us-east-1b")
	_, err = h.ec2.AssociateRouteTable(h.ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: rtID, SubnetId: otherSub.SubnetId})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")

	for name, fs := range map[string][]types.Filter{
		"subnet": {flt("association.subnet-id", sub)},
		"nat":    {flt("route.nat-gateway-id", nat)},
		"igw":    {flt("route.gateway-id", aws.ToString(igwID)), flt("vpc-id", f.vpcID)},
		"tag":    {flt("tag:Name", "public")},
		"main":   {flt("association.main", "false"), flt("vpc-id", f.vpcID)},
	} {
		got, err := h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{Filters: fs})
		h.must(err)
		if len(got.RouteTables) != 1 || aws.ToString(got.RouteTables[0].RouteTableId) != aws.ToString(rtID) {
			t.Fatalf("filter %s: %+v", name, got.RouteTables)
		}
	}
	got, err := h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtID)}})
	h.must(err)
	table := got.RouteTables[0]
	if len(table.Routes) != 3 || len(table.Associations) != 1 || aws.ToString(table.Associations[0].SubnetId) != sub ||
		aws.ToBool(table.Associations[0].Main) {
		t.Fatalf("unexpected route table %+v", table)
	}
	for _, r := range table.Routes {
		if r.State != types.RouteStateActive {
			t.Fatalf("route %s is %s", aws.ToString(r.DestinationCidrBlock), r.State)
		}
	}

	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: rtID})
	lawstest.ExpectCode(t, err, "DependencyViolation")
	main := h.mainRouteTable(f.vpcID)
	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: main.RouteTableId})
	lawstest.ExpectCode(t, err, "DependencyViolation")
	_, err = h.ec2.DisassociateRouteTable(h.ctx, &ec2sdk.DisassociateRouteTableInput{AssociationId: main.Associations[0].RouteTableAssociationId})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DisassociateRouteTable(h.ctx, &ec2sdk.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	h.must(err)
	_, err = h.ec2.DisassociateRouteTable(h.ctx, &ec2sdk.DisassociateRouteTableInput{AssociationId: assoc.AssociationId})
	lawstest.ExpectCode(t, err, "InvalidAssociationID.NotFound")

	// Routes whose targets go away turn into blackholes.
	_, err = h.ec2.DetachInternetGateway(h.ctx, &ec2sdk.DetachInternetGatewayInput{InternetGatewayId: igwID, VpcId: vpcID})
	h.must(err)
	got, err = h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtID)}})
	h.must(err)
	for _, r := range got.RouteTables[0].Routes {
		if aws.ToString(r.GatewayId) == aws.ToString(igwID) && r.State != types.RouteStateBlackhole {
			t.Fatalf("route through a detached gateway is %s", r.State)
		}
	}

	deleteRoute := func(dest string) error {
		_, err := h.ec2.DeleteRoute(h.ctx, &ec2sdk.DeleteRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String(dest)})
		return err
	}
	h.must(deleteRoute("0.0.0.0/0"))
	lawstest.ExpectCode(t, deleteRoute("0.0.0.0/0"), "InvalidRoute.NotFound")
	lawstest.ExpectCode(t, deleteRoute("10.0.0.0/16"), "InvalidParameterValue")
	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: rtID})
	h.must(err)
	_, err = h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtID)}})
	lawstest.ExpectCode(t, err, "InvalidRouteTableID.NotFound")
	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: rtID})
	lawstest.ExpectCode(t, err, "InvalidRouteTableID.NotFound")
	_, err = h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: aws.String("vpc-00000000000000000")})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
}

func TestDeletingSubnetDropsItsAssociation(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	sub := h.subnet(vpcID, "10.0.1.0/24", "us-east-1a")
	rt, err := h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: aws.String(vpcID)})
	h.must(err)
	_, err = h.ec2.AssociateRouteTable(h.ctx, &ec2sdk.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: sub.SubnetId})
	h.must(err)
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: sub.SubnetId})
	h.must(err)
	_, err = h.ec2.DeleteRouteTable(h.ctx, &ec2sdk.DeleteRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId})
	h.must(err)
}

func TestReplaceRoute(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	first := h.createNat(f, "")
	h.waitNatState(aws.ToString(first.NatGatewayId), types.NatGatewayStateAvailable)
	rt, err := h.ec2.CreateRouteTable(h.ctx, &ec2sdk.CreateRouteTableInput{VpcId: aws.String(f.vpcID)})
	h.must(err)
	rtID := rt.RouteTable.RouteTableId
	_, err = h.ec2.CreateRoute(h.ctx, &ec2sdk.CreateRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		NatGatewayId: first.NatGatewayId})
	h.must(err)
	_, err = h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: first.NatGatewayId})
	h.must(err)
	h.waitNatState(aws.ToString(first.NatGatewayId), types.NatGatewayStateDeleted)
	defaultRoute := func() types.Route {
		out, err := h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtID)}})
		h.must(err)
		return out.RouteTables[0].Routes[1]
	}
	if r := defaultRoute(); r.State != types.RouteStateBlackhole {
		t.Fatalf("the route to a deleted NAT gateway = %+v", r)
	}

	second := h.createNat(natFixture{vpcID: f.vpcID, subnetID: f.subnetID, allocationID: h.allocation()}, "")
	_, err = h.ec2.ReplaceRoute(h.ctx, &ec2sdk.ReplaceRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		NatGatewayId: second.NatGatewayId})
	h.must(err)
	if r := defaultRoute(); aws.ToString(r.NatGatewayId) != aws.ToString(second.NatGatewayId) || r.State != types.RouteStateActive ||
		r.Origin != types.RouteOriginCreateRoute {
		t.Fatalf("the replaced route = %+v", r)
	}

	_, err = h.ec2.ReplaceRoute(h.ctx, &ec2sdk.ReplaceRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String("10.1.0.0/16"),
		NatGatewayId: second.NatGatewayId})
	lawstest.ExpectCode(t, err, "InvalidRoute.NotFound")
	_, err = h.ec2.ReplaceRoute(h.ctx, &ec2sdk.ReplaceRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String("10.0.0.0/16"),
		NatGatewayId: second.NatGatewayId})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.ReplaceRoute(h.ctx, &ec2sdk.ReplaceRouteInput{RouteTableId: rtID, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		NatGatewayId: aws.String("nat-0123456789abcdef0")})
	lawstest.ExpectCode(t, err, "InvalidNatGatewayID.NotFound")
}

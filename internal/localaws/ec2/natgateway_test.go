package ec2

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// natFixture is a VPC with one public subnet and one Elastic IP address.
type natFixture struct {
	vpcID, subnetID, allocationID string
}

func (h *harness) natFixture() natFixture {
	h.t.Helper()
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	sub := h.subnet(vpcID, "10.0.0.0/24", "us-east-1a")
	return natFixture{vpcID: vpcID, subnetID: aws.ToString(sub.SubnetId), allocationID: h.allocation()}
}

func (h *harness) createNat(f natFixture, token string) types.NatGateway {
	h.t.Helper()
	in := &ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID), AllocationId: aws.String(f.allocationID),
		ConnectivityType: types.ConnectivityTypePublic, TagSpecifications: tagSpec(types.ResourceTypeNatgateway, "Name", "nat")}
	if token != "" {
		in.ClientToken = aws.String(token)
	}
	out, err := h.ec2.CreateNatGateway(h.ctx, in)
	h.must(err)
	return *out.NatGateway
}

func TestNatGatewayLifecycle(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	n := h.createNat(f, "")
	id := aws.ToString(n.NatGatewayId)
	if n.State != types.NatGatewayStatePending || aws.ToString(n.VpcId) != f.vpcID || aws.ToString(n.SubnetId) != f.subnetID ||
		n.ConnectivityType != types.ConnectivityTypePublic || n.CreateTime == nil || tagValue(n.Tags, "Name") != "nat" ||
		len(n.NatGatewayAddresses) != 1 || aws.ToString(n.NatGatewayAddresses[0].AllocationId) != f.allocationID {
		t.Fatalf("unexpected new NAT gateway %+v", n)
	}

	n = h.waitNatState(id, types.NatGatewayStateAvailable)
	addr := n.NatGatewayAddresses[0]
	if aws.ToString(addr.PrivateIp) != "10.0.0.4" || aws.ToString(addr.NetworkInterfaceId) == "" ||
		aws.ToString(addr.PublicIp) == "" || addr.Status != types.NatGatewayAddressStatusSucceeded || !aws.ToBool(addr.IsPrimary) {
		t.Fatalf("unexpected NAT address %+v", addr)
	}
	eips, err := h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{AllocationIds: []string{f.allocationID}})
	h.must(err)
	if aws.ToString(eips.Addresses[0].NetworkInterfaceId) != aws.ToString(addr.NetworkInterfaceId) ||
		aws.ToString(eips.Addresses[0].AssociationId) == "" || aws.ToString(eips.Addresses[0].PrivateIpAddress) != "10.0.0.4" {
		t.Fatalf("Elastic IP not associated with the NAT gateway: %+v", eips.Addresses[0])
	}
	subs, err := h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{SubnetIds: []string{f.subnetID}})
	h.must(err)
	if aws.ToInt32(subs.Subnets[0].AvailableIpAddressCount) != 250 {
		t.Fatalf("the NAT gateway's address is not taken from the subnet: %d free", aws.ToInt32(subs.Subnets[0].AvailableIpAddressCount))
	}

	for name, fs := range map[string][]types.Filter{
		"state":  {flt("state", "available")},
		"vpc":    {flt("vpc-id", f.vpcID)},
		"subnet": {flt("subnet-id", f.subnetID)},
		"tag":    {flt("tag:Name", "nat")},
	} {
		got, err := h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{Filter: fs})
		h.must(err)
		if len(got.NatGateways) != 1 {
			t.Fatalf("filter %s: %+v", name, got.NatGateways)
		}
	}

	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: aws.String(f.allocationID)})
	lawstest.ExpectCode(t, err, "InvalidIPAddress.InUse")
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(f.subnetID)})
	lawstest.ExpectCode(t, err, "DependencyViolation")

	del, err := h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	h.must(err)
	if aws.ToString(del.NatGatewayId) != id {
		t.Fatalf("DeleteNatGateway answered %s", aws.ToString(del.NatGatewayId))
	}
	n = h.waitNatState(id, types.NatGatewayStateDeleted)
	if n.DeleteTime == nil {
		t.Fatal("deleted NAT gateway has no deleteTime")
	}
	// Deleted gateways stay visible, also to the state filter.
	gone, err := h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{Filter: []types.Filter{flt("state", "deleted")}})
	h.must(err)
	if len(gone.NatGateways) != 1 {
		t.Fatalf("deleted gateway not visible: %+v", gone.NatGateways)
	}
	_, err = h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	h.must(err)

	eips, err = h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{AllocationIds: []string{f.allocationID}})
	h.must(err)
	if eips.Addresses[0].AssociationId != nil {
		t.Fatalf("Elastic IP still associated after the gateway was deleted: %+v", eips.Addresses[0])
	}
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: aws.String(f.allocationID)})
	h.must(err)
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(f.subnetID)})
	h.must(err)
	_, err = h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String("nat-00000000000000000")})
	lawstest.ExpectCode(t, err, "InvalidNatGatewayID.NotFound")
	_, err = h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{NatGatewayIds: []string{"nat-00000000000000000"}})
	lawstest.ExpectCode(t, err, "InvalidNatGatewayID.NotFound")
}

// slowTimings keep NAT gateways in their transitional states for the whole test.
func slowTimings(t *testing.T) *lifecycle.Timings {
	tm := lawstest.Timings(t)
	lawstest.Hold(t, tm, lifecycle.NatGatewayCreate, lifecycle.NatGatewayDelete)
	return tm
}

func TestNatGatewayTransitionalStates(t *testing.T) {
	h := newHarness(t, Config{Timings: slowTimings(t)})
	f := h.natFixture()
	id := aws.ToString(h.createNat(f, "").NatGatewayId)
	if n := h.natGateway(id); n.State != types.NatGatewayStatePending ||
		n.NatGatewayAddresses[0].Status != types.NatGatewayAddressStatusAssociating {
		t.Fatalf("want pending/associating, got %+v", n)
	}
	_, err := h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: aws.String(f.allocationID)})
	lawstest.ExpectCode(t, err, "InvalidIPAddress.InUse")
	_, err = h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	h.must(err)
	if n := h.natGateway(id); n.State != types.NatGatewayStateDeleting {
		t.Fatalf("want deleting, got %s", n.State)
	}
	// A deleting gateway still holds its subnet.
	_, err = h.ec2.DeleteSubnet(h.ctx, &ec2sdk.DeleteSubnetInput{SubnetId: aws.String(f.subnetID)})
	lawstest.ExpectCode(t, err, "DependencyViolation")
}

func TestNatGatewayRetention(t *testing.T) {
	h := newHarness(t, Config{NatGatewayRetention: time.Millisecond})
	f := h.natFixture()
	id := aws.ToString(h.createNat(f, "").NatGatewayId)
	h.waitNatState(id, types.NatGatewayStateAvailable)
	_, err := h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
	h.must(err)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
		if err != nil {
			lawstest.ExpectCode(t, err, "InvalidNatGatewayID.NotFound")
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("deleted NAT gateway never went away")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNatGatewayFailsWhenAddressTaken(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	first := aws.ToString(h.createNat(f, "").NatGatewayId)
	second := aws.ToString(h.createNat(f, "").NatGatewayId)
	h.waitNatState(first, types.NatGatewayStateAvailable)
	failed := h.waitNatState(second, types.NatGatewayStateFailed)
	if aws.ToString(failed.FailureCode) != "Resource.AlreadyAssociated" || aws.ToString(failed.FailureMessage) == "" {
		t.Fatalf("failed gateway: %+v", failed)
	}
	_, err := h.ec2.DeleteNatGateway(h.ctx, &ec2sdk.DeleteNatGatewayInput{NatGatewayId: aws.String(second)})
	h.must(err)
	h.waitNatState(second, types.NatGatewayStateDeleted)
	if n := h.natGateway(first); n.State != types.NatGatewayStateAvailable {
		t.Fatalf("the first gateway lost its state: %s", n.State)
	}
}

func TestCreateNatGatewayValidationAndIdempotency(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	a := h.createNat(f, "token-1")
	b := h.createNat(f, "token-1")
	if aws.ToString(a.NatGatewayId) != aws.ToString(b.NatGatewayId) {
		t.Fatalf("same client token made two gateways: %s, %s", aws.ToString(a.NatGatewayId), aws.ToString(b.NatGatewayId))
	}
	private, err := h.ec2.CreateNatGateway(h.ctx, &ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID),
		ConnectivityType: types.ConnectivityTypePrivate})
	h.must(err)
	if private.NatGateway.ConnectivityType != types.ConnectivityTypePrivate || private.NatGateway.NatGatewayAddresses[0].PublicIp != nil {
		t.Fatalf("private gateway: %+v", private.NatGateway)
	}
	for _, tc := range []struct {
		name string
		in   ec2sdk.CreateNatGatewayInput
		code string
	}{
		{"public without address", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID)}, "MissingParameter"},
		{"private with address", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID),
			AllocationId: aws.String(f.allocationID), ConnectivityType: types.ConnectivityTypePrivate}, "InvalidParameterCombination"},
		{"unknown subnet", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String("subnet-00000000000000000"),
			AllocationId: aws.String(f.allocationID)}, "InvalidSubnetID.NotFound"},
		{"unknown address", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID),
			AllocationId: aws.String("eipalloc-00000000000000000")}, "InvalidAllocationID.NotFound"},
		{"bad connectivity", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID),
			ConnectivityType: "semi"}, "InvalidParameterValue"},
		{"wrong tag type", ec2sdk.CreateNatGatewayInput{SubnetId: aws.String(f.subnetID), AllocationId: aws.String(f.allocationID),
			TagSpecifications: tagSpec(types.ResourceTypeVpc, "a", "b")}, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ec2.CreateNatGateway(h.ctx, &tc.in)
			lawstest.ExpectCode(t, err, tc.code)
		})
	}
}

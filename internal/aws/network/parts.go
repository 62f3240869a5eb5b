package network

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// vpc ensures the VPC, with DNS support and DNS hostnames on.
func (e *ensurer) vpc(ctx context.Context) error {
	v, fresh := e.inv.vpc, e.inv.vpc == nil
	if fresh {
		out, err := e.s.api.CreateVpc(ctx, &ec2.CreateVpcInput{
			CidrBlock:         aws.String(e.d.CIDR),
			TagSpecifications: e.tagSpec(types.ResourceTypeVpc, e.n.vpc),
		})
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("creating VPC %q", e.n.vpc), createTerminal...)
		}
		v = out.Vpc
		e.inv.vpc = v
		e.created()
	} else {
		if got := aws.ToString(v.CidrBlock); got != e.d.CIDR {
			return mismatch("VPC %s has CIDR %s but the spec asks for %s", aws.ToString(v.VpcId), got, e.d.CIDR)
		}
		if err := e.retag(ctx, aws.ToString(v.VpcId), v.Tags, e.n.vpc); err != nil {
			return err
		}
	}
	id := aws.ToString(v.VpcId)
	e.res.Observed.VPCID = id
	for _, attr := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
		out, err := e.s.api.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: v.VpcId, Attribute: attr})
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("describing %s of VPC %s", attr, id))
		}
		in := &ec2.ModifyVpcAttributeInput{VpcId: v.VpcId}
		on := &types.AttributeBooleanValue{Value: aws.Bool(true)}
		if attr == types.VpcAttributeNameEnableDnsSupport {
			if out.EnableDnsSupport != nil && aws.ToBool(out.EnableDnsSupport.Value) {
				continue
			}
			in.EnableDnsSupport = on
		} else {
			if out.EnableDnsHostnames != nil && aws.ToBool(out.EnableDnsHostnames.Value) {
				continue
			}
			in.EnableDnsHostnames = on
		}
		if _, err := e.s.api.ModifyVpcAttribute(ctx, in); err != nil {
			return awserr.Classify(err, fmt.Sprintf("turning on %s of VPC %s", attr, id))
		}
		e.changed(fresh)
	}
	return nil
}

// subnets ensures the public subnet (in the first zone, mapping public IPs on launch) and the two private
// subnets.
func (e *ensurer) subnets(ctx context.Context) error {
	want := []struct {
		name, cidr, zone string
		public           bool
	}{
		{e.n.public, e.lay.public, e.d.AvailabilityZones[0], true},
		{e.n.private[0], e.lay.private[0], e.d.AvailabilityZones[0], false},
		{e.n.private[1], e.lay.private[1], e.d.AvailabilityZones[1], false},
	}
	for _, w := range want {
		sn, fresh := e.inv.subnets[w.name], e.inv.subnets[w.name] == nil
		if fresh {
			out, err := e.s.api.CreateSubnet(ctx, &ec2.CreateSubnetInput{
				VpcId:             aws.String(e.res.Observed.VPCID),
				CidrBlock:         aws.String(w.cidr),
				AvailabilityZone:  aws.String(w.zone),
				TagSpecifications: e.tagSpec(types.ResourceTypeSubnet, w.name),
			})
			if err != nil {
				return awserr.Classify(err, fmt.Sprintf("creating subnet %q", w.name), createTerminal...)
			}
			sn = out.Subnet
			e.inv.subnets[w.name] = sn
			e.created()
		} else {
			if cidr, zone := aws.ToString(sn.CidrBlock), aws.ToString(sn.AvailabilityZone); cidr != w.cidr || zone != w.zone {
				return mismatch("subnet %s is %s in %s but the spec asks for %s in %s",
					aws.ToString(sn.SubnetId), cidr, zone, w.cidr, w.zone)
			}
			if err := e.retag(ctx, aws.ToString(sn.SubnetId), sn.Tags, w.name); err != nil {
				return err
			}
		}
		id := aws.ToString(sn.SubnetId)
		if !w.public {
			e.res.Observed.PrivateSubnetIDs = append(e.res.Observed.PrivateSubnetIDs, id)
			continue
		}
		e.res.Observed.PublicSubnetID = id
		if aws.ToBool(sn.MapPublicIpOnLaunch) {
			continue
		}
		if _, err := e.s.api.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{
			SubnetId:            sn.SubnetId,
			MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)},
		}); err != nil {
			return awserr.Classify(err, fmt.Sprintf("turning on public IPs of subnet %s", id))
		}
		e.changed(fresh)
	}
	return nil
}

// internetGateway ensures the internet gateway, attached to the VPC.
func (e *ensurer) internetGateway(ctx context.Context) error {
	g, fresh := e.inv.igw, e.inv.igw == nil
	if fresh {
		out, err := e.s.api.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{
			TagSpecifications: e.tagSpec(types.ResourceTypeInternetGateway, e.n.igw),
		})
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("creating internet gateway %q", e.n.igw), createTerminal...)
		}
		g = out.InternetGateway
		e.inv.igw = g
		e.created()
	} else if err := e.retag(ctx, aws.ToString(g.InternetGatewayId), g.Tags, e.n.igw); err != nil {
		return err
	}
	id, vpc := aws.ToString(g.InternetGatewayId), e.res.Observed.VPCID
	e.res.Observed.InternetGatewayID = id
	if len(g.Attachments) > 0 {
		if other := aws.ToString(g.Attachments[0].VpcId); other != vpc {
			return mismatch("internet gateway %s is attached to VPC %s, not %s", id, other, vpc)
		}
		return nil
	}
	if _, err := e.s.api.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{
		InternetGatewayId: g.InternetGatewayId, VpcId: aws.String(vpc),
	}); err != nil {
		return awserr.Classify(err, fmt.Sprintf("attaching internet gateway %s to VPC %s", id, vpc))
	}
	e.changed(fresh)
	return nil
}

// publicRoutes ensures the public route table: a default route to the internet gateway, associated with
// the public subnet.
func (e *ensurer) publicRoutes(ctx context.Context) error {
	o := e.res.Observed
	id, err := e.routeTable(ctx, e.n.publicRT, route{gateway: o.InternetGatewayID}, []string{o.PublicSubnetID})
	o.PublicRouteTableID = id
	return err
}

// privateRoutes ensures the private route table: a default route to the NAT gateway, associated with both
// private subnets.
func (e *ensurer) privateRoutes(ctx context.Context) error {
	o := e.res.Observed
	id, err := e.routeTable(ctx, e.n.privateRT, route{nat: o.NatGatewayID}, o.PrivateSubnetIDs)
	o.PrivateRouteTableID = id
	return err
}

// address ensures the Elastic IP address of the NAT gateway.
func (e *ensurer) address(ctx context.Context) error {
	a := e.inv.eip
	if a == nil {
		out, err := e.s.api.AllocateAddress(ctx, &ec2.AllocateAddressInput{
			Domain:            types.DomainTypeVpc,
			TagSpecifications: e.tagSpec(types.ResourceTypeElasticIp, e.n.eip),
		})
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("allocating Elastic IP address %q", e.n.eip), createTerminal...)
		}
		e.res.Observed.AllocationID = aws.ToString(out.AllocationId)
		e.created()
		return nil
	}
	e.res.Observed.AllocationID = aws.ToString(a.AllocationId)
	return e.retag(ctx, aws.ToString(a.AllocationId), a.Tags, e.n.eip)
}

// natGateway ensures the NAT gateway in the public subnet. It returns Waiting until the gateway is
// available, and Terminal when it failed.
func (e *ensurer) natGateway(ctx context.Context) error {
	o := e.res.Observed
	g := e.inv.nat
	if g == nil {
		out, err := e.s.api.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{
			SubnetId:          aws.String(o.PublicSubnetID),
			AllocationId:      aws.String(o.AllocationID),
			ConnectivityType:  types.ConnectivityTypePublic,
			TagSpecifications: e.tagSpec(types.ResourceTypeNatgateway, e.n.nat),
		})
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("creating NAT gateway %q", e.n.nat), createTerminal...)
		}
		g = out.NatGateway
		e.inv.nat = g
		e.created()
	} else if g.State == types.NatGatewayStatePending || g.State == types.NatGatewayStateAvailable {
		if err := e.retag(ctx, aws.ToString(g.NatGatewayId), g.Tags, e.n.nat); err != nil {
			return err
		}
	}
	o.NatGatewayID, o.NatGatewayState = aws.ToString(g.NatGatewayId), string(g.State)
	switch g.State {
	case types.NatGatewayStateAvailable:
		return nil
	case types.NatGatewayStateFailed:
		return outcome.Failf(awserr.ReasonProvisioningFailed, "NAT gateway %s failed: %s: %s",
			o.NatGatewayID, aws.ToString(g.FailureCode), aws.ToString(g.FailureMessage))
	case types.NatGatewayStateDeleting:
		return outcome.Wait(e.s.waits.NatGateway, awserr.ReasonDeleting,
			"NAT gateway %s is being deleted; a new one is created once it is gone", o.NatGatewayID)
	}
	return outcome.Wait(e.s.waits.NatGateway, awserr.ReasonCreating, "NAT gateway %s is %s", o.NatGatewayID, o.NatGatewayState)
}

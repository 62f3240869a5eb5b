package network

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Delete deletes the owned parts of the network in strict reverse order: NAT gateway (and wait until it
// is deleted), Elastic IP, security group, route tables (associations first), internet gateway (detached
// first), subnets, VPC. Parts that are not the owner's are never touched. gone is true once no owned part
// remains; while the NAT gateway is being deleted it is false with no error, and while something outside
// the network still uses a part it is false with a Waiting outcome that names it. Repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete deletes the owned parts of a network in strict reverse order.
func (m managed) Delete(ctx context.Context, inv *inventory) (gone bool, err error) {
	if g := inv.nat; g != nil {
		if g.State != types.NatGatewayStateDeleting {
			_, err := m.api.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: g.NatGatewayId})
			if err := m.waits.released(err, "deleting NAT gateway "+aws.ToString(g.NatGatewayId)); err != nil {
				return false, err
			}
		}
		return false, nil
	}
	for _, step := range []func() error{
		func() error { return m.deleteAddress(ctx, inv.eip) },
		func() error { return m.deleteSecurityGroup(ctx, inv.sg) },
		func() error { return m.deleteRouteTables(ctx, inv.routeTables) },
		func() error { return m.deleteInternetGateway(ctx, inv.igw) },
		func() error { return m.deleteSubnets(ctx, inv.subnets) },
		func() error { return m.deleteVPC(ctx, inv.vpc) },
	} {
		if err := step(); err != nil {
			return false, err
		}
	}
	return true, nil
}

// released interprets the error of a delete call: not found means already gone; a dependency or an
// address still in use is a Waiting outcome naming what is in the way.
func (w Waits) released(err error, what string) error {
	switch {
	case err == nil, awserr.IsNotFound(err):
		return nil
	case awserr.HasCode(err, "DependencyViolation", "InvalidIPAddress.InUse", "AuthFailure.InUse"):
		return outcome.Wait(w.Dependency, awserr.ReasonDeleting, "%s: still in use: %s", what, awserr.Message(err))
	}
	return awserr.Classify(err, what)
}

func (s *Service) deleteAddress(ctx context.Context, a *types.Address) error {
	if a == nil {
		return nil
	}
	_, err := s.api.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: a.AllocationId})
	return s.waits.released(err, "releasing Elastic IP address "+aws.ToString(a.AllocationId))
}

func (s *Service) deleteSecurityGroup(ctx context.Context, g *types.SecurityGroup) error {
	if g == nil {
		return nil
	}
	_, err := s.api.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId})
	return s.waits.released(err, "deleting security group "+aws.ToString(g.GroupId))
}

func (s *Service) deleteRouteTables(ctx context.Context, tables map[string]*types.RouteTable) error {
	for _, rt := range tables {
		id := aws.ToString(rt.RouteTableId)
		for _, a := range rt.Associations {
			if aws.ToBool(a.Main) || a.RouteTableAssociationId == nil {
				continue
			}
			_, err := s.api.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId})
			if err := s.waits.released(err, fmt.Sprintf("disassociating route table %s from subnet %s", id, aws.ToString(a.SubnetId))); err != nil {
				return err
			}
		}
		_, err := s.api.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: rt.RouteTableId})
		if err := s.waits.released(err, "deleting route table "+id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) deleteInternetGateway(ctx context.Context, g *types.InternetGateway) error {
	if g == nil {
		return nil
	}
	id := aws.ToString(g.InternetGatewayId)
	for _, a := range g.Attachments {
		_, err := s.api.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: g.InternetGatewayId, VpcId: a.VpcId})
		if awserr.HasCode(err, "Gateway.NotAttached") {
			err = nil
		}
		if err := s.waits.released(err, fmt.Sprintf("detaching internet gateway %s from VPC %s", id, aws.ToString(a.VpcId))); err != nil {
			return err
		}
	}
	_, err := s.api.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: g.InternetGatewayId})
	return s.waits.released(err, "deleting internet gateway "+id)
}

func (s *Service) deleteSubnets(ctx context.Context, subnets map[string]*types.Subnet) error {
	for _, sn := range subnets {
		_, err := s.api.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.SubnetId})
		if err := s.waits.released(err, "deleting subnet "+aws.ToString(sn.SubnetId)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) deleteVPC(ctx context.Context, v *types.Vpc) error {
	if v == nil {
		return nil
	}
	_, err := s.api.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: v.VpcId})
	return s.waits.released(err, "deleting VPC "+aws.ToString(v.VpcId))
}

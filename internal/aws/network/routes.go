package network

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// defaultRoute is the destination of the route tables' one route.
const defaultRoute = "0.0.0.0/0"

// route is the target of a default route: an internet gateway or a NAT gateway.
type route struct {
	gateway, nat string
}

// matches reports whether r points at this target.
func (t route) matches(r types.Route) bool {
	if t.gateway != "" {
		return aws.ToString(r.GatewayId) == t.gateway
	}
	return aws.ToString(r.NatGatewayId) == t.nat
}

// routeTable ensures the route table called name, with a default route to target, associated with the
// subnets. A default route to anything else is replaced.
func (e *ensurer) routeTable(ctx context.Context, name string, target route, subnets []string) (string, error) {
	rt, fresh := e.inv.routeTables[name], e.inv.routeTables[name] == nil
	if fresh {
		out, err := e.s.api.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{
			VpcId:             aws.String(e.res.Observed.VPCID),
			TagSpecifications: e.tagSpec(types.ResourceTypeRouteTable, name),
		})
		if err != nil {
			return "", awserr.Classify(err, fmt.Sprintf("creating route table %q", name), createTerminal...)
		}
		rt = out.RouteTable
		e.inv.routeTables[name] = rt
		e.created()
	} else if err := e.retag(ctx, aws.ToString(rt.RouteTableId), rt.Tags, name); err != nil {
		return "", err
	}
	id := aws.ToString(rt.RouteTableId)
	if err := e.defaultRoute(ctx, rt, target, fresh); err != nil {
		return id, err
	}
	for _, subnet := range subnets {
		if associated(rt, subnet) {
			continue
		}
		if _, err := e.s.api.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{
			RouteTableId: rt.RouteTableId, SubnetId: aws.String(subnet),
		}); err != nil {
			return id, awserr.Classify(err, fmt.Sprintf("associating route table %s with subnet %s", id, subnet))
		}
		e.changed(fresh)
	}
	return id, nil
}

// defaultRoute makes the table's default route point at target.
func (e *ensurer) defaultRoute(ctx context.Context, rt *types.RouteTable, target route, fresh bool) error {
	id := aws.ToString(rt.RouteTableId)
	i := slices.IndexFunc(rt.Routes, func(r types.Route) bool { return aws.ToString(r.DestinationCidrBlock) == defaultRoute })
	if i >= 0 && target.matches(rt.Routes[i]) {
		return nil
	}
	if i >= 0 {
		if _, err := e.s.api.DeleteRoute(ctx, &ec2.DeleteRouteInput{
			RouteTableId: rt.RouteTableId, DestinationCidrBlock: aws.String(defaultRoute),
		}); err != nil && !awserr.IsNotFound(err) {
			return awserr.Classify(err, fmt.Sprintf("deleting the stale default route of route table %s", id))
		}
	}
	in := &ec2.CreateRouteInput{RouteTableId: rt.RouteTableId, DestinationCidrBlock: aws.String(defaultRoute)}
	if target.gateway != "" {
		in.GatewayId = aws.String(target.gateway)
	} else {
		in.NatGatewayId = aws.String(target.nat)
	}
	if _, err := e.s.api.CreateRoute(ctx, in); err != nil {
		return awserr.Classify(err, fmt.Sprintf("creating the default route of route table %s", id))
	}
	e.changed(fresh)
	return nil
}

// associated reports whether the table is associated with the subnet.
func associated(rt *types.RouteTable, subnet string) bool {
	return slices.ContainsFunc(rt.Associations, func(a types.RouteTableAssociation) bool {
		return aws.ToString(a.SubnetId) == subnet &&
			(a.AssociationState == nil || a.AssociationState.State == types.RouteTableAssociationStateCodeAssociated)
	})
}

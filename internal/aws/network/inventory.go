package network

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// inventory is what exists of a network: the owned part carrying each Name tag, and every part found by
// one of the names, owned or not, for the ownership rules to judge.
type inventory struct {
	vpc         *types.Vpc
	byHint      bool
	subnets     map[string]*types.Subnet
	igw         *types.InternetGateway
	eip         *types.Address
	nat         *types.NatGateway
	routeTables map[string]*types.RouteTable
	sg          *types.SecurityGroup
	// parts are the parts found by name, owned or not.
	parts []owned.Part
}

// newInventory returns the inventory of a network of which nothing exists.
func newInventory() *inventory {
	return &inventory{subnets: map[string]*types.Subnet{}, routeTables: map[string]*types.RouteTable{}}
}

// pager is an EC2 paginator.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*ec2.Options)) (O, error)
}

// collect reads every page of p.
func collect[T, O any](ctx context.Context, p pager[O], items func(O) []T) ([]T, error) {
	var all []T
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, items(page)...)
	}
	return all, nil
}

// tagMap converts EC2 tags to a map.
func tagMap(ts []types.Tag) map[string]string {
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// pick returns the owner's item of the kind tagged with name, and records every item tagged with it in
// inv's parts.
func pick[T any](inv *inventory, kind string, items []T, name string, tagsOf func(*T) []types.Tag, owner tags.Owner) *T {
	var mine *T
	for i := range items {
		m := tagMap(tagsOf(&items[i]))
		if m[NameTag] != name {
			continue
		}
		inv.parts = append(inv.parts, owned.Part{What: fmt.Sprintf("%s %q", kind, name), Tags: m})
		if mine == nil && owner.Owns(m) {
			mine = &items[i]
		}
	}
	return mine
}

// filter builds an EC2 filter.
func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// scan reads every part of the network, without changing anything.
func (s *Service) scan(ctx context.Context, hint string, d Desired) (*inventory, error) {
	n := partNames(d.NamePrefix)
	inv := newInventory()
	if err := s.scanVPC(ctx, hint, d, n.vpc, inv); err != nil {
		return nil, err
	}

	igws, err := collect(ctx, ec2.NewDescribeInternetGatewaysPaginator(s.api, &ec2.DescribeInternetGatewaysInput{
		Filters: []types.Filter{filter("tag:"+NameTag, n.igw)},
	}), func(o *ec2.DescribeInternetGatewaysOutput) []types.InternetGateway { return o.InternetGateways })
	if err != nil {
		return nil, awserr.Classify(err, "describing internet gateways")
	}
	inv.igw = pick(inv, "internet gateway", igws, n.igw, func(g *types.InternetGateway) []types.Tag { return g.Tags }, d.Owner)

	addrs, err := s.api.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{
		Filters: []types.Filter{filter("tag:"+NameTag, n.eip)},
	})
	if err != nil {
		return nil, awserr.Classify(err, "describing Elastic IP addresses")
	}
	inv.eip = pick(inv, "Elastic IP address", addrs.Addresses, n.eip, func(a *types.Address) []types.Tag { return a.Tags }, d.Owner)

	if inv.vpc == nil {
		return inv, nil // subnets, route tables, security groups and NAT gateways live in a VPC
	}
	return inv, s.scanInVPC(ctx, n, d, inv)
}

// scanVPC finds the VPC by the hint ID when it is the owner's VPC of that name, else by its Name tag.
func (s *Service) scanVPC(ctx context.Context, hint string, d Desired, name string, inv *inventory) error {
	tagsOf := func(v *types.Vpc) []types.Tag { return v.Tags }
	if hint != "" {
		out, err := s.api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{hint}})
		switch {
		case awserr.IsNotFound(err):
		case err != nil:
			return awserr.Classify(err, fmt.Sprintf("describing VPC %s", hint))
		default:
			hinted := newInventory()
			if v := pick(hinted, "VPC", out.Vpcs, name, tagsOf, d.Owner); v != nil {
				inv.vpc, inv.byHint, inv.parts = v, true, append(inv.parts, hinted.parts...)
				return nil
			}
		}
	}
	vpcs, err := collect(ctx, ec2.NewDescribeVpcsPaginator(s.api, &ec2.DescribeVpcsInput{
		Filters: []types.Filter{filter("tag:"+NameTag, name)},
	}), func(o *ec2.DescribeVpcsOutput) []types.Vpc { return o.Vpcs })
	if err != nil {
		return awserr.Classify(err, fmt.Sprintf("describing VPCs named %q", name))
	}
	inv.vpc = pick(inv, "VPC", vpcs, name, tagsOf, d.Owner)
	return nil
}

// liveNatStates are the NAT gateway states that still count as existing, best first.
var liveNatStates = []string{string(types.NatGatewayStateAvailable), string(types.NatGatewayStatePending),
	string(types.NatGatewayStateFailed), string(types.NatGatewayStateDeleting)}

// scanInVPC reads the parts that live in the VPC.
func (s *Service) scanInVPC(ctx context.Context, n names, d Desired, inv *inventory) error {
	inVPC := filter("vpc-id", aws.ToString(inv.vpc.VpcId))
	subnets, err := collect(ctx, ec2.NewDescribeSubnetsPaginator(s.api, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.subnets()...)},
	}), func(o *ec2.DescribeSubnetsOutput) []types.Subnet { return o.Subnets })
	if err != nil {
		return awserr.Classify(err, "describing subnets")
	}
	for _, name := range n.subnets() {
		if sn := pick(inv, "subnet", subnets, name, func(s *types.Subnet) []types.Tag { return s.Tags }, d.Owner); sn != nil {
			inv.subnets[name] = sn
		}
	}

	tables, err := collect(ctx, ec2.NewDescribeRouteTablesPaginator(s.api, &ec2.DescribeRouteTablesInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.publicRT, n.privateRT)},
	}), func(o *ec2.DescribeRouteTablesOutput) []types.RouteTable { return o.RouteTables })
	if err != nil {
		return awserr.Classify(err, "describing route tables")
	}
	for _, name := range []string{n.publicRT, n.privateRT} {
		if rt := pick(inv, "route table", tables, name, func(t *types.RouteTable) []types.Tag { return t.Tags }, d.Owner); rt != nil {
			inv.routeTables[name] = rt
		}
	}

	groups, err := collect(ctx, ec2.NewDescribeSecurityGroupsPaginator(s.api, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.sg)},
	}), func(o *ec2.DescribeSecurityGroupsOutput) []types.SecurityGroup { return o.SecurityGroups })
	if err != nil {
		return awserr.Classify(err, "describing security groups")
	}
	inv.sg = pick(inv, "security group", groups, n.sg, func(g *types.SecurityGroup) []types.Tag { return g.Tags }, d.Owner)

	nats, err := collect(ctx, ec2.NewDescribeNatGatewaysPaginator(s.api, &ec2.DescribeNatGatewaysInput{
		Filter: []types.Filter{inVPC, filter("tag:"+NameTag, n.nat), filter("state", liveNatStates...)},
	}), func(o *ec2.DescribeNatGatewaysOutput) []types.NatGateway { return o.NatGateways })
	if err != nil {
		return awserr.Classify(err, "describing NAT gateways")
	}
	// Prefer a working gateway over one that failed or is going away.
	slices.SortStableFunc(nats, func(a, b types.NatGateway) int {
		return slices.Index(liveNatStates, string(a.State)) - slices.Index(liveNatStates, string(b.State))
	})
	inv.nat = pick(inv, "NAT gateway", nats, n.nat, func(g *types.NatGateway) []types.Tag { return g.Tags }, d.Owner)
	return nil
}

package network

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// inventory is what exists of a network: the owned part carrying each Name tag, and the parts that carry
// one of the names without the owner's tags.
type inventory struct {
	vpc         *types.Vpc
	byHint      bool
	subnets     map[string]*types.Subnet
	igw         *types.InternetGateway
	eip         *types.Address
	nat         *types.NatGateway
	routeTables map[string]*types.RouteTable
	sg          *types.SecurityGroup
	// foreign describes the parts found by name that are not the owner's.
	foreign []string
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

// pick returns the owner's item tagged with name, and whether an item with that name is not the owner's.
func pick[T any](items []T, name string, tagsOf func(*T) []types.Tag, owner tags.Owner) (owned *T, foreign bool) {
	for i := range items {
		m := tagMap(tagsOf(&items[i]))
		if m[NameTag] != name {
			continue
		}
		if owner.Owns(m) {
			if owned == nil {
				owned = &items[i]
			}
			continue
		}
		foreign = true
	}
	return owned, foreign
}

// filter builds an EC2 filter.
func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// scan reads every part of the network, without changing anything.
func (s *Service) scan(ctx context.Context, hint string, d Desired) (*inventory, error) {
	n := partNames(d.NamePrefix)
	inv := &inventory{subnets: map[string]*types.Subnet{}, routeTables: map[string]*types.RouteTable{}}
	note := func(kind, name string, foreign bool) {
		if foreign {
			inv.foreign = append(inv.foreign, fmt.Sprintf("%s %q", kind, name))
		}
	}
	var foreign bool
	var err error
	if inv.vpc, inv.byHint, foreign, err = s.scanVPC(ctx, hint, d, n.vpc); err != nil {
		return nil, err
	}
	note("VPC", n.vpc, foreign)

	igws, err := collect(ctx, ec2.NewDescribeInternetGatewaysPaginator(s.api, &ec2.DescribeInternetGatewaysInput{
		Filters: []types.Filter{filter("tag:"+NameTag, n.igw)},
	}), func(o *ec2.DescribeInternetGatewaysOutput) []types.InternetGateway { return o.InternetGateways })
	if err != nil {
		return nil, awserr.Classify(err, "describing internet gateways")
	}
	inv.igw, foreign = pick(igws, n.igw, func(g *types.InternetGateway) []types.Tag { return g.Tags }, d.Owner)
	note("internet gateway", n.igw, foreign)

	addrs, err := s.api.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{
		Filters: []types.Filter{filter("tag:"+NameTag, n.eip)},
	})
	if err != nil {
		return nil, awserr.Classify(err, "describing Elastic IP addresses")
	}
	inv.eip, foreign = pick(addrs.Addresses, n.eip, func(a *types.Address) []types.Tag { return a.Tags }, d.Owner)
	note("Elastic IP address", n.eip, foreign)

	if inv.vpc == nil {
		return inv, nil // subnets, route tables, security groups and NAT gateways live in a VPC
	}
	return inv, s.scanInVPC(ctx, n, d, inv, note)
}

// scanVPC finds the VPC by the hint ID, else by its Name tag.
func (s *Service) scanVPC(ctx context.Context, hint string, d Desired, name string) (vpc *types.Vpc, byHint, foreign bool, err error) {
	tagsOf := func(v *types.Vpc) []types.Tag { return v.Tags }
	if hint != "" {
		out, err := s.api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{hint}})
		switch {
		case awserr.IsNotFound(err):
		case err != nil:
			return nil, false, false, awserr.Classify(err, fmt.Sprintf("describing VPC %s", hint))
		default:
			if v, _ := pick(out.Vpcs, name, tagsOf, d.Owner); v != nil {
				return v, true, false, nil
			}
		}
	}
	vpcs, err := collect(ctx, ec2.NewDescribeVpcsPaginator(s.api, &ec2.DescribeVpcsInput{
		Filters: []types.Filter{filter("tag:"+NameTag, name)},
	}), func(o *ec2.DescribeVpcsOutput) []types.Vpc { return o.Vpcs })
	if err != nil {
		return nil, false, false, awserr.Classify(err, fmt.Sprintf("describing VPCs named %q", name))
	}
	vpc, foreign = pick(vpcs, name, tagsOf, d.Owner)
	return vpc, false, foreign, nil
}

// liveNatStates are the NAT gateway states that still count as existing, best first.
var liveNatStates = []string{string(types.NatGatewayStateAvailable), string(types.NatGatewayStatePending),
	string(types.NatGatewayStateFailed), string(types.NatGatewayStateDeleting)}

// scanInVPC reads the parts that live in the VPC.
func (s *Service) scanInVPC(ctx context.Context, n names, d Desired, inv *inventory, note func(kind, name string, foreign bool)) error {
	inVPC := filter("vpc-id", aws.ToString(inv.vpc.VpcId))
	subnets, err := collect(ctx, ec2.NewDescribeSubnetsPaginator(s.api, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.subnets()...)},
	}), func(o *ec2.DescribeSubnetsOutput) []types.Subnet { return o.Subnets })
	if err != nil {
		return awserr.Classify(err, "describing subnets")
	}
	for _, name := range n.subnets() {
		sn, foreign := pick(subnets, name, func(s *types.Subnet) []types.Tag { return s.Tags }, d.Owner)
		if sn != nil {
			inv.subnets[name] = sn
		}
		note("subnet", name, foreign)
	}

	tables, err := collect(ctx, ec2.NewDescribeRouteTablesPaginator(s.api, &ec2.DescribeRouteTablesInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.publicRT, n.privateRT)},
	}), func(o *ec2.DescribeRouteTablesOutput) []types.RouteTable { return o.RouteTables })
	if err != nil {
		return awserr.Classify(err, "describing route tables")
	}
	for _, name := range []string{n.publicRT, n.privateRT} {
		rt, foreign := pick(tables, name, func(t *types.RouteTable) []types.Tag { return t.Tags }, d.Owner)
		if rt != nil {
			inv.routeTables[name] = rt
		}
		note("route table", name, foreign)
	}

	groups, err := collect(ctx, ec2.NewDescribeSecurityGroupsPaginator(s.api, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{inVPC, filter("tag:"+NameTag, n.sg)},
	}), func(o *ec2.DescribeSecurityGroupsOutput) []types.SecurityGroup { return o.SecurityGroups })
	if err != nil {
		return awserr.Classify(err, "describing security groups")
	}
	var foreign bool
	inv.sg, foreign = pick(groups, n.sg, func(g *types.SecurityGroup) []types.Tag { return g.Tags }, d.Owner)
	note("security group", n.sg, foreign)

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
	inv.nat, foreign = pick(nats, n.nat, func(g *types.NatGateway) []types.Tag { return g.Tags }, d.Owner)
	note("NAT gateway", n.nat, foreign)
	return nil
}

// observed reports the parts that exist.
func (inv *inventory) observed(n names) *Observed {
	o := &Observed{}
	if inv.vpc != nil {
		o.VPCID = aws.ToString(inv.vpc.VpcId)
	}
	if sn := inv.subnets[n.public]; sn != nil {
		o.PublicSubnetID = aws.ToString(sn.SubnetId)
	}
	for _, name := range n.private {
		if sn := inv.subnets[name]; sn != nil {
			o.PrivateSubnetIDs = append(o.PrivateSubnetIDs, aws.ToString(sn.SubnetId))
		}
	}
	if inv.sg != nil {
		o.SecurityGroupID = aws.ToString(inv.sg.GroupId)
	}
	if inv.igw != nil {
		o.InternetGatewayID = aws.ToString(inv.igw.InternetGatewayId)
	}
	if inv.eip != nil {
		o.AllocationID = aws.ToString(inv.eip.AllocationId)
	}
	if inv.nat != nil {
		o.NatGatewayID, o.NatGatewayState = aws.ToString(inv.nat.NatGatewayId), string(inv.nat.State)
	}
	if rt := inv.routeTables[n.publicRT]; rt != nil {
		o.PublicRouteTableID = aws.ToString(rt.RouteTableId)
	}
	if rt := inv.routeTables[n.privateRT]; rt != nil {
		o.PrivateRouteTableID = aws.ToString(rt.RouteTableId)
	}
	return o
}

// empty reports whether no part exists.
func (inv *inventory) empty() bool {
	return inv.vpc == nil && inv.igw == nil && inv.eip == nil
}

// Observe reads the network without changing anything: nil, nil when no part exists; a Terminal NotOwned
// outcome when a part carrying one of the names is not the owner's.
func (s *Service) Observe(ctx context.Context, hint string, d Desired) (*Observed, error) {
	inv, err := s.scan(ctx, hint, d)
	if err != nil {
		return nil, err
	}
	if err := notOwned(inv, d); err != nil {
		return nil, err
	}
	if inv.empty() {
		return nil, nil
	}
	return inv.observed(partNames(d.NamePrefix)), nil
}

package ec2

// regionSnapshot is one region's resources as the admin state dump shows them, in EC2's response shapes.
type regionSnapshot struct {
	// Vpcs are the region's VPCs.
	Vpcs []xmlVpc `json:"vpcs"`
	// Subnets are the region's subnets.
	Subnets []xmlSubnet `json:"subnets"`
	// InternetGateways are the region's internet gateways.
	InternetGateways []xmlInternetGateway `json:"internetGateways"`
	// Addresses are the region's Elastic IP addresses.
	Addresses []xmlAddress `json:"addresses"`
	// NatGateways are the region's NAT gateways, deleted ones included while they stay visible.
	NatGateways []xmlNatGateway `json:"natGateways"`
	// RouteTables are the region's route tables.
	RouteTables []xmlRouteTable `json:"routeTables"`
	// SecurityGroups are the region's security groups.
	SecurityGroups []xmlSecurityGroup `json:"securityGroups"`
	// VpcEndpoints are the region's interface VPC endpoints.
	VpcEndpoints []xmlVpcEndpoint `json:"vpcEndpoints"`
}

// Snapshot implements server.Service: every region's resources, keyed by region name.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]regionSnapshot{}
	for name, r := range s.regions {
		out[name] = regionSnapshot{
			Vpcs:             renderAll(r.vpcs, r.renderVpc),
			Subnets:          renderAll(r.subnets, r.renderSubnet),
			InternetGateways: renderAll(r.igws, r.renderInternetGateway),
			Addresses:        renderAll(r.addresses, r.renderAddress),
			NatGateways:      renderAll(r.natGateways, renderNatGateway),
			RouteTables:      renderAll(r.routeTables, r.renderRouteTable),
			SecurityGroups:   renderAll(r.groups, r.renderGroup),
			VpcEndpoints:     renderAll(r.endpoints, r.renderEndpoint),
		}
	}
	return out
}

// renderAll renders a map's resources in creation order.
func renderAll[T resource, X any](m map[string]T, render func(T) X) []X {
	return renderList(sorted(m), render)
}

// renderList renders each item of a list.
func renderList[T, X any](items []T, render func(T) X) []X {
	out := make([]X, 0, len(items))
	for _, v := range items {
		out = append(out, render(v))
	}
	return out
}

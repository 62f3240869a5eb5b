package ec2

import (
	"net/url"
	"slices"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// route is one IPv4 route of a route table.
type route struct {
	destination  string
	gatewayID    string
	natGatewayID string
	origin       string
}

// association links a route table to a subnet, or marks it as its VPC's main table.
type association struct {
	id       string
	subnetID string
	main     bool
}

// routeTable is one route table of a VPC.
type routeTable struct {
	meta
	vpcID        string
	routes       []route
	associations []association
}

// dropSubnet removes the table's association with a subnet that is going away.
func (t *routeTable) dropSubnet(subnetID string) {
	t.associations = slices.DeleteFunc(t.associations, func(a association) bool { return a.subnetID == subnetID })
}

// isAssociated reports whether the table is its VPC's main table or has subnets associated.
func (t *routeTable) isAssociated() bool { return len(t.associations) > 0 }

// newRouteTable adds a route table to a VPC with the local route.
func (r *region) newRouteTable(v *vpc, tags tagMap) *routeTable {
	t := &routeTable{meta: r.newMeta(kindRouteTable, tags), vpcID: v.id,
		routes: []route{{destination: v.cidr.String(), gatewayID: "local", origin: "CreateRouteTable"}}}
	r.routeTables[t.id] = t
	return t
}

// addMainRouteTable gives a new VPC its main route table.
func (r *region) addMainRouteTable(v *vpc) *routeTable {
	t := r.newRouteTable(v, nil)
	t.associations = []association{{id: newID("rtbassoc"), main: true}}
	return t
}

// xmlRouteTable is an EC2 RouteTable.
type xmlRouteTable struct {
	RouteTableID string           `xml:"routeTableId"`
	VpcID        string           `xml:"vpcId"`
	OwnerID      string           `xml:"ownerId"`
	Routes       []xmlRoute       `xml:"routeSet>item"`
	Associations []xmlAssociation `xml:"associationSet>item"`
	Tags         []xmlTag         `xml:"tagSet>item"`
}

// xmlRoute is an EC2 Route.
type xmlRoute struct {
	DestinationCidrBlock string `xml:"destinationCidrBlock"`
	GatewayID            string `xml:"gatewayId,omitempty"`
	NatGatewayID         string `xml:"natGatewayId,omitempty"`
	State                string `xml:"state"`
	Origin               string `xml:"origin"`
}

// xmlAssociation is an EC2 RouteTableAssociation.
type xmlAssociation struct {
	RouteTableAssociationID string `xml:"routeTableAssociationId"`
	RouteTableID            string `xml:"routeTableId"`
	SubnetID                string `xml:"subnetId,omitempty"`
	Main                    bool   `xml:"main"`
	State                   string `xml:"associationState>state"`
}

func (r *region) renderRouteTable(t *routeTable) xmlRouteTable {
	out := xmlRouteTable{RouteTableID: t.id, VpcID: t.vpcID, OwnerID: r.accountID, Tags: t.tags.render()}
	for _, rt := range t.routes {
		out.Routes = append(out.Routes, xmlRoute{DestinationCidrBlock: rt.destination, GatewayID: rt.gatewayID,
			NatGatewayID: rt.natGatewayID, State: r.routeState(t, rt), Origin: rt.origin})
	}
	for _, a := range t.associations {
		out.Associations = append(out.Associations, xmlAssociation{RouteTableAssociationID: a.id,
			RouteTableID: t.id, SubnetID: a.subnetID, Main: a.main, State: "associated"})
	}
	return out
}

// routeState is active while the route's target can carry traffic and blackhole once it cannot (a
// detached internet gateway, a deleted NAT gateway).
func (r *region) routeState(t *routeTable, rt route) string {
	switch {
	case rt.gatewayID == "local":
		return "active"
	case rt.gatewayID != "":
		if g := r.igws[rt.gatewayID]; g != nil && g.vpcID == t.vpcID {
			return "active"
		}
	default:
		if n := r.natGateways[rt.natGatewayID]; n != nil && n.holdsResources() {
			return "active"
		}
	}
	return "blackhole"
}

func createRouteTable(c *wire.Call, r *region) error {
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	tags, err := tagSpecifications(c.Form, kindRouteTable.resourceType)
	if err != nil {
		return err
	}
	t := r.newRouteTable(v, tags)
	return c.XML(struct {
		ClientToken string        `xml:"clientToken,omitempty"`
		RouteTable  xmlRouteTable `xml:"routeTable"`
	}{c.Form.Get("ClientToken"), r.renderRouteTable(t)})
}

// routeTableQuery selects route tables for DescribeRouteTables.
func (r *region) routeTableQuery() query[*routeTable] {
	assocField := func(get func(association) string) func(*routeTable) []string {
		return func(t *routeTable) []string {
			var out []string
			for _, a := range t.associations {
				if v := get(a); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	routeField := func(get func(route) string) func(*routeTable) []string {
		return func(t *routeTable) []string {
			var out []string
			for _, rt := range t.routes {
				if v := get(rt); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return query[*routeTable]{idParam: "RouteTableId", kind: kindRouteTable,
		idOf: func(t *routeTable) string { return t.id }, tagsOf: func(t *routeTable) tagMap { return t.tags },
		maxResults: 100, fields: filterFields[*routeTable]{
			"route-table-id":                         func(t *routeTable) []string { return one(t.id) },
			"vpc-id":                                 func(t *routeTable) []string { return one(t.vpcID) },
			"owner-id":                               func(*routeTable) []string { return one(r.accountID) },
			"association.subnet-id":                  assocField(func(a association) string { return a.subnetID }),
			"association.route-table-association-id": assocField(func(a association) string { return a.id }),
			"association.route-table-id":             assocField(func(association) string { return "" }),
			"association.main": func(t *routeTable) []string {
				return boolString(slices.ContainsFunc(t.associations, func(a association) bool { return a.main }))
			},
			"route.destination-cidr-block": routeField(func(rt route) string { return rt.destination }),
			"route.gateway-id":             routeField(func(rt route) string { return rt.gatewayID }),
			"route.nat-gateway-id":         routeField(func(rt route) string { return rt.natGatewayID }),
			"route.origin":                 routeField(func(rt route) string { return rt.origin }),
		}}
}

func describeRouteTables(c *wire.Call, r *region) error {
	page, next, err := r.routeTableQuery().run(c, sorted(r.routeTables))
	if err != nil {
		return err
	}
	out := renderList(page, r.renderRouteTable)
	return c.XML(struct {
		RouteTables []xmlRouteTable `xml:"routeTableSet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{out, next})
}

// routeTableParam resolves the call's required RouteTableId.
func (r *region) routeTableParam(c *wire.Call) (*routeTable, error) {
	id, err := required(c.Form, "RouteTableId")
	if err != nil {
		return nil, err
	}
	return lookup(r.routeTables, kindRouteTable, id)
}

func deleteRouteTable(c *wire.Call, r *region) error {
	t, err := r.routeTableParam(c)
	if err != nil {
		return err
	}
	if t.isAssociated() {
		return errDependency("routeTable", t.id)
	}
	delete(r.routeTables, t.id)
	return acknowledge(c)
}

// unsupportedRouteTargets are CreateRoute targets localaws does not model.
var unsupportedRouteTargets = []string{"CarrierGatewayId", "CoreNetworkArn", "EgressOnlyInternetGatewayId",
	"InstanceId", "LocalGatewayId", "NetworkInterfaceId", "OdbNetworkArn", "TransitGatewayId", "VpcEndpointId",
	"VpcPeeringConnectionId", "DestinationIpv6CidrBlock", "DestinationPrefixListId"}

func createRoute(c *wire.Call, r *region) error {
	t, rt, err := r.routeParams(c)
	if err != nil {
		return err
	}
	for _, existing := range t.routes {
		if existing.destination == rt.destination {
			return errInvalid("RouteAlreadyExists", "The route identified by %s already exists.", rt.destination)
		}
	}
	t.routes = append(t.routes, rt)
	return acknowledge(c)
}

// replaceRoute points an existing route at another target.
func replaceRoute(c *wire.Call, r *region) error {
	t, rt, err := r.routeParams(c)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.routes, func(existing route) bool { return existing.destination == rt.destination })
	switch {
	case i < 0:
		return errInvalid("InvalidRoute.NotFound", "There is no route defined for '%s' in the route table. "+
			"Use CreateRoute instead.", rt.destination)
	case t.routes[i].gatewayID == "local":
		return errParam("cannot replace local route %s in route table %s", rt.destination, t.id)
	}
	t.routes[i] = rt
	return acknowledge(c)
}

// routeParams reads the table, destination and target of CreateRoute and ReplaceRoute.
func (r *region) routeParams(c *wire.Call) (*routeTable, route, error) {
	t, err := r.routeTableParam(c)
	if err != nil {
		return nil, route{}, err
	}
	for _, p := range unsupportedRouteTargets {
		if c.Form.Get(p) != "" {
			return nil, route{}, errParam("localaws supports IPv4 routes to internet and NAT gateways only; %s is not supported", p)
		}
	}
	dest, err := routeDestination(c.Form)
	if err != nil {
		return nil, route{}, err
	}
	rt := route{destination: dest, gatewayID: c.Form.Get("GatewayId"), natGatewayID: c.Form.Get("NatGatewayId"),
		origin: "CreateRoute"}
	if err := r.checkRouteTarget(t, rt); err != nil {
		return nil, route{}, err
	}
	return t, rt, nil
}

// routeDestination reads the required IPv4 DestinationCidrBlock.
func routeDestination(form url.Values) (string, error) {
	raw, err := required(form, "DestinationCidrBlock")
	if err != nil {
		return "", err
	}
	p, err := parseCIDR(raw, "destinationCidrBlock")
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// checkRouteTarget checks that a new route has exactly one target, in the table's VPC.
func (r *region) checkRouteTarget(t *routeTable, rt route) error {
	switch {
	case rt.gatewayID != "" && rt.natGatewayID != "":
		return errCombination("The parameter gatewayId cannot be used with the parameter natGatewayId")
	case rt.gatewayID != "":
		g, err := lookup(r.igws, kind{notFoundCode: "InvalidGatewayID.NotFound",
			notFoundFormat: "The gateway ID '%s' does not exist"}, rt.gatewayID)
		if err != nil {
			return err
		}
		if g.vpcID != t.vpcID {
			return errParam("route table %s and network gateway %s belong to different networks", t.id, g.id)
		}
	case rt.natGatewayID != "":
		n, err := lookup(r.natGateways, kindNat, rt.natGatewayID)
		if err != nil {
			return err
		}
		if !n.holdsResources() {
			return kindNat.notFound(n.id)
		}
		if n.vpcID != t.vpcID {
			return errParam("route table %s and NAT gateway %s belong to different networks", t.id, n.id)
		}
	default:
		// UNCONFIRMED: AWS's exact message for a route without a target.
		return errMissing("GatewayId or NatGatewayId")
	}
	return nil
}

func deleteRoute(c *wire.Call, r *region) error {
	t, err := r.routeTableParam(c)
	if err != nil {
		return err
	}
	dest, err := routeDestination(c.Form)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.routes, func(rt route) bool { return rt.destination == dest })
	switch {
	case i < 0:
		return errInvalid("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, t.id)
	case t.routes[i].gatewayID == "local":
		return errParam("cannot remove local route %s in route table %s", dest, t.id)
	}
	t.routes = slices.Delete(t.routes, i, i+1)
	return acknowledge(c)
}

func associateRouteTable(c *wire.Call, r *region) error {
	t, err := r.routeTableParam(c)
	if err != nil {
		return err
	}
	if c.Form.Get("GatewayId") != "" || c.Form.Get("PublicIpv4Pool") != "" {
		return errParam("localaws supports subnet route table associations only")
	}
	sub, err := r.subnetParam(c)
	if err != nil {
		return err
	}
	if sub.vpcID != t.vpcID {
		return errParam("Route table %s and subnet %s belong to different networks", t.id, sub.id)
	}
	for _, other := range r.routeTables {
		if slices.ContainsFunc(other.associations, func(a association) bool { return a.subnetID == sub.id }) {
			return errInvalid("Resource.AlreadyAssociated",
				"the specified association for route table %s conflicts with an existing association", t.id)
		}
	}
	a := association{id: newID("rtbassoc"), subnetID: sub.id}
	t.associations = append(t.associations, a)
	return c.XML(struct {
		AssociationID string `xml:"associationId"`
		State         string `xml:"associationState>state"`
	}{a.id, "associated"})
}

func disassociateRouteTable(c *wire.Call, r *region) error {
	id, err := required(c.Form, "AssociationId")
	if err != nil {
		return err
	}
	for _, t := range r.routeTables {
		i := slices.IndexFunc(t.associations, func(a association) bool { return a.id == id })
		if i < 0 {
			continue
		}
		if t.associations[i].main {
			return errParam("cannot disassociate the main route table association %s", id)
		}
		t.associations = slices.Delete(t.associations, i, i+1)
		return acknowledge(c)
	}
	return errInvalid("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
}

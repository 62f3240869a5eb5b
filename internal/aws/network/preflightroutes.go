package network

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// vpcCIDRs are the VPC's IPv4 blocks, read from the local routes of its route tables.
func (c *check) vpcCIDRs() []string {
	var out []string
	for _, t := range c.tables {
		for _, r := range t.Routes {
			if d := aws.ToString(r.DestinationCidrBlock); aws.ToString(r.GatewayId) == "local" && d != "" && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// tableOf returns the route table of a subnet: the one associated with it, else the VPC's main table.
func (c *check) tableOf(subnetID string) (t *types.RouteTable, main bool) {
	for i, rt := range c.tables {
		if slices.ContainsFunc(rt.Associations, func(a types.RouteTableAssociation) bool { return aws.ToString(a.SubnetId) == subnetID }) {
			return &c.tables[i], false
		}
	}
	for i, rt := range c.tables {
		if slices.ContainsFunc(rt.Associations, func(a types.RouteTableAssociation) bool { return aws.ToBool(a.Main) }) {
			return &c.tables[i], true
		}
	}
	return nil, false
}

// natRoute returns the NAT gateway of a table's active default route, or "".
func natRoute(t *types.RouteTable) string {
	if t == nil {
		return ""
	}
	for _, r := range t.Routes {
		if aws.ToString(r.DestinationCidrBlock) == anywhere && aws.ToString(r.NatGatewayId) != "" && r.State == types.RouteStateActive {
			return aws.ToString(r.NatGatewayId)
		}
	}
	return ""
}

// routes checks that every subnet reaches Lambda and STS: through a NAT gateway, or through interface
// endpoints.
func (c *check) routes() {
	var someNAT string
	for i := range c.tables {
		if n := natRoute(&c.tables[i]); n != "" {
			someNAT = n
		}
	}
	nat := someNAT
	if nat == "" {
		nat = "<nat-gateway-id>"
	}
	// The subnets without a route out, by route table in the order first met.
	var order []string
	lacking := map[string][]string{}
	tables := map[string]*types.RouteTable{}
	mainOf := map[string]bool{}
	for _, s := range c.subnets {
		id := aws.ToString(s.SubnetId)
		t, main := c.tableOf(id)
		if t == nil || natRoute(t) != "" {
			continue
		}
		tid := aws.ToString(t.RouteTableId)
		if lacking[tid] == nil {
			order = append(order, tid)
		}
		lacking[tid], tables[tid], mainOf[tid] = append(lacking[tid], id), t, main
	}
	if len(order) == 0 {
		return
	}
	endpointFixes := c.endpointFixes()
	if len(endpointFixes) == 0 {
		return
	}
	var where, fixes []string
	for _, tid := range order {
		table := "route table " + tid
		if mainOf[tid] {
			table = "the VPC's main route table " + tid
		}
		where = append(where, fmt.Sprintf("%s (%s)", strings.Join(lacking[tid], ", "), table))
		verb := "create-route"
		if slices.ContainsFunc(tables[tid].Routes, func(r types.Route) bool { return aws.ToString(r.DestinationCidrBlock) == anywhere }) {
			verb = "replace-route"
		}
		fixes = append(fixes, fmt.Sprintf("`aws ec2 %s --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id %s`",
			verb, tid, nat))
	}
	natHint := ""
	if someNAT == "" {
		natHint = " (no route table of the VPC points at a working NAT gateway: create one in a public subnet first)"
	}
	c.problem(awserr.ReasonNoRouteToLambdaAndSTS, "the pollers in subnets %s cannot reach Lambda and STS: give each route table a "+
		"default route to a NAT gateway%s: %s; or give VPC %s interface endpoints for Lambda and STS: %s",
		strings.Join(where, "; "), natHint, strings.Join(fixes, "; "), c.rep.VPCID, strings.Join(endpointFixes, "; "))
}

// endpointFixes says what makes the VPC's Lambda and STS endpoints usable by the pollers, commands in
// backquotes; nothing when they already are.
func (c *check) endpointFixes() []string {
	var fixes []string
	for _, svc := range endpointServicesNeeded {
		name := serviceName(c.t.Region, svc)
		create := fmt.Sprintf("`aws ec2 create-vpc-endpoint --vpc-id %s --vpc-endpoint-type Interface --service-name %s "+
			"--subnet-ids %s --security-group-ids %s`", c.rep.VPCID, name, strings.Join(c.t.SubnetIDs, " "),
			strings.Join(c.t.SecurityGroupIDs, " "))
		i := slices.IndexFunc(c.endpoints, func(e types.VpcEndpoint) bool {
			return aws.ToString(e.ServiceName) == name && e.VpcEndpointType == types.VpcEndpointTypeInterface
		})
		if i < 0 {
			fixes = append(fixes, create)
			// The new endpoint carries the cluster's groups, which must then let HTTPS in from themselves.
			if !allows(c.rulesOf(false), httpsPort, c.t.SecurityGroupIDs, c.subnetCIDRs()) {
				fixes = addFix(fixes, c.openHTTPS(c.t.SecurityGroupIDs[0]))
			}
			continue
		}
		e := c.endpoints[i]
		id := aws.ToString(e.VpcEndpointId)
		switch st := strings.ToLower(string(e.State)); st {
		case "available":
		case "pending":
			fixes = append(fixes, fmt.Sprintf("wait for endpoint %s, which is pending", id))
		default:
			fixes = append(fixes, fmt.Sprintf("endpoint %s is %s: `aws ec2 delete-vpc-endpoints --vpc-endpoint-ids %s`, then %s",
				id, st, id, create))
			continue
		}
		if !aws.ToBool(e.PrivateDnsEnabled) {
			fixes = append(fixes, fmt.Sprintf("`aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --private-dns-enabled`", id))
		}
		if !c.endpointOpen(e) {
			g := c.t.SecurityGroupIDs[0]
			if len(e.Groups) > 0 {
				g = aws.ToString(e.Groups[0].GroupId)
			}
			fixes = addFix(fixes, c.openHTTPS(g))
		}
	}
	return fixes
}

// openHTTPS is the command letting HTTPS into an endpoint's group from the cluster's first group.
func (c *check) openHTTPS(group string) string {
	return fmt.Sprintf("`aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port %d --source-group %s`",
		group, httpsPort, c.t.SecurityGroupIDs[0])
}

// addFix appends fix unless fixes already hold it.
func addFix(fixes []string, fix string) []string {
	if slices.Contains(fixes, fix) {
		return fixes
	}
	return append(fixes, fix)
}

// endpointOpen reports whether one of the endpoint's groups lets HTTPS in from the cluster's groups or
// from a block holding every subnet.
func (c *check) endpointOpen(e types.VpcEndpoint) bool {
	for _, ref := range e.Groups {
		if g := c.group(aws.ToString(ref.GroupId)); g != nil && allows(g.IpPermissions, httpsPort, c.t.SecurityGroupIDs, c.subnetCIDRs()) {
			return true
		}
	}
	return false
}

package network

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Reasons of the problems Preflight reports, one per failed check. Each is meant as the reason of a
// NetworkReady=False condition.
const (
	// ReasonSubnetNotFound: a subnet of the cluster does not exist in the region.
	ReasonSubnetNotFound = "SubnetNotFound"
	// ReasonSubnetsInSeveralVPCs: the subnets are not all in one VPC, as a cluster's VpcConfig needs.
	ReasonSubnetsInSeveralVPCs = "SubnetsInSeveralVPCs"
	// ReasonSubnetsInOneAZ: the subnets are in fewer than two Availability Zones.
	ReasonSubnetsInOneAZ = "SubnetsInOneAZ"
	// ReasonSecurityGroupNotFound: a security group of the cluster is not in the subnets' VPC.
	ReasonSecurityGroupNotFound = "SecurityGroupNotFound"
	// ReasonNoRouteToLambdaAndSTS: some subnet has no default route to a NAT gateway, and the VPC lacks
	// usable interface endpoints for Lambda and STS, so the pollers in that subnet cannot call them.
	ReasonNoRouteToLambdaAndSTS = "NoRouteToLambdaAndSTS"
	// ReasonSecurityGroupMissingKafkaRule: no security group of the cluster lets TCP 9098 in from the
	// cluster's groups or from the VPC, so the pollers cannot reach the brokers.
	ReasonSecurityGroupMissingKafkaRule = "SecurityGroupMissingKafkaRule"
	// ReasonSecurityGroupMissingEgressRule: no security group of the cluster lets TCP 9098 out to the
	// brokers, or TCP 443 out to Lambda and STS.
	ReasonSecurityGroupMissingEgressRule = "SecurityGroupMissingEgressRule"
)

// endpointServicesNeeded are the services the pollers call, by the last part of their endpoint service
// name (com.amazonaws.<region>.<service>).
var endpointServicesNeeded = []string{"lambda", "sts"}

// Target is the network a cluster uses: its subnets and security groups (for network.create, the created
// private subnets and group).
type Target struct {
	// Region is the region of the subnets; it names the endpoint services.
	Region string
	// SubnetIDs are the cluster's subnets.
	SubnetIDs []string
	// SecurityGroupIDs are the cluster's security groups, which the pollers' network interfaces carry too;
	// none means the VPC's default group, as MSK Serverless does.
	SecurityGroupIDs []string
}

// Problem is one failed check: a condition reason and a message that says the exact fix.
type Problem struct {
	// Reason is one of the Reason* constants.
	Reason string
	// Message says what is wrong and the command that fixes it.
	Message string
}

// Report is what Preflight found.
type Report struct {
	// VPCID is the subnets' VPC; empty when no subnet exists or they are in several.
	VPCID string
	// Problems are the failed checks, in a stable order; none means the network is ready.
	Problems []Problem
	// Calls counts the EC2 requests made, one per page.
	Calls int
}

// Ready reports whether every check passed.
func (r Report) Ready() bool { return len(r.Problems) == 0 }

// Reason is the reason of the first problem (subnet problems come before routes, routes before security
// groups), for a condition that has room for one; empty when the network is ready.
func (r Report) Reason() string {
	if r.Ready() {
		return ""
	}
	return r.Problems[0].Reason
}

// Message joins the problems' messages, each after its reason, for a condition's message.
func (r Report) Message() string {
	parts := make([]string, 0, len(r.Problems))
	for _, p := range r.Problems {
		parts = append(parts, p.Reason+": "+p.Message)
	}
	return strings.Join(parts, "\n")
}

// Preflight checks, read-only, that a cluster's network lets MSK Serverless and the pipes' and mappings'
// pollers work: the subnets exist, are in one VPC and in at least two Availability Zones; every subnet's
// route table (its own, else the VPC's main table) has a default route to a NAT gateway, or the VPC has
// available interface endpoints for Lambda and STS with private DNS, open on 443 to the cluster; and the
// security groups let TCP 9098 in from themselves or the VPC and out to the brokers, and 443 out. It makes
// four EC2 requests (one per page): DescribeSubnets, DescribeRouteTables, DescribeSecurityGroups and
// DescribeVpcEndpoints, the last three filtered by the VPC. An error is a failed request, not a problem.
func (s *Service) Preflight(ctx context.Context, t Target) (Report, error) {
	var rep Report
	if len(t.SubnetIDs) == 0 {
		return rep, errors.New("checking a cluster's network: no subnets given")
	}
	subnets, err := collect(ctx, ec2.NewDescribeSubnetsPaginator(s.api, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{filter("subnet-id", t.SubnetIDs...)}}), func(o *ec2.DescribeSubnetsOutput) []types.Subnet {
		rep.Calls++
		return o.Subnets
	})
	if err != nil {
		return rep, awserr.Classify(err, "describing the cluster's subnets")
	}
	c := &check{t: t, rep: &rep, subnets: subnets}
	if !c.subnetsExist() || !c.oneVPC() {
		return rep, nil
	}
	c.zones()
	if c.tables, err = collect(ctx, ec2.NewDescribeRouteTablesPaginator(s.api, &ec2.DescribeRouteTablesInput{
		Filters: []types.Filter{filter("vpc-id", rep.VPCID)}}), func(o *ec2.DescribeRouteTablesOutput) []types.RouteTable {
		rep.Calls++
		return o.RouteTables
	}); err != nil {
		return rep, awserr.Classify(err, "describing the route tables of VPC "+rep.VPCID)
	}
	if c.groups, err = collect(ctx, ec2.NewDescribeSecurityGroupsPaginator(s.api, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{filter("vpc-id", rep.VPCID)}}), func(o *ec2.DescribeSecurityGroupsOutput) []types.SecurityGroup {
		rep.Calls++
		return o.SecurityGroups
	}); err != nil {
		return rep, awserr.Classify(err, "describing the security groups of VPC "+rep.VPCID)
	}
	var names []string
	for _, svc := range endpointServicesNeeded {
		names = append(names, serviceName(t.Region, svc))
	}
	if c.endpoints, err = collect(ctx, ec2.NewDescribeVpcEndpointsPaginator(s.api, &ec2.DescribeVpcEndpointsInput{
		Filters: []types.Filter{filter("vpc-id", rep.VPCID), filter("service-name", names...)}}), func(o *ec2.DescribeVpcEndpointsOutput) []types.VpcEndpoint {
		rep.Calls++
		return o.VpcEndpoints
	}); err != nil {
		return rep, awserr.Classify(err, "describing the VPC endpoints of VPC "+rep.VPCID)
	}
	if len(c.t.SecurityGroupIDs) == 0 {
		// MSK Serverless gives a cluster without groups the VPC's default group.
		if i := slices.IndexFunc(c.groups, func(g types.SecurityGroup) bool { return aws.ToString(g.GroupName) == "default" }); i >= 0 {
			c.t.SecurityGroupIDs = []string{aws.ToString(c.groups[i].GroupId)}
		}
	}
	if !c.groupsExist() {
		return rep, nil
	}
	c.routes()
	c.kafkaIngress()
	c.egress()
	return rep, nil
}

// serviceName is the endpoint service name of an AWS service in a region.
func serviceName(region, service string) string {
	return "com.amazonaws." + region + "." + service
}

// check holds what the preflight read, and adds problems to the report.
type check struct {
	t         Target
	rep       *Report
	subnets   []types.Subnet
	tables    []types.RouteTable
	groups    []types.SecurityGroup
	endpoints []types.VpcEndpoint
	// natRoutes are the subnets whose route table has a default route to a NAT gateway.
	natRoutes map[string]bool
}

func (c *check) problem(reason, format string, args ...any) {
	c.rep.Problems = append(c.rep.Problems, Problem{Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// subnetsExist reports every subnet of the target that EC2 does not know.
func (c *check) subnetsExist() bool {
	var missing []string
	for _, id := range c.t.SubnetIDs {
		if !slices.ContainsFunc(c.subnets, func(s types.Subnet) bool { return aws.ToString(s.SubnetId) == id }) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		c.problem(ReasonSubnetNotFound, "subnets %s do not exist in %s: name existing subnets in spec.network.subnetIDs "+
			"(`aws ec2 describe-subnets --region %s` lists them)", strings.Join(missing, ", "), c.t.Region, c.t.Region)
	}
	return len(c.subnets) > 0
}

// oneVPC checks that the subnets share a VPC, and records it.
func (c *check) oneVPC() bool {
	byVPC := map[string][]string{}
	var vpcs []string
	for _, s := range c.subnets {
		v := aws.ToString(s.VpcId)
		if byVPC[v] == nil {
			vpcs = append(vpcs, v)
		}
		byVPC[v] = append(byVPC[v], aws.ToString(s.SubnetId))
	}
	if len(vpcs) == 1 {
		c.rep.VPCID = vpcs[0]
		return true
	}
	var parts []string
	for _, v := range vpcs {
		parts = append(parts, fmt.Sprintf("%s in %s", strings.Join(byVPC[v], ", "), v))
	}
	c.problem(ReasonSubnetsInSeveralVPCs, "the subnets are in %d VPCs (%s); a cluster's subnets must all be in one VPC: "+
		"list the subnets of one of them in spec.network.subnetIDs (`aws ec2 describe-subnets --filters Name=vpc-id,Values=%s`)",
		len(vpcs), strings.Join(parts, "; "), vpcs[0])
	c.zones()
	return false
}

// zones checks that the subnets span at least two Availability Zones.
func (c *check) zones() {
	var zones, ids []string
	for _, s := range c.subnets {
		ids = append(ids, aws.ToString(s.SubnetId))
		if z := aws.ToString(s.AvailabilityZone); !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	if len(zones) >= 2 {
		return
	}
	c.problem(ReasonSubnetsInOneAZ, "subnets %s are all in %s; MSK Serverless needs subnets in at least two Availability Zones: "+
		"add a subnet of %s in another zone to spec.network.subnetIDs (`aws ec2 create-subnet --vpc-id %s --availability-zone <zone> "+
		"--cidr-block <block>`)", strings.Join(ids, ", "), strings.Join(zones, ", "), aws.ToString(c.subnets[0].VpcId),
		aws.ToString(c.subnets[0].VpcId))
}

// groupsExist reports every security group of the target that is not in the VPC.
func (c *check) groupsExist() bool {
	var missing []string
	for _, id := range c.t.SecurityGroupIDs {
		if c.group(id) == nil {
			missing = append(missing, id)
		}
	}
	if len(c.t.SecurityGroupIDs) == 0 {
		missing = append(missing, "default")
	}
	if len(missing) > 0 {
		c.problem(ReasonSecurityGroupNotFound, "security groups %s are not in VPC %s of the subnets: name groups of that VPC in "+
			"spec.network.securityGroupIDs (`aws ec2 describe-security-groups --filters Name=vpc-id,Values=%s`)",
			strings.Join(missing, ", "), c.rep.VPCID, c.rep.VPCID)
	}
	return len(missing) == 0
}

func (c *check) group(id string) *types.SecurityGroup {
	i := slices.IndexFunc(c.groups, func(g types.SecurityGroup) bool { return aws.ToString(g.GroupId) == id })
	if i < 0 {
		return nil
	}
	return &c.groups[i]
}

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
	c.problem(ReasonNoRouteToLambdaAndSTS, "the pollers in subnets %s cannot reach Lambda and STS: give each route table a "+
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

// subnetCIDRs are the subnets' IPv4 blocks.
func (c *check) subnetCIDRs() []string {
	var out []string
	for _, s := range c.subnets {
		out = append(out, aws.ToString(s.CidrBlock))
	}
	return out
}

// allows reports whether one of perms lets TCP port through with a peer among groups or a block that
// holds every one of blocks.
func allows(perms []types.IpPermission, port int32, groups, blocks []string) bool {
	return slices.ContainsFunc(perms, func(p types.IpPermission) bool {
		if !coversPort(p, port) {
			return false
		}
		if slices.ContainsFunc(p.UserIdGroupPairs, func(u types.UserIdGroupPair) bool { return slices.Contains(groups, aws.ToString(u.GroupId)) }) {
			return true
		}
		return slices.ContainsFunc(p.IpRanges, func(r types.IpRange) bool { return holdsAll(aws.ToString(r.CidrIp), blocks) })
	})
}

// coversPort reports whether a permission lets TCP port through: all traffic, or TCP with a range
// holding the port.
func coversPort(p types.IpPermission, port int32) bool {
	switch aws.ToString(p.IpProtocol) {
	case "-1", "all":
		return true
	case "tcp", "6":
		return aws.ToInt32(p.FromPort) <= port && port <= aws.ToInt32(p.ToPort)
	}
	return false
}

// holdsAll reports whether the block holds every one of blocks.
func holdsAll(block string, blocks []string) bool {
	outer, err := netip.ParsePrefix(block)
	if err != nil || len(blocks) == 0 {
		return false
	}
	for _, b := range blocks {
		inner, err := netip.ParsePrefix(b)
		if err != nil || inner.Bits() < outer.Bits() || !outer.Contains(inner.Addr()) {
			return false
		}
	}
	return true
}

// rulesOf gathers the inbound (egress false) or outbound rules of the cluster's groups: a network
// interface carrying them all is allowed what any of them allows.
func (c *check) rulesOf(egress bool) []types.IpPermission {
	var out []types.IpPermission
	for _, id := range c.t.SecurityGroupIDs {
		if g := c.group(id); g != nil {
			if egress {
				out = append(out, g.IpPermissionsEgress...)
			} else {
				out = append(out, g.IpPermissions...)
			}
		}
	}
	return out
}

// kafkaIngress checks that the cluster's groups let TCP 9098 in from themselves or from the VPC.
func (c *check) kafkaIngress() {
	if allows(c.rulesOf(false), kafkaPort, c.t.SecurityGroupIDs, c.subnetCIDRs()) {
		return
	}
	g := c.t.SecurityGroupIDs[0]
	c.problem(ReasonSecurityGroupMissingKafkaRule, "security groups %s let no TCP %d (Kafka over IAM) in from themselves or from "+
		"VPC %s (%s), so the pollers cannot reach the brokers: `aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp "+
		"--port %d --source-group %s`", strings.Join(c.t.SecurityGroupIDs, ", "), kafkaPort, c.rep.VPCID,
		strings.Join(c.vpcCIDRs(), ", "), g, kafkaPort, g)
}

// egress checks that the cluster's groups let TCP 9098 out to the brokers and TCP 443 out to Lambda and
// STS (anywhere through a NAT gateway, or to the endpoints inside the VPC).
func (c *check) egress() {
	out := c.rulesOf(true)
	g := c.t.SecurityGroupIDs[0]
	var missing, fixes []string
	if !allows(out, kafkaPort, c.t.SecurityGroupIDs, c.subnetCIDRs()) {
		missing = append(missing, fmt.Sprintf("TCP %d out to the brokers", kafkaPort))
		fixes = append(fixes, fmt.Sprintf("`aws ec2 authorize-security-group-egress --group-id %s --ip-permissions "+
			"IpProtocol=tcp,FromPort=%d,ToPort=%d,UserIdGroupPairs=[{GroupId=%s}]`", g, kafkaPort, kafkaPort, g))
	}
	var endpointGroups []string
	for _, e := range c.endpoints {
		for _, ref := range e.Groups {
			endpointGroups = append(endpointGroups, aws.ToString(ref.GroupId))
		}
	}
	toEndpoints := len(c.endpoints) > 0 && allows(out, httpsPort, endpointGroups, c.vpcCIDRs())
	if !toEndpoints && !allows(out, httpsPort, endpointGroups, []string{anywhere}) {
		missing = append(missing, fmt.Sprintf("TCP %d out to Lambda and STS", httpsPort))
		fixes = append(fixes, fmt.Sprintf("`aws ec2 authorize-security-group-egress --group-id %s --ip-permissions "+
			"IpProtocol=tcp,FromPort=%d,ToPort=%d,IpRanges=[{CidrIp=%s}]`", g, httpsPort, httpsPort, anywhere))
	}
	if len(fixes) == 0 {
		return
	}
	c.problem(ReasonSecurityGroupMissingEgressRule, "security groups %s do not let the pollers send %s: %s",
		strings.Join(c.t.SecurityGroupIDs, ", "), strings.Join(missing, " or "), strings.Join(fixes, "; "))
}

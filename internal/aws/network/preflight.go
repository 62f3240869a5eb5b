package network

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
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
		c.problem(awserr.ReasonSubnetNotFound, "subnets %s do not exist in %s: name existing subnets in spec.network.subnetIDs "+
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
	c.problem(awserr.ReasonSubnetsInSeveralVPCs, "the subnets are in %d VPCs (%s); a cluster's subnets must all be in one VPC: "+
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
	c.problem(awserr.ReasonSubnetsInOneAZ, "subnets %s are all in %s; MSK Serverless needs subnets in at least two Availability Zones: "+
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
		c.problem(awserr.ReasonSecurityGroupNotFound, "security groups %s are not in VPC %s of the subnets: name groups of that VPC in "+
			"spec.network.securityGroupIDs (`aws ec2 describe-security-groups --filters Name=vpc-id,Values=%s`)",
			strings.Join(missing, ", "), c.rep.VPCID, c.rep.VPCID)
	}
	return len(missing) == 0
}

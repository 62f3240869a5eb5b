package network

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// group returns the VPC's security group with the ID, or nil.
func (c *check) group(id string) *types.SecurityGroup {
	i := slices.IndexFunc(c.groups, func(g types.SecurityGroup) bool { return aws.ToString(g.GroupId) == id })
	if i < 0 {
		return nil
	}
	return &c.groups[i]
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
	c.problem(awserr.ReasonSecurityGroupMissingKafkaRule, "security groups %s let no TCP %d (Kafka over IAM) in from themselves or from "+
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
	c.problem(awserr.ReasonSecurityGroupMissingEgressRule, "security groups %s do not let the pollers send %s: %s",
		strings.Join(c.t.SecurityGroupIDs, ", "), strings.Join(missing, " or "), strings.Join(fixes, "; "))
}

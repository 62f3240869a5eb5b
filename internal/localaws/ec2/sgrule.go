package ec2

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// maxRulesPerDirection is how many inbound (and, separately, outbound) rules a security group holds.
const maxRulesPerDirection = 60

// sgRule is one security group rule: a protocol and port range with one peer (an IPv4 block, an IPv6
// block or another security group).
type sgRule struct {
	meta
	groupID     string
	egress      bool
	protocol    string
	from, to    int
	cidr4       string
	cidr6       string
	refGroup    string
	description string
}

// key identifies a rule for duplicate detection; the description is not part of it.
func (r *sgRule) key() string {
	return fmt.Sprintf("%t|%s|%d|%d|%s|%s|%s", r.egress, r.protocol, r.from, r.to, r.cidr4, r.cidr6, r.refGroup)
}

// peer names the rule's peer the way EC2 messages do.
func (r *sgRule) peer() string {
	return r.cidr4 + r.cidr6 + r.refGroup
}

// describe renders the rule as EC2's duplicate-rule message does.
func (r *sgRule) describe() string {
	if r.protocol == "-1" {
		return fmt.Sprintf("peer: %s, ALL, ALLOW", r.peer())
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", r.peer(), strings.ToUpper(r.protocol), r.from, r.to)
}

// hasPorts reports whether the protocol's rules carry a port (or ICMP type/code) range.
func hasPorts(protocol string) bool {
	switch protocol {
	case "tcp", "udp", "icmp", "icmpv6":
		return true
	}
	return false
}

// protocolNames maps the protocol numbers EC2 names to their names.
var protocolNames = map[string]string{"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}

// normalizeProtocol returns the protocol as EC2 stores it: tcp, udp, icmp, icmpv6, -1 (all) or a number.
func normalizeProtocol(p string) (string, error) {
	lp := strings.ToLower(p)
	if name, ok := protocolNames[lp]; ok {
		return name, nil
	}
	if hasPorts(lp) || lp == "-1" {
		return lp, nil
	}
	if n, err := strconv.Atoi(lp); err == nil && n >= 0 && n <= 255 {
		return lp, nil
	}
	return "", errParam("Invalid value '%s' for IP protocol. Unknown protocol.", p)
}

// portRange validates the FromPort/ToPort of one permission for its protocol.
func portRange(protocol string, m url.Values) (from, to int, err error) {
	from, fromSet, err := intParam(m, "FromPort")
	if err != nil {
		return 0, 0, err
	}
	to, toSet, err := intParam(m, "ToPort")
	if err != nil {
		return 0, 0, err
	}
	switch protocol {
	case "tcp", "udp":
		if !fromSet || !toSet {
			return 0, 0, errParam("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
		}
		if from < 0 || to > 65535 || from > to {
			return 0, 0, errParam("Invalid value '%d-%d' for portRange. Ports must be 0-65535 with the from port no greater than the to port.", from, to)
		}
		return from, to, nil
	case "icmp", "icmpv6":
		if !fromSet {
			from = -1
		}
		if !toSet {
			to = -1
		}
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return 0, 0, errParam("Invalid value '%d-%d' for ICMP type and code. Each must be between -1 and 255.", from, to)
		}
		return from, to, nil
	}
	return -1, -1, nil
}

// permissions reads a request's IpPermissions.N (or the single top-level CidrIp/IpProtocol/FromPort/ToPort
// permission) into rules of group g, without IDs.
func (r *region) permissions(form url.Values, g *securityGroup, egress bool) ([]*sgRule, error) {
	perms := wire.Members(form, "IpPermissions")
	if len(perms) == 0 && form.Get("IpProtocol") != "" {
		single := url.Values{"IpProtocol": {form.Get("IpProtocol")}, "FromPort": form["FromPort"],
			"ToPort": form["ToPort"]}
		if cidr := form.Get("CidrIp"); cidr != "" {
			single.Set("IpRanges.1.CidrIp", cidr)
		}
		perms = []url.Values{single}
	}
	if form.Get("SourceSecurityGroupName") != "" {
		return nil, errParam("localaws needs source security groups by ID (IpPermissions.N.Groups.M.GroupId)")
	}
	if len(perms) == 0 {
		return nil, errMissing("IpPermissions")
	}
	var out []*sgRule
	for _, p := range perms {
		rules, err := r.permission(p, g, egress)
		if err != nil {
			return nil, err
		}
		out = append(out, rules...)
	}
	return out, nil
}

// permission reads one IpPermission: one rule per peer.
func (r *region) permission(p url.Values, g *securityGroup, egress bool) ([]*sgRule, error) {
	if p.Get("IpProtocol") == "" {
		return nil, errMissing("IpPermissions.IpProtocol")
	}
	protocol, err := normalizeProtocol(p.Get("IpProtocol"))
	if err != nil {
		return nil, err
	}
	from, to, err := portRange(protocol, p)
	if err != nil {
		return nil, err
	}
	if len(wire.Members(p, "PrefixListIds")) > 0 {
		return nil, errParam("localaws does not support prefix list peers (PrefixListIds)")
	}
	base := sgRule{groupID: g.id, egress: egress, protocol: protocol, from: from, to: to}
	var out []*sgRule
	for _, ipr := range wire.Members(p, "IpRanges") {
		cidr, err := parseCIDR(ipr.Get("CidrIp"), "cidrIp")
		if err != nil {
			return nil, err
		}
		rule := base
		rule.cidr4, rule.description = cidr.String(), ipr.Get("Description")
		out = append(out, &rule)
	}
	for _, ipr := range wire.Members(p, "Ipv6Ranges") {
		cidr, err := netip.ParsePrefix(ipr.Get("CidrIpv6"))
		if err != nil || !cidr.Addr().Is6() || cidr.Masked() != cidr {
			return nil, errParam("Value (%s) for parameter cidrIpv6 is invalid. This is not a valid CIDR block.", ipr.Get("CidrIpv6"))
		}
		rule := base
		rule.cidr6, rule.description = cidr.String(), ipr.Get("Description")
		out = append(out, &rule)
	}
	// The SDK and botocore send the UserIdGroupPairs member as Groups.N; accept the member name too.
	pairs := append(wire.Members(p, "Groups"), wire.Members(p, "UserIdGroupPairs")...)
	for _, pair := range pairs {
		ref, err := r.peerGroup(pair.Get("GroupId"), g)
		if err != nil {
			return nil, err
		}
		rule := base
		rule.refGroup, rule.description = ref.id, pair.Get("Description")
		out = append(out, &rule)
	}
	if len(out) == 0 {
		// UNCONFIRMED: AWS's exact answer for a permission without any peer.
		return nil, errMissing("IpPermissions.IpRanges, Ipv6Ranges or Groups")
	}
	for _, rule := range out {
		if len(rule.description) > 255 {
			return nil, errParam("Rule description exceeds the maximum length of 255 characters")
		}
	}
	return out, nil
}

// peerGroup resolves a security group referenced by a rule; it must be in the same VPC.
func (r *region) peerGroup(id string, g *securityGroup) (*securityGroup, error) {
	if id == "" {
		return nil, errMissing("IpPermissions.Groups.GroupId")
	}
	ref, err := lookup(r.groups, kindGroup, id)
	if err != nil {
		return nil, err
	}
	if ref.vpcID != g.vpcID {
		return nil, errParam("You have specified two resources that belong to different networks.")
	}
	return ref, nil
}

// xmlIPPermission is an EC2 IpPermission.
type xmlIPPermission struct {
	IPProtocol string         `xml:"ipProtocol"`
	FromPort   *int           `xml:"fromPort,omitempty"`
	ToPort     *int           `xml:"toPort,omitempty"`
	Groups     []xmlGroupPair `xml:"groups>item"`
	IPRanges   []xmlIPRange   `xml:"ipRanges>item"`
	Ipv6Ranges []xmlIpv6Range `xml:"ipv6Ranges>item"`
}

// xmlGroupPair is an EC2 UserIdGroupPair.
type xmlGroupPair struct {
	UserID      string `xml:"userId"`
	GroupID     string `xml:"groupId"`
	Description string `xml:"description,omitempty"`
}

// xmlIPRange is an EC2 IpRange.
type xmlIPRange struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

// xmlIpv6Range is an EC2 Ipv6Range.
type xmlIpv6Range struct {
	CidrIpv6    string `xml:"cidrIpv6"`
	Description string `xml:"description,omitempty"`
}

// renderPermissions groups rules by protocol and port range into IpPermissions, in rule order.
func (r *region) renderPermissions(rules []*sgRule) []xmlIPPermission {
	var out []xmlIPPermission
	index := map[string]int{}
	for _, rule := range rules {
		k := fmt.Sprintf("%s|%d|%d", rule.protocol, rule.from, rule.to)
		i, ok := index[k]
		if !ok {
			p := xmlIPPermission{IPProtocol: rule.protocol}
			if hasPorts(rule.protocol) {
				from, to := rule.from, rule.to
				p.FromPort, p.ToPort = &from, &to
			}
			i, index[k] = len(out), len(out)
			out = append(out, p)
		}
		p := &out[i]
		switch {
		case rule.cidr4 != "":
			p.IPRanges = append(p.IPRanges, xmlIPRange{CidrIP: rule.cidr4, Description: rule.description})
		case rule.cidr6 != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, xmlIpv6Range{CidrIpv6: rule.cidr6, Description: rule.description})
		default:
			p.Groups = append(p.Groups, xmlGroupPair{UserID: r.accountID, GroupID: rule.refGroup,
				Description: rule.description})
		}
	}
	return out
}

// xmlRule is an EC2 SecurityGroupRule.
type xmlRule struct {
	SecurityGroupRuleID  string         `xml:"securityGroupRuleId"`
	GroupID              string         `xml:"groupId"`
	GroupOwnerID         string         `xml:"groupOwnerId"`
	IsEgress             bool           `xml:"isEgress"`
	IPProtocol           string         `xml:"ipProtocol"`
	FromPort             int            `xml:"fromPort"`
	ToPort               int            `xml:"toPort"`
	CidrIpv4             string         `xml:"cidrIpv4,omitempty"`
	CidrIpv6             string         `xml:"cidrIpv6,omitempty"`
	ReferencedGroup      *xmlReferenced `xml:"referencedGroupInfo,omitempty"`
	Description          string         `xml:"description,omitempty"`
	Tags                 []xmlTag       `xml:"tagSet>item"`
	SecurityGroupRuleArn string         `xml:"securityGroupRuleArn"`
}

// xmlReferenced is an EC2 ReferencedSecurityGroup.
type xmlReferenced struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

func (r *region) renderRule(rule *sgRule) xmlRule {
	out := xmlRule{SecurityGroupRuleID: rule.id, GroupID: rule.groupID, GroupOwnerID: r.accountID,
		IsEgress: rule.egress, IPProtocol: rule.protocol, FromPort: rule.from, ToPort: rule.to,
		CidrIpv4: rule.cidr4, CidrIpv6: rule.cidr6, Description: rule.description, Tags: rule.tags.render(),
		SecurityGroupRuleArn: r.arn("security-group-rule", rule.id)}
	if rule.refGroup != "" {
		out.ReferencedGroup = &xmlReferenced{GroupID: rule.refGroup, UserID: r.accountID}
	}
	return out
}

// xmlRevokedRule is an EC2 RevokedSecurityGroupRule.
type xmlRevokedRule struct {
	SecurityGroupRuleID string `xml:"securityGroupRuleId"`
	GroupID             string `xml:"groupId"`
	IsEgress            bool   `xml:"isEgress"`
	IPProtocol          string `xml:"ipProtocol"`
	FromPort            int    `xml:"fromPort"`
	ToPort              int    `xml:"toPort"`
	CidrIpv4            string `xml:"cidrIpv4,omitempty"`
	CidrIpv6            string `xml:"cidrIpv6,omitempty"`
	ReferencedGroupID   string `xml:"referencedGroupId,omitempty"`
	Description         string `xml:"description,omitempty"`
}

func renderRevoked(rule *sgRule) xmlRevokedRule {
	return xmlRevokedRule{SecurityGroupRuleID: rule.id, GroupID: rule.groupID, IsEgress: rule.egress,
		IPProtocol: rule.protocol, FromPort: rule.from, ToPort: rule.to, CidrIpv4: rule.cidr4,
		CidrIpv6: rule.cidr6, ReferencedGroupID: rule.refGroup, Description: rule.description}
}

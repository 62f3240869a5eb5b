package ec2

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// defaultGroupName is the name of the security group every VPC starts with.
const defaultGroupName = "default"

// securityGroup is one VPC security group with its inbound and outbound rules.
type securityGroup struct {
	meta
	vpcID       string
	name        string
	description string
	rules       []*sgRule
}

// rulesOf returns the group's inbound (egress false) or outbound rules.
func (g *securityGroup) rulesOf(egress bool) []*sgRule {
	var out []*sgRule
	for _, rule := range g.rules {
		if rule.egress == egress {
			out = append(out, rule)
		}
	}
	return out
}

// addRule gives a rule an ID and tags and appends it to the group.
func (r *region) addRule(g *securityGroup, rule *sgRule, tags tagMap) {
	rule.meta = r.newMeta(kindRule, maps.Clone(tags))
	g.rules = append(g.rules, rule)
}

// allTraffic is a rule allowing every protocol and port.
func allTraffic(g *securityGroup, egress bool) *sgRule {
	return &sgRule{groupID: g.id, egress: egress, protocol: "-1", from: -1, to: -1}
}

// newGroup adds a security group to a VPC with EC2's default rule: all outbound traffic allowed.
func (r *region) newGroup(v *vpc, name, description string, tags tagMap) *securityGroup {
	g := &securityGroup{meta: r.newMeta(kindGroup, tags), vpcID: v.id, name: name, description: description}
	r.groups[g.id] = g
	egress := allTraffic(g, true)
	egress.cidr4 = "0.0.0.0/0"
	r.addRule(g, egress, nil)
	return g
}

// addDefaultGroup gives a new VPC its default security group, which also allows all inbound traffic from
// its own members.
func (r *region) addDefaultGroup(v *vpc) *securityGroup {
	g := r.newGroup(v, defaultGroupName, "default VPC security group", nil)
	self := allTraffic(g, false)
	self.refGroup = g.id
	r.addRule(g, self, nil)
	return g
}

// xmlSecurityGroup is an EC2 SecurityGroup.
type xmlSecurityGroup struct {
	OwnerID          string            `xml:"ownerId"`
	GroupID          string            `xml:"groupId"`
	GroupName        string            `xml:"groupName"`
	GroupDescription string            `xml:"groupDescription"`
	VpcID            string            `xml:"vpcId"`
	SecurityGroupArn string            `xml:"securityGroupArn"`
	IPPermissions    []xmlIPPermission `xml:"ipPermissions>item"`
	EgressPerms      []xmlIPPermission `xml:"ipPermissionsEgress>item"`
	Tags             []xmlTag          `xml:"tagSet>item"`
}

func (r *region) renderGroup(g *securityGroup) xmlSecurityGroup {
	return xmlSecurityGroup{OwnerID: r.accountID, GroupID: g.id, GroupName: g.name, GroupDescription: g.description,
		VpcID: g.vpcID, SecurityGroupArn: r.arn("security-group", g.id),
		IPPermissions: r.renderPermissions(g.rulesOf(false)), EgressPerms: r.renderPermissions(g.rulesOf(true)),
		Tags: g.tags.render()}
}

func createSecurityGroup(c *wire.Call, r *region) error {
	name, err := required(c.Form, "GroupName")
	if err != nil {
		return err
	}
	description, err := required(c.Form, "GroupDescription")
	if err != nil {
		return err
	}
	switch {
	case len(name) > 255:
		return errParam("Value (%s) for parameter groupName is invalid. Length exceeds 255 characters.", name)
	case strings.HasPrefix(strings.ToLower(name), "sg-"):
		return errParam("Value (%s) for parameter groupName is invalid. Group names may not be in the format sg-*.", name)
	case len(description) > 255:
		return errParam("Value for parameter GroupDescription is invalid. Length exceeds 255 characters.")
	case name == defaultGroupName:
		return errInvalid("InvalidGroup.Reserved", "The security group '%s' is reserved", name)
	}
	if c.Form.Get("VpcId") == "" {
		return errInvalid("VPCIdNotSpecified", "No default VPC for this user")
	}
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	for _, g := range r.groups {
		if g.vpcID == v.id && g.name == name {
			return errInvalid("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, v.id)
		}
	}
	tags, err := tagSpecifications(c.Form, kindGroup.resourceType)
	if err != nil {
		return err
	}
	g := r.newGroup(v, name, description, tags)
	return c.XML(struct {
		GroupID          string   `xml:"groupId"`
		SecurityGroupArn string   `xml:"securityGroupArn"`
		Tags             []xmlTag `xml:"tagSet>item"`
	}{g.id, r.arn("security-group", g.id), g.tags.render()})
}

// ruleField collects one value from each of a group's rules in one direction.
func ruleField(egress bool, get func(*sgRule) string) func(*securityGroup) []string {
	return func(g *securityGroup) []string {
		var out []string
		for _, rule := range g.rulesOf(egress) {
			if v := get(rule); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
}

// groupQuery selects security groups for DescribeSecurityGroups.
func (r *region) groupQuery() query[*securityGroup] {
	fields := filterFields[*securityGroup]{
		"group-id":    func(g *securityGroup) []string { return one(g.id) },
		"group-name":  func(g *securityGroup) []string { return one(g.name) },
		"vpc-id":      func(g *securityGroup) []string { return one(g.vpcID) },
		"description": func(g *securityGroup) []string { return one(g.description) },
		"owner-id":    func(*securityGroup) []string { return one(r.accountID) },
	}
	for prefix, egress := range map[string]bool{"ip-permission.": false, "egress.ip-permission.": true} {
		fields[prefix+"cidr"] = ruleField(egress, func(rule *sgRule) string { return rule.cidr4 })
		fields[prefix+"ipv6-cidr"] = ruleField(egress, func(rule *sgRule) string { return rule.cidr6 })
		fields[prefix+"group-id"] = ruleField(egress, func(rule *sgRule) string { return rule.refGroup })
		fields[prefix+"protocol"] = ruleField(egress, func(rule *sgRule) string { return rule.protocol })
		fields[prefix+"from-port"] = ruleField(egress, func(rule *sgRule) string { return strconv.Itoa(rule.from) })
		fields[prefix+"to-port"] = ruleField(egress, func(rule *sgRule) string { return strconv.Itoa(rule.to) })
	}
	return query[*securityGroup]{idParam: "GroupId", kind: kindGroup, idOf: func(g *securityGroup) string { return g.id },
		tagsOf: func(g *securityGroup) tagMap { return g.tags }, maxResults: 1000, fields: fields}
}

// errNoDefaultVpc answers a security group named without a VPC: names alone refer to the default VPC,
// which localaws regions do not have.
func errNoDefaultVpc(name string) error {
	return errInvalid("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC 'none'", name)
}

func describeSecurityGroups(c *wire.Call, r *region) error {
	if names := wire.Strings(c.Form, "GroupName"); len(names) > 0 {
		return errNoDefaultVpc(names[0])
	}
	page, next, err := r.groupQuery().run(c, sorted(r.groups))
	if err != nil {
		return err
	}
	out := renderList(page, r.renderGroup)
	return c.XML(struct {
		Groups    []xmlSecurityGroup `xml:"securityGroupInfo>item"`
		NextToken string             `xml:"nextToken,omitempty"`
	}{out, next})
}

// groupParam resolves the call's GroupId (a GroupName alone means the default VPC).
func (r *region) groupParam(c *wire.Call) (*securityGroup, error) {
	id := c.Form.Get("GroupId")
	if id == "" {
		if name := c.Form.Get("GroupName"); name != "" {
			return nil, errNoDefaultVpc(name)
		}
		return nil, errMissing("GroupId")
	}
	return lookup(r.groups, kindGroup, id)
}

func deleteSecurityGroup(c *wire.Call, r *region) error {
	g, err := r.groupParam(c)
	if err != nil {
		return err
	}
	if g.name == defaultGroupName {
		return errInvalid("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.id)
	}
	if r.endpointUsing("", g.id) != nil {
		return errInvalid("DependencyViolation", "resource %s has a dependent object", g.id)
	}
	for _, other := range r.groups {
		if other.id != g.id && slices.ContainsFunc(other.rules, func(rule *sgRule) bool { return rule.refGroup == g.id }) {
			return errInvalid("DependencyViolation", "resource %s has a dependent object", g.id)
		}
	}
	delete(r.groups, g.id)
	return c.XML(struct {
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{true, g.id})
}

func authorizeIngress(c *wire.Call, r *region) error { return authorize(c, r, false) }

func authorizeEgress(c *wire.Call, r *region) error { return authorize(c, r, true) }

// authorize adds the call's permissions to a group, refusing rules it already has.
func authorize(c *wire.Call, r *region, egress bool) error {
	g, err := r.groupParam(c)
	if err != nil {
		return err
	}
	rules, err := r.permissions(c.Form, g, egress)
	if err != nil {
		return err
	}
	tags, err := tagSpecifications(c.Form, kindRule.resourceType)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, rule := range g.rules {
		have[rule.key()] = true
	}
	for _, rule := range rules {
		if have[rule.key()] {
			return errInvalid("InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", rule.describe())
		}
		have[rule.key()] = true
	}
	if len(g.rulesOf(egress))+len(rules) > maxRulesPerDirection {
		return errInvalid("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
	}
	out := make([]xmlRule, 0, len(rules))
	for _, rule := range rules {
		r.addRule(g, rule, tags)
		out = append(out, r.renderRule(rule))
	}
	return c.XML(struct {
		Return bool      `xml:"return"`
		Rules  []xmlRule `xml:"securityGroupRuleSet>item"`
	}{true, out})
}

func revokeIngress(c *wire.Call, r *region) error { return revoke(c, r, false) }

func revokeEgress(c *wire.Call, r *region) error { return revoke(c, r, true) }

// revoke removes rules from a group, named by ID (SecurityGroupRuleId.N) or by permission. Permissions the
// group does not have come back as unknown; when none matches, the call fails.
func revoke(c *wire.Call, r *region, egress bool) error {
	g, err := r.groupParam(c)
	if err != nil {
		return err
	}
	var matched, unknown []*sgRule
	if ids := wire.Strings(c.Form, "SecurityGroupRuleId"); len(ids) > 0 {
		for _, id := range ids {
			i := slices.IndexFunc(g.rules, func(rule *sgRule) bool { return rule.id == id && rule.egress == egress })
			if i < 0 {
				return kindRule.notFound(id)
			}
			matched = append(matched, g.rules[i])
		}
	} else {
		asked, err := r.permissions(c.Form, g, egress)
		if err != nil {
			return err
		}
		for _, want := range asked {
			i := slices.IndexFunc(g.rules, func(rule *sgRule) bool { return rule.key() == want.key() })
			if i < 0 {
				unknown = append(unknown, want)
				continue
			}
			matched = append(matched, g.rules[i])
		}
	}
	if len(matched) == 0 {
		return errInvalid("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
	}
	revoked := renderList(matched, renderRevoked)
	g.rules = slices.DeleteFunc(g.rules, func(rule *sgRule) bool { return slices.Contains(matched, rule) })
	return c.XML(struct {
		Return  bool              `xml:"return"`
		Unknown []xmlIPPermission `xml:"unknownIpPermissionSet>item"`
		Revoked []xmlRevokedRule  `xml:"revokedSecurityGroupRuleSet>item"`
	}{true, r.renderPermissions(unknown), revoked})
}

// ruleQuery selects rules for DescribeSecurityGroupRules.
func ruleQuery() query[*sgRule] {
	return query[*sgRule]{idParam: "SecurityGroupRuleId", kind: kindRule, idOf: func(rule *sgRule) string { return rule.id },
		tagsOf: func(rule *sgRule) tagMap { return rule.tags }, maxResults: 1000, fields: filterFields[*sgRule]{
			"group-id":               func(rule *sgRule) []string { return one(rule.groupID) },
			"security-group-rule-id": func(rule *sgRule) []string { return one(rule.id) },
		}}
}

func describeSecurityGroupRules(c *wire.Call, r *region) error {
	var all []*sgRule
	for _, g := range sorted(r.groups) {
		all = append(all, g.rules...)
	}
	page, next, err := ruleQuery().run(c, all)
	if err != nil {
		return err
	}
	out := renderList(page, r.renderRule)
	return c.XML(struct {
		Rules     []xmlRule `xml:"securityGroupRuleSet>item"`
		NextToken string    `xml:"nextToken,omitempty"`
	}{out, next})
}

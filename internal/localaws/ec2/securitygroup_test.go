package ec2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func tcp(port int32, cidrs []string, groups ...string) types.IpPermission {
	p := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: aws.String(c)})
	}
	for _, g := range groups {
		p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: aws.String(g)})
	}
	return p
}

func (h *harness) describeGroup(id string) types.SecurityGroup {
	h.t.Helper()
	out, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	h.must(err)
	return out.SecurityGroups[0]
}

func TestSecurityGroups(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	out, err := h.ec2.CreateSecurityGroup(h.ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: aws.String(vpcID),
		GroupName: aws.String("msk"), Description: aws.String("MSK brokers"),
		TagSpecifications: tagSpec(types.ResourceTypeSecurityGroup, "Name", "msk")})
	h.must(err)
	id := aws.ToString(out.GroupId)
	if aws.ToString(out.SecurityGroupArn) != "arn:aws:ec2:us-east-1:"+lawstest.AccountID+":security-group/"+id ||
		tagValue(out.Tags, "Name") != "msk" {
		t.Fatalf("unexpected CreateSecurityGroup answer %+v", out)
	}
	g := h.describeGroup(id)
	if aws.ToString(g.GroupName) != "msk" || aws.ToString(g.Description) != "MSK brokers" || aws.ToString(g.VpcId) != vpcID ||
		len(g.IpPermissions) != 0 || len(g.IpPermissionsEgress) != 1 || aws.ToString(g.IpPermissionsEgress[0].IpProtocol) != "-1" ||
		aws.ToString(g.IpPermissionsEgress[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Fatalf("unexpected new group %+v", g)
	}
	if !h.svc.SecurityGroupExists(lawstest.Region, id) || h.svc.SecurityGroupExists("eu-west-1", id) {
		t.Fatal("SecurityGroupExists disagrees with the API")
	}

	// Self-referencing inbound 9098 plus the VPC CIDR, and outbound 443.
	ingress, err := h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
		IpPermissions:     []types.IpPermission{tcp(9098, []string{"10.0.0.0/16"}, id)},
		TagSpecifications: tagSpec(types.ResourceTypeSecurityGroupRule, "purpose", "iam-auth")})
	h.must(err)
	if !aws.ToBool(ingress.Return) || len(ingress.SecurityGroupRules) != 2 {
		t.Fatalf("unexpected ingress answer %+v", ingress)
	}
	for _, r := range ingress.SecurityGroupRules {
		if aws.ToBool(r.IsEgress) || aws.ToInt32(r.FromPort) != 9098 || aws.ToString(r.GroupId) != id ||
			tagValue(r.Tags, "purpose") != "iam-auth" || aws.ToString(r.SecurityGroupRuleId) == "" {
			t.Fatalf("unexpected rule %+v", r)
		}
	}
	_, err = h.ec2.AuthorizeSecurityGroupEgress(h.ctx, &ec2sdk.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id),
		IpPermissions: []types.IpPermission{tcp(443, []string{"0.0.0.0/0"})}})
	h.must(err)
	_, err = h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
		IpPermissions: []types.IpPermission{tcp(9098, []string{"10.0.0.0/16"})}})
	lawstest.ExpectCode(t, err, "InvalidPermission.Duplicate")

	g = h.describeGroup(id)
	if len(g.IpPermissions) != 1 || len(g.IpPermissions[0].IpRanges) != 1 || len(g.IpPermissions[0].UserIdGroupPairs) != 1 ||
		aws.ToString(g.IpPermissions[0].UserIdGroupPairs[0].GroupId) != id || aws.ToInt32(g.IpPermissions[0].ToPort) != 9098 {
		t.Fatalf("ingress permissions: %+v", g.IpPermissions)
	}
	if len(g.IpPermissionsEgress) != 2 {
		t.Fatalf("egress permissions: %+v", g.IpPermissionsEgress)
	}
	filtered, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{Filters: []types.Filter{
		flt("ip-permission.from-port", "9098"), flt("ip-permission.group-id", id), flt("tag:Name", "msk")}})
	h.must(err)
	if len(filtered.SecurityGroups) != 1 {
		t.Fatalf("permission filters: %+v", filtered.SecurityGroups)
	}

	rules, err := h.ec2.DescribeSecurityGroupRules(h.ctx, &ec2sdk.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{flt("group-id", id)}})
	h.must(err)
	if len(rules.SecurityGroupRules) != 4 {
		t.Fatalf("want 4 rules, got %+v", rules.SecurityGroupRules)
	}
	var selfRule types.SecurityGroupRule
	for _, r := range rules.SecurityGroupRules {
		if r.ReferencedGroupInfo != nil {
			selfRule = r
		}
	}
	if aws.ToString(selfRule.ReferencedGroupInfo.GroupId) != id {
		t.Fatalf("self-referencing rule: %+v", selfRule)
	}
	one, err := h.ec2.DescribeSecurityGroupRules(h.ctx, &ec2sdk.DescribeSecurityGroupRulesInput{
		SecurityGroupRuleIds: []string{aws.ToString(selfRule.SecurityGroupRuleId)}})
	h.must(err)
	if len(one.SecurityGroupRules) != 1 {
		t.Fatalf("rule by ID: %+v", one.SecurityGroupRules)
	}
	_, err = h.ec2.DescribeSecurityGroupRules(h.ctx, &ec2sdk.DescribeSecurityGroupRulesInput{
		SecurityGroupRuleIds: []string{"sgr-00000000000000000"}})
	lawstest.ExpectCode(t, err, "InvalidSecurityGroupRuleId.NotFound")

	revoked, err := h.ec2.RevokeSecurityGroupIngress(h.ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: aws.String(id),
		IpPermissions: []types.IpPermission{tcp(9098, []string{"10.0.0.0/16", "10.1.0.0/16"})}})
	h.must(err)
	if len(revoked.RevokedSecurityGroupRules) != 1 || len(revoked.UnknownIpPermissions) != 1 ||
		aws.ToString(revoked.UnknownIpPermissions[0].IpRanges[0].CidrIp) != "10.1.0.0/16" {
		t.Fatalf("partial revoke: %+v", revoked)
	}
	_, err = h.ec2.RevokeSecurityGroupIngress(h.ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: aws.String(id),
		IpPermissions: []types.IpPermission{tcp(9098, []string{"10.0.0.0/16"})}})
	lawstest.ExpectCode(t, err, "InvalidPermission.NotFound")
	_, err = h.ec2.RevokeSecurityGroupIngress(h.ctx, &ec2sdk.RevokeSecurityGroupIngressInput{GroupId: aws.String(id),
		SecurityGroupRuleIds: []string{aws.ToString(selfRule.SecurityGroupRuleId)}})
	h.must(err)
	_, err = h.ec2.RevokeSecurityGroupEgress(h.ctx, &ec2sdk.RevokeSecurityGroupEgressInput{GroupId: aws.String(id),
		IpPermissions: []types.IpPermission{tcp(443, []string{"0.0.0.0/0"})}})
	h.must(err)
	if g := h.describeGroup(id); len(g.IpPermissions) != 0 || len(g.IpPermissionsEgress) != 1 {
		t.Fatalf("after revoking: %+v", g)
	}

	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(id)})
	h.must(err)
	if h.svc.SecurityGroupExists(lawstest.Region, id) {
		t.Fatal("deleted group still exists")
	}
	_, err = h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	lawstest.ExpectCode(t, err, "InvalidGroup.NotFound")
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(id)})
	lawstest.ExpectCode(t, err, "InvalidGroup.NotFound")
}

func TestSecurityGroupErrors(t *testing.T) {
	h := newHarness(t, Config{})
	vpcID := aws.ToString(h.vpc("10.0.0.0/16").VpcId)
	otherVpc := aws.ToString(h.vpc("10.1.0.0/16").VpcId)
	app := h.group(vpcID, "app")
	db := h.group(vpcID, "db")
	foreign := h.group(otherVpc, "app")

	create := func(vpc, name string) error {
		in := &ec2sdk.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("d")}
		if vpc != "" {
			in.VpcId = aws.String(vpc)
		}
		_, err := h.ec2.CreateSecurityGroup(h.ctx, in)
		return err
	}
	lawstest.ExpectCode(t, create(vpcID, "app"), "InvalidGroup.Duplicate")
	lawstest.ExpectCode(t, create(vpcID, "default"), "InvalidGroup.Reserved")
	lawstest.ExpectCode(t, create(vpcID, "sg-looks-like-an-id"), "InvalidParameterValue")
	lawstest.ExpectCode(t, create("", "novpc"), "VPCIdNotSpecified")
	lawstest.ExpectCode(t, create("vpc-00000000000000000", "x"), "InvalidVpcID.NotFound")

	authorize := func(p types.IpPermission) error {
		_, err := h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(db),
			IpPermissions: []types.IpPermission{p}})
		return err
	}
	lawstest.ExpectCode(t, authorize(types.IpPermission{IpProtocol: aws.String("tcp"), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}),
		"InvalidParameterValue")
	lawstest.ExpectCode(t, authorize(types.IpPermission{IpProtocol: aws.String("bogus"), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}),
		"InvalidParameterValue")
	lawstest.ExpectCode(t, authorize(tcp(5432, []string{"10.0.0.0/33"})), "InvalidParameterValue")
	lawstest.ExpectCode(t, authorize(tcp(5432, nil)), "MissingParameter")
	lawstest.ExpectCode(t, authorize(tcp(5432, nil, "sg-00000000000000000")), "InvalidGroup.NotFound")
	lawstest.ExpectCode(t, authorize(tcp(5432, nil, foreign)), "InvalidParameterValue")
	h.must(authorize(types.IpPermission{IpProtocol: aws.String("-1"), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(app)}}}))
	h.must(authorize(types.IpPermission{IpProtocol: aws.String("icmp"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1),
		IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}}}))
	_, err := h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String("sg-00000000000000000"), IpPermissions: []types.IpPermission{tcp(1, []string{"10.0.0.0/8"})}})
	lawstest.ExpectCode(t, err, "InvalidGroup.NotFound")
	_, err = h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{
		GroupName: aws.String("db"), IpPermissions: []types.IpPermission{tcp(1, []string{"10.0.0.0/8"})}})
	lawstest.ExpectCode(t, err, "InvalidGroup.NotFound")

	// The legacy single-permission form.
	_, err = h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(db),
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("10.0.0.0/16")})
	h.must(err)
	if g := h.describeGroup(db); len(g.IpPermissions) != 3 {
		t.Fatalf("db ingress: %+v", g.IpPermissions)
	}

	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(app)})
	lawstest.ExpectCode(t, err, "DependencyViolation")
	defaults, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{
		Filters: []types.Filter{flt("vpc-id", vpcID), flt("group-name", "default")}})
	h.must(err)
	def := defaults.SecurityGroups[0]
	if len(def.IpPermissions) != 1 || aws.ToString(def.IpPermissions[0].UserIdGroupPairs[0].GroupId) != aws.ToString(def.GroupId) {
		t.Fatalf("default group must allow its own members: %+v", def.IpPermissions)
	}
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: def.GroupId})
	lawstest.ExpectCode(t, err, "CannotDelete")
	_, err = h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupNames: []string{"app"}})
	lawstest.ExpectCode(t, err, "InvalidGroup.NotFound")

	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(db)})
	h.must(err)
	_, err = h.ec2.DeleteSecurityGroup(h.ctx, &ec2sdk.DeleteSecurityGroupInput{GroupId: aws.String(app)})
	h.must(err)
}

func TestSecurityGroupRuleLimit(t *testing.T) {
	h := newHarness(t, Config{})
	id := h.group(aws.ToString(h.vpc("10.0.0.0/16").VpcId), "busy")
	perms := make([]types.IpPermission, 0, maxRulesPerDirection+1)
	for port := range int32(maxRulesPerDirection + 1) {
		perms = append(perms, tcp(1000+port, []string{"10.0.0.0/16"}))
	}
	authorize := func(p []types.IpPermission) error {
		_, err := h.ec2.AuthorizeSecurityGroupIngress(h.ctx, &ec2sdk.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
			IpPermissions: p})
		return err
	}
	lawstest.ExpectCode(t, authorize(perms), "RulesPerSecurityGroupLimitExceeded")
	h.must(authorize(perms[:maxRulesPerDirection]))
	lawstest.ExpectCode(t, authorize(perms[maxRulesPerDirection:]), "RulesPerSecurityGroupLimitExceeded")
	if g := h.describeGroup(id); len(g.IpPermissions) != maxRulesPerDirection {
		t.Fatalf("want %d inbound permissions, got %d", maxRulesPerDirection, len(g.IpPermissions))
	}
}

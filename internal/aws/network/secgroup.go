package network

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// groupDescription describes the security group.
const groupDescription = "Kafka clients inside the VPC reach the MSK Serverless cluster"

// anywhere is the IPv4 peer of the HTTPS rule: Lambda and STS are reached through the NAT gateway, at
// public addresses.
const anywhere = "0.0.0.0/0"

// rule is one permission of the group: TCP on one port (or all traffic, port -1 and protocol "-1") with
// one peer, an IPv4 block or a security group.
type rule struct {
	egress   bool
	protocol string
	port     int32
	cidr     string
	group    string
	note     string
}

// desiredRules is the whole rule set MSK Serverless and the pollers need (docs/network.md gives the
// reasons): Kafka over IAM (9098, the only port MSK Serverless serves) in from members of the group (the
// pipes' and mappings' pollers, VPC-attached functions) and from the VPC; Kafka out to the group (the
// cluster's endpoints carry it); HTTPS out to Lambda and STS, which the pollers call.
func desiredRules(groupID, cidr string) []rule {
	return []rule{
		{protocol: "tcp", port: kafkaPort, group: groupID, note: "Kafka (IAM) from members of this group"},
		{protocol: "tcp", port: kafkaPort, cidr: cidr, note: "Kafka (IAM) from inside the VPC"},
		{egress: true, protocol: "tcp", port: kafkaPort, group: groupID, note: "Kafka (IAM) to the cluster"},
		{egress: true, protocol: "tcp", port: httpsPort, cidr: anywhere, note: "HTTPS to Lambda and STS"},
	}
}

// obsoleteRules are rules the group may hold that are wider than it needs: EC2's default of all traffic
// out, and the plaintext Kafka port earlier versions opened (MSK Serverless has no 9092 listener).
func obsoleteRules(groupID, cidr string) []rule {
	return []rule{
		{egress: true, protocol: "-1", port: -1, cidr: anywhere},
		{protocol: "tcp", port: plaintextPort, group: groupID},
		{protocol: "tcp", port: plaintextPort, cidr: cidr},
	}
}

// permission renders the rule for Authorize* and Revoke*.
func (r rule) permission() types.IpPermission {
	p := types.IpPermission{IpProtocol: aws.String(r.protocol)}
	if r.port >= 0 {
		p.FromPort, p.ToPort = aws.Int32(r.port), aws.Int32(r.port)
	}
	if r.cidr != "" {
		p.IpRanges = []types.IpRange{{CidrIp: aws.String(r.cidr), Description: optional(r.note)}}
	}
	if r.group != "" {
		p.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: aws.String(r.group), Description: optional(r.note)}}
	}
	return p
}

// optional is nil for an empty description, which Revoke* must not send.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// in reports whether one of have is exactly this rule: same protocol and port, and the peer among its
// peers. A port range that merely contains the port is another rule.
func (r rule) in(have []types.IpPermission) bool {
	return slices.ContainsFunc(have, func(p types.IpPermission) bool {
		if aws.ToString(p.IpProtocol) != r.protocol {
			return false
		}
		if r.port >= 0 && (aws.ToInt32(p.FromPort) != r.port || aws.ToInt32(p.ToPort) != r.port) {
			return false
		}
		if r.cidr != "" {
			return slices.ContainsFunc(p.IpRanges, func(x types.IpRange) bool { return aws.ToString(x.CidrIp) == r.cidr })
		}
		return slices.ContainsFunc(p.UserIdGroupPairs, func(u types.UserIdGroupPair) bool { return aws.ToString(u.GroupId) == r.group })
	})
}

// rulePlan is what brings a group to the desired rule set.
type rulePlan struct {
	authorizeIn, authorizeOut, revokeIn, revokeOut []types.IpPermission
}

// empty reports whether the group already has exactly what it needs.
func (p rulePlan) empty() bool {
	return len(p.authorizeIn)+len(p.authorizeOut)+len(p.revokeIn)+len(p.revokeOut) == 0
}

// planRules compares the group's rules with the desired and obsolete sets. Rules in neither set (added by
// someone else) are left alone.
func planRules(g types.SecurityGroup, cidr string) rulePlan {
	id := aws.ToString(g.GroupId)
	var p rulePlan
	for _, r := range desiredRules(id, cidr) {
		switch {
		case r.egress && !r.in(g.IpPermissionsEgress):
			p.authorizeOut = append(p.authorizeOut, r.permission())
		case !r.egress && !r.in(g.IpPermissions):
			p.authorizeIn = append(p.authorizeIn, r.permission())
		}
	}
	for _, r := range obsoleteRules(id, cidr) {
		switch {
		case r.egress && r.in(g.IpPermissionsEgress):
			p.revokeOut = append(p.revokeOut, r.permission())
		case !r.egress && r.in(g.IpPermissions):
			p.revokeIn = append(p.revokeIn, r.permission())
		}
	}
	return p
}

// securityGroup ensures the security group with exactly the rules the cluster needs (desiredRules):
// missing ones are added and obsolete ones revoked; rules added by others are left alone.
func (e *ensurer) securityGroup(ctx context.Context) error {
	g, fresh := e.inv.sg, e.inv.sg == nil
	if fresh {
		out, err := e.s.api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:         aws.String(e.n.sg),
			Description:       aws.String(groupDescription),
			VpcId:             aws.String(e.res.Observed.VPCID),
			TagSpecifications: e.tagSpec(types.ResourceTypeSecurityGroup, e.n.sg),
		})
		if awserr.HasCode(err, "InvalidGroup.Duplicate") {
			return owned.NotOwned(e.d.Owner, fmt.Sprintf("a security group named %q in VPC %s, without the Name tag,", e.n.sg, e.res.Observed.VPCID))
		}
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("creating security group %q", e.n.sg), createTerminal...)
		}
		// A new group holds EC2's default rule of all traffic out.
		g = &types.SecurityGroup{GroupId: out.GroupId, IpPermissionsEgress: []types.IpPermission{
			obsoleteRules(aws.ToString(out.GroupId), e.d.CIDR)[0].permission()}}
		e.inv.sg = g
		e.created()
	} else if err := e.retag(ctx, aws.ToString(g.GroupId), g.Tags, e.n.sg); err != nil {
		return err
	}
	id := aws.ToString(g.GroupId)
	e.res.Observed.SecurityGroupID = id
	p := planRules(*g, e.d.CIDR)
	if p.empty() {
		return nil
	}
	if err := e.applyRules(ctx, id, p); err != nil {
		return err
	}
	e.changed(fresh)
	return nil
}

// applyRules authorizes before it revokes, so a group never lacks a rule it needs. A rule that is already
// there (or already gone) counts as done.
func (e *ensurer) applyRules(ctx context.Context, id string, p rulePlan) error {
	gid := aws.String(id)
	steps := []struct {
		what  string
		perms []types.IpPermission
		call  func() error
		done  string
	}{
		{"authorizing Kafka ingress to", p.authorizeIn, func() error {
			_, err := e.s.api.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: gid, IpPermissions: p.authorizeIn})
			return err
		}, "InvalidPermission.Duplicate"},
		{"authorizing Kafka and HTTPS egress from", p.authorizeOut, func() error {
			_, err := e.s.api.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: gid, IpPermissions: p.authorizeOut})
			return err
		}, "InvalidPermission.Duplicate"},
		{"revoking obsolete ingress of", p.revokeIn, func() error {
			_, err := e.s.api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: gid, IpPermissions: p.revokeIn})
			return err
		}, "InvalidPermission.NotFound"},
		{"revoking obsolete egress of", p.revokeOut, func() error {
			_, err := e.s.api.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: gid, IpPermissions: p.revokeOut})
			return err
		}, "InvalidPermission.NotFound"},
	}
	for _, s := range steps {
		if len(s.perms) == 0 {
			continue
		}
		if err := s.call(); err != nil && !awserr.HasCode(err, s.done) {
			return awserr.Classify(err, fmt.Sprintf("%s security group %s", s.what, id))
		}
	}
	return nil
}

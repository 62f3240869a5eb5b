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

// Descriptions of the security group and its rules.
const (
	groupDescription = "Kafka clients inside the VPC reach the MSK Serverless cluster"
	cidrRuleNote     = "Kafka from inside the VPC"
	selfRuleNote     = "Kafka from members of this group"
)

// securityGroup ensures the security group with its ingress rules: each Kafka port from the VPC CIDR and
// from the group itself. Only missing rules are added; rules added by others are left alone.
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
		g = &types.SecurityGroup{GroupId: out.GroupId}
		e.inv.sg = g
		e.created()
	} else if err := e.retag(ctx, aws.ToString(g.GroupId), g.Tags, e.n.sg); err != nil {
		return err
	}
	id := aws.ToString(g.GroupId)
	e.res.Observed.SecurityGroupID = id
	missing := missingRules(g.IpPermissions, id, e.d.CIDR)
	if len(missing) == 0 {
		return nil
	}
	_, err := e.s.api.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: g.GroupId, IpPermissions: missing,
	})
	if err != nil && !awserr.HasCode(err, "InvalidPermission.Duplicate") {
		return awserr.Classify(err, fmt.Sprintf("authorizing Kafka ingress to security group %s", id))
	}
	e.changed(fresh)
	return nil
}

// missingRules returns the ingress rules the group lacks: for each Kafka port, TCP from cidr and TCP from
// the group itself.
func missingRules(have []types.IpPermission, groupID, cidr string) []types.IpPermission {
	var missing []types.IpPermission
	for _, port := range kafkaPorts {
		same := func(p types.IpPermission) bool {
			return aws.ToString(p.IpProtocol) == "tcp" && aws.ToInt32(p.FromPort) == port && aws.ToInt32(p.ToPort) == port
		}
		fromCIDR := slices.ContainsFunc(have, func(p types.IpPermission) bool {
			return same(p) && slices.ContainsFunc(p.IpRanges, func(r types.IpRange) bool { return aws.ToString(r.CidrIp) == cidr })
		})
		fromSelf := slices.ContainsFunc(have, func(p types.IpPermission) bool {
			return same(p) && slices.ContainsFunc(p.UserIdGroupPairs, func(u types.UserIdGroupPair) bool { return aws.ToString(u.GroupId) == groupID })
		})
		rule := func() types.IpPermission {
			return types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
		}
		if !fromCIDR {
			r := rule()
			r.IpRanges = []types.IpRange{{CidrIp: aws.String(cidr), Description: aws.String(cidrRuleNote)}}
			missing = append(missing, r)
		}
		if !fromSelf {
			r := rule()
			r.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: aws.String(groupID), Description: aws.String(selfRuleNote)}}
			missing = append(missing, r)
		}
	}
	return missing
}

package controllers

import (
	"context"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
)

// topicAdminRolePart is the topic admin function's execution role (topic administration Function): it may
// connect to exactly this cluster and create, describe, grow and configure its topics, place the function's
// network interfaces in the cluster's subnets, and write the function's log group (role.TopicAdminPolicy).
func (p *clusterParts) topicAdminRolePart() part {
	o := roleOwner{iam: p.aws.IAM, propagation: p.r.Options.IAMPropagation, obj: p.kc, states: p.r.states}
	return o.part(ownedRole{condition: v1alpha1.ConditionTopicAdminRoleReady,
		deps: []string{v1alpha1.ConditionClusterReady}, what: "topic admin role",
		identity: role.Desired{Name: p.name(naming.SuffixTopicAdminRole, naming.MaxRole), Path: rolePath, Owner: p.owner()},
		tags:     p.kc.Spec.Tags, policy: p.topicAdminRolePolicy, arn: &p.kc.Status.TopicAdmin.RoleARN,
		purpose: "allows administering this cluster's topics from inside its VPC"})
}

// topicAdminRolePolicy trusts Lambda and allows what the topic admin function does on this cluster.
func (p *clusterParts) topicAdminRolePolicy(_ context.Context, d *role.Desired) error {
	doc, err := role.TopicAdminPolicy(p.kc.Status.ARN, p.topicAdminName())
	if err != nil {
		return err
	}
	d.TrustService, d.InlinePolicyName, d.InlinePolicy = role.ServiceLambda, "kafka-pipeline-topic-admin", doc
	return nil
}

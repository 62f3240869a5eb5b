package controllers

import (
	"context"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
)

// pipeRolePart is the pipe's execution role (Pipe delivery): reading the topic and invoking the function.
func (p *pipelineParts) pipeRolePart() part {
	return p.rolePart(naming.SuffixPipeRole, ownedRole{condition: v1alpha1.ConditionPipeRoleReady,
		deps: []string{v1alpha1.ConditionClusterReady, v1alpha1.ConditionFunctionReady}, what: "pipe role",
		policy: p.pipeRolePolicy, arn: &p.kp.Status.Roles.Pipe,
		purpose: "allows reading the topic and invoking the function"})
}

// pipeRolePolicy trusts EventBridge Pipes of this account and allows reading the topic and invoking the
// function.
func (p *pipelineParts) pipeRolePolicy(ctx context.Context, d *role.Desired) error {
	account, err := p.aws.Account(ctx)
	if err != nil {
		return err
	}
	doc, err := role.PipePolicy(p.kafkaPermissions())
	if err != nil {
		return err
	}
	d.TrustService, d.TrustConditions = "pipes.amazonaws.com", role.SourceAccount(account)
	d.InlinePolicyName, d.InlinePolicy = "kafka-pipeline-pipe", doc
	return nil
}

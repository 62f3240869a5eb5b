package controllers

import (
	"context"

	"slices"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
)

// functionRolePart is the Lambda function's execution role (a managed function only): logging, sending to
// the dead-letter queue and, for an event source mapping, reading the topic.
func (p *pipelineParts) functionRolePart(deps []string) part {
	deps = slices.Clone(deps)
	if !p.kp.UsesPipe() {
		deps = append(deps, v1alpha1.ConditionClusterReady)
	}
	return p.rolePart(naming.SuffixFunctionRole, ownedRole{condition: v1alpha1.ConditionFunctionRoleReady, deps: deps,
		what: "function role", policy: p.functionRolePolicy, arn: &p.kp.Status.Roles.Function,
		purpose: "allows logging and sending to the dead-letter queue"})
}

// functionRolePolicy trusts Lambda and allows what the function does.
func (p *pipelineParts) functionRolePolicy(ctx context.Context, d *role.Desired) error {
	account, err := p.aws.Account(ctx)
	if err != nil {
		return err
	}
	perms := role.FunctionPermissions{Region: p.aws.Region, Account: account, FunctionName: p.functionName(),
		DLQARN: p.kp.Status.DeadLetterQueue.ARN}
	if !p.kp.UsesPipe() {
		kafkaPerms := p.kafkaPermissions()
		perms.ESM = &kafkaPerms
	}
	doc, err := role.FunctionPolicy(perms)
	if err != nil {
		return err
	}
	d.TrustService, d.InlinePolicyName, d.InlinePolicy = "lambda.amazonaws.com", "kafka-pipeline-function", doc
	return nil
}

// kafkaPermissions are the Kafka resources a reader of this pipeline's topic needs.
func (p *pipelineParts) kafkaPermissions() role.PipePermissions {
	return role.PipePermissions{ClusterARN: p.kp.Status.Cluster.ARN, Topic: p.kp.Spec.Topic.Name,
		ConsumerGroup: p.consumerGroup(), FunctionARN: p.kp.Status.Function.ARN}
}

// consumerGroup is the consumer group the pipe or mapping reads with.
func (p *pipelineParts) consumerGroup() string {
	if g := p.kp.Spec.Source.ConsumerGroupID; g != "" {
		return g
	}
	return naming.ConsumerGroup(p.r.Options.ClusterID, p.kp.Namespace, p.kp.Name)
}

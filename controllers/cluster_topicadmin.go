package controllers

import (
	"context"
	"fmt"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	adminfn "github.com/kafkapipeline/kafka-pipeline-operator/lambda/topicadmin"
)

// The topic admin function's size: a topic operation is a few Kafka requests, and an unreachable broker
// should end in an answer (Unreachable) well within the timeout.
const (
	topicAdminMemoryMB       int32 = 128
	topicAdminTimeoutSeconds int32 = 30
)

// topicAdminPart is the topic admin function (topic administration Function): the built-in binary in
// KP_MODE=topic-admin, attached to the cluster's subnets and security groups, which the pipelines on this
// cluster invoke to create, describe and grow their topics. Its deletion waits until no KafkaPipeline uses
// the cluster, since they administer their topics through it.
func (p *clusterParts) topicAdminPart() part {
	return part{condition: v1alpha1.ConditionTopicAdminReady,
		deps:   []string{v1alpha1.ConditionClusterReady, v1alpha1.ConditionTopicAdminRoleReady},
		ensure: p.ensureTopicAdmin,
		delete: func(ctx context.Context) (bool, error) {
			if err := p.waitUnused(ctx); err != nil {
				return false, err
			}
			return function.New(p.aws.Lambda, p.aws.Logs, p.r.Options.AWSWaits.Function).Delete(ctx, p.kc.Status.TopicAdmin.FunctionARN,
				function.Desired{Name: p.topicAdminName(), Owner: p.owner()})
		}}
}

func (p *clusterParts) topicAdminName() string {
	return p.name(naming.SuffixTopicAdmin, naming.MaxFunction)
}

// topicAdminDesired is the function: the cluster's bootstrap brokers (and the manager's extra Kafka CAs, on
// a local AWS) in its environment, in the cluster's subnets and security groups, with no retries or
// dead-letter queue (it is only invoked synchronously).
func (p *clusterParts) topicAdminDesired() (function.Desired, error) {
	st := &p.kc.Status
	code, err := p.r.builtinCode("")
	if err != nil {
		return function.Desired{}, err
	}
	env := adminfn.Environment(st.BootstrapBrokers)
	if p.r.KafkaCAFile != "" {
		env[adminfn.EnvCAFile] = p.r.KafkaCAFile
	}
	return function.Desired{Name: p.topicAdminName(), RoleARN: st.TopicAdmin.RoleARN, Runtime: v1alpha1.DefaultRuntime,
		Handler: v1alpha1.DefaultHandler, MemoryMB: topicAdminMemoryMB, TimeoutSeconds: topicAdminTimeoutSeconds,
		Environment: env, Code: code, VPC: &function.VPC{SubnetIDs: st.SubnetIDs, SecurityGroupIDs: st.SecurityGroupIDs},
		Owner: p.owner(), Tags: p.kc.Spec.Tags}, nil
}

func (p *clusterParts) ensureTopicAdmin(ctx context.Context) (ensured, error) {
	st := &p.kc.Status.TopicAdmin
	d, err := p.topicAdminDesired()
	if err != nil {
		return ensured{}, err
	}
	res, err := function.New(p.aws.Lambda, p.aws.Logs, p.r.Options.AWSWaits.Function).Ensure(ctx, st.FunctionARN, d)
	e := fromResult("topic admin function", res, func(o *function.Observed) {
		st.FunctionARN, st.FunctionName, st.State = o.ARN, o.Name, o.State
	})
	if err == nil {
		e.message = fmt.Sprintf("topic admin function %s is %s in subnets %s", st.FunctionName, st.State,
			strings.Join(d.VPC.SubnetIDs, ", "))
	}
	return e, err
}

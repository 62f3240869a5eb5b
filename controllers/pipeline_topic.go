package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/topicadmin"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// topicPart makes the topic exist (topic.create: true) or waits for it (false), through the cluster's topic
// admin function or directly. Topics are never deleted: they carry no ownership tags, may be shared, and go
// with their cluster.
func (p *pipelineParts) topicPart() part {
	return part{condition: v1alpha1.ConditionTopicReady, deps: []string{v1alpha1.ConditionClusterReady},
		ensure: p.ensureTopic}
}

// topicRequest is the topic as the spec asks for it.
func (p *pipelineParts) topicRequest() kafka.TopicRequest {
	t := p.kp.Spec.Topic
	req := kafka.TopicRequest{Brokers: strings.Split(p.kp.Status.Cluster.BootstrapBrokers, ","), Region: p.kp.Spec.Region, Name: t.Name,
		MustExist: !p.kp.CreatesTopic()}
	if !req.MustExist {
		req.Partitions, req.Config = p.kp.TopicPartitions(), t.Config
	}
	return req
}

// topics administers the topic: through the KafkaCluster's topic admin function when it has one, which
// needs only the Lambda API; otherwise directly, which needs a network path to the brokers.
func (p *pipelineParts) topics() (Topics, string) {
	if fn := p.kp.Status.Cluster.TopicAdminFunction; fn != "" {
		return &topicadmin.Client{Lambda: p.aws.Lambda, Function: fn, Waits: p.r.Options.AWSWaits.Topics}, " (through the topic admin function " + fn + ")"
	}
	return p.r.Topics, ""
}

func (p *pipelineParts) ensureTopic(ctx context.Context) (ensured, error) {
	req := p.topicRequest()
	topics, through := p.topics()
	state, err := topics.Ensure(ctx, req)
	if errors.Is(err, kafka.ErrTopicNotFound) {
		p.kp.Status.Topic = v1alpha1.TopicStatus{}
		return ensured{}, outcome.Wait(p.r.Options.Timings.ExternalPoll, v1alpha1.ReasonTopicNotFound,
			"topic %s does not exist and topic.create is false: create it, or set topic.create: true", req.Name)
	}
	if err != nil {
		return ensured{}, err
	}
	p.kp.Status.Topic = v1alpha1.TopicStatus{Name: state.Name, Partitions: state.Partitions}
	msg := fmt.Sprintf("topic %s has %d partitions%s", state.Name, state.Partitions, through)
	if req.MustExist {
		msg += " (not managed: topic.create is false)"
	}
	return ensured{message: msg}, nil
}

package main

import (
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// setTransitionPolls makes the operator look again every d at an AWS resource in transition (a NAT gateway
// pending, a cluster CREATING, a function Pending, a pipe CREATING, ...) instead of its built-in waits,
// which are sized for AWS's minutes. The waits are package variables of the AWS packages.
func setTransitionPolls(d time.Duration) {
	cluster.CreatingDelay, cluster.BusyDelay = d, d
	network.NatGatewayDelay, network.DependencyDelay = d, d
	function.PendingWait, function.UpdateWait, function.PropagationWait = d, d, d
	pipe.TransitionDelay, esm.TransitionDelay = d, d
	queue.DeletedRecentlyWait = d
	kafka.UnreachableRetry = d
}

// provisioningFloor is the time localaws's transitions alone put on a pipeline's critical path: its
// function must be Active before the pipe or mapping is created, which then must finish creating.
func provisioningFloor(profile string, delivery v1alpha1.Delivery) (time.Duration, error) {
	t, err := lifecycle.NewTimings(profile)
	if err != nil {
		return 0, err
	}
	last := lifecycle.PipeCreate
	if delivery == v1alpha1.DeliveryEventSourceMapping {
		last = lifecycle.MappingCreate
	}
	return t.Delay(lifecycle.FunctionCreate) + t.Delay(last), nil
}

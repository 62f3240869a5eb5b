package controllers

import (
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
)

// ShortenWaits sets every state-aware wait of the AWS layer to d (the controllers' own waits are
// Options.Timings). The defaults follow AWS, where a cluster takes minutes; local stacks and tests against
// localaws, whose transitions take about a second, call this once before starting the manager.
func ShortenWaits(d time.Duration) {
	cluster.CreatingDelay, cluster.BusyDelay = d, d
	network.NatGatewayDelay, network.DependencyDelay = d, d
	function.PendingWait, function.UpdateWait, function.PropagationWait = d, d, d
	pipe.TransitionDelay, esm.TransitionDelay = d, d
	queue.DeletedRecentlyWait = d
	kafka.UnreachableRetry = d
}

package controllers

import (
	"context"
	"slices"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// mskPart is the MSK Serverless cluster. Its deletion waits until no KafkaPipeline uses it, by name or by
// ARN.
func (p *clusterParts) mskPart() part {
	return part{condition: v1alpha1.ConditionClusterReady, deps: []string{v1alpha1.ConditionNetworkReady},
		ensure: p.ensureCluster, delete: p.deleteCluster}
}

func (p *clusterParts) clusterDesired() cluster.Desired {
	return cluster.Desired{Name: p.name(naming.SuffixCluster, naming.MaxMSKCluster), Owner: p.owner(), Tags: p.kc.Spec.Tags,
		SubnetIDs: p.kc.Status.SubnetIDs, SecurityGroupIDs: p.kc.Status.SecurityGroupIDs}
}

func (p *clusterParts) ensureCluster(ctx context.Context) (ensured, error) {
	st := &p.kc.Status
	res, err := cluster.New(p.aws.Kafka, p.r.Options.AWSWaits.Cluster).Ensure(ctx, st.ARN, p.clusterDesired())
	e := fromResult("MSK Serverless cluster", res, func(o *cluster.Observed) {
		st.ARN, st.State, st.BootstrapBrokers = o.ARN, o.State, o.BootstrapBrokers
	})
	if err == nil {
		e.message = "cluster " + st.ARN + " is ACTIVE"
	}
	return e, err
}

// deleteCluster waits until no KafkaPipeline uses the cluster, then deletes it.
func (p *clusterParts) deleteCluster(ctx context.Context) (bool, error) {
	if err := p.waitUnused(ctx); err != nil {
		return false, err
	}
	return cluster.New(p.aws.Kafka, p.r.Options.AWSWaits.Cluster).Delete(ctx, p.kc.Status.ARN, p.clusterDesired())
}

// waitUnused returns Waiting while a KafkaPipeline uses the cluster, by name or by ARN: deleting the cluster
// or the topic admin function under them would break them.
func (p *clusterParts) waitUnused(ctx context.Context) error {
	pipelines, err := pipelinesUsing(ctx, p.r.Client, p.kc)
	if err != nil {
		return err
	}
	var users []string
	for _, kp := range pipelines {
		users = append(users, kp.Namespace+"/"+kp.Name)
	}
	if len(users) == 0 {
		return nil
	}
	slices.Sort(users)
	return outcome.Wait(p.r.Options.Timings.InUsePoll, v1alpha1.ReasonDeleting,
		"waiting for the KafkaPipelines that use this cluster to be deleted: %s", strings.Join(slices.Compact(users), ", "))
}

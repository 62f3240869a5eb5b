package controllers

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// pipelineParts reads the referenced KafkaCluster (a Kubernetes read from the cache, no AWS call) and
// picks the region of the pipeline's resources: spec.region, else the cluster's (the KafkaCluster's
// region, else the manager default; or the region of spec.cluster.arn).
func (r *KafkaPipelineReconciler) pipelineParts(ctx context.Context, kp *v1alpha1.KafkaPipeline) (*pipelineParts, error) {
	p := &pipelineParts{r: r, kp: kp, region: kp.Spec.Region, regionKnown: true}
	switch ref := kp.Spec.Cluster; {
	case ref.ARN != "":
		if p.region == "" {
			p.region = arnRegion(ref.ARN)
		}
	default:
		kc := &v1alpha1.KafkaCluster{}
		err := r.Get(ctx, client.ObjectKey{Namespace: kp.Namespace, Name: ref.Name}, kc)
		switch {
		case apierrors.IsNotFound(err):
			p.regionKnown = p.region != ""
		case err != nil:
			return nil, fmt.Errorf("reading KafkaCluster %s: %w", ref.Name, err)
		default:
			p.cluster = kc
			if p.region == "" {
				p.region = kc.RegionOr(r.AWS.DefaultRegion())
			}
		}
	}
	if !p.regionKnown {
		// Deleting needs the region the resources were created in: any status ARN says it.
		for _, arn := range []string{kp.Status.Function.ARN, kp.Status.DeadLetterQueue.ARN, kp.Status.Cluster.ARN} {
			if p.region = arnRegion(arn); p.region != "" {
				break
			}
		}
	}
	p.aws = r.AWS.For(p.region)
	return p, nil
}

// clusterPart resolves the cluster: a KafkaCluster that must be Ready (watched: waiting on it costs no AWS
// call), whose topic admin function it records, or an existing cluster named by ARN, which is only read
// (its topics are administered directly).
func (p *pipelineParts) clusterPart() part {
	return part{condition: v1alpha1.ConditionClusterReady, kubernetesOnly: p.kp.Spec.Cluster.ARN == "",
		ensure: p.ensureCluster}
}

func (p *pipelineParts) ensureCluster(ctx context.Context) (ensured, error) {
	ref, st := p.kp.Spec.Cluster, &p.kp.Status.Cluster
	if ref.ARN != "" {
		o, err := cluster.New(p.aws.Kafka, p.r.Options.AWSWaits.Cluster).ObserveExternal(ctx, ref.ARN)
		if err != nil {
			return ensured{}, err
		}
		st.ARN, st.BootstrapBrokers, st.TopicAdminFunction = o.ARN, o.BootstrapBrokers, ""
		return ensured{message: "using the existing cluster " + o.ARN}, nil
	}
	kc := p.cluster
	if kc == nil {
		return ensured{}, outcome.Await(v1alpha1.ReasonDependencyNotReady,
			"KafkaCluster %s does not exist in namespace %s", ref.Name, p.kp.Namespace)
	}
	if want := kc.RegionOr(p.r.AWS.DefaultRegion()); p.region != want {
		return ensured{}, outcome.Failf(v1alpha1.ReasonInvalidSpec,
			"spec.region is %s but KafkaCluster %s is in %s: a pipeline's resources must be in its cluster's region",
			p.region, kc.Name, want)
	}
	if msg := clusterNotReady(kc); msg != "" {
		return ensured{}, outcome.Await(v1alpha1.ReasonDependencyNotReady, "KafkaCluster %s %s", ref.Name, msg)
	}
	st.ARN, st.BootstrapBrokers, st.TopicAdminFunction = kc.Status.ARN, kc.Status.BootstrapBrokers, ""
	msg := "KafkaCluster " + kc.Name + " is ready: " + kc.Status.ARN
	if kc.AdministersTopicsByFunction() {
		st.TopicAdminFunction = kc.Status.TopicAdmin.FunctionName
		msg += ", topics through its topic admin function " + st.TopicAdminFunction
	}
	return ensured{message: msg}, nil
}

// clusterNotReady says why a KafkaCluster cannot be used yet, or "" when it is Ready for its current spec.
func clusterNotReady(kc *v1alpha1.KafkaCluster) string {
	ready := conditions.Get(kc.Status.Conditions, v1alpha1.ConditionReady)
	switch {
	case !kc.DeletionTimestamp.IsZero():
		return "is being deleted"
	case kc.Status.ObservedGeneration != kc.Generation:
		return "has changes that are not reconciled yet"
	case ready == nil:
		return "is not ready yet"
	case ready.Status != metav1.ConditionTrue:
		return "is not ready: " + ready.Message
	}
	return ""
}

// arnRegion returns the region field of an ARN ("" when s is not an ARN).
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
)

// clusterNameIndex indexes KafkaPipelines by the KafkaCluster they name, so a cluster change wakes them.
const clusterNameIndex = "spec.cluster.name"

// Topics creates and inspects Kafka topics through the Kafka admin protocol.
type Topics interface {
	// Ensure makes the topic exist with at least the partitions and the config asked for.
	Ensure(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error)
}

// KafkaPipelineReconciler reconciles KafkaPipeline objects: topic, dead-letter queue, function role,
// function, pipe role and pipe (or event source mapping).
type KafkaPipelineReconciler struct {
	client.Client
	// Recorder emits Kubernetes events on transitions.
	Recorder events.EventRecorder
	// AWS gives the clients of a region.
	AWS *awsapi.ClientCache
	// Topics manages Kafka topics.
	Topics Topics
	// BuiltinCode returns the zip of the built-in record processor for an architecture.
	BuiltinCode func(arch string) ([]byte, error)
	// BuiltinCodeSHA256 returns the CodeSha256 of BuiltinCode(arch); nil hashes the zip on every reconcile.
	BuiltinCodeSHA256 func(arch string) (string, error)
	// IAMPropagation is how long a new or changed role is given before services are asked to assume it.
	IAMPropagation time.Duration
	// Options are the shared settings.
	Options Options
}

var pipelineAccess = kindAccess{
	kind:   "KafkaPipeline",
	status: func(o client.Object) any { return o.(*v1alpha1.KafkaPipeline).Status.DeepCopy() },
	setObservedGeneration: func(o client.Object, g int64) {
		o.(*v1alpha1.KafkaPipeline).Status.ObservedGeneration = g
	},
}

// Reconcile makes AWS match one KafkaPipeline.
func (r *KafkaPipelineReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	kp := &v1alpha1.KafkaPipeline{}
	if err := r.Get(ctx, req.NamespacedName, kp); err != nil {
		forgetConditions(pipelineAccess.kind, req.Namespace, req.Name)
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	l := loop{client: r.Client, recorder: r.Recorder, access: pipelineAccess}
	return l.reconcile(ctx, kp, &pipelineParts{r: r, kp: kp}, kp.ResyncPeriodOr(r.Options.ResyncPeriod))
}

// SetupWithManager registers the controller and its watch on KafkaClusters.
func (r *KafkaPipelineReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.KafkaPipeline{}, clusterNameIndex,
		func(o client.Object) []string {
			if name := o.(*v1alpha1.KafkaPipeline).Spec.Cluster.Name; name != "" {
				return []string{name}
			}
			return nil
		}); err != nil {
		return fmt.Errorf("indexing pipelines by cluster: %w", err)
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.KafkaPipeline{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&v1alpha1.KafkaCluster{}, handler.EnqueueRequestsFromMapFunc(r.pipelinesOf)).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, r.Options.MaxConcurrentReconciles)}).
		Named("kafkapipeline").
		Complete(r)
}

// pipelinesOf maps a KafkaCluster to the pipelines that name it.
func (r *KafkaPipelineReconciler) pipelinesOf(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1alpha1.KafkaPipelineList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{clusterNameIndex: o.GetName()}); err != nil {
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, kp := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: kp.Namespace, Name: kp.Name}})
	}
	return reqs
}

// pipelineParts are the steps of one KafkaPipeline reconcile.
type pipelineParts struct {
	r   *KafkaPipelineReconciler
	kp  *v1alpha1.KafkaPipeline
	aws *awsapi.Clients
	// cluster is what the ClusterReady step learned: ARN, bootstrap brokers and the region they live in.
	cluster resolvedCluster
}

func (p *pipelineParts) owner() tags.Owner {
	return tags.Owner{ClusterID: p.r.Options.ClusterID, Kind: pipelineAccess.kind, Namespace: p.kp.Namespace,
		Name: p.kp.Name, UID: string(p.kp.UID)}
}

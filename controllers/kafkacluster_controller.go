package controllers

import (
	"context"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// KafkaClusterReconciler reconciles KafkaCluster objects: the network (built, or brought and looked up),
// the MSK Serverless cluster, and the topic admin function with its role.
type KafkaClusterReconciler struct {
	client.Client
	// Recorder emits Kubernetes events on transitions.
	Recorder events.EventRecorder
	// Setup holds the AWS clients and the options.
	Setup
	reads     *readLog
	announced *transitions
	states    *stateClock
}

func newClusterReconciler(mgr ctrl.Manager, s Setup) *KafkaClusterReconciler {
	return &KafkaClusterReconciler{Client: mgr.GetClient(), Recorder: boundedRecorder{mgr.GetEventRecorder("kafkacluster")},
		Setup: s, reads: newReadLog(), announced: newTransitions(), states: newStateClock()}
}

var clusterAccess = kindAccess{
	kind:   "KafkaCluster",
	status: func(o client.Object) any { return o.(*v1alpha1.KafkaCluster).Status.DeepCopy() },
	setObservedGeneration: func(o client.Object, g int64) {
		o.(*v1alpha1.KafkaCluster).Status.ObservedGeneration = g
	},
}

// Reconcile makes AWS match one KafkaCluster.
func (r *KafkaClusterReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	kc := &v1alpha1.KafkaCluster{}
	if err := r.Get(ctx, req.NamespacedName, kc); err != nil {
		forgetConditions(clusterAccess.kind, req.Namespace, req.Name)
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	cl := r.AWS.For(kc.Spec.Region)
	l := loop{client: r.Client, recorder: r.Recorder, access: clusterAccess, timings: r.Options.Timings, reads: r.reads,
		announced: r.announced, states: r.states}
	return l.reconcile(ctx, kc, &clusterParts{r: r, kc: kc, aws: cl}, kc.ResyncPeriodOr(r.Options.ResyncPeriod))
}

// SetupWithManager registers the controller.
func (r *KafkaClusterReconciler) SetupWithManager(_ context.Context, mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.KafkaCluster{}, builder.WithPredicates(reconcileWorthy)).
		Watches(&v1alpha1.KafkaPipeline{}, handler.EnqueueRequestsFromMapFunc(r.deletingClustersOf),
			builder.WithPredicates(pipelineGone)).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, r.Options.MaxConcurrentReconciles)}).
		Named("kafkacluster").
		Complete(r)
}

// pipelineGone passes the deletion of a KafkaPipeline (its finalizer removed), which may free a
// KafkaCluster whose deletion waits for its pipelines.
var pipelineGone = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	UpdateFunc:  func(event.UpdateEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return true },
}

// deletingClustersOf maps a KafkaPipeline to the KafkaClusters being deleted that it used, by name (in its
// namespace) or by ARN (in any namespace), so their deletion goes on as soon as it is gone rather than at
// the next look.
func (r *KafkaClusterReconciler) deletingClustersOf(ctx context.Context, o client.Object) []reconcile.Request {
	ref := o.(*v1alpha1.KafkaPipeline).Spec.Cluster
	var candidates []v1alpha1.KafkaCluster
	if ref.Name != "" {
		kc := v1alpha1.KafkaCluster{}
		if err := r.Get(ctx, client.ObjectKey{Namespace: o.GetNamespace(), Name: ref.Name}, &kc); err == nil {
			candidates = append(candidates, kc)
		}
	} else {
		var all v1alpha1.KafkaClusterList
		if err := r.List(ctx, &all); err == nil {
			candidates = all.Items
		}
	}
	var reqs []reconcile.Request
	for _, kc := range candidates {
		if !kc.DeletionTimestamp.IsZero() && (ref.Name != "" || kc.Status.ARN == ref.ARN) {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&kc)})
		}
	}
	return reqs
}

// clusterParts are one KafkaCluster's parts for one reconcile.
type clusterParts struct {
	r   *KafkaClusterReconciler
	kc  *v1alpha1.KafkaCluster
	aws *awsapi.Clients
}

func (p *clusterParts) owner() tags.Owner {
	return tags.Owner{ClusterID: p.r.Options.ClusterID, Kind: clusterAccess.kind, Namespace: p.kc.Namespace,
		Name: p.kc.Name, UID: string(p.kc.UID)}
}

func (p *clusterParts) name(suffix string, limit int) string {
	return naming.Name(p.r.Options.ClusterID, p.kc.Namespace, p.kc.Name, suffix, limit)
}

// list is the cluster's parts in order: the network, the MSK cluster, then (topic administration Function)
// the topic admin function's role and the function. Deleting runs them in reverse, so the function goes
// first, once no KafkaPipeline uses the cluster.
func (p *clusterParts) list() []part {
	parts := []part{p.networkPart(), p.mskPart()}
	if p.kc.AdministersTopicsByFunction() {
		parts = append(parts, p.topicAdminRolePart(), p.topicAdminPart())
	}
	return parts
}

// clearUnused empties the status blocks of parts the spec does not ask for.
func (p *clusterParts) clearUnused() {
	if !p.kc.CreatesNetwork() {
		p.kc.Status.Network = nil
	}
	if !p.kc.AdministersTopicsByFunction() {
		p.kc.Status.TopicAdmin = v1alpha1.TopicAdminStatus{}
	}
}

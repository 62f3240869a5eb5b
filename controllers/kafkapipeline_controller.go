package controllers

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
)

// Field indexes of KafkaPipelines by the cluster they use, so a KafkaCluster's change wakes them and its
// deletion finds them.
const (
	clusterNameIndex = "spec.cluster.name"
	clusterARNIndex  = "spec.cluster.arn"
)

// Topics creates and inspects Kafka topics through the Kafka admin protocol.
type Topics interface {
	// Ensure makes the topic exist with at least the partitions and the config asked for; with
	// req.MustExist it only checks that the topic exists.
	Ensure(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error)
}

// KafkaPipelineReconciler reconciles KafkaPipeline objects: topic, dead-letter queue, function role,
// function, pipe role and pipe (or event source mapping).
type KafkaPipelineReconciler struct {
	client.Client
	// Recorder emits Kubernetes events on transitions.
	Recorder events.EventRecorder
	// Setup holds the AWS clients, the topic manager, the built-in code and the options.
	Setup
	reads     *readLog
	announced *transitions
	states    *stateClock
}

func newPipelineReconciler(mgr ctrl.Manager, s Setup) *KafkaPipelineReconciler {
	return &KafkaPipelineReconciler{Client: mgr.GetClient(), Recorder: boundedRecorder{mgr.GetEventRecorder("kafkapipeline")},
		Setup: s, reads: newReadLog(), announced: newTransitions(), states: newStateClock()}
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
	p, err := r.pipelineParts(ctx, kp)
	if err != nil {
		return ctrl.Result{}, err
	}
	l := loop{client: r.Client, recorder: r.Recorder, access: pipelineAccess, timings: r.Options.Timings, reads: r.reads,
		announced: r.announced, states: r.states}
	return l.reconcile(ctx, kp, p, kp.ResyncPeriodOr(r.Options.ResyncPeriod))
}

// SetupWithManager registers the controller and its watch on KafkaClusters.
func (r *KafkaPipelineReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := indexPipelinesByCluster(ctx, mgr); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.KafkaPipeline{}, builder.WithPredicates(reconcileWorthy)).
		Watches(&v1alpha1.KafkaCluster{}, handler.EnqueueRequestsFromMapFunc(r.pipelinesOf)).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, r.Options.MaxConcurrentReconciles)}).
		Named("kafkapipeline").
		Complete(r)
}

// indexPipelinesByCluster indexes KafkaPipelines by the KafkaCluster name and by the cluster ARN they use.
func indexPipelinesByCluster(ctx context.Context, mgr ctrl.Manager) error {
	for field, value := range map[string]func(*v1alpha1.KafkaPipeline) string{
		clusterNameIndex: func(kp *v1alpha1.KafkaPipeline) string { return kp.Spec.Cluster.Name },
		clusterARNIndex:  func(kp *v1alpha1.KafkaPipeline) string { return kp.Spec.Cluster.ARN },
	} {
		if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.KafkaPipeline{}, field, func(o client.Object) []string {
			if v := value(o.(*v1alpha1.KafkaPipeline)); v != "" {
				return []string{v}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("indexing pipelines by %s: %w", field, err)
		}
	}
	return nil
}

// pipelinesOf maps a KafkaCluster to the pipelines that use it, by name or by its ARN.
func (r *KafkaPipelineReconciler) pipelinesOf(ctx context.Context, o client.Object) []reconcile.Request {
	users, err := pipelinesUsing(ctx, r.Client, o.(*v1alpha1.KafkaCluster))
	if err != nil {
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(users))
	for _, kp := range users {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: kp.Namespace, Name: kp.Name}})
	}
	return reqs
}

// pipelinesUsing lists the pipelines that name the KafkaCluster, in its namespace, or use its ARN, in any
// namespace.
func pipelinesUsing(ctx context.Context, c client.Client, kc *v1alpha1.KafkaCluster) ([]v1alpha1.KafkaPipeline, error) {
	var byName, byARN v1alpha1.KafkaPipelineList
	if err := c.List(ctx, &byName, client.InNamespace(kc.Namespace), client.MatchingFields{clusterNameIndex: kc.Name}); err != nil {
		return nil, fmt.Errorf("listing the pipelines that name KafkaCluster %s: %w", kc.Name, err)
	}
	if kc.Status.ARN == "" {
		return byName.Items, nil
	}
	if err := c.List(ctx, &byARN, client.MatchingFields{clusterARNIndex: kc.Status.ARN}); err != nil {
		return nil, fmt.Errorf("listing the pipelines that use cluster %s: %w", kc.Status.ARN, err)
	}
	return append(byName.Items, byARN.Items...), nil
}

// pipelineParts are one KafkaPipeline's parts for one reconcile.
type pipelineParts struct {
	r   *KafkaPipelineReconciler
	kp  *v1alpha1.KafkaPipeline
	aws *awsapi.Clients
	// cluster is the referenced KafkaCluster (nil for an ARN reference or when it does not exist).
	cluster *v1alpha1.KafkaCluster
	// region is where the pipeline's resources live; regionKnown is false while it depends on a KafkaCluster
	// that does not exist yet, and then every part waits for ClusterReady.
	region      string
	regionKnown bool
}

func (p *pipelineParts) owner() tags.Owner {
	return tags.Owner{ClusterID: p.r.Options.ClusterID, Kind: pipelineAccess.kind, Namespace: p.kp.Namespace,
		Name: p.kp.Name, UID: string(p.kp.UID)}
}

func (p *pipelineParts) name(suffix string, limit int) string {
	return naming.Name(p.r.Options.ClusterID, p.kp.Namespace, p.kp.Name, suffix, limit)
}

// list is the pipeline's parts in order: cluster, topic, dead-letter queue, function role, function, then
// pipe role and pipe, or the event source mapping. While the region waits on a KafkaCluster that does not
// exist yet, every part waits for ClusterReady, so nothing is created in a region the cluster may not have.
func (p *pipelineParts) list() []part {
	kp := p.kp
	parts := []part{p.clusterPart(), p.topicPart()}
	var fnDeps []string
	if kp.DeadLetterQueueEnabled() {
		parts = append(parts, p.queuePart())
		fnDeps = append(fnDeps, v1alpha1.ConditionDeadLetterQueueReady)
	}
	if kp.ManagesFunction() {
		parts = append(parts, p.functionRolePart(fnDeps))
		fnDeps = append(fnDeps, v1alpha1.ConditionFunctionRoleReady)
	}
	parts = append(parts, p.functionPart(fnDeps))
	if kp.UsesPipe() {
		parts = append(parts, p.pipeRolePart(), p.pipePart())
	} else {
		parts = append(parts, p.mappingPart())
	}
	if !p.regionKnown {
		for i := 1; i < len(parts); i++ {
			if !slices.Contains(parts[i].deps, v1alpha1.ConditionClusterReady) {
				parts[i].deps = append(slices.Clip(parts[i].deps), v1alpha1.ConditionClusterReady)
			}
		}
	}
	return parts
}

// clearUnused empties the status blocks of parts the spec does not ask for.
func (p *pipelineParts) clearUnused() {
	st := &p.kp.Status
	if !p.kp.DeadLetterQueueEnabled() {
		st.DeadLetterQueue = v1alpha1.DeadLetterQueueStatus{}
	}
	if !p.kp.ManagesFunction() {
		st.Roles.Function = ""
	}
	if p.kp.UsesPipe() {
		st.EventSourceMapping = v1alpha1.EventSourceMappingStatus{}
	} else {
		st.Pipe, st.Roles.Pipe = v1alpha1.PipeStatus{}, ""
	}
}

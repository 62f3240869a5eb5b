package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// inUsePoll is how often a cluster whose deletion waits for its pipelines looks again.
var inUsePoll = 10 * time.Second

// Options are the settings both reconcilers share.
type Options struct {
	// ClusterID names this Kubernetes cluster in ownership tags, so several clusters can share an account.
	ClusterID string
	// ResyncPeriod is how often a Ready object is re-read from AWS to catch drift (jittered; objects may
	// override it with spec.resyncPeriod).
	ResyncPeriod time.Duration
	// MaxConcurrentReconciles is the number of objects of one kind reconciled at once.
	MaxConcurrentReconciles int
}

// KafkaClusterReconciler reconciles KafkaCluster objects: the optional network, then the MSK Serverless
// cluster.
type KafkaClusterReconciler struct {
	client.Client
	// Recorder emits Kubernetes events on transitions.
	Recorder events.EventRecorder
	// AWS gives the clients of a region.
	AWS *awsapi.ClientCache
	// Options are the shared settings.
	Options Options
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
	l := loop{client: r.Client, recorder: r.Recorder, access: clusterAccess}
	return l.reconcile(ctx, kc, &clusterParts{r: r, kc: kc}, kc.ResyncPeriodOr(r.Options.ResyncPeriod))
}

// SetupWithManager registers the controller.
func (r *KafkaClusterReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.KafkaCluster{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, r.Options.MaxConcurrentReconciles)}).
		Named("kafkacluster").
		Complete(r)
}

// clusterParts are the steps of one KafkaCluster reconcile.
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

func (p *clusterParts) clients(ctx context.Context) error {
	if p.aws != nil {
		return nil
	}
	cl, err := p.r.AWS.For(ctx, p.kc.Spec.Region)
	if err != nil {
		return err
	}
	p.aws = cl
	return nil
}

func (p *clusterParts) networkDesired() network.Desired {
	return network.Desired{NamePrefix: p.name(naming.SuffixNetwork, naming.MaxEC2Name), CIDR: p.kc.Spec.Network.Create.CIDR,
		AvailabilityZones: p.kc.Spec.Network.Create.AvailabilityZones, Owner: p.owner(), Tags: p.kc.Spec.Tags}
}

func (p *clusterParts) clusterDesired() cluster.Desired {
	d := cluster.Desired{Name: p.name(naming.SuffixCluster, naming.MaxMSKCluster), Owner: p.owner(), Tags: p.kc.Spec.Tags,
		SubnetIDs: p.kc.Spec.Network.SubnetIDs, SecurityGroupIDs: p.kc.Spec.Network.SecurityGroupIDs}
	if p.kc.CreatesNetwork() {
		d.SubnetIDs, d.SecurityGroupIDs = p.kc.Status.SubnetIDs, p.kc.Status.SecurityGroupIDs
	}
	return d
}

func (p *clusterParts) steps(ctx context.Context, checkpoint func(context.Context) error) ([]step, error) {
	if err := p.clients(ctx); err != nil {
		return nil, err
	}
	var steps []step
	var clusterDeps []string
	if p.kc.CreatesNetwork() {
		steps = append(steps, step{condition: v1alpha1.ConditionNetworkReady, run: func(ctx context.Context) (string, error) {
			return p.ensureNetwork(ctx, checkpoint)
		}})
		clusterDeps = []string{v1alpha1.ConditionNetworkReady}
	} else {
		p.kc.Status.Network, p.kc.Status.VPCID = nil, ""
		p.kc.Status.SubnetIDs = p.kc.Spec.Network.SubnetIDs
		p.kc.Status.SecurityGroupIDs = p.kc.Spec.Network.SecurityGroupIDs
	}
	steps = append(steps, step{condition: v1alpha1.ConditionClusterReady, deps: clusterDeps,
		run: func(ctx context.Context) (string, error) { return p.ensureCluster(ctx, checkpoint) }})
	return steps, nil
}

func (p *clusterParts) ensureNetwork(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	res, err := network.New(p.aws.EC2).Ensure(ctx, p.kc.Status.VPCID, p.networkDesired())
	if err := converged(ctx, p.r.Recorder, p.kc, "network", res, err, checkpoint, func(o *network.Observed) {
		st := &p.kc.Status
		st.VPCID, st.SubnetIDs, st.SecurityGroupIDs = o.VPCID, o.PrivateSubnetIDs, nonEmpty(o.SecurityGroupID)
		st.Network = &v1alpha1.NetworkStatus{InternetGatewayID: o.InternetGatewayID, ElasticIPAllocationID: o.AllocationID,
			NATGatewayID: o.NatGatewayID, NATGatewayState: o.NatGatewayState, PublicSubnetID: o.PublicSubnetID,
			PublicRouteTableID: o.PublicRouteTableID, PrivateRouteTableID: o.PrivateRouteTableID, SecurityGroupID: o.SecurityGroupID}
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("VPC %s with subnets %s and NAT gateway %s", p.kc.Status.VPCID,
		strings.Join(p.kc.Status.SubnetIDs, ", "), p.kc.Status.Network.NATGatewayID), nil
}

func (p *clusterParts) ensureCluster(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	res, err := cluster.New(p.aws.Kafka).Ensure(ctx, p.kc.Status.ARN, p.clusterDesired())
	if err := converged(ctx, p.r.Recorder, p.kc, "MSK Serverless cluster", res, err, checkpoint, func(o *cluster.Observed) {
		p.kc.Status.ARN, p.kc.Status.State, p.kc.Status.BootstrapBrokers = o.ARN, o.State, o.BootstrapBrokers
	}); err != nil {
		return "", err
	}
	return "cluster " + p.kc.Status.ARN + " is ACTIVE", nil
}

func (p *clusterParts) deleteSteps(ctx context.Context) ([]deleteStep, error) {
	if err := p.clients(ctx); err != nil {
		return nil, err
	}
	steps := []deleteStep{
		{condition: v1alpha1.ConditionClusterReady, delete: p.deleteCluster},
	}
	if p.kc.CreatesNetwork() {
		steps = append(steps, deleteStep{condition: v1alpha1.ConditionNetworkReady, delete: func(ctx context.Context) (bool, error) {
			return network.New(p.aws.EC2).Delete(ctx, p.kc.Status.VPCID, p.networkDesired())
		}})
	}
	return steps, nil
}

// deleteCluster waits until no KafkaPipeline in the namespace uses the cluster, then deletes it.
func (p *clusterParts) deleteCluster(ctx context.Context) (bool, error) {
	var pipelines v1alpha1.KafkaPipelineList
	if err := p.r.List(ctx, &pipelines, client.InNamespace(p.kc.Namespace)); err != nil {
		return false, fmt.Errorf("listing the pipelines that may use the cluster: %w", err)
	}
	var users []string
	for _, kp := range pipelines.Items {
		if kp.Spec.Cluster.Name == p.kc.Name {
			users = append(users, kp.Name)
		}
	}
	if len(users) > 0 {
		slices.Sort(users)
		return false, outcome.Wait(inUsePoll, v1alpha1.ReasonDeleting,
			"waiting for the KafkaPipelines that use this cluster to be deleted: %s", strings.Join(users, ", "))
	}
	return cluster.New(p.aws.Kafka).Delete(ctx, p.kc.Status.ARN, p.clusterDesired())
}

// converged applies what an Ensure did: record copies what AWS has into the status block; a creation or an
// adoption gets an event and an immediate status write, so a status write lost later cannot make the next
// reconcile look for the resource anywhere but by its name; then Ensure's own error is returned.
func converged[O any](ctx context.Context, rec events.EventRecorder, obj client.Object, what string,
	res awsapi.Result[O], err error, checkpoint func(context.Context) error, record func(*O)) error {
	if res.Observed != nil {
		record(res.Observed)
	}
	switch {
	case res.Created:
		rec.Eventf(obj, nil, "Normal", "Created", "Create", "created the %s", what)
	case res.Adopted:
		rec.Eventf(obj, nil, "Normal", "Adopted", "Adopt", "adopted the existing %s", what)
	default:
		return err
	}
	if cerr := checkpoint(ctx); cerr != nil {
		return cerr
	}
	return err
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

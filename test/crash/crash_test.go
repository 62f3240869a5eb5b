// Package crash proves that the manager is crash-consistent: killed with SIGKILL at any AWS call that changes
// something and restarted, it finishes the job with exactly the resources it should make and, on delete,
// leaves nothing behind.
//
// The manager runs as its own OS process (cmd/manager, built once per run with the built-in processor
// embedded) against kube-apiserver and etcd and an in-process localaws (internal/devstack without its
// manager) whose clusters, NAT gateways, functions, pipes and mappings take a few hundred milliseconds to be
// created or deleted. A KafkaCluster with a network of its own (VPC, three subnets, internet gateway, Elastic
// IP, NAT gateway, route tables, security group, MSK Serverless cluster), then a pipeline delivering through
// an EventBridge Pipe (dead-letter queue, two roles, function, pipe), then one delivering through a Lambda
// event source mapping are created one after another, and deleted one after another in reverse. While each
// converges, a localaws hook catches the manager's next write (create, attach, associate, authorize, put,
// delete, release, ...) that takes effect; the manager is killed there, restarted, and killed at the next
// one, until the object is Ready (or gone) without another write. So every write of all three objects'
// lifetimes is a kill point. Two variants run: the manager is killed after a write's answer reached it (at
// its next write, held by a second hook before it runs), or while localaws holds the answer of a write that
// has taken effect, so the manager never learns what it did and must find it again by its name and ownership
// tags. With everything created and no manager running, the test asserts through the AWS APIs exact counts of
// every resource kind (what the three objects make and nothing more: no duplicate, no orphan), that every
// object is Ready, and that each status names the resources that exist; after the deletes, that nothing is
// left in localaws. Writes that fail (deleting what is already gone) change nothing and are not kill points;
// topics are created by the cluster's topic admin function (its role and the function are kill points like
// every create; the Invoke that ensures a topic changes nothing the second time and is not one).
package crash

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// transitions give localaws's asynchronous transitions short but real durations, so that some restarts find
// a resource still being created or deleted.
var transitions = map[lifecycle.Kind]string{
	lifecycle.ClusterCreate: "500ms", lifecycle.ClusterDelete: "300ms", lifecycle.NatGatewayCreate: "500ms",
	lifecycle.NatGatewayDelete: "300ms", lifecycle.FunctionCreate: "300ms", lifecycle.PipeCreate: "300ms",
	lifecycle.PipeDelete: "300ms", lifecycle.MappingCreate: "300ms", lifecycle.MappingDelete: "300ms",
}

func TestCrashConsistency(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver, etcd and kubectl into bin/k8s")
	}
	start := time.Now()
	stack, err := devstack.Start(t.Context(), devstack.Options{AWSAddr: "127.0.0.1:0", Profile: "instant",
		Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"), WithoutManager: true})
	if err != nil {
		t.Fatalf("starting kube-apiserver, etcd and localaws: %v", err)
	}
	t.Cleanup(func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stopping the stack: %v", err)
		}
	})
	if _, err := stack.Admin.SetConfig(t.Context(), server.ConfigPatch{Overrides: transitions}); err != nil {
		t.Fatalf("setting localaws's transition times: %v", err)
	}
	bin := buildManager(t, stack.Root, t.TempDir())
	t.Logf("stack started and manager built in %s", time.Since(start).Round(time.Second))

	total := 0
	for _, v := range variants {
		began := time.Now()
		var points []killPoint
		if !t.Run(v.name, func(t *testing.T) { points = crashAndConverge(t, stack, bin, v) }) {
			return
		}
		total += len(points)
		t.Logf("%s: %d kill points in %s: %s", v.name, len(points), time.Since(began).Round(time.Second), describe(points))
	}
	t.Logf("%d kill points in all, %s", total, time.Since(start).Round(time.Second))
}

// crashAndConverge creates a cluster and two pipelines in the variant's namespace, each converging under
// kills at its writes, checks what exists in AWS, then deletes them one by one, again under kills, and
// checks that nothing is left. It returns the kill points.
func crashAndConverge(t *testing.T, stack *devstack.Stack, bin string, v variant) []killPoint {
	ns := v.name
	if err := stack.Client.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	m := newManager(t, bin, stack)
	cluster := newCluster(ns, "shared")
	viaPipe := newPipeline(ns, "via-pipe", cluster.Name, v1alpha1.DeliveryPipe)
	viaMapping := newPipeline(ns, "via-mapping", cluster.Name, v1alpha1.DeliveryEventSourceMapping)
	objs := []client.Object{cluster, viaPipe, viaMapping}

	var points []killPoint
	for _, obj := range objs {
		if err := stack.Client.Create(t.Context(), obj); err != nil {
			t.Fatalf("creating %s: %v", obj.GetName(), err)
		}
		points = append(points, crashUntil(t, stack, m, v, ready(stack, obj))...)
	}
	if len(points) == 0 {
		t.Fatal("the manager was never killed: the hooks caught no write")
	}
	// No manager runs: what exists now is what the crashes left, and every object is still Ready.
	expectResources(t, stack, want(clusterResources, pipeResources, mappingResources))
	ctx, cancel := context.WithTimeout(t.Context(), stepTimeout)
	defer cancel()
	if err := stack.WaitReady(ctx, nil, objs...); err != nil {
		t.Fatalf("after the crashes: %v", err)
	}
	expectStatusNamesResources(t, stack, objs...)

	for _, obj := range slices.Backward(objs) {
		if err := stack.Client.Delete(t.Context(), obj); err != nil {
			t.Fatalf("deleting %s: %v", obj.GetName(), err)
		}
		points = append(points, crashUntil(t, stack, m, v, gone(stack, obj))...)
	}
	expectResources(t, stack, nil)
	return points
}

// newCluster is a KafkaCluster that creates its own network.
func newCluster(ns, name string) *v1alpha1.KafkaCluster {
	return &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.KafkaClusterSpec{Network: v1alpha1.Network{Create: &v1alpha1.NetworkCreate{
			CIDR: "10.30.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}}}}
}

// newPipeline is a pipeline with a topic, a dead-letter queue and the built-in processor on the cluster.
func newPipeline(ns, name, cluster string, delivery v1alpha1.Delivery) *v1alpha1.KafkaPipeline {
	return &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.KafkaPipelineSpec{
			Cluster:  v1alpha1.ClusterReference{Name: cluster},
			Topic:    v1alpha1.Topic{Name: name},
			Delivery: delivery,
			Target: v1alpha1.Target{Function: v1alpha1.Function{Managed: &v1alpha1.ManagedFunction{
				Code: v1alpha1.FunctionCode{Builtin: &v1alpha1.BuiltinCode{}}}}},
		}}
}

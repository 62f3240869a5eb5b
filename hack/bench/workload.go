package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

const (
	// namespace holds every benchmark object.
	namespace = "bench"
	// clusterName is the one KafkaCluster every pipeline reads from.
	clusterName = "shared"
	// resyncAnnotation is touched on every pipeline to force one resync of each: the reconcile-request
	// annotation, a full read of every part.
	resyncAnnotation = v1alpha1.ReconcileRequestAnnotation
	// clientWorkers is how many objects the benchmark creates, patches or deletes at once.
	clientWorkers = 16
)

// newCluster is a KafkaCluster that creates the original stack's network.
func newCluster() *v1alpha1.KafkaCluster {
	return &v1alpha1.KafkaCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: clusterName},
		Spec: v1alpha1.KafkaClusterSpec{
			Network: v1alpha1.Network{Create: &v1alpha1.NetworkCreate{CIDR: "10.10.0.0/16",
				AvailabilityZones: []string{region + "a", region + "c"}}},
		},
	}
}

// pipelineName is the name of the i-th pipeline.
func pipelineName(i int) string { return fmt.Sprintf("p%04d", i) }

// newPipeline is the original stack's pipeline (built-in processor, DLQ, defaults) on its own topic.
func newPipeline(i int, delivery v1alpha1.Delivery) *v1alpha1.KafkaPipeline {
	name := pipelineName(i)
	return &v1alpha1.KafkaPipeline{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.KafkaPipelineSpec{
			Cluster:  v1alpha1.ClusterReference{Name: clusterName},
			Topic:    v1alpha1.Topic{Name: "bench-" + name},
			Delivery: delivery,
			Target: v1alpha1.Target{Function: v1alpha1.Function{Managed: &v1alpha1.ManagedFunction{
				Code: v1alpha1.FunctionCode{Builtin: &v1alpha1.BuiltinCode{}}}}},
		},
	}
}

// createNamespace makes the benchmark's namespace.
func createNamespace(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return fmt.Errorf("creating namespace %s: %w", namespace, err)
	}
	return nil
}

// forEach runs fn for 0..n-1 on clientWorkers goroutines and returns the first error.
func forEach(n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	for range min(clientWorkers, max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// createPipelines creates n pipelines at once and returns when each create returned.
func createPipelines(ctx context.Context, c client.Client, n int, delivery v1alpha1.Delivery) ([]time.Time, error) {
	created := make([]time.Time, n)
	err := forEach(n, func(i int) error {
		if err := c.Create(ctx, newPipeline(i, delivery)); err != nil {
			return fmt.Errorf("creating pipeline %s: %w", pipelineName(i), err)
		}
		created[i] = time.Now()
		return nil
	})
	return created, err
}

// touchPipelines sets the reconcile-request annotation on the named pipelines, which makes the controller
// reconcile each once with a full read.
func touchPipelines(ctx context.Context, c client.Client, names []string) error {
	stamp := time.Now().UTC().Format(time.RFC3339Nano)
	return forEach(len(names), func(i int) error {
		kp := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: names[i]}}
		patch := client.RawPatch("application/merge-patch+json",
			fmt.Appendf(nil, `{"metadata":{"annotations":{%q:%q}}}`, resyncAnnotation, stamp))
		if err := c.Patch(ctx, kp, patch); err != nil {
			return fmt.Errorf("touching pipeline %s: %w", names[i], err)
		}
		return nil
	})
}

// deletePipelines deletes the named pipelines at once.
func deletePipelines(ctx context.Context, c client.Client, names []string) error {
	return forEach(len(names), func(i int) error {
		kp := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: names[i]}}
		if err := client.IgnoreNotFound(c.Delete(ctx, kp)); err != nil {
			return fmt.Errorf("deleting pipeline %s: %w", names[i], err)
		}
		return nil
	})
}

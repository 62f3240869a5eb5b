package main

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

// pollEvery is how often the benchmark lists the objects it waits on. The lists read the benchmark's cache
// without copying the objects: the waits only look at them.
const pollEvery = 250 * time.Millisecond

// check looks once at what is waited on: done ends the wait; progress is any number that changes while
// the system is still moving (the wait gives up when it stays the same for the stall period).
type check func(ctx context.Context) (done bool, progress int64, err error)

// errStalled says a wait gave up because nothing moved for the stall period.
type errStalled struct{ after time.Duration }

func (e errStalled) Error() string {
	return fmt.Sprintf("nothing changed for %s", e.after)
}

// poll runs check every pollEvery until it is done, fails, ctx ends, or progress stays the same for stall.
func poll(ctx context.Context, stall time.Duration, c check) error {
	var last int64 = -1
	lastChange := time.Now()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		done, progress, err := c(ctx)
		if err != nil || done {
			return err
		}
		if progress != last {
			last, lastChange = progress, time.Now()
		} else if time.Since(lastChange) >= stall {
			return errStalled{after: stall}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// isReady reports whether an object's Ready condition is True for its current generation.
func isReady(obj client.Object, conds []metav1.Condition, observed int64) bool {
	return conditions.IsTrue(conds, v1alpha1.ConditionReady) && observed == obj.GetGeneration()
}

// trueConditions counts the True conditions, a measure of how far an object got.
func trueConditions(conds []metav1.Condition) int64 {
	var n int64
	for _, c := range conds {
		if c.Status == metav1.ConditionTrue {
			n++
		}
	}
	return n
}

// waitClusterReady waits until the KafkaCluster is Ready.
func waitClusterReady(ctx context.Context, c client.Client, stall time.Duration) error {
	kc := &v1alpha1.KafkaCluster{}
	err := poll(ctx, stall, func(ctx context.Context) (bool, int64, error) {
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: clusterName}, kc)
		switch {
		case apierrors.IsNotFound(err):
			// The benchmark reads from a cache, which may not have seen the create yet.
			return false, 0, nil
		case err != nil:
			return false, 0, fmt.Errorf("reading KafkaCluster %s: %w", clusterName, err)
		}
		return isReady(kc, kc.Status.Conditions, kc.Status.ObservedGeneration), trueConditions(kc.Status.Conditions), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for KafkaCluster %s to be Ready (%s): %w", clusterName, readySummary(kc.Status.Conditions), err)
	}
	return nil
}

// waitClusterGone waits until the KafkaCluster no longer exists.
func waitClusterGone(ctx context.Context, c client.Client, stall time.Duration) error {
	return poll(ctx, stall, func(ctx context.Context) (bool, int64, error) {
		kc := &v1alpha1.KafkaCluster{}
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: clusterName}, kc)
		if err != nil {
			return client.IgnoreNotFound(err) == nil, 0, client.IgnoreNotFound(err)
		}
		return false, int64(len(kc.Status.Conditions))*1000 + trueConditions(kc.Status.Conditions), nil
	})
}

// readySummary is the Ready condition's reason and message, or what is missing.
func readySummary(conds []metav1.Condition) string {
	c := conditions.Get(conds, v1alpha1.ConditionReady)
	if c == nil {
		return "no Ready condition yet"
	}
	return fmt.Sprintf("Ready=%s %s: %s", c.Status, c.Reason, c.Message)
}

// readiness is what waiting for the pipelines to become Ready saw.
type readiness struct {
	// readyAt is when each pipeline was first seen Ready (zero when it never was).
	readyAt []time.Time
	// notReady counts the pipelines left not Ready by the first failing step's condition and reason.
	notReady map[string]int
	// example is one not-Ready pipeline's first failing step, with its message.
	example string
}

// waitPipelinesReady lists the pipelines every pollEvery until all n are Ready, or nothing moves for stall.
func waitPipelinesReady(ctx context.Context, c client.Client, n int, stall time.Duration) (readiness, error) {
	r := readiness{readyAt: make([]time.Time, n)}
	index := make(map[string]int, n)
	for i := range n {
		index[pipelineName(i)] = i
	}
	var list v1alpha1.KafkaPipelineList
	err := poll(ctx, stall, func(ctx context.Context) (bool, int64, error) {
		if err := c.List(ctx, &list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
			return false, 0, fmt.Errorf("listing pipelines: %w", err)
		}
		now := time.Now()
		ready, progress := 0, int64(0)
		for i := range list.Items {
			kp := &list.Items[i]
			idx, ok := index[kp.Name]
			if !ok {
				continue
			}
			progress += trueConditions(kp.Status.Conditions)
			if isReady(kp, kp.Status.Conditions, kp.Status.ObservedGeneration) {
				ready++
				if r.readyAt[idx].IsZero() {
					r.readyAt[idx] = now
				}
			}
		}
		return ready == n, progress, nil
	})
	r.notReady, r.example = blockers(list.Items)
	return r, err
}

// blockers groups the not-Ready pipelines by their first failing step condition and its reason.
func blockers(items []v1alpha1.KafkaPipeline) (map[string]int, string) {
	out := map[string]int{}
	example := ""
	for i := range items {
		kp := &items[i]
		if isReady(kp, kp.Status.Conditions, kp.Status.ObservedGeneration) {
			continue
		}
		key, msg := "no status yet", ""
		for _, t := range kp.StepConditionTypes() {
			if c := conditions.Get(kp.Status.Conditions, t); c != nil && c.Status != metav1.ConditionTrue {
				key, msg = t+"/"+c.Reason, c.Message
				break
			}
		}
		out[key]++
		if example == "" && msg != "" {
			example = kp.Name + ": " + key + ": " + msg
		}
	}
	return out, example
}

// waitPipelinesGone lists the pipelines every pollEvery until none is left, or nothing moves for stall.
func waitPipelinesGone(ctx context.Context, c client.Client, stall time.Duration) (left map[string]int, err error) {
	var list v1alpha1.KafkaPipelineList
	err = poll(ctx, stall, func(ctx context.Context) (bool, int64, error) {
		if err := c.List(ctx, &list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
			return false, 0, fmt.Errorf("listing pipelines: %w", err)
		}
		// Deleting a part removes its condition: fewer objects or fewer conditions is progress.
		progress := int64(len(list.Items)) * 1000
		for i := range list.Items {
			progress += int64(len(list.Items[i].Status.Conditions))
		}
		return len(list.Items) == 0, progress, nil
	})
	left, _ = blockers(list.Items)
	return left, err
}

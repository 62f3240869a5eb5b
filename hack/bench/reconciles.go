package main

import (
	"fmt"
	"time"

	dto "github.com/prometheus/client_model/go"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The controllers' names in controller-runtime's metrics.
const (
	pipelineController = "kafkapipeline"
	clusterController  = "kafkacluster"
)

// controllerStats is a reading of one controller's controller-runtime metrics.
type controllerStats struct {
	// reconciles counts finished reconciles by result (success, error, requeue, requeue_after).
	reconciles map[string]float64
	// busy is the total time spent in Reconcile, and timed the number of reconciles it covers.
	busy  time.Duration
	timed float64
	// queued is the total time requests waited in the workqueue, and dequeued how many waited.
	queued   time.Duration
	dequeued float64
	// depth is the number of requests waiting now; active the reconciles running now.
	depth, active float64
}

// total is the number of finished reconciles.
func (s controllerStats) total() float64 {
	var n float64
	for _, v := range s.reconciles {
		n += v
	}
	return n
}

// readController reads the controller's metrics from controller-runtime's registry (the manager runs in
// this process).
func readController(name string) (controllerStats, error) {
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return controllerStats{}, fmt.Errorf("reading controller-runtime's metrics: %w", err)
	}
	s := controllerStats{reconciles: map[string]float64{}}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if !labelled(m, name) {
				continue
			}
			switch f.GetName() {
			case "controller_runtime_reconcile_total":
				s.reconciles[label(m, "result")] += m.GetCounter().GetValue()
			case "controller_runtime_reconcile_time_seconds":
				s.busy += seconds(m.GetHistogram().GetSampleSum())
				s.timed += float64(m.GetHistogram().GetSampleCount())
			case "workqueue_queue_duration_seconds":
				s.queued += seconds(m.GetHistogram().GetSampleSum())
				s.dequeued += float64(m.GetHistogram().GetSampleCount())
			case "workqueue_depth":
				s.depth += m.GetGauge().GetValue()
			case "controller_runtime_active_workers":
				s.active += m.GetGauge().GetValue()
			}
		}
	}
	return s, nil
}

// labelled reports whether the metric belongs to the controller (its "controller" or "name" label).
func labelled(m *dto.Metric, controller string) bool {
	return label(m, "controller") == controller || label(m, "name") == controller
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// ReconcileStats is what a controller did in a phase: the KafkaCluster controller in the cluster's
// phases, the KafkaPipeline controller in the others.
type ReconcileStats struct {
	// Reconciles is the number of finished reconciles, and ByResult splits them by result.
	Reconciles float64            `json:"reconciles"`
	ByResult   map[string]float64 `json:"byResult"`
	// PerPipeline is Reconciles divided by the pipelines of the phase.
	PerPipeline float64 `json:"perPipeline"`
	// MeanReconcile is the mean time one Reconcile took.
	MeanReconcile Duration `json:"meanReconcile"`
	// MeanQueueWait is the mean time a request waited in the workqueue for a free worker.
	MeanQueueWait Duration `json:"meanQueueWait"`
	// WorkerUtilization is the time spent in Reconcile over the time the workers had (phase duration ×
	// concurrency): near 1 means the workers were the limit.
	WorkerUtilization float64 `json:"workerUtilization"`
}

// diffController summarizes what the controller did between two readings over a phase of the given
// duration, per pipeline of n, with concurrency workers.
func diffController(before, after controllerStats, n, concurrency int, phase time.Duration) ReconcileStats {
	r := ReconcileStats{ByResult: map[string]float64{}}
	for k, v := range after.reconciles {
		if d := v - before.reconciles[k]; d > 0 {
			r.ByResult[k] = d
			r.Reconciles += d
		}
	}
	if n > 0 {
		r.PerPipeline = r.Reconciles / float64(n)
	}
	busy := after.busy - before.busy
	if d := after.timed - before.timed; d > 0 {
		r.MeanReconcile = Duration(time.Duration(float64(busy) / d))
	}
	if d := after.dequeued - before.dequeued; d > 0 {
		r.MeanQueueWait = Duration(time.Duration(float64(after.queued-before.queued) / d))
	}
	if phase > 0 && concurrency > 0 {
		r.WorkerUtilization = float64(busy) / (float64(phase) * float64(concurrency))
	}
	return r
}

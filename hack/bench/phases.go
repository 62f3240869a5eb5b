package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
)

// meter records where the counters stood when a phase began.
type meter struct {
	s           *stack
	controller  string
	concurrency int
	start       time.Time
	cpu         time.Duration
	calls       adminclient.Calls
	writes      map[string]int64
	ctrl        controllerStats
}

// begin reads every counter at the start of a phase whose work the named controller does.
func begin(ctx context.Context, s *stack, controller string, concurrency int) (*meter, error) {
	calls, err := s.admin.Calls(ctx)
	if err != nil {
		return nil, err
	}
	ctrl, err := readController(controller)
	if err != nil {
		return nil, err
	}
	return &meter{s: s, controller: controller, concurrency: concurrency, start: time.Now(), cpu: cpuTime(),
		calls: calls, writes: s.writes.snapshot(), ctrl: ctrl}, nil
}

// end reads the counters again and summarizes the phase over n pipelines.
func (m *meter) end(ctx context.Context, n int) (Phase, error) {
	elapsed, cpu := time.Since(m.start), cpuTime()-m.cpu
	calls, err := m.s.admin.Calls(ctx)
	if err != nil {
		return Phase{}, err
	}
	ctrl, err := readController(m.controller)
	if err != nil {
		return Phase{}, err
	}
	p := Phase{Pipelines: n, Makespan: Duration(elapsed), CPU: Duration(cpu), Calls: diffCalls(m.calls, calls, n),
		KubeWrites: map[string]int64{}, Reconciles: diffController(m.ctrl, ctrl, n, m.concurrency, elapsed)}
	var writes int64
	for verb, c := range m.s.writes.snapshot() {
		if d := c - m.writes[verb]; d > 0 {
			p.KubeWrites[verb] = d
			writes += d
		}
	}
	if n > 0 {
		p.KubeWritesPerPipeline = float64(writes) / float64(n)
	}
	return p, nil
}

// measure runs the phases: cluster, pipelines to Ready, a forced resync, deletion of the pipelines and of
// the cluster.
func measure(ctx context.Context, s *stack, o options) (Result, error) {
	res := Result{Settings: Settings{Pipelines: o.n, Concurrency: o.concurrency, Profile: o.profile,
		Delivery: string(o.delivery), IAMPropagation: Duration(o.iamPropagation), Poll: Duration(o.poll),
		ResyncPeriod: Duration(o.resyncPeriod), GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		GoVersion: runtime.Version(), Revision: revision(o.root)}}
	c := s.client
	if err := createNamespace(ctx, c); err != nil {
		return res, err
	}

	progress("creating the KafkaCluster (network.create) and waiting for Ready")
	m, err := begin(ctx, s, clusterController, o.concurrency)
	if err != nil {
		return res, err
	}
	if err := c.Create(ctx, newCluster()); err != nil {
		return res, fmt.Errorf("creating KafkaCluster %s: %w", clusterName, err)
	}
	if err := waitClusterReady(ctx, c, o.stall); err != nil {
		return res, err
	}
	if res.Cluster, err = m.end(ctx, 0); err != nil {
		return res, err
	}
	if res.MemoryBefore, err = readMemory(); err != nil {
		return res, err
	}

	ready, err := createPhase(ctx, s, o, &res)
	if err != nil {
		return res, err
	}
	if res.MemoryReady, err = readMemory(); err != nil {
		return res, err
	}
	perPipeline := func(after, before int64) float64 { return float64(after-before) / float64(o.n) }
	res.HeapPerPipeline = perPipeline(int64(res.MemoryReady.HeapAlloc), int64(res.MemoryBefore.HeapAlloc))
	res.HeapLocalAWSPerPipeline = perPipeline(res.MemoryReady.HeapLocalAWS, res.MemoryBefore.HeapLocalAWS)
	res.HeapOtherPerPipeline = perPipeline(res.MemoryReady.HeapOther, res.MemoryBefore.HeapOther)
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return res, err
		}
	}

	if err := resyncPhase(ctx, s, o, ready, &res); err != nil {
		return res, err
	}
	if err := deletePhase(ctx, s, o, &res); err != nil {
		return res, err
	}
	return res, nil
}

// createPhase creates the pipelines at once and waits for them to be Ready. It returns the names of the
// pipelines that became Ready.
func createPhase(ctx context.Context, s *stack, o options, res *Result) ([]string, error) {
	progress("creating %d KafkaPipelines at once and waiting for Ready", o.n)
	m, err := begin(ctx, s, pipelineController, o.concurrency)
	if err != nil {
		return nil, err
	}
	created, err := createPipelines(ctx, s.client, o.n, o.delivery)
	if err != nil {
		return nil, err
	}
	rd, waitErr := waitPipelinesReady(ctx, s.client, o.n, o.stall)
	if waitErr != nil && !errors.As(waitErr, new(errStalled)) {
		return nil, waitErr
	}
	ph, err := m.end(ctx, o.n)
	if err != nil {
		return nil, err
	}
	cp := CreatePhase{Phase: ph}
	var ttr []time.Duration
	var ready []string
	for i, at := range rd.readyAt {
		if !at.IsZero() {
			ttr = append(ttr, at.Sub(created[i]))
			ready = append(ready, pipelineName(i))
		}
	}
	cp.Ready, cp.TimeToReady = len(ready), latencies(ttr)
	floor, err := provisioningFloor(o.profile, o.delivery)
	if err != nil {
		return nil, err
	}
	cp.ProvisioningFloor, cp.OverheadP50 = Duration(floor), cp.TimeToReady.P50-Duration(floor)
	if waitErr != nil {
		// The makespan of a stalled phase is the time until the last pipeline became Ready.
		var last time.Time
		for _, at := range rd.readyAt {
			if at.After(last) {
				last = at
			}
		}
		if !last.IsZero() {
			cp.Makespan = Duration(last.Sub(m.start))
		}
		cp.Left, cp.Example = rd.notReady, rd.example
		res.Problems = append(res.Problems, fmt.Sprintf("%d of %d pipelines never became Ready (%s; gave up when %s): %s",
			o.n-len(ready), o.n, formatCounts(rd.notReady), waitErr, rd.example))
	}
	res.Create = cp
	progress("%d of %d Ready in %s", len(ready), o.n, cp.Makespan)
	return ready, nil
}

// resyncPhase forces one reconcile of every Ready pipeline and waits until the controller has done them
// all and is idle.
func resyncPhase(ctx context.Context, s *stack, o options, ready []string, res *Result) error {
	progress("forcing a resync of %d Ready pipelines", len(ready))
	m, err := begin(ctx, s, pipelineController, o.concurrency)
	if err != nil {
		return err
	}
	if err := touchPipelines(ctx, s.client, ready); err != nil {
		return err
	}
	want := m.ctrl.total() + float64(len(ready))
	err = poll(ctx, o.stall, func(context.Context) (bool, int64, error) {
		st, err := readController(pipelineController)
		if err != nil {
			return false, 0, err
		}
		return st.total() >= want && st.depth == 0 && st.active == 0, int64(st.total()), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the resync of %d pipelines: %w", len(ready), err)
	}
	if res.Resync, err = m.end(ctx, len(ready)); err != nil {
		return err
	}
	// lambda Invoke is left out: the operator invokes only topic admin functions, whose ensure changes a topic
	// only when it differs from the spec, so on a resync it reads.
	if w := res.Resync.Calls.Writes - res.Resync.Calls.count("lambda", "Invoke"); w > 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("the resync made %d AWS writes; it should only read", w))
	}
	progress("resync done in %s: %.1f AWS calls per pipeline, %d writes", res.Resync.Makespan,
		res.Resync.Calls.PerPipeline, res.Resync.Calls.Writes)
	return nil
}

// deletePhase deletes every pipeline at once and waits until they are gone, then deletes the cluster.
func deletePhase(ctx context.Context, s *stack, o options, res *Result) error {
	progress("deleting %d KafkaPipelines at once", o.n)
	m, err := begin(ctx, s, pipelineController, o.concurrency)
	if err != nil {
		return err
	}
	names := make([]string, o.n)
	for i := range names {
		names[i] = pipelineName(i)
	}
	if err := deletePipelines(ctx, s.client, names); err != nil {
		return err
	}
	left, waitErr := waitPipelinesGone(ctx, s.client, o.stall)
	if waitErr != nil && !errors.As(waitErr, new(errStalled)) {
		return waitErr
	}
	if res.Delete, err = m.end(ctx, o.n); err != nil {
		return err
	}
	if waitErr != nil {
		res.Delete.Left = left
		res.Problems = append(res.Problems, fmt.Sprintf("pipelines left after deletion (%s): %s", waitErr, formatCounts(left)))
		return nil
	}
	progress("pipelines deleted in %s; deleting the KafkaCluster", res.Delete.Makespan)

	if m, err = begin(ctx, s, clusterController, o.concurrency); err != nil {
		return err
	}
	if err := s.client.Delete(ctx, newCluster()); err != nil {
		return fmt.Errorf("deleting KafkaCluster %s: %w", clusterName, err)
	}
	if err := waitClusterGone(ctx, s.client, o.stall); err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("the KafkaCluster was not deleted: %s", err))
	}
	res.ClusterDelete, err = m.end(ctx, 0)
	return err
}

package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// Result is everything one benchmark run measured; -json prints it.
type Result struct {
	// Settings are the run's parameters.
	Settings Settings `json:"settings"`
	// Cluster is the shared KafkaCluster's creation.
	Cluster Phase `json:"cluster"`
	// Create is the N pipelines' creation, from the first create to the last Ready.
	Create CreatePhase `json:"create"`
	// Resync is one forced resync of every Ready pipeline.
	Resync Phase `json:"resync"`
	// Delete is the N pipelines' deletion, from the first delete to the last one gone.
	Delete Phase `json:"delete"`
	// ClusterDelete is the shared KafkaCluster's deletion.
	ClusterDelete Phase `json:"clusterDelete"`
	// MemoryBefore is the process's memory with the cluster Ready and no pipeline; MemoryReady with every
	// pipeline Ready (or as far as they got).
	MemoryBefore Memory `json:"memoryBefore"`
	MemoryReady  Memory `json:"memoryReady"`
	// HeapPerPipeline is the growth of the live heap per pipeline between the two, in bytes, split like
	// the heap: localaws's share and the rest (mostly the manager).
	HeapPerPipeline         float64 `json:"heapPerPipelineBytes"`
	HeapLocalAWSPerPipeline float64 `json:"heapLocalawsPerPipelineBytes"`
	HeapOtherPerPipeline    float64 `json:"heapOtherPerPipelineBytes"`
	// Problems lists what went wrong or was not as expected (a resync that wrote, pipelines never Ready).
	Problems []string `json:"problems,omitempty"`
}

// Settings are a run's parameters.
type Settings struct {
	Pipelines      int      `json:"pipelines"`
	Concurrency    int      `json:"concurrency"`
	Profile        string   `json:"profile"`
	Delivery       string   `json:"delivery"`
	IAMPropagation Duration `json:"iamPropagation"`
	// Poll is the operator's wait for AWS resources in transition; 0 means its built-in values.
	Poll         Duration `json:"poll"`
	ResyncPeriod Duration `json:"resyncPeriod"`
	GOMAXPROCS   int      `json:"gomaxprocs"`
	NumCPU       int      `json:"numCPU"`
	GoVersion    string   `json:"goVersion"`
	// Revision is the commit the benchmark was built from ("-dirty" when the tree had changes).
	Revision string `json:"revision"`
}

// Phase is one measured phase.
type Phase struct {
	// Pipelines is how many pipelines the phase covered.
	Pipelines int `json:"pipelines"`
	// Makespan is the phase's wall time.
	Makespan Duration `json:"makespan"`
	// CPU is the CPU time this process (manager, localaws, the benchmark) used in the phase.
	CPU Duration `json:"cpu"`
	// Calls are the AWS calls localaws counted.
	Calls CallSummary `json:"calls"`
	// KubeWrites are the manager's Kubernetes writes by verb, and KubeWritesPerPipeline their sum per
	// pipeline.
	KubeWrites            map[string]int64 `json:"kubeWrites"`
	KubeWritesPerPipeline float64          `json:"kubeWritesPerPipeline"`
	// Reconciles is what the controller of the phase's objects did.
	Reconciles ReconcileStats `json:"reconciles"`
	// Left counts the pipelines that did not finish the phase, by first unfinished condition and reason.
	Left map[string]int `json:"left,omitempty"`
	// Example is one unfinished pipeline's condition message.
	Example string `json:"example,omitempty"`
}

// CreatePhase is the creation phase with its per-pipeline times.
type CreatePhase struct {
	Phase
	// Ready is how many pipelines became Ready.
	Ready int `json:"ready"`
	// TimeToReady is from each pipeline's create to its first observed Ready (polled every 250 ms).
	TimeToReady Latencies `json:"timeToReady"`
	// ProvisioningFloor is the sum of localaws's transitions on a pipeline's critical path (function
	// Pending → Active, then pipe CREATING → RUNNING or mapping Creating → Enabled), the least any
	// controller could take; OverheadP50 is the median time to Ready above it.
	ProvisioningFloor Duration `json:"provisioningFloor"`
	OverheadP50       Duration `json:"overheadP50"`
}

// writeJSON prints the result as indented JSON.
func writeJSON(w io.Writer, r Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints the result for people.
func writeTable(out io.Writer, r Result) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	s := r.Settings
	fmt.Fprintf(w, "kafka-pipeline-operator scale benchmark\n")
	fmt.Fprintf(w, "pipelines\t%d (delivery %s), one shared KafkaCluster with network.create\n", s.Pipelines, s.Delivery)
	fmt.Fprintf(w, "localaws profile\t%s\n", s.Profile)
	poll := "built-in"
	if s.Poll > 0 {
		poll = s.Poll.String()
	}
	fmt.Fprintf(w, "operator\tconcurrency %d, IAM propagation wait %s, transition polls %s, resync period %s\n",
		s.Concurrency, s.IAMPropagation, poll, s.ResyncPeriod)
	fmt.Fprintf(w, "machine\t%d CPUs, GOMAXPROCS %d, %s, revision %s\n\n", s.NumCPU, s.GOMAXPROCS, s.GoVersion, s.Revision)

	fmt.Fprintf(w, "phase\tmakespan\tCPU\tAWS calls\tper pipeline\tAWS writes/pipeline\tkube writes/pipeline\treconciles\tper pipeline\tmean reconcile\tworker use\n")
	for _, p := range []struct {
		name string
		ph   Phase
	}{{"cluster Ready", r.Cluster}, {"pipelines Ready", r.Create.Phase}, {"resync", r.Resync},
		{"pipelines deleted", r.Delete}, {"cluster deleted", r.ClusterDelete}} {
		ph := p.ph
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%.0f\t%s\t%s\t%.0f%%\n", p.name, ph.Makespan, ph.CPU, ph.Calls.Total,
			perPipeline(ph, ph.Calls.PerPipeline, "%.1f"), perPipeline(ph, ph.Calls.WritesPerPipeline, "%.1f"),
			perPipeline(ph, ph.KubeWritesPerPipeline, "%.1f"), ph.Reconciles.Reconciles,
			perPipeline(ph, ph.Reconciles.PerPipeline, "%.2f"), ph.Reconciles.MeanReconcile, 100*ph.Reconciles.WorkerUtilization)
	}
	c := r.Create
	fmt.Fprintf(w, "\ntime to Ready\tp50 %s\tp95 %s\tmax %s\t(%d of %d Ready)\n", c.TimeToReady.P50, c.TimeToReady.P95,
		c.TimeToReady.Max, c.Ready, s.Pipelines)
	fmt.Fprintf(w, "provisioning floor\t%s\tmedian overhead %s\t\t\n", c.ProvisioningFloor, c.OverheadP50)
	fmt.Fprintf(w, "mean workqueue wait\tcreate %s\tresync %s\tdelete %s\t\n", c.Reconciles.MeanQueueWait,
		r.Resync.Reconciles.MeanQueueWait, r.Delete.Reconciles.MeanQueueWait)
	fmt.Fprintf(w, "\nmemory (after GC)\theap\tlocalaws heap\tother heap\tsys\tRSS\tpeak RSS\tgoroutines\n")
	for _, m := range []struct {
		name string
		m    Memory
	}{{"cluster only", r.MemoryBefore}, {"pipelines Ready", r.MemoryReady}} {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", m.name, mib(m.m.HeapAlloc), mib(uint64(max(m.m.HeapLocalAWS, 0))),
			mib(uint64(max(m.m.HeapOther, 0))), mib(m.m.Sys), mib(m.m.RSS), mib(m.m.PeakRSS), m.m.Goroutines)
	}
	fmt.Fprintf(w, "per pipeline\t%s\t%s\t%s\t\t\t\t\n", kib(r.HeapPerPipeline), kib(r.HeapLocalAWSPerPipeline),
		kib(r.HeapOtherPerPipeline))
	if err := w.Flush(); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		ph   Phase
	}{{"pipelines Ready", r.Create.Phase}, {"resync", r.Resync}, {"pipelines deleted", r.Delete}} {
		if err := writeOperations(out, p.name, p.ph); err != nil {
			return err
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(out, "\nPROBLEMS\n")
		for _, p := range r.Problems {
			fmt.Fprintf(out, "  - %s\n", p)
		}
	}
	return nil
}

// perPipeline formats a per-pipeline figure, or "-" for a phase about the cluster alone.
func perPipeline(ph Phase, v float64, format string) string {
	if ph.Pipelines == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

// writeOperations prints one phase's calls by operation, and what did not finish.
func writeOperations(out io.Writer, name string, ph Phase) error {
	fmt.Fprintf(out, "\nAWS calls, %s (%d pipelines; kube writes %s)\n", name, ph.Pipelines, formatCounts(ph.KubeWrites))
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\tservice\toperation\tcalls\tper pipeline\terrors\t\n")
	for _, oc := range ph.Calls.ByOperation {
		kind := "read"
		if oc.Write {
			kind = "WRITE"
		}
		per := 0.0
		if ph.Pipelines > 0 {
			per = float64(oc.Calls) / float64(ph.Pipelines)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%.2f\t%d\t\n", kind, oc.Service, oc.Operation, oc.Calls, per, oc.Errors)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(ph.Left) > 0 {
		fmt.Fprintf(out, "  not finished: %s\n", formatCounts(ph.Left))
		if ph.Example != "" {
			fmt.Fprintf(out, "  for example %s\n", ph.Example)
		}
	}
	return nil
}

// formatCounts renders counts as "a=1 b=2", largest first.
func formatCounts[V int | int64](m map[string]V) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/(1<<10)) }

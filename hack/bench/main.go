// Command bench measures the operator at scale: one KafkaCluster shared by N KafkaPipelines, created at once
// against kube-apiserver and etcd (envtest), with localaws and the manager running in this process. It
// reports the makespan to all Ready, each pipeline's time to Ready, the AWS calls (by operation, and per
// pipeline) to get there and per forced resync, the manager's Kubernetes writes and reconciles, the
// process's memory, and the makespan of deleting everything. `make bench` runs it; docs/benchmarks.md has
// results.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// options are the command's flags.
type options struct {
	n              int
	concurrency    int
	profile        string
	delivery       v1alpha1.Delivery
	iamPropagation time.Duration
	poll           time.Duration
	resyncPeriod   time.Duration
	stall          time.Duration
	timeout        time.Duration
	root           string
	assets         string
	json           bool
	cpuProfile     string
	memProfile     string
	logPath        string
	log            io.Writer
	show           string
	save           string
}

func main() {
	var o options
	var delivery string
	flag.IntVar(&o.n, "n", 100, "number of KafkaPipelines, all created at once")
	flag.IntVar(&o.concurrency, "concurrency", 4, "the manager's MaxConcurrentReconciles")
	flag.StringVar(&o.profile, "profile", "instant", "localaws delay profile: instant, fast or realistic")
	flag.StringVar(&delivery, "delivery", string(v1alpha1.DeliveryPipe), "Pipe or EventSourceMapping")
	flag.DurationVar(&o.iamPropagation, "iam-propagation", 10*time.Second,
		"the manager's wait after a role changes (cmd/manager's default is 10s)")
	flag.DurationVar(&o.poll, "poll", 0,
		"the manager's first wait before looking again at a resource in transition, a dependency or a deletion; later looks back off to once a minute (0 keeps its built-in waits)")
	flag.DurationVar(&o.resyncPeriod, "resync-period", time.Hour,
		"the manager's resync period; the resync phase forces one resync with the reconcile-request annotation")
	flag.DurationVar(&o.stall, "stall", 3*time.Minute, "give up a phase when nothing moved for this long")
	flag.DurationVar(&o.timeout, "timeout", 90*time.Minute, "give up the whole run after this long")
	flag.StringVar(&o.assets, "assets", os.Getenv("KUBEBUILDER_ASSETS"),
		"directory with kube-apiserver and etcd (default $KUBEBUILDER_ASSETS, else bin/k8s)")
	flag.BoolVar(&o.json, "json", false, "print the result as JSON instead of tables")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile, taken with every pipeline Ready, to this file")
	flag.StringVar(&o.logPath, "log", "", "write the manager's and localaws's logs to this file (default: discard)")
	flag.StringVar(&o.save, "save", "", "also write the result as JSON to this file")
	flag.StringVar(&o.show, "show", "", "print the tables of a result saved with -json or -save, and run nothing")
	flag.Parse()
	o.delivery = v1alpha1.Delivery(delivery)
	run := run
	if o.show != "" {
		run = show
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (o *options) validate() error {
	switch {
	case o.n < 1:
		return errors.New("-n must be at least 1")
	case o.concurrency < 1:
		return errors.New("-concurrency must be at least 1")
	case o.delivery != v1alpha1.DeliveryPipe && o.delivery != v1alpha1.DeliveryEventSourceMapping:
		return fmt.Errorf("-delivery must be Pipe or EventSourceMapping, not %q", o.delivery)
	}
	root, err := devstack.FindRoot()
	if err != nil {
		return err
	}
	o.root = root
	if o.assets == "" {
		o.assets = filepath.Join(root, "bin", "k8s")
	}
	return nil
}

func run(o options) (err error) {
	if err := o.validate(); err != nil {
		return err
	}
	if o.logPath != "" {
		f, err := os.Create(o.logPath)
		if err != nil {
			return fmt.Errorf("creating the log file: %w", err)
		}
		defer f.Close()
		o.log = f
	}
	if o.cpuProfile != "" {
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stopProfile()) }()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	progress("starting kube-apiserver, etcd, localaws (profile %s) and the manager (concurrency %d)", o.profile, o.concurrency)
	s, err := startStack(ctx, o)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.stop()) }()

	res, err := measure(ctx, s, o)
	if err != nil {
		return err
	}
	if o.save != "" {
		if err := saveJSON(o.save, res); err != nil {
			return err
		}
	}
	if o.json {
		return writeJSON(os.Stdout, res)
	}
	return writeTable(os.Stdout, res)
}

// show prints the tables of a saved JSON result.
func show(o options) error {
	b, err := os.ReadFile(o.show)
	if err != nil {
		return fmt.Errorf("reading the result: %w", err)
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("decoding the result %s: %w", o.show, err)
	}
	return writeTable(os.Stdout, res)
}

// saveJSON writes the result as JSON to path.
func saveJSON(path string, res Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the result file: %w", err)
	}
	if err := writeJSON(f, res); err != nil {
		f.Close()
		return fmt.Errorf("writing the result to %s: %w", path, err)
	}
	return f.Close()
}

// startCPUProfile profiles the process's CPU into path until the returned function is called.
func startCPUProfile(path string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the CPU profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// writeHeapProfile writes the live heap to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing the heap profile: %w", err)
	}
	return f.Close()
}

// progress tells the person running the benchmark what it is doing, on stderr.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

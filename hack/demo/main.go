// Command demo runs the original stack end to end on this machine and narrates it: it starts the local
// stack (Kubernetes API, localaws, the manager), applies config/samples, waits for the KafkaCluster and
// KafkaPipeline to be Ready, produces a record and reads the processor's log line back from CloudWatch Logs,
// makes the function fail and shows the record reaching the dead-letter queue after Lambda's retries, then
// deletes everything and shows that nothing is left in AWS. It exits non-zero at the first step that fails.
// `make demo` builds what it needs and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
)

func main() {
	addr := flag.String("addr", localaws.DefaultAddr, "localaws listen address")
	stepTimeout := flag.Duration("step-timeout", 2*time.Minute, "longest any one step may take")
	logPath := flag.String("log", "", "file for the manager's and localaws's logs (default .dev/demo.log)")
	boundary := flag.Bool("vpc-boundary", true, "make the brokers reachable only from inside their VPC, as on AWS (needs root)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *stepTimeout, *logPath, *boundary); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, stepTimeout time.Duration, logPath string, boundary bool) (err error) {
	root, err := devstack.FindRoot()
	if err != nil {
		return err
	}
	if logPath == "" {
		logPath = filepath.Join(root, ".dev", "demo.log")
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return fmt.Errorf("creating the log directory: %w", err)
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("creating the log file: %w", err)
	}
	defer logFile.Close()
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w\n(the manager's and localaws's logs are in %s)", err, logPath)
		}
	}()

	d := &demo{out: os.Stdout, stepTimeout: stepTimeout, started: time.Now(), boundary: boundary}
	err = d.step(ctx, "Start the local stack: kube-apiserver + etcd, localaws, the manager", func(context.Context) error {
		// The stack lives as long as the demo, not the step.
		s, err := devstack.Start(ctx, devstack.Options{Root: root, AWSAddr: addr, Log: logFile, VPCBoundary: boundary})
		if err != nil {
			return err
		}
		d.stack = s
		d.say("Kubernetes API: %s (kubeconfig %s)", s.REST.Host, s.Kubeconfig)
		edge := "off"
		if boundary {
			edge = "on: the brokers are reachable only from inside their VPC"
		}
		d.say("localaws:       %s (VPC boundary %s)", s.Endpoint, edge)
		d.say("logs:           %s", logPath)
		return nil
	})
	if err != nil {
		return err
	}
	defer func() {
		if serr := d.stack.Stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	for _, s := range d.steps() {
		if err := d.step(ctx, s.title, s.run); err != nil {
			return err
		}
	}
	d.summary()
	return nil
}

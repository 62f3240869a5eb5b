// Command dev runs the local stack (Kubernetes API, localaws, the manager) until Ctrl-C, and prints how to
// point kubectl and the AWS CLI at it and where the manager's metrics are served. `make dev` builds what it
// needs and runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
)

func main() {
	addr := flag.String("addr", localaws.DefaultAddr, "localaws listen address")
	metricsAddr := flag.String("metrics-addr", "127.0.0.1:8080", "the manager's metrics listen address (port 0 picks a free one)")
	logPath := flag.String("log", "", `file for the manager's and localaws's logs, "-" for stderr (default .dev/dev.log)`)
	boundary := flag.Bool("vpc-boundary", true, "make the brokers reachable only from inside their VPC, as on AWS (needs root); false lets Kafka clients on this host reach them")
	flag.Parse()
	if err := run(*addr, *metricsAddr, *logPath, *boundary); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run(addr, metricsAddr, logPath string, boundary bool) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, err := devstack.FindRoot()
	if err != nil {
		return err
	}
	var logs io.Writer = os.Stderr
	if logPath != "-" {
		if logPath == "" {
			logPath = filepath.Join(root, ".dev", "dev.log")
		}
		if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
			return fmt.Errorf("creating the log directory: %w", err)
		}
		f, err := os.Create(logPath)
		if err != nil {
			return fmt.Errorf("creating the log file: %w", err)
		}
		defer f.Close()
		logs = f
	}
	s, err := devstack.Start(ctx, devstack.Options{Root: root, AWSAddr: addr, MetricsAddr: metricsAddr, Log: logs,
		DataDir: filepath.Join(root, ".dev", "localaws"), VPCBoundary: boundary})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Stop()) }()
	fmt.Printf(`
The local stack is running: kube-apiserver + etcd, localaws and the manager (both controllers).
Their logs: %[4]s

kubectl:
  export KUBECONFIG=%[1]s
  %[2]s/bin/k8s/kubectl apply -k %[2]s/config/samples
  %[2]s/bin/k8s/kubectl get kafkaclusters,kafkapipelines -w

AWS CLI (any credentials; the samples run in ap-northeast-1):
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=ap-northeast-1 AWS_REGION=ap-northeast-1
  aws --endpoint-url %[3]s lambda list-functions
  aws --endpoint-url %[3]s logs filter-log-events --log-group-name /aws/lambda/<function name>
  localaws state dump: curl %[3]s/_localaws/state

Kafka clients: the bootstrap brokers in a KafkaPipeline's status.cluster.bootstrapBrokers, over TLS
(SASL AWS_MSK_IAM or OAUTHBEARER), trusting the CA in
  %[5]s
  (docs/localaws.md has a one-line configuration for each client family)
  %[7]s

The manager's Prometheus metrics (kafkapipeline_*, controller-runtime's):
  curl %[6]s

Ctrl-C stops everything.
`, s.Kubeconfig, s.Root, s.Endpoint, logName(logPath), s.Local.KafkaCAFile, s.MetricsURL, boundaryNote(boundary))
	<-ctx.Done()
	fmt.Println("\nstopping")
	return nil
}

// boundaryNote says where Kafka clients can reach the brokers from.
func boundaryNote(boundary bool) string {
	if boundary {
		return "The VPC boundary is on, as on AWS: the brokers are reachable only from inside their cluster's VPC\n" +
			"  (the manager uses the topic admin function); restart with -vpc-boundary=false to reach them from this host."
	}
	return "The VPC boundary is off: the brokers are reachable from this host."
}

// logName says where the logs go.
func logName(path string) string {
	if path == "-" {
		return "stderr"
	}
	return path
}

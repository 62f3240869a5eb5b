// Command dev runs the local stack (Kubernetes API, localaws, the manager) until Ctrl-C, and prints how to
// point kubectl and the AWS CLI at it. `make dev` builds what it needs and runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
)

func main() {
	addr := flag.String("addr", localaws.DefaultAddr, "localaws listen address")
	quiet := flag.Bool("quiet", false, "do not print the manager's and localaws's logs")
	flag.Parse()
	if err := run(*addr, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run(addr string, quiet bool) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var logs io.Writer = os.Stderr
	if quiet {
		logs = nil
	}
	s, err := devstack.Start(ctx, devstack.Options{AWSAddr: addr, Log: logs})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Stop()) }()
	fmt.Printf(`
The local stack is running: kube-apiserver + etcd, localaws and the manager (both controllers).

kubectl:
  export KUBECONFIG=%[1]s
  %[2]s/bin/k8s/kubectl apply -k %[2]s/config/samples
  %[2]s/bin/k8s/kubectl get kafkaclusters,kafkapipelines -w

AWS CLI (any credentials; the samples run in ap-northeast-1):
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=ap-northeast-1 AWS_REGION=ap-northeast-1
  aws --endpoint-url %[3]s lambda list-functions
  aws --endpoint-url %[3]s logs filter-log-events --log-group-name /aws/lambda/<function name>
  localaws state dump: curl %[3]s/_localaws/state

Ctrl-C stops everything.
`, s.Kubeconfig, s.Root, s.Endpoint)
	<-ctx.Done()
	fmt.Println("\nstopping")
	return nil
}

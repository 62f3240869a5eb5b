package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
)

// region is where the benchmark's cluster and pipelines live.
const region = devstack.DefaultRegion

// stack is the system under test: kube-apiserver and etcd (envtest), localaws and the manager, the last two
// in this process, as internal/devstack runs them, with the benchmark's own client and write counter.
type stack struct {
	dev    *devstack.Stack
	client client.Client
	admin  *adminclient.Client
	writes *writeCounter

	// tmp holds the stack's kubeconfig, so that it does not replace the one of `make dev`.
	tmp       string
	stopCache context.CancelFunc
}

// startStack starts the Kubernetes API from the assets directory with the CRDs under root, localaws with
// the options' profile, and the manager with both controllers (plaintext Kafka: the local brokers have no
// TLS), with the client-side rate limit off as cmd/manager's configuration has it and every Kubernetes
// write counted.
func startStack(ctx context.Context, o options) (*stack, error) {
	s := &stack{writes: newWriteCounter()}
	tmp, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory for the kubeconfig: %w", err)
	}
	s.tmp = tmp
	// localaws's Lambda delays are not scaled, and the manager keeps its built-in waits unless -poll is
	// given; a zero IAM propagation means no wait.
	opts := devstack.Options{Root: o.root, Assets: o.assets, AWSAddr: "127.0.0.1:0", Region: region,
		Profile: o.profile, TimeScale: 1, Kubeconfig: filepath.Join(tmp, "kubeconfig"), ClusterID: "bench",
		IAMPropagation: o.iamPropagation, Poll: o.poll, ResyncPeriod: o.resyncPeriod,
		MaxConcurrentReconciles: o.concurrency, Unthrottled: true, NewClient: s.writes.newClient, Log: o.log}
	if opts.IAMPropagation == 0 {
		opts.IAMPropagation = -1
	}
	if opts.Poll == 0 {
		opts.Poll = -1
	}
	if s.dev, err = devstack.Start(ctx, opts); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	s.admin = s.dev.Admin
	if err := s.startClient(ctx); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

// startClient makes the benchmark's own client. Its reads come from an informer cache of the benchmark's
// namespace, so polling a thousand pipelines every 250 ms costs a watch, not a thousand decoded objects
// per poll competing with the manager for the CPU; its writes go to the API server, with the generous
// client-side limit envtest gives its own configuration.
func (s *stack) startClient(ctx context.Context) error {
	cfg := rest.CopyConfig(s.dev.REST)
	cfg.QPS, cfg.Burst = 1000, 2000
	ctx, s.stopCache = context.WithCancel(ctx)
	c, err := cache.New(cfg, cache.Options{Scheme: devstack.Scheme,
		DefaultNamespaces: map[string]cache.Config{namespace: {}}})
	if err != nil {
		return fmt.Errorf("creating the benchmark's cache: %w", err)
	}
	// The informers the benchmark reads from start now, so the first poll does not wait for them.
	for _, obj := range []client.Object{&v1alpha1.KafkaPipeline{}, &v1alpha1.KafkaCluster{}} {
		if _, err := c.GetInformer(ctx, obj); err != nil {
			return fmt.Errorf("starting the benchmark's informer for %T: %w", obj, err)
		}
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return errors.New("the benchmark's cache did not sync")
	}
	if s.client, err = client.New(cfg, client.Options{Scheme: devstack.Scheme,
		Cache: &client.CacheOptions{Reader: c}}); err != nil {
		return fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	return nil
}

// stop stops whatever started, in reverse order.
func (s *stack) stop() error {
	var errs []error
	if s.stopCache != nil {
		s.stopCache()
		s.stopCache = nil
	}
	if s.dev != nil {
		errs = append(errs, s.dev.Stop())
		s.dev = nil
	}
	if s.tmp != "" {
		if err := os.RemoveAll(s.tmp); err != nil {
			errs = append(errs, fmt.Errorf("removing the kubeconfig's directory: %w", err))
		}
		s.tmp = ""
	}
	return errors.Join(errs...)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/controllers"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// region is where the benchmark's cluster and pipelines live.
const region = "us-east-1"

// stack is the system under test: kube-apiserver and etcd (envtest), localaws and the manager, the last two
// in this process.
type stack struct {
	env    *envtest.Environment
	rest   *rest.Config
	client client.Client
	local  *localaws.Instance
	admin  *adminclient.Client
	writes *writeCounter

	stopManager func() error
	stopCache   context.CancelFunc
}

// startStack starts the Kubernetes API from the assets directory with the CRDs under root, localaws with
// the options' profile, and the manager with both controllers.
func startStack(ctx context.Context, o options) (*stack, error) {
	s := &stack{writes: newWriteCounter()}
	if err := s.startKubernetes(o); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	if err := s.startClient(ctx); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	if err := s.startAWS(ctx, o); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	if err := s.startManager(ctx, o); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

func (s *stack) startKubernetes(o options) error {
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(o.assets, name)); err != nil {
			return fmt.Errorf("%s is missing from %s: run `make k8s-bins` or pass -assets", name, o.assets)
		}
	}
	s.env = &envtest.Environment{
		BinaryAssetsDirectory: o.assets,
		CRDDirectoryPaths:     []string{filepath.Join(o.root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		UseExistingCluster:    ptr.To(false),
		// A busy two-core machine can take longer than the 20 s default to bring etcd and the API up.
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
		ControlPlane: envtest.ControlPlane{
			APIServer: &envtest.APIServer{Path: filepath.Join(o.assets, "kube-apiserver")},
			Etcd:      &envtest.Etcd{Path: filepath.Join(o.assets, "etcd")},
		},
	}
	cfg, err := s.env.Start()
	if err != nil {
		s.env = nil
		return fmt.Errorf("starting kube-apiserver and etcd from %s: %w", o.assets, err)
	}
	s.rest = cfg
	return nil
}

// startClient makes the benchmark's own client. Its reads come from an informer cache of the benchmark's
// namespace, so polling a thousand pipelines every 250 ms costs a watch, not a thousand decoded objects
// per poll competing with the manager for the CPU; its writes go to the API server.
func (s *stack) startClient(ctx context.Context) error {
	ctx, s.stopCache = context.WithCancel(ctx)
	c, err := cache.New(s.rest, cache.Options{Scheme: devstack.Scheme,
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
	if s.client, err = client.New(s.rest, client.Options{Scheme: devstack.Scheme,
		Cache: &client.CacheOptions{Reader: c}}); err != nil {
		return fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	return nil
}

func (s *stack) startAWS(ctx context.Context, o options) error {
	var logger *slog.Logger
	if o.log != nil {
		logger = slog.New(slog.NewTextHandler(o.log, nil))
	}
	local, err := localaws.Start(ctx, localaws.Options{Addr: "127.0.0.1:0", Region: region, Profile: o.profile,
		Logger: logger})
	if err != nil {
		return fmt.Errorf("starting localaws: %w", err)
	}
	s.local = local
	s.admin = adminclient.New(local.Endpoint)
	return nil
}

// awsConfig is the manager's AWS configuration: localaws with dummy credentials.
func (s *stack) awsConfig() aws.Config {
	return aws.Config{Region: region, BaseEndpoint: aws.String(s.local.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("bench", "bench", "")}
}

// startManager runs both controllers as cmd/manager does (plaintext Kafka: the local brokers have no TLS),
// with the client-side rate limit off as controller-runtime's default configuration has it, and every
// Kubernetes write counted.
func (s *stack) startManager(ctx context.Context, o options) error {
	// The Kafka IAM authentication signs for AWS_REGION when the broker host (127.0.0.1) names no region.
	if err := os.Setenv("AWS_REGION", region); err != nil {
		return fmt.Errorf("setting AWS_REGION: %w", err)
	}
	cfg := rest.CopyConfig(s.rest)
	cfg.QPS, cfg.Burst = -1, 0
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:     devstack.Scheme,
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
		Metrics:    metricsserver.Options{BindAddress: "0"},
		NewClient:  s.writes.newClient,
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	awsCfg := s.awsConfig()
	setup := controllers.Setup{
		AWS:            awsapi.NewClientCache(awsCfg),
		Topics:         &kafka.Admin{Credentials: awsCfg.Credentials, Timeout: 10 * time.Second},
		BuiltinCode:    builtin.Zip,
		IAMPropagation: o.iamPropagation,
		Options: controllers.Options{ClusterID: "bench", ResyncPeriod: o.resyncPeriod,
			MaxConcurrentReconciles: o.concurrency},
	}
	mctx, cancel := context.WithCancel(ctx)
	if err := setup.SetupWithManager(mctx, mgr); err != nil {
		cancel()
		return fmt.Errorf("setting up the controllers: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	s.stopManager = func() error {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("running the manager: %w", err)
			}
			return nil
		case <-time.After(time.Minute):
			return errors.New("the manager did not stop within a minute")
		}
	}
	select {
	case err := <-done:
		s.stopManager = nil
		cancel()
		return fmt.Errorf("the manager stopped at once: %w", err)
	case <-mgr.Elected():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop stops whatever started, in reverse order.
func (s *stack) stop() error {
	var errs []error
	if s.stopManager != nil {
		errs = append(errs, s.stopManager())
		s.stopManager = nil
	}
	if s.stopCache != nil {
		s.stopCache()
		s.stopCache = nil
	}
	if s.local != nil {
		if err := s.local.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping localaws: %w", err))
		}
		s.local = nil
	}
	if s.env != nil {
		if err := s.env.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping kube-apiserver and etcd: %w", err))
		}
		s.env = nil
	}
	return errors.Join(errs...)
}

// setLogger sends controller-runtime's logs to w, or discards them.
func setLogger(w io.Writer) {
	if w == nil {
		w = io.Discard
	}
	logf.SetLogger(zap.New(zap.WriteTo(w), zap.UseDevMode(false)))
}

package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kafkapipeline/kafka-pipeline-operator/controllers"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// leaderElectionID names the manager's lease, as cmd/manager's does.
const leaderElectionID = "kafka-pipeline-operator.streaming.kafkapipeline.dev"

// managerStopTimeout bounds how long Stop waits for the controllers to finish their reconciles.
const managerStopTimeout = 30 * time.Second

// setLogger sends controller-runtime's logs (the manager's and envtest's) to w, or discards them.
func setLogger(w io.Writer) {
	if w == nil {
		w = io.Discard
	}
	logf.SetLogger(zap.New(zap.WriteTo(w), zap.UseDevMode(true)))
}

// startManager runs both controllers in a manager against the stack's Kubernetes API and localaws, as
// cmd/manager does (AWS call metrics included), over TLS + IAM to the brokers, trusting localaws's CA (a
// file, for the topic admin functions, as with --kafka-ca-bundle).
func (s *Stack) startManager(ctx context.Context, opts Options) error {
	copts := controllers.Options{ClusterID: opts.ClusterID, ResyncPeriod: opts.ResyncPeriod,
		MaxConcurrentReconciles: opts.MaxConcurrentReconciles, IAMPropagation: opts.IAMPropagation}
	if opts.Poll > 0 {
		copts.AWSWaits = controllers.UniformAWSWaits(opts.Poll)
		copts.Timings = controllers.Timings{ExternalPoll: opts.Poll, DeletePoll: opts.Poll, InUsePoll: opts.Poll}
	}
	cfg := rest.CopyConfig(s.REST)
	if opts.Unthrottled {
		cfg.QPS, cfg.Burst = -1, 0
	}
	if opts.ManagerREST != nil {
		opts.ManagerREST(cfg)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: Scheme,
		// Several stacks may run one after another in one test process; controller names repeat.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
		// serveMetrics serves them when asked, on an address it can report even for port 0.
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress:        "0",
		NewClient:                     opts.NewClient,
		LeaderElection:                opts.LeaderElectionNamespace != "",
		LeaderElectionNamespace:       opts.LeaderElectionNamespace,
		LeaderElectionID:              leaderElectionID,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	awsCfg, err := awsapi.WithCallMetrics(s.AWS, metrics.Registry)
	if err != nil {
		return fmt.Errorf("adding the AWS call metrics: %w", err)
	}
	setup := controllers.Setup{
		AWS: awsapi.NewClientCache(awsCfg),
		Topics: &kafka.Admin{Credentials: s.AWS.Credentials, Region: s.Region, RootCAs: s.kafkaRoots(), Timeout: 10 * time.Second,
			Waits: copts.AWSWaits.Topics},
		KafkaCAFile:       s.KafkaCAFile,
		BuiltinCode:       builtin.Zip,
		BuiltinCodeSHA256: builtin.ZipSHA256,
		Options:           copts,
	}
	mctx, cancel := context.WithCancel(ctx)
	if err := setup.SetupWithManager(mctx, mgr); err != nil {
		cancel()
		return fmt.Errorf("setting up the controllers: %w", err)
	}
	// Last before Start, which then owns the listener.
	if opts.MetricsAddr != "" {
		if err := s.serveMetrics(mgr, opts.MetricsAddr); err != nil {
			cancel()
			return err
		}
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
		case <-time.After(managerStopTimeout):
			return errors.New("the manager did not stop within " + managerStopTimeout.String())
		}
	}
	// A manager that fails at once (a bad configuration) is reported by Start rather than found later.
	select {
	case err := <-done:
		s.stopManager = nil
		cancel()
		if err == nil {
			err = errors.New("it stopped at once")
		}
		return fmt.Errorf("starting the manager: %w", err)
	case <-mgr.Elected():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

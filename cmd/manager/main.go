// Command manager runs the kafka-pipeline-operator controllers: KafkaCluster and KafkaPipeline.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/controllers"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "manager:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		region, clusterID, metricsAddr, probeAddr string
		resync, iamPropagation, transitionPoll    time.Duration
		concurrency                               int
		leaderElect                               bool
		kafkaCABundle                             string
	)
	flag.StringVar(&region, "region", os.Getenv("AWS_REGION"), "default AWS region for objects that name none (default $AWS_REGION)")
	flag.StringVar(&clusterID, "cluster-id", "default", "name of this Kubernetes cluster in ownership tags; give each cluster sharing an AWS account its own")
	flag.DurationVar(&resync, "resync-period", 10*time.Minute, "how often a Ready object is re-read from AWS to repair drift (jittered; spec.resyncPeriod overrides)")
	flag.DurationVar(&iamPropagation, "iam-propagation-delay", 10*time.Second, "time given to IAM after a role changes before services assume it")
	flag.DurationVar(&transitionPoll, "transition-poll", 0, "first wait before looking again at a resource in transition (a cluster CREATING, a pipe UPDATING, ...), a deletion or a dependency; a resource that stays in its state is looked at less often, up to once a minute; 0 keeps the built-in waits, which follow AWS")
	flag.IntVar(&concurrency, "max-concurrent-reconciles", 4, "objects of one kind reconciled at once")
	flag.BoolVar(&leaderElect, "leader-elect", false, "elect a leader so only one replica reconciles")
	flag.StringVar(&kafkaCABundle, "kafka-ca-bundle", os.Getenv("AWS_CA_BUNDLE"), "PEM file of CAs trusted for the Kafka brokers' certificates besides the system's (default $AWS_CA_BUNDLE)")
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8080", "metrics address (\"0\" disables)")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "health and readiness probe address")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	if region == "" {
		return fmt.Errorf("no AWS region: set --region or AWS_REGION")
	}
	timings, awsWaits := controllers.DefaultTimings(), controllers.DefaultAWSWaits()
	if transitionPoll > 0 {
		awsWaits = controllers.UniformAWSWaits(transitionPoll)
		timings.ExternalPoll, timings.DeletePoll, timings.InUsePoll = transitionPoll, transitionPoll, transitionPoll
	}

	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	ctx := ctrl.SetupSignalHandler()
	cfg, err := awsapi.LoadConfig(ctx, awsapi.Options{Region: region, AppID: "kafka-pipeline-operator",
		Registerer: metrics.Registry})
	if err != nil {
		return fmt.Errorf("loading AWS configuration: %w", err)
	}
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: probeAddr,
		LeaderElection:         leaderElect,
		LeaderElectionID:       "kafka-pipeline-operator.streaming.kafkapipeline.dev",
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	return start(ctx, mgr, cfg, controllers.Options{ClusterID: clusterID, ResyncPeriod: resync,
		MaxConcurrentReconciles: concurrency, IAMPropagation: iamPropagation, Timings: timings, AWSWaits: awsWaits}, kafkaCABundle)
}

func start(ctx context.Context, mgr ctrl.Manager, cfg aws.Config, opts controllers.Options, kafkaCABundle string) error {
	roots, err := kafka.CABundle(kafkaCABundle)
	if err != nil {
		return fmt.Errorf("--kafka-ca-bundle: %w", err)
	}
	// The topic admin functions get the same file: on AWS it is unset, and a local AWS runs them on this host.
	setup := controllers.Setup{AWS: awsapi.NewClientCache(cfg), Topics: &kafka.Admin{Credentials: cfg.Credentials, Region: cfg.Region, RootCAs: roots,
		Waits: opts.AWSWaits.Topics},
		KafkaCAFile: kafkaCABundle, BuiltinCode: builtin.Zip, BuiltinCodeSHA256: builtin.ZipSHA256, Options: opts}
	if err := setup.SetupWithManager(ctx, mgr); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	return mgr.Start(ctx)
}

// Package devstack runs the whole operator on one machine: kube-apiserver and etcd (envtest, from bin/k8s)
// with the CRDs installed, localaws (every emulated AWS service plus the Kafka brokers and the Lambda data
// plane) and the manager with both controllers, all in one process. `make demo`, `make dev` and the e2e
// tests start it through Start; the image test starts it without the manager, which it runs in a container.
package devstack

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
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
)

// Defaults of Options.
const (
	// DefaultRegion is the manager's default region and localaws's region for unscoped requests.
	DefaultRegion = "us-east-1"
	// DefaultProfile is the localaws delay profile: transitions take one to three seconds.
	DefaultProfile = "fast"
	// DefaultTimeScale makes Lambda's asynchronous delays 20 times shorter: the retries AWS makes after one
	// and two minutes come after 3 and 6 seconds, and a maximum event age of 60 seconds is 3 seconds.
	DefaultTimeScale = 0.05
	// DefaultClusterID names the local Kubernetes cluster in the ownership tags of AWS resources.
	DefaultClusterID = "dev"
	// DefaultResyncPeriod is how often the controllers reconcile an object nothing changed.
	DefaultResyncPeriod = 10 * time.Minute
	// DefaultMaxConcurrentReconciles is how many objects of a kind the controllers reconcile at once.
	DefaultMaxConcurrentReconciles = 4
)

// Options configure a stack. The zero value runs localaws on 127.0.0.1:4566 and writes the kubeconfig to
// .dev/kubeconfig under the repository root.
type Options struct {
	// Root is the repository root, holding bin/k8s and config/crd/bases. Default: the nearest directory
	// above the working directory with this module's go.mod.
	Root string
	// Assets is the directory with etcd, kube-apiserver and kubectl. Default <Root>/bin/k8s.
	Assets string
	// AWSAddr is localaws's listen address. Default localaws.DefaultAddr (127.0.0.1:4566); "127.0.0.1:0"
	// picks a free port.
	AWSAddr string
	// Region is the manager's default region. Default DefaultRegion.
	Region string
	// Profile is localaws's delay profile: instant, fast or realistic. Default DefaultProfile.
	Profile string
	// TimeScale multiplies Lambda's asynchronous retry delays and event ages. Default DefaultTimeScale.
	TimeScale float64
	// DataDir is localaws's data directory, which keeps the brokers' CA across runs; empty keeps the CA in
	// memory.
	DataDir string
	// KafkaPlaintext makes the brokers also accept plaintext connections without SASL, for debugging
	// clients such as kcat (MSK Serverless has no such listener).
	KafkaPlaintext bool
	// VPCBoundary makes each cluster's brokers reachable only from inside its VPC, as on AWS (localaws's
	// Options.VPCBoundary): the manager then reaches them only through the topic admin function, and the
	// stack's own Kafka clients (Produce, Lag, StartInVPC) dial from inside the VPC. It needs Linux network
	// namespaces, so root: Start fails without.
	VPCBoundary bool
	// Kubeconfig is where the admin kubeconfig for kubectl is written. Default <Root>/.dev/kubeconfig.
	Kubeconfig string
	// ClusterID names this Kubernetes cluster in the AWS resources' ownership tags. Default DefaultClusterID.
	ClusterID string
	// IAMPropagation is how long the manager waits after changing a role before services assume it.
	// Default one second; negative: no wait.
	IAMPropagation time.Duration
	// Poll is how often the manager looks again at an AWS resource in transition (a cluster CREATING, a
	// pipe UPDATING, ...). It sets the AWS packages' wait variables for the whole process. Default one
	// second; negative keeps the controllers' built-in waits, which follow AWS.
	Poll time.Duration
	// ResyncPeriod is how often the controllers reconcile an object nothing changed. Default
	// DefaultResyncPeriod.
	ResyncPeriod time.Duration
	// MaxConcurrentReconciles is how many objects of a kind the controllers reconcile at once. Default
	// DefaultMaxConcurrentReconciles.
	MaxConcurrentReconciles int
	// Unthrottled turns off the client-side limit on the manager's Kubernetes requests (client-go's five a
	// second, bursts of ten), as cmd/manager's configuration does.
	Unthrottled bool
	// NewClient makes the manager's Kubernetes client, for example one that counts its writes. Default
	// controller-runtime's.
	NewClient client.NewClientFunc
	// ManagerREST adjusts the manager's Kubernetes configuration, a copy of the admin one: for example to
	// impersonate the operator's service account, so the manager runs with the shipped RBAC only.
	ManagerREST func(*rest.Config)
	// BeforeManager runs once the Kubernetes API and localaws are up, before the manager starts: for example
	// to apply the RBAC that ManagerREST's identity needs.
	BeforeManager func(context.Context, *Stack) error
	// LeaderElectionNamespace, when set, makes the manager elect a leader with a lease in that namespace, as
	// cmd/manager --leader-elect does in its own.
	LeaderElectionNamespace string
	// Log receives the manager's and localaws's logs; nil discards them.
	Log io.Writer
	// MetricsAddr is where the manager serves its Prometheus metrics at /metrics (the AWS call metrics
	// included), for example 127.0.0.1:8080, or 127.0.0.1:0 for a free port; Stack.MetricsURL says where.
	// Empty serves none.
	MetricsAddr string
	// WithoutManager starts only the Kubernetes API and localaws: the caller runs the manager elsewhere (a
	// container, a process) against Kubeconfig and Endpoint.
	WithoutManager bool
}

// Stack is a running local operator: Kubernetes API, localaws and the manager.
type Stack struct {
	// Root is the repository root.
	Root string
	// Region is the manager's default region.
	Region string
	// Endpoint is localaws's base URL, for example http://127.0.0.1:4566.
	Endpoint string
	// Kubeconfig is the path of the admin kubeconfig.
	Kubeconfig string
	// KubectlPath is the kubectl binary in bin/k8s.
	KubectlPath string
	// REST is the admin configuration of the Kubernetes API.
	REST *rest.Config
	// Client is an admin client of the Kubernetes API that knows the operator's types.
	Client client.Client
	// AWS is the configuration of AWS clients talking to localaws with dummy credentials.
	AWS aws.Config
	// Admin is the localaws admin API client (state dump, counters, faults).
	Admin *adminclient.Client
	// Local is the in-process localaws.
	Local *localaws.Instance
	// MetricsURL is the manager's metrics endpoint, for example http://127.0.0.1:8080/metrics; empty when
	// Options.MetricsAddr is.
	MetricsURL string

	// KafkaCAFile is a PEM file of the CA the brokers' certificates chain to: localaws's own in its data
	// directory, or a copy in a temporary directory the stack removes on Stop.
	KafkaCAFile string

	env         *envtest.Environment
	stopManager func() error
	vpcBoundary bool
	tempDir     string
}

// Start starts the Kubernetes API, localaws and (unless Options.WithoutManager) the manager, in that order.
// Stop releases them; Start cleans up after itself when it fails. ctx bounds the stack's lifetime.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	setLogger(opts.Log)
	s := &Stack{Root: opts.Root, Region: opts.Region, Kubeconfig: opts.Kubeconfig,
		KubectlPath: filepath.Join(opts.Assets, "kubectl")}
	if err := s.startKubernetes(opts); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if err := s.startAWS(ctx, opts); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if opts.BeforeManager != nil {
		if err := opts.BeforeManager(ctx, s); err != nil {
			return nil, errors.Join(fmt.Errorf("preparing for the manager: %w", err), s.Stop())
		}
	}
	if opts.WithoutManager {
		return s, nil
	}
	if err := s.startManager(ctx, opts); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

// Stop stops the manager, localaws and the Kubernetes API, and removes the kubeconfig. It is safe to call
// on a partly started stack and more than once.
func (s *Stack) Stop() error {
	var errs []error
	if s.stopManager != nil {
		errs = append(errs, s.stopManager())
		s.stopManager = nil
	}
	if s.Local != nil {
		if err := s.Local.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping localaws: %w", err))
		}
		s.Local = nil
	}
	if s.env != nil {
		if err := s.env.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping kube-apiserver and etcd: %w", err))
		}
		s.env = nil
		if err := os.Remove(s.Kubeconfig); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing the kubeconfig: %w", err))
		}
	}
	if s.tempDir != "" {
		errs = append(errs, os.RemoveAll(s.tempDir))
		s.tempDir = ""
	}
	return errors.Join(errs...)
}

// startAWS starts localaws in-process and prepares AWS clients for it.
func (s *Stack) startAWS(ctx context.Context, opts Options) error {
	var logger *slog.Logger
	if opts.Log != nil {
		logger = slog.New(slog.NewTextHandler(opts.Log, nil))
	}
	if opts.VPCBoundary && os.Geteuid() != 0 {
		return errors.New("the VPC boundary needs root: localaws puts each VPC in a Linux network namespace of its own; " +
			"run as root, or turn the boundary off (Options.VPCBoundary, -vpc-boundary=false)")
	}
	local, err := localaws.Start(ctx, localaws.Options{Addr: opts.AWSAddr, Region: opts.Region,
		Profile: opts.Profile, TimeScale: opts.TimeScale, Logger: logger, DataDir: opts.DataDir, KafkaPlaintext: opts.KafkaPlaintext,
		VPCBoundary: opts.VPCBoundary})
	if err != nil {
		return fmt.Errorf("starting localaws on %s: %w", opts.AWSAddr, err)
	}
	s.Local, s.vpcBoundary = local, opts.VPCBoundary
	if s.KafkaCAFile = local.KafkaCAFile; s.KafkaCAFile == "" {
		// The topic admin functions read the CA from a file; a CA kept in memory gets one for this run.
		if s.tempDir, err = os.MkdirTemp("", "devstack-"); err != nil {
			return fmt.Errorf("creating a directory for the Kafka CA: %w", err)
		}
		s.KafkaCAFile = filepath.Join(s.tempDir, "kafka-ca.pem")
		if err := os.WriteFile(s.KafkaCAFile, local.KafkaCA, 0o600); err != nil {
			return fmt.Errorf("writing the Kafka CA: %w", err)
		}
	}
	s.Endpoint = local.Endpoint
	s.Admin = adminclient.New(local.Endpoint)
	s.AWS = aws.Config{Region: opts.Region, BaseEndpoint: aws.String(local.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return nil
}

// AWSIn returns the AWS configuration for a region other than the default.
func (s *Stack) AWSIn(region string) aws.Config {
	cfg := s.AWS.Copy()
	if region != "" {
		cfg.Region = region
	}
	return cfg
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() (Options, error) {
	if o.Root == "" {
		root, err := FindRoot()
		if err != nil {
			return o, err
		}
		o.Root = root
	}
	if o.Assets == "" {
		o.Assets = filepath.Join(o.Root, "bin", "k8s")
	}
	if o.AWSAddr == "" {
		o.AWSAddr = localaws.DefaultAddr
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.Profile == "" {
		o.Profile = DefaultProfile
	}
	if o.TimeScale == 0 {
		o.TimeScale = DefaultTimeScale
	}
	if o.Kubeconfig == "" {
		o.Kubeconfig = filepath.Join(o.Root, ".dev", "kubeconfig")
	}
	if o.ClusterID == "" {
		o.ClusterID = DefaultClusterID
	}
	if o.Poll == 0 {
		o.Poll = time.Second
	}
	if o.IAMPropagation == 0 {
		o.IAMPropagation = time.Second
	}
	if o.ResyncPeriod == 0 {
		o.ResyncPeriod = DefaultResyncPeriod
	}
	if o.MaxConcurrentReconciles == 0 {
		o.MaxConcurrentReconciles = DefaultMaxConcurrentReconciles
	}
	return o, nil
}

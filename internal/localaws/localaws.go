// Package localaws assembles the local AWS: every emulated service behind one HTTP endpoint, startable
// in-process from Go tests (Start) or as the localaws binary.
package localaws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/brokers"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/certs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/ec2"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iam"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/logs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/msk"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/pipes"
	lambdaruntime "github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/runtime"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/s3"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/streams"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sts"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/vpcnet"
)

// DefaultAddr is where localaws listens unless told otherwise.
const DefaultAddr = "127.0.0.1:4566"

// Options configure a localaws instance.
type Options struct {
	// Addr is the listen address; "127.0.0.1:0" picks a free port. Default DefaultAddr.
	Addr string
	// Region is the default region for requests without a credential scope. Default us-east-1.
	Region string
	// AccountID appears in every ARN. Default 000000000000.
	AccountID string
	// Profile names the delay profile: instant, fast (default) or realistic.
	Profile string
	// Overrides set per-transition durations over the profile.
	Overrides map[lifecycle.Kind]time.Duration
	// PropagationDelay is how long a new IAM role takes before services can assume it.
	PropagationDelay time.Duration
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// LogLevel, when set, is the level variable behind Logger, changeable through the admin API.
	LogLevel *slog.LevelVar
	// TimeScale multiplies the real-world delays of Lambda's asynchronous invocations: the retry delays
	// (about 1 and 2 minutes), the throttle backoff (1 s to 5 min) and each function's
	// MaximumEventAgeInSeconds. 0 means 1 (real time); tests use e.g. 0.001.
	TimeScale float64
	// DataDir keeps what outlives a run: the CA the brokers' TLS certificates chain to
	// (certs.CertFile and certs.KeyFile), generated there on first use. Empty keeps a CA in memory.
	DataDir string
	// KafkaCACert and KafkaCAKey, when both set, are PEM files of the CA to use instead (DataDir's is
	// then neither read nor written).
	KafkaCACert, KafkaCAKey string
	// KafkaPlaintext also accepts plaintext Kafka connections without SASL on the brokers' ports, for
	// debugging: MSK Serverless has no such listener.
	KafkaPlaintext bool
	// VPCBoundary makes a cluster's brokers reachable only from inside its VPC, as on AWS: each VPC is a
	// Linux network namespace of its own, where the brokers listen and the pipes' and event source mappings'
	// pollers dial from; the endpoint is also reachable there. It needs Linux and root; Start fails without.
	VPCBoundary bool
	// AWSQueueURLs gives SQS queues AWS's URLs (https://sqs.<region>.amazonaws.com/<account>/<name>)
	// instead of URLs on the localaws endpoint. SDKs that send SQS requests to the queue URL (the AWS SDK
	// for JavaScript v3) then leave localaws unless their endpoint is configured for SQS as well.
	AWSQueueURLs bool
}

// Instance is a running localaws.
type Instance struct {
	// Endpoint is the base URL clients use, e.g. http://127.0.0.1:4566.
	Endpoint string
	// Server is the HTTP handler, for in-process access to call counters.
	Server *server.Server
	// Runtime executes Lambda functions (instances, the asynchronous queue); Stop shuts it down.
	Runtime *lambdaruntime.Runtime
	// Streams consumes for running pipes and enabled event source mappings; Stop stops every consumer.
	Streams *streams.Streams
	// KafkaCA is the PEM certificate of the CA the brokers' TLS certificates chain to.
	KafkaCA []byte
	// KafkaCAFile is where KafkaCA is kept ("" for a CA that lives in memory).
	KafkaCAFile string

	httpServer *http.Server
	brokers    *brokers.Pool
	boundary   *vpcnet.Boundary // nil without Options.VPCBoundary
	place      *vpcPlacement    // nil without Options.VPCBoundary
	done       chan error
	stopOnce   sync.Once
	stopErr    error
}

// Start listens on opts.Addr and serves every service until ctx ends or Stop is called.
func Start(ctx context.Context, opts Options) (*Instance, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	timings, err := lifecycle.NewTimings(opts.Profile)
	if err != nil {
		return nil, err
	}
	for k, d := range opts.Overrides {
		if err := timings.SetOverride(k, d); err != nil {
			return nil, err
		}
	}
	timings.SetPropagation(opts.PropagationDelay)

	authority, caFile, err := kafkaCA(opts)
	if err != nil {
		return nil, err
	}
	var place *vpcPlacement
	poolCfg := brokers.Config{Logger: opts.Logger, Authority: authority, Plaintext: opts.KafkaPlaintext}
	if opts.VPCBoundary {
		boundary, err := vpcnet.New()
		if err != nil {
			return nil, err
		}
		place = &vpcPlacement{boundary: boundary}
		poolCfg.Network = place.clusterNetwork
	}
	pool, err := brokers.NewPool(poolCfg)
	if err != nil {
		place.close()
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		place.close()
		return nil, fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	endpoint := "http://" + ln.Addr().String()
	queueURLBase := endpoint
	if opts.AWSQueueURLs {
		queueURLBase = ""
	}
	rtCfg := lambdaruntime.Config{Endpoint: endpoint, Region: opts.Region, TimeScale: opts.TimeScale, Logger: opts.Logger}
	if place != nil {
		rtCfg.VPCs = place.functionNetwork
	}
	svcs, functionRuntime, flow, err := services(timings, pool, sqs.Config{QueueURLBase: queueURLBase}, rtCfg, place)
	if err != nil {
		_ = ln.Close()
		pool.Close()
		place.close()
		return nil, err
	}
	srv := server.New(server.Options{Region: opts.Region, AccountID: opts.AccountID, Timings: timings,
		Logger: opts.Logger, LogLevel: opts.LogLevel, KafkaCA: authority.CertPEM()}, svcs...)
	srv.OnReset(functionRuntime.Reset)

	inst := &Instance{Endpoint: endpoint, Server: srv, Runtime: functionRuntime, Streams: flow, brokers: pool,
		KafkaCA: authority.CertPEM(), KafkaCAFile: caFile,
		httpServer: &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { inst.done <- inst.httpServer.Serve(ln) }()
	if place != nil {
		inst.boundary, inst.place = place.boundary, place
		// Functions and pollers in a VPC reach the endpoint at the same address from inside.
		if err := place.boundary.Expose(ln.Addr().String(), func(l net.Listener) { _ = inst.httpServer.Serve(l) }); err != nil {
			_ = inst.Stop()
			return nil, err
		}
	}
	go func() {
		<-ctx.Done()
		_ = inst.Stop()
	}()
	return inst, nil
}

// KafkaClientOpts are franz-go options that connect to a cluster's brokers as an MSK Serverless client
// does: TLS trusting KafkaCA, and OAUTHBEARER with an IAM token for the cluster's region. With
// Options.VPCBoundary they dial from inside the cluster's VPC, as the pollers do: they are the view of a
// client in the VPC, not of the caller.
func (i *Instance) KafkaClientOpts(clusterARN string) []kgo.Opt {
	return i.brokers.ClientOpts(clusterARN)
}

// StartInVPC starts cmd as a process on a host in a cluster's VPC would run, for Kafka clients that are
// not Go (kcat, librdkafka): with Options.VPCBoundary inside the network namespace of the cluster's VPC,
// where its brokers listen; without it on this host, where they listen too. Wait for cmd as for any
// started command.
func (i *Instance) StartInVPC(clusterARN string, cmd *exec.Cmd) error {
	if i.place == nil {
		return cmd.Start()
	}
	ns, err := i.place.clusterNamespace(clusterARN)
	if err != nil {
		return fmt.Errorf("starting %s in the VPC of %s: %w", cmd.Path, clusterARN, err)
	}
	return ns.Start(cmd)
}

// kafkaCA returns the brokers' CA as the options choose it, and the file that holds its certificate.
func kafkaCA(opts Options) (*certs.Authority, string, error) {
	switch {
	case opts.KafkaCACert != "" || opts.KafkaCAKey != "":
		if opts.KafkaCACert == "" || opts.KafkaCAKey == "" {
			return nil, "", errors.New("the Kafka CA needs both a certificate and a key file")
		}
		a, err := certs.Load(opts.KafkaCACert, opts.KafkaCAKey)
		return a, opts.KafkaCACert, err
	case opts.DataDir != "":
		a, err := certs.LoadOrCreate(opts.DataDir)
		if err != nil {
			return nil, "", fmt.Errorf("the Kafka CA in %s: %w", opts.DataDir, err)
		}
		return a, filepath.Join(opts.DataDir, certs.CertFile), nil
	default:
		a, err := certs.New()
		return a, "", err
	}
}

// Stop closes the listener and every open connection and kills every function process. It is safe to call
// more than once.
func (i *Instance) Stop() error {
	i.stopOnce.Do(func() {
		i.stopErr = i.httpServer.Close()
		i.Streams.Close() // before the brokers, so consumers commit what they finished and leave their groups
		i.brokers.Close()
		i.stopErr = errors.Join(i.stopErr, i.Runtime.Close())
		if i.boundary != nil { // after everything that listens, dials or runs in a VPC
			i.stopErr = errors.Join(i.stopErr, i.boundary.Close())
		}
		if serveErr := <-i.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
			i.stopErr = errors.Join(i.stopErr, serveErr)
		}
	})
	return i.stopErr
}

// services builds every emulated service (SQS from sqsCfg) and wires the references between them. The returned Runtime
// (configured by rtCfg, with SQS and CloudWatch Logs added here) executes Lambda functions; it is also the
// invoker for the data plane's pipes and event source mappings, whose consumers the returned Streams runs.
// With place (Options.VPCBoundary), it is given the services that know where clusters and subnets are.
func services(t *lifecycle.Timings, pool *brokers.Pool, sqsCfg sqs.Config, rtCfg lambdaruntime.Config, place *vpcPlacement) ([]server.Service, *lambdaruntime.Runtime, *streams.Streams, error) {
	iamSvc := iam.New(iam.Config{Timings: t})
	sqsSvc := sqs.New(sqsCfg)
	s3Svc := s3.New(s3.Config{})
	ec2Svc := ec2.New(ec2.Config{Timings: t})
	logsSvc := logs.New(logs.Config{})
	mskSvc := msk.New(msk.Config{Timings: t, Brokers: pool, Network: ec2Svc})
	if place != nil {
		place.clusters, place.subnets = mskSvc, ec2Svc
	}
	rtCfg.Queues, rtCfg.Logs = sqsSvc, logsSvc
	functionRuntime, err := lambdaruntime.New(rtCfg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("starting the Lambda runtime: %w", err)
	}
	var lambdaSvc *lambda.Service
	flow := streams.New(streams.Config{Clusters: pool, Invoker: functionRuntime, Queues: sqsSvc, Logger: rtCfg.Logger,
		Functions: streams.FunctionsFunc(func(name string) (lambda.FunctionView, bool) { return lambdaSvc.Function(name) })})
	lambdaSvc = lambda.New(lambda.Config{Timings: t, IAM: iamSvc, Queues: sqsSvc, Objects: s3Svc, Clusters: mskSvc,
		Executor: functionRuntime, Mappings: flow.Mappings(), Network: ec2Svc})
	functionRuntime.SetFunctions(lambdaSvc)
	pipesSvc := pipes.New(pipes.Config{Timings: t, Roles: iamSvc, Clusters: mskSvc, Functions: lambdaSvc,
		Runner: flow.Pipes()})
	return []server.Service{iamSvc, sts.New(sts.Config{}), sqsSvc, s3Svc, mskSvc, lambdaSvc, pipesSvc,
		ec2Svc, logsSvc}, functionRuntime, flow, nil
}

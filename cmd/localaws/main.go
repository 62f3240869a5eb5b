// Command localaws runs a local, wire-compatible AWS for MSK, EventBridge Pipes, Lambda, SQS, IAM, STS,
// EC2, S3 and CloudWatch Logs on one port. Point any AWS client at it with AWS_ENDPOINT_URL (or the CLI's
// --endpoint-url) and dummy credentials.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/certs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "localaws:", err)
		os.Exit(1)
	}
}

// overrides collects repeated --delay kind=duration flags.
type overrides map[lifecycle.Kind]time.Duration

func (o overrides) String() string { return fmt.Sprint(map[lifecycle.Kind]time.Duration(o)) }

func (o overrides) Set(v string) error {
	kind, dur, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want kind=duration, e.g. cluster.create=10s")
	}
	d, err := time.ParseDuration(dur)
	if err != nil {
		return err
	}
	o[lifecycle.Kind(kind)] = d
	return nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run() error {
	delays := overrides{}
	addr := flag.String("addr", env("LOCALAWS_ADDR", localaws.DefaultAddr), "listen address (env LOCALAWS_ADDR)")
	region := flag.String("region", env("LOCALAWS_REGION", "us-east-1"), "default region (env LOCALAWS_REGION)")
	account := flag.String("account-id", env("LOCALAWS_ACCOUNT_ID", "000000000000"), "account id in ARNs (env LOCALAWS_ACCOUNT_ID)")
	profile := flag.String("profile", env("LOCALAWS_PROFILE", lifecycle.DefaultProfile), "delay profile: instant, fast or realistic (env LOCALAWS_PROFILE)")
	propagation := flag.Duration("propagation-delay", 0, "how long a new IAM role takes to become assumable")
	level := flag.String("log-level", env("LOCALAWS_LOG_LEVEL", "info"), "request log level: debug, info, warn, error (env LOCALAWS_LOG_LEVEL)")
	timeScale := flag.Float64("time-scale", envFloat("LOCALAWS_TIME_SCALE", 1), "multiplies Lambda's asynchronous retry delays (1 and 2 min), throttle backoff and maximum event age; e.g. 0.01 makes the 1 min retry take 0.6 s (env LOCALAWS_TIME_SCALE)")
	dataDir := flag.String("data-dir", env("LOCALAWS_DATA_DIR", defaultDataDir()), "directory kept across runs: the Kafka CA ("+certs.CertFile+", "+certs.KeyFile+") is generated there once (env LOCALAWS_DATA_DIR)")
	caCert := flag.String("kafka-ca-cert", "", "PEM certificate of a CA to sign the brokers' certificates with, instead of the data directory's (needs --kafka-ca-key)")
	caKey := flag.String("kafka-ca-key", "", "PEM private key of --kafka-ca-cert")
	plaintext := flag.Bool("kafka-plaintext", false, "also accept plaintext Kafka connections without SASL on the brokers' ports, for debugging (MSK Serverless has no such listener)")
	awsQueueURLs := flag.Bool("aws-queue-urls", env("LOCALAWS_AWS_QUEUE_URLS", "") == "true", "give SQS queues AWS's URLs (https://sqs.<region>.amazonaws.com/...) instead of URLs on this endpoint (env LOCALAWS_AWS_QUEUE_URLS=true)")
	vpcBoundary := flag.Bool("vpc-boundary", env("LOCALAWS_VPC_BOUNDARY", "") == "true", "make each cluster's brokers reachable only from inside its VPC (a Linux network namespace per VPC; needs root), as on AWS (env LOCALAWS_VPC_BOUNDARY=true)")
	flag.Var(delays, "delay", "override one transition's duration, kind=duration (repeatable); kinds: "+kindList())
	flag.Parse()
	if *timeScale <= 0 {
		return fmt.Errorf("--time-scale must be positive, got %v", *timeScale)
	}

	var lv slog.LevelVar
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: &lv}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	inst, err := localaws.Start(ctx, localaws.Options{Addr: *addr, Region: *region, AccountID: *account,
		Profile: *profile, Overrides: delays, PropagationDelay: *propagation, Logger: logger, LogLevel: &lv, TimeScale: *timeScale,
		DataDir: *dataDir, KafkaCACert: *caCert, KafkaCAKey: *caKey, KafkaPlaintext: *plaintext,
		AWSQueueURLs: *awsQueueURLs, VPCBoundary: *vpcBoundary})
	if err != nil {
		return err
	}
	logger.Info("localaws is serving", "endpoint", inst.Endpoint, "region", *region, "profile", *profile, "kafkaCA", inst.KafkaCAFile)
	fmt.Fprintf(os.Stderr, "\nPoint clients at it:\n  export AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=%s\n  aws --endpoint-url %s sqs list-queues\n",
		inst.Endpoint, *region, inst.Endpoint)
	fmt.Fprintf(os.Stderr, "Kafka clients connect over TLS (SASL AWS_MSK_IAM or OAUTHBEARER) trusting the CA in\n  %s  (also at %s/_localaws/kafka/ca.pem)\n\n",
		inst.KafkaCAFile, inst.Endpoint)
	<-ctx.Done()
	return inst.Stop()
}

// defaultDataDir is localaws under the user's configuration directory, or .localaws when there is none.
func defaultDataDir() string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "localaws")
	}
	return ".localaws"
}

// envFloat reads a number from the environment, or returns def when it is unset or not a number.
func envFloat(key string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return v
	}
	return def
}

func kindList() string {
	names := make([]string, 0, len(lifecycle.Kinds))
	for _, k := range lifecycle.Kinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

package aws

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

// localEnv points the standard configuration chain at a localaws server through the environment only,
// as the manager is pointed at it in deployments, and isolates it from the machine's AWS files.
func localEnv(t *testing.T) (*server.Server, *adminclient.Client) {
	t.Helper()
	srv, cfg := lawstest.Serve(t, sqs.New(sqs.Config{}))
	endpoint := aws.ToString(cfg.BaseEndpoint)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "",
		"AWS_CONFIG_FILE":             t.TempDir() + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/credentials",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_MAX_ATTEMPTS":            "",
		"AWS_RETRY_MODE":              "",
	} {
		t.Setenv(k, v)
	}
	return srv, adminclient.New(endpoint)
}

// counter returns the value of the calls counter for the labels, 0 when absent.
func counter(t *testing.T, reg *prometheus.Registry, service, operation, code string) float64 {
	t.Helper()
	for _, m := range family(t, reg, MetricCalls) {
		if labels(m)["service"] == service && labels(m)["operation"] == operation && labels(m)["code"] == code {
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// observations returns the sample count of the latency histogram for the labels.
func observations(t *testing.T, reg *prometheus.Registry, service, operation string) uint64 {
	t.Helper()
	for _, m := range family(t, reg, MetricDuration) {
		if labels(m)["service"] == service && labels(m)["operation"] == operation {
			return m.GetHistogram().GetSampleCount()
		}
	}
	return 0
}

func family(t *testing.T, reg *prometheus.Registry, name string) []*dto.Metric {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()
		}
	}
	return nil
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// serverCount is how many calls of an operation the server answered, whatever the status.
func serverCount(srv *server.Server, operation string) int64 {
	return adminclient.Calls(srv.Calls()).Count("sqs", operation)
}

func TestLoadConfigCountsEveryAttemptByCode(t *testing.T) {
	srv, admin := localEnv(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	cfg, err := LoadConfig(ctx, Options{Region: "us-east-1", AppID: "kpo-test", MaxAttempts: 3,
		MaxBackoff: 5 * time.Millisecond, Registerer: reg})
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	client := sqssdk.NewFromConfig(cfg)

	// Two throttles, then success: the SDK retries, every attempt is counted with its code.
	if _, err := admin.AddFault(ctx, server.Fault{Service: "sqs", Operation: "ListQueues", Throttle: true, Count: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil {
		t.Fatalf("ListQueues after two throttles: %v", err)
	}
	if got := counter(t, reg, "SQS", "ListQueues", "RequestThrottled"); got != 2 {
		t.Errorf("throttled ListQueues attempts = %v, want 2", got)
	}
	if got := counter(t, reg, "SQS", "ListQueues", CodeOK); got != 1 {
		t.Errorf("OK ListQueues attempts = %v, want 1", got)
	}
	if got, want := observations(t, reg, "SQS", "ListQueues"), uint64(serverCount(srv, "ListQueues")); got != want || got != 3 {
		t.Errorf("ListQueues latency observations = %d, server answered %d, want 3", got, want)
	}

	// A modelled error that is not retried: one attempt, counted under the code the SDK reports.
	_, err = client.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("missing")})
	var missing *sqstypes.QueueDoesNotExist
	if !errors.As(err, &missing) {
		t.Fatalf("GetQueueUrl of a missing queue: %v, want QueueDoesNotExist", err)
	}
	if got := counter(t, reg, "SQS", "GetQueueUrl", missing.ErrorCode()); got != 1 {
		t.Errorf("GetQueueUrl attempts with code %s = %v, want 1", missing.ErrorCode(), got)
	}

	// A server fault on every attempt: MaxAttempts attempts, then the error.
	if _, err := admin.AddFault(ctx, server.Fault{Service: "sqs", Operation: "CreateQueue", ErrorCode: "InternalError",
		Status: 500}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("q")}); err == nil {
		t.Fatal("CreateQueue with a permanent server fault succeeded")
	}
	if got := counter(t, reg, "SQS", "CreateQueue", "InternalError"); got != 3 {
		t.Errorf("CreateQueue attempts with InternalError = %v, want 3 (MaxAttempts)", got)
	}
	if got := serverCount(srv, "CreateQueue"); got != 3 {
		t.Errorf("server answered %d CreateQueue calls, want 3", got)
	}
}

func TestLoadConfigSharesMetricsAcrossConfigs(t *testing.T) {
	localEnv(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	for i := range 2 {
		cfg, err := LoadConfig(ctx, Options{Region: "us-east-1", Registerer: reg})
		if err != nil {
			t.Fatalf("LoadConfig #%d with a registry that already holds the metrics: %v", i+1, err)
		}
		if _, err := sqssdk.NewFromConfig(cfg).ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := counter(t, reg, "SQS", "ListQueues", CodeOK); got != 2 {
		t.Errorf("OK ListQueues attempts over two configs = %v, want 2", got)
	}
}

func TestWithCallMetricsCountsAStaticConfigsCallsAndLeavesItAlone(t *testing.T) {
	_, static := lawstest.Serve(t, sqs.New(sqs.Config{}))
	// Spare capacity: an append that reused it would change what static's clients run.
	static.APIOptions = make([]func(*middleware.Stack) error, 0, 4)
	reg := prometheus.NewRegistry()
	cfg, err := WithCallMetrics(static, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sqssdk.NewFromConfig(cfg).ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := sqssdk.NewFromConfig(static).ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil {
		t.Fatal(err)
	}
	if got := counter(t, reg, "SQS", "ListQueues", CodeOK); got != 1 {
		t.Errorf("OK ListQueues attempts = %v, want 1: only the config with the metrics counts", got)
	}
	if static.APIOptions[:1][0] != nil {
		t.Errorf("WithCallMetrics wrote into the spare capacity of the original config's API options")
	}
}

func TestLoadConfigRefusesAConflictingRegistry(t *testing.T) {
	localEnv(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: MetricCalls, Help: "something else"}))
	if _, err := LoadConfig(context.Background(), Options{Region: "us-east-1", Registerer: reg}); err == nil {
		t.Fatal("LoadConfig registered its metrics over a different collector of the same name")
	}
}

func TestLoadConfigRetryerAndIdentity(t *testing.T) {
	localEnv(t)
	cfg, err := LoadConfig(context.Background(), Options{Region: "eu-west-1", AppID: "kpo-test"})
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Region != "eu-west-1" || cfg.AppID != "kpo-test" {
		t.Errorf("region %q, app id %q; want eu-west-1, kpo-test", cfg.Region, cfg.AppID)
	}
	if cfg.Retryer == nil {
		t.Fatal("no retryer factory")
	}
	a, b := cfg.Retryer(), cfg.Retryer()
	if a == b {
		t.Error("the retryer factory returned one shared retryer; each client needs its own")
	}
	if got := a.MaxAttempts(); got != DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", got, DefaultMaxAttempts)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "test" {
		t.Errorf("credentials from the environment: %+v, %v", creds, err)
	}
}

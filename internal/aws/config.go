package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultMaxAttempts is how many attempts the SDK makes per operation when Options.MaxAttempts is zero. The
// controller's workqueue is the slower, outer backoff, so a handful of quick attempts is enough.
const DefaultMaxAttempts = 5

// Metric names of the call-metrics middleware.
const (
	MetricCalls    = "kafkapipeline_aws_api_calls_total"
	MetricDuration = "kafkapipeline_aws_api_call_duration_seconds"
)

// CodeOK is the code label of a successful call.
const CodeOK = "OK"

// Options configure LoadConfig.
type Options struct {
	// Region is the default region; empty leaves it to the standard chain (AWS_REGION, shared config).
	Region string
	// AppID is added to every request's User-Agent, so calls can be told apart in CloudTrail.
	AppID string
	// MaxAttempts is the number of attempts per operation, first one included; zero means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the delay between attempts; zero keeps the SDK's default (20 s).
	MaxBackoff time.Duration
	// Registerer receives the call metrics; nil turns the metrics middleware off. Registering into a
	// registry that already holds them (a second config, e.g. for another region) reuses them.
	Registerer prometheus.Registerer
}

// LoadConfig returns the one aws.Config every SDK client of the operator is built from. Credentials come from
// the default chain (environment, IRSA web identity, EKS Pod Identity, shared files, instance metadata) and
// endpoints only from the standard AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> variables, so a local
// emulator is configuration, not a code path. Retries use the standard mode through a factory, so each
// client gets its own retryer, with no client-side retry quota: under sustained failures a shared token
// bucket runs dry and then every call fails at once without backoff; the workqueue already limits retries.
func LoadConfig(ctx context.Context, o Options) (aws.Config, error) {
	maxAttempts := o.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	loads := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
				so.RateLimiter = ratelimit.None
				if o.MaxBackoff > 0 {
					so.MaxBackoff = o.MaxBackoff
				}
			})
		}),
	}
	if o.Region != "" {
		loads = append(loads, config.WithRegion(o.Region))
	}
	if o.AppID != "" {
		loads = append(loads, config.WithAppID(o.AppID))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if o.Registerer != nil {
		return WithCallMetrics(cfg, o.Registerer)
	}
	return cfg, nil
}

// WithCallMetrics returns a copy of cfg whose clients count every call attempt and its latency into reg, as
// MetricCalls and MetricDuration. LoadConfig adds them when Options.Registerer is set; a configuration made
// another way (the local stack's, for one) gets the same metrics through this.
func WithCallMetrics(cfg aws.Config, reg prometheus.Registerer) (aws.Config, error) {
	m, err := newCallMetrics(reg)
	if err != nil {
		return aws.Config{}, err
	}
	cfg = cfg.Copy()
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), m.addTo)
	return cfg, nil
}

// callMetrics counts SDK calls and their latency. It sits in the Finalize step right after the retry
// middleware, so it sees every attempt: a throttled call retried twice counts two throttles and one OK. That
// is what AWS meters and throttles against, and it makes retry storms visible; the SDK's own retries are
// otherwise invisible to the operator.
type callMetrics struct {
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newCallMetrics(reg prometheus.Registerer) (*callMetrics, error) {
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricCalls,
		Help: "AWS API call attempts by service, operation and result code (OK or the AWS error code).",
	}, []string{"service", "operation", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricDuration,
		Help:    "Latency of AWS API call attempts by service and operation.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 13),
	}, []string{"service", "operation"})
	var err error
	if calls, err = register(reg, calls); err != nil {
		return nil, err
	}
	if duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	return &callMetrics{calls: calls, duration: duration}, nil
}

// register registers c, or returns the equal collector already registered.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, fmt.Errorf("registering AWS call metrics: %w", err)
}

// addTo inserts the middleware into a client's stack.
func (m *callMetrics) addTo(stack *middleware.Stack) error {
	return stack.Finalize.Insert(m, (&retry.Attempt{}).ID(), middleware.After)
}

// ID implements middleware.FinalizeMiddleware.
func (m *callMetrics) ID() string { return "KafkaPipelineCallMetrics" }

// HandleFinalize implements middleware.FinalizeMiddleware: it times one attempt and counts its result.
func (m *callMetrics) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	start := time.Now()
	out, md, err := next.HandleFinalize(ctx, in)
	service, operation := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	m.duration.WithLabelValues(service, operation).Observe(time.Since(start).Seconds())
	m.calls.WithLabelValues(service, operation, resultCode(ctx, err)).Inc()
	return out, md, err
}

// resultCode is the code label for an attempt's error: the AWS error code, or a fixed word for failures that
// never reached AWS.
func resultCode(ctx context.Context, err error) string {
	var ae smithy.APIError
	switch {
	case err == nil:
		return CodeOK
	case errors.As(err, &ae) && ae.ErrorCode() != "":
		return ae.ErrorCode()
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return "Canceled"
	}
	return "ClientError"
}

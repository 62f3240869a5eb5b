package topicadmin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// The environment of a topic admin function.
const (
	// EnvMode selects the built-in binary's mode; ModeTopicAdmin selects this one (unset: the record processor).
	EnvMode = "KP_MODE"
	// ModeTopicAdmin is EnvMode's value for the topic admin mode.
	ModeTopicAdmin = "topic-admin"
	// EnvBrokers holds the cluster's bootstrap brokers (host:port,…, the SASL/IAM listener).
	EnvBrokers = "KP_BOOTSTRAP_BROKERS"
	// EnvCAFile optionally names a PEM file of extra roots the brokers' certificates chain to (MSK's chain
	// to the system's roots; a local cluster's do not).
	EnvCAFile = "KP_KAFKA_CA_FILE"
)

// Environment returns the variables of a topic admin function for a cluster's bootstrap brokers.
func Environment(bootstrapBrokers string) map[string]string {
	return map[string]string{EnvMode: ModeTopicAdmin, EnvBrokers: bootstrapBrokers}
}

// Topics is the topic administration the handler delegates to (kafka.Admin).
type Topics interface {
	// Ensure makes the topic exist with at least the partitions and the configs asked for.
	Ensure(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error)
	// Describe returns the topic; a topic the brokers do not have is kafka.ErrTopicNotFound.
	Describe(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error)
}

// Handler answers topic admin requests against one cluster.
type Handler struct {
	// Topics talks to the brokers.
	Topics Topics
	// Brokers are the cluster's bootstrap brokers.
	Brokers []string
	// Region is the cluster's region, which IAM tokens are signed for.
	Region string
}

// FromEnvironment builds the handler of a function from its environment (getenv is os.Getenv): the
// brokers from EnvBrokers, the region and the execution role's credentials as Lambda provides them.
func FromEnvironment(ctx context.Context, getenv func(string) string) (*Handler, error) {
	brokers := getenv(EnvBrokers)
	if brokers == "" {
		return nil, fmt.Errorf("the topic admin function needs the cluster's bootstrap brokers in %s", EnvBrokers)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the function's AWS configuration: %w", err)
	}
	roots, err := kafka.CABundle(getenv(EnvCAFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvCAFile, err)
	}
	return &Handler{Topics: &kafka.Admin{Credentials: cfg.Credentials, Region: cfg.Region, RootCAs: roots},
		Brokers: strings.Split(brokers, ","), Region: cfg.Region}, nil
}

// Handle carries out one request. Every failure is an Answer with an Error (the invocation itself
// succeeds), so the caller can tell a refused request from a failed function.
func (h *Handler) Handle(ctx context.Context, req Request) (Answer, error) {
	if err := req.validate(); err != nil {
		return failed(req, ErrorInvalidSpec, err), nil
	}
	treq := kafka.TopicRequest{Brokers: h.Brokers, Region: h.Region, Name: req.Topic, Partitions: req.Partitions,
		Config: req.Config}
	var (
		st  kafka.TopicState
		err error
	)
	if req.Action == ActionEnsure {
		st, err = h.Topics.Ensure(ctx, treq)
	} else {
		st, err = h.Topics.Describe(ctx, treq)
	}
	if err != nil {
		return failed(req, errorType(err), err), nil
	}
	return Answer{Topic: st.Name, Partitions: st.Partitions, Created: st.Created, Grown: st.Grown}, nil
}

// validate rejects requests no broker should see.
func (r Request) validate() error {
	switch {
	case r.Action != ActionEnsure && r.Action != ActionDescribe:
		return fmt.Errorf("unknown action %q (want %q or %q)", r.Action, ActionEnsure, ActionDescribe)
	case r.Topic == "":
		return errors.New("the request names no topic")
	case r.Action == ActionEnsure && r.Partitions < 1:
		return fmt.Errorf("ensure needs at least 1 partition, not %d", r.Partitions)
	}
	return nil
}

// errorType classifies an error of kafka.Admin.
func errorType(err error) string {
	if errors.Is(err, kafka.ErrTopicNotFound) {
		return ErrorTopicNotFound
	}
	if _, ok := outcome.AsTerminal(err); ok {
		return ErrorInvalidSpec
	}
	if w, ok := outcome.AsWaiting(err); ok && w.Reason == kafka.ReasonUnreachable {
		return ErrorUnreachable
	}
	return ErrorRetriable
}

func failed(req Request, typ string, err error) Answer {
	return Answer{Topic: req.Topic, Error: &Error{Type: typ, Message: err.Error()}}
}

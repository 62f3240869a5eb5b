// Package kafka manages Kafka topics on MSK clusters through the Kafka admin protocol over TLS,
// authenticating with SASL/OAUTHBEARER and an MSK IAM token signed from the operator's AWS credentials
// (MSK Serverless has no control-plane topic API).
package kafka

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/mskauth"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// ReasonUnreachable is the condition reason when the brokers cannot be reached or refuse the operator.
const ReasonUnreachable = "Unreachable"

// Waits are how long the outcomes of a topic client ask to wait before trying again.
type Waits struct {
	// Unreachable is the wait before trying again brokers that could not be reached or refused the
	// operator.
	Unreachable time.Duration
}

// DefaultWaits are the waits for MSK, whose brokers become reachable minutes after a cluster is ACTIVE
// at worst, and whose access rules an administrator changes.
func DefaultWaits() Waits { return Waits{Unreachable: 30 * time.Second} }

// OrDefault returns w with its zero fields set to DefaultWaits' values.
func (w Waits) OrDefault() Waits {
	if w.Unreachable == 0 {
		w.Unreachable = DefaultWaits().Unreachable
	}
	return w
}

// TopicRequest is a topic the spec asks for.
type TopicRequest struct {
	// Brokers are the bootstrap brokers (host:port, SASL/IAM listener).
	Brokers []string
	// Region is the cluster's region, which the IAM token is signed for; empty means Admin.Region.
	Region string
	// Name is the topic name.
	Name string
	// Partitions is the wanted partition count; partitions are added, never removed.
	Partitions int32
	// Config are topic configs to set (other configs are left alone).
	Config map[string]string
	// MustExist asks only to find the topic, which someone else creates: Ensure creates and changes
	// nothing, and returns ErrTopicNotFound while the topic does not exist.
	MustExist bool
}

// ErrTopicNotFound is (wrapped in) the error of Ensure for a topic that MustExist and does not, and of a
// Describe of a topic the brokers do not have.
var ErrTopicNotFound = errors.New("the topic does not exist")

// TopicState is the topic as the brokers describe it.
type TopicState struct {
	// Name is the topic name.
	Name string
	// Partitions is the partition count.
	Partitions int32
	// Created reports that this Ensure created the topic.
	Created bool
	// Grown reports that this Ensure added partitions to the topic.
	Grown bool
}

// Admin creates and updates topics. It dials the brokers with TLS, as MSK requires, and authenticates
// with OAUTHBEARER and a token from aws-msk-iam-sasl-signer-go, as AWS documents for Go clients.
type Admin struct {
	// Credentials sign the IAM token.
	Credentials aws.CredentialsProvider
	// Region is the region of clusters whose request names none (the manager's default region).
	Region string
	// RootCAs verify the brokers' certificates; nil uses the system's roots, which MSK's chain to.
	RootCAs *x509.CertPool
	// Timeout bounds one Ensure (default 20s), so an unreachable cluster never blocks a reconcile for long.
	Timeout time.Duration
	// Waits are the waits its outcomes ask for; zero fields take DefaultWaits' values.
	Waits Waits
}

// Ensure makes the topic exist with at least req.Partitions partitions and the requested configs.
// Unreachable or refusing brokers give a Waiting outcome with reason Unreachable.
func (a *Admin) Ensure(ctx context.Context, req TopicRequest) (TopicState, error) {
	var state TopicState
	err := a.withClient(ctx, req, func(ctx context.Context, adm *kadm.Client) error {
		var err error
		state, err = a.ensure(ctx, adm, req)
		return err
	})
	return state, err
}

// Describe returns the topic as the brokers describe it; a topic they do not have is ErrTopicNotFound.
func (a *Admin) Describe(ctx context.Context, req TopicRequest) (TopicState, error) {
	var state TopicState
	err := a.withClient(ctx, req, func(ctx context.Context, adm *kadm.Client) error {
		td, found, err := a.describe(ctx, adm, req)
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("describing topic %s: %w", req.Name, ErrTopicNotFound)
		}
		state = TopicState{Name: req.Name, Partitions: int32(len(td.Partitions))}
		return nil
	})
	return state, err
}

// withClient runs do with an admin client of req's brokers, bounded by the Admin's timeout.
func (a *Admin) withClient(ctx context.Context, req TopicRequest, do func(context.Context, *kadm.Client) error) error {
	if len(req.Brokers) == 0 || req.Brokers[0] == "" {
		return outcome.Wait(a.Waits.OrDefault().Unreachable, ReasonUnreachable, "the cluster has no bootstrap brokers yet")
	}
	timeout := a.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cl, err := a.client(req)
	if err != nil {
		return err
	}
	defer cl.Close()
	return do(ctx, kadm.NewClient(cl))
}

// describe lists the topic; found is false when the brokers do not have it.
func (a *Admin) describe(ctx context.Context, adm *kadm.Client, req TopicRequest) (kadm.TopicDetail, bool, error) {
	details, err := adm.ListTopics(ctx, req.Name)
	if err != nil {
		return kadm.TopicDetail{}, false, a.unreachable(req, err)
	}
	td, ok := details[req.Name]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return kadm.TopicDetail{}, false, nil
	}
	if td.Err != nil {
		return kadm.TopicDetail{}, false, a.classify(req, "describing topic "+req.Name, td.Err)
	}
	return td, true, nil
}

// ensure is Ensure with a connected client.
func (a *Admin) ensure(ctx context.Context, adm *kadm.Client, req TopicRequest) (TopicState, error) {
	td, found, err := a.describe(ctx, adm, req)
	if err != nil {
		return TopicState{}, err
	}
	if !found {
		if req.MustExist {
			return TopicState{}, fmt.Errorf("topic %s: %w", req.Name, ErrTopicNotFound)
		}
		if _, err := adm.CreateTopic(ctx, req.Partitions, -1, configPointers(req.Config), req.Name); err != nil &&
			!errors.Is(err, kerr.TopicAlreadyExists) {
			return TopicState{}, a.classify(req, "creating topic "+req.Name, err)
		}
		return TopicState{Name: req.Name, Partitions: req.Partitions, Created: true}, nil
	}
	have, grown := int32(len(td.Partitions)), false
	if req.MustExist {
		return TopicState{Name: req.Name, Partitions: have}, nil
	}
	if req.Partitions > have {
		resp, err := adm.UpdatePartitions(ctx, int(req.Partitions), req.Name)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			return TopicState{}, a.classify(req, fmt.Sprintf("growing topic %s from %d to %d partitions", req.Name, have, req.Partitions), err)
		}
		have, grown = req.Partitions, true
	}
	if err := a.syncConfig(ctx, adm, req); err != nil {
		return TopicState{}, err
	}
	return TopicState{Name: req.Name, Partitions: have, Grown: grown}, nil
}

// syncConfig sets the requested configs whose values differ; configs not in the request are left alone.
func (a *Admin) syncConfig(ctx context.Context, adm *kadm.Client, req TopicRequest) error {
	if len(req.Config) == 0 {
		return nil
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, req.Name)
	if err != nil {
		return a.classify(req, "describing the configs of topic "+req.Name, err)
	}
	rc, err := rcs.On(req.Name, nil)
	if err != nil {
		return a.classify(req, "describing the configs of topic "+req.Name, err)
	}
	current := map[string]string{}
	for _, c := range rc.Configs {
		if c.Value != nil {
			current[c.Key] = *c.Value
		}
	}
	var alter []kadm.AlterConfig
	for _, k := range slices.Sorted(maps.Keys(req.Config)) {
		if v := req.Config[k]; current[k] != v {
			alter = append(alter, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: kadm.StringPtr(v)})
		}
	}
	if len(alter) == 0 {
		return nil
	}
	resps, err := adm.AlterTopicConfigs(ctx, alter, req.Name)
	if err == nil {
		_, err = resps.On(req.Name, nil)
	}
	if err != nil {
		return a.classify(req, "setting configs of topic "+req.Name, err)
	}
	return nil
}

func (a *Admin) client(req TopicRequest) (*kgo.Client, error) {
	creds, region := a.Credentials, req.Region
	if region == "" {
		region = a.Region
	}
	cl, err := kgo.NewClient(append(mskauth.ClientOpts(creds, region, a.RootCAs),
		kgo.SeedBrokers(req.Brokers...),
		kgo.DialTimeout(5*time.Second),
		kgo.RequestRetries(2),
	)...)
	if err != nil {
		return nil, fmt.Errorf("building a Kafka client for %s: %w", strings.Join(req.Brokers, ","), err)
	}
	return cl, nil
}

// classify maps Kafka errors: authorization failures and unreachable brokers wait with reason Unreachable
// (an administrator or the network must change); invalid requests are terminal; the rest are transient.
func (a *Admin) classify(req TopicRequest, what string, err error) error {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch {
		case errors.Is(err, kerr.InvalidPartitions), errors.Is(err, kerr.InvalidConfig),
			errors.Is(err, kerr.InvalidTopicException), errors.Is(err, kerr.InvalidReplicationFactor),
			errors.Is(err, kerr.PolicyViolation):
			return outcome.Fail("InvalidSpec", fmt.Errorf("%s: %w", what, err))
		case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.ClusterAuthorizationFailed),
			errors.Is(err, kerr.SaslAuthenticationFailed):
			return outcome.Wait(a.Waits.OrDefault().Unreachable, ReasonUnreachable, "%s: the brokers refused the operator's IAM identity: %v", what, err)
		}
		if ke.Retriable {
			return fmt.Errorf("%s: %w", what, err)
		}
		return outcome.Fail("InvalidSpec", fmt.Errorf("%s: %w", what, err))
	}
	return a.unreachable(req, fmt.Errorf("%s: %w", what, err))
}

// unreachable is the Waiting outcome of brokers that could not be reached.
func (a *Admin) unreachable(req TopicRequest, err error) error {
	return outcome.Wait(a.Waits.OrDefault().Unreachable, ReasonUnreachable, "cannot reach the cluster's brokers %s: %v",
		strings.Join(req.Brokers, ","), err)
}

func configPointers(cfg map[string]string) map[string]*string {
	if len(cfg) == 0 {
		return nil
	}
	out := make(map[string]*string, len(cfg))
	for k, v := range cfg {
		out[k] = kadm.StringPtr(v)
	}
	return out
}

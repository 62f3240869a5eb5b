// Package brokers backs every ACTIVE localaws MSK cluster with a real Kafka-protocol cluster: three
// in-process kfake brokers on 127.0.0.1. Clients authenticate with AWS_MSK_IAM SASL as on MSK Serverless
// (the payload is checked: version, the kafka-cluster:Connect action and a kafka-cluster credential scope);
// plain clients such as kcat connect without SASL. Topics are never created automatically, as on MSK.
package brokers

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Mechanism is the SASL mechanism MSK IAM authentication uses.
const Mechanism = "AWS_MSK_IAM"

// Pool runs the brokers of every active cluster. It implements the MSK emulator's Brokers hook.
type Pool struct {
	log      *slog.Logger
	mu       sync.Mutex
	clusters map[string]*kfake.Cluster
}

// NewPool returns an empty pool. logger may be nil.
func NewPool(logger *slog.Logger) *Pool {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Pool{log: logger, clusters: map[string]*kfake.Cluster{}}
}

// Start starts three brokers for a cluster and returns their addresses as a bootstrap string.
func (p *Pool) Start(clusterARN string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clusters[clusterARN]; ok {
		return strings.Join(c.ListenAddrs(), ","), nil
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.ClusterID(clusterID(clusterARN)),
		kfake.BrokerConfigs(map[string]string{"log.cleaner.backoff.ms": "1000"}))
	if err != nil {
		return "", fmt.Errorf("starting the brokers of %s: %w", clusterARN, err)
	}
	installIAMAuth(c, p.log.With("cluster", clusterARN))
	p.clusters[clusterARN] = c
	bootstrap := strings.Join(c.ListenAddrs(), ",")
	p.log.Info("brokers started", "cluster", clusterARN, "bootstrap", bootstrap)
	return bootstrap, nil
}

// Stop stops a cluster's brokers; its data is gone.
func (p *Pool) Stop(clusterARN string) {
	p.mu.Lock()
	c, ok := p.clusters[clusterARN]
	delete(p.clusters, clusterARN)
	p.mu.Unlock()
	if ok {
		c.Close()
		p.log.Info("brokers stopped", "cluster", clusterARN)
	}
}

// Cluster returns the running brokers of a cluster, for the data plane.
func (p *Pool) Cluster(clusterARN string) (*kfake.Cluster, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.clusters[clusterARN]
	return c, ok
}

// Close stops every cluster's brokers.
func (p *Pool) Close() {
	p.mu.Lock()
	clusters := p.clusters
	p.clusters = map[string]*kfake.Cluster{}
	p.mu.Unlock()
	for _, c := range clusters {
		c.Close()
	}
}

// clusterID gives kfake a stable cluster id derived from the ARN.
func clusterID(arn string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(arn)).String()
}

// installIAMAuth makes the brokers accept AWS_MSK_IAM: the handshake accepts the mechanism, and the
// authenticate step checks the signed payload's shape (signatures are not verified: any credentials work,
// as everywhere in localaws).
func installIAMAuth(c *kfake.Cluster, log *slog.Logger) {
	c.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		hreq := req.(*kmsg.SASLHandshakeRequest)
		resp := hreq.ResponseKind().(*kmsg.SASLHandshakeResponse)
		if hreq.Mechanism != Mechanism {
			resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
			resp.SupportedMechanisms = []string{Mechanism}
		}
		return resp, nil, true
	})
	c.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		areq := req.(*kmsg.SASLAuthenticateRequest)
		resp := areq.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		if err := CheckPayload(areq.SASLAuthBytes); err != nil {
			log.Warn("MSK IAM authentication refused", "error", err)
			resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
			msg := "Access denied: " + err.Error()
			resp.ErrorMessage = &msg
			return resp, nil, true
		}
		resp.SASLAuthBytes, _ = json.Marshal(map[string]string{"version": "2020_10_22", "request-id": uuid.NewString()})
		return resp, nil, true
	})
}

// CheckPayload validates an AWS_MSK_IAM authentication payload as MSK would before checking the signature:
// version 2020_10_22, action kafka-cluster:Connect, a SigV4 credential for the kafka-cluster service, a host
// and a signature.
func CheckPayload(b []byte) error {
	var p map[string]string
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("the payload is not a JSON object of strings: %w", err)
	}
	var errs []error
	if p["version"] != "2020_10_22" {
		errs = append(errs, fmt.Errorf("version %q is not 2020_10_22", p["version"]))
	}
	if p["action"] != "kafka-cluster:Connect" {
		errs = append(errs, fmt.Errorf("action %q is not kafka-cluster:Connect", p["action"]))
	}
	if parts := strings.Split(p["x-amz-credential"], "/"); len(parts) != 5 || parts[3] != "kafka-cluster" || parts[4] != "aws4_request" {
		errs = append(errs, fmt.Errorf("credential %q is not a kafka-cluster SigV4 credential scope", p["x-amz-credential"]))
	}
	if p["host"] == "" || p["x-amz-signature"] == "" || p["x-amz-date"] == "" {
		errs = append(errs, errors.New("host, x-amz-date and x-amz-signature are required"))
	}
	return errors.Join(errs...)
}

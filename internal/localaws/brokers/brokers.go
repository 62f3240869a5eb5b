// Package brokers backs every ACTIVE localaws MSK cluster with a real Kafka-protocol cluster: three
// in-process kfake brokers. Like MSK Serverless's IAM port (9098) they speak TLS, with a certificate from
// localaws's CA, and require SASL before anything but ApiVersions: AWS_MSK_IAM or OAUTHBEARER with MSK's
// IAM tokens, checked for the action, the service and region scope and expiry (not the signature: any
// credentials work). Plaintext without SASL is an opt-in for debugging. Topics are never created
// automatically, as on MSK.
package brokers

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/certs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/mskauth"
)

// DefaultHost is where brokers listen unless Config.ListenHost says otherwise.
const DefaultHost = "127.0.0.1"

// Config configures a Pool.
type Config struct {
	// Logger receives the brokers' lifecycle and refused authentications; nil discards.
	Logger *slog.Logger
	// Authority issues the brokers' TLS certificates; nil generates an in-memory CA.
	Authority *certs.Authority
	// Plaintext also accepts plaintext connections, without SASL, on the brokers' ports. MSK Serverless
	// has no such listener: it is for debugging only.
	Plaintext bool
	// Now is the clock signatures are checked against; nil is time.Now.
	Now func() time.Time
	// ListenHost chooses the address (IP) a cluster's brokers listen on, which is also the host in its
	// bootstrap string and certificate; nil listens on DefaultHost.
	ListenHost func(clusterARN string) string
	// Network, when set, places a cluster's brokers in a network of their own (its VPC's): they listen
	// there, and ClientOpts dial from there. nil listens in the host's network.
	Network func(clusterARN string) (Network, error)
}

// Network is a network brokers can be placed in (a VPC's network namespace).
type Network interface {
	// Listen listens inside the network.
	Listen(network, address string) (net.Listener, error)
	// DialContext connects from inside the network.
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Pool runs the brokers of every active cluster. It implements the MSK emulator's Brokers hook.
type Pool struct {
	cfg      Config
	mu       sync.Mutex
	clusters map[string]*kfake.Cluster
	networks map[string]Network // of the clusters placed by Config.Network
}

// NewPool returns an empty pool.
func NewPool(cfg Config) (*Pool, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ListenHost == nil {
		cfg.ListenHost = func(string) string { return DefaultHost }
	}
	if cfg.Authority == nil {
		a, err := certs.New()
		if err != nil {
			return nil, err
		}
		cfg.Authority = a
	}
	return &Pool{cfg: cfg, clusters: map[string]*kfake.Cluster{}, networks: map[string]Network{}}, nil
}

// Authority is the CA the brokers' certificates chain to.
func (p *Pool) Authority() *certs.Authority { return p.cfg.Authority }

// Start starts three brokers for a cluster and returns their addresses as a bootstrap string.
func (p *Pool) Start(clusterARN string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clusters[clusterARN]; ok {
		return strings.Join(c.ListenAddrs(), ","), nil
	}
	host := p.cfg.ListenHost(clusterARN)
	serverTLS, err := p.cfg.Authority.ServerConfig(serverNames(host)...)
	if err != nil {
		return "", fmt.Errorf("issuing the brokers' certificate of %s: %w", clusterARN, err)
	}
	log := p.cfg.Logger.With("cluster", clusterARN)
	auth := authenticator{region: arnRegion(clusterARN), now: p.cfg.Now, log: log}
	netListen := net.Listen
	var placed Network
	if p.cfg.Network != nil {
		if placed, err = p.cfg.Network(clusterARN); err != nil {
			return "", fmt.Errorf("placing the brokers of %s: %w", clusterARN, err)
		}
		netListen = placed.Listen
	}
	listen := func(network, address string) (net.Listener, error) {
		_, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		ln, err := netListen(network, net.JoinHostPort(host, port))
		if err != nil {
			return nil, err
		}
		return &listener{Listener: ln, tls: serverTLS, plaintext: p.cfg.Plaintext, auth: auth, log: log}, nil
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.ClusterID(clusterID(clusterARN)), kfake.ListenFn(listen),
		kfake.BrokerConfigs(map[string]string{"log.cleaner.backoff.ms": "1000"}))
	if err != nil {
		return "", fmt.Errorf("starting the brokers of %s: %w", clusterARN, err)
	}
	p.clusters[clusterARN] = c
	if placed != nil {
		p.networks[clusterARN] = placed
	}
	bootstrap := strings.Join(c.ListenAddrs(), ",")
	log.Info("brokers started", "bootstrap", bootstrap, "plaintext", p.cfg.Plaintext)
	return bootstrap, nil
}

// serverNames are the names a certificate for brokers on host must hold: the host, and for loopback
// also localhost and the other loopback address, so clients may dial either.
func serverNames(host string) []string {
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return []string{host, "localhost", "127.0.0.1", "::1"}
	}
	return []string{host}
}

// ClientOpts are the franz-go options a client inside localaws (the pipes' and event source mappings'
// pollers) connects to a cluster's brokers with: TLS trusting the CA and OAUTHBEARER with an IAM token
// for the cluster's region, as AWS's pollers authenticate with the execution role. For a cluster placed
// in a network of its own they dial from inside it, as AWS's pollers run in the cluster's subnets.
func (p *Pool) ClientOpts(clusterARN string) []kgo.Opt {
	p.mu.Lock()
	placed := p.networks[clusterARN]
	p.mu.Unlock()
	var dial mskauth.DialFunc
	if placed != nil {
		dial = placed.DialContext
	}
	return mskauth.ClientOptsVia(credentials.NewStaticCredentialsProvider("LOCALAWSPOLLER", "localaws", ""),
		arnRegion(clusterARN), p.cfg.Authority.Pool(), dial)
}

// Stop stops a cluster's brokers; its data is gone.
func (p *Pool) Stop(clusterARN string) {
	p.mu.Lock()
	c, ok := p.clusters[clusterARN]
	delete(p.clusters, clusterARN)
	delete(p.networks, clusterARN)
	p.mu.Unlock()
	if ok {
		c.Close()
		p.cfg.Logger.Info("brokers stopped", "cluster", clusterARN)
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
	p.clusters, p.networks = map[string]*kfake.Cluster{}, map[string]Network{}
	p.mu.Unlock()
	for _, c := range clusters {
		c.Close()
	}
}

// clusterID gives kfake a stable cluster id derived from the ARN.
func clusterID(arn string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(arn)).String()
}

// arnRegion is the region field of an ARN ("" when it has none).
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[3]
}

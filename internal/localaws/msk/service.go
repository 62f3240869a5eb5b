// Package msk emulates the Amazon MSK control plane (signing name "kafka") for serverless clusters:
// CreateClusterV2, DescribeClusterV2, ListClustersV2, DeleteCluster, GetBootstrapBrokers and the tagging
// operations, over restJson1 with lowerCamel members. Clusters go CREATING → ACTIVE and DELETING → gone on
// the lifecycle timings; an optional Brokers hook backs each ACTIVE cluster with a real broker.
package msk

import (
	"net/http"
	"sync"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Brokers starts and stops the Kafka brokers behind clusters. Start is called when a cluster becomes
// ACTIVE and returns the bootstrap string GetBootstrapBrokers reports (bootstrapBrokerStringSaslIam); an
// error puts the cluster in FAILED. Stop is called when a cluster is gone (deleted, or the service reset);
// it must tolerate clusters it never started and being called twice.
type Brokers interface {
	Start(clusterARN string) (bootstrap string, err error)
	Stop(clusterARN string)
}

// Config configures the MSK service.
type Config struct {
	// Timings decides how long clusters take to create and delete; nil uses the default profile.
	Timings *lifecycle.Timings
	// Brokers backs ACTIVE clusters with brokers; nil reports a deterministic, unreachable
	// boot-<id>.c1.kafka-serverless.<region>.amazonaws.com:9098 bootstrap string.
	Brokers Brokers
	// Network, when set, makes CreateClusterV2 check that its subnets and security groups exist, as MSK does.
	Network Network
}

// Network answers whether EC2 resources exist (the EC2 emulator implements it).
type Network interface {
	SubnetExists(region, subnetID string) bool
	SecurityGroupExists(region, groupID string) bool
}

// Service is the emulated MSK control plane. It implements server.Service.
type Service struct {
	timings *lifecycle.Timings
	brokers Brokers
	network Network
	router  wire.RestRouter

	mu       sync.Mutex
	clusters map[string]*cluster // by cluster ARN; the ARN carries the region
}

// New returns an MSK service with no clusters.
func New(cfg Config) *Service {
	s := &Service{timings: cfg.Timings, brokers: cfg.Brokers, network: cfg.Network, clusters: map[string]*cluster{}}
	if s.timings == nil {
		s.timings = lifecycle.DefaultTimings()
	}
	if s.brokers == nil {
		s.brokers = placeholderBrokers{}
	}
	s.routes()
	return s
}

func (s *Service) routes() {
	r := &s.router
	r.Handle("POST /api/v2/clusters", "CreateClusterV2", s.createCluster)
	r.Handle("GET /api/v2/clusters", "ListClustersV2", s.listClusters)
	r.Handle("GET /v1/clusters", "ListClusters", s.listClustersV1)
	r.Handle("GET /api/v2/clusters/{clusterArn}", "DescribeClusterV2", s.describeCluster)
	r.Handle("DELETE /v1/clusters/{clusterArn}", "DeleteCluster", s.deleteCluster)
	r.Handle("GET /v1/clusters/{clusterArn}/bootstrap-brokers", "GetBootstrapBrokers", s.getBootstrapBrokers)
	r.Handle("POST /v1/tags/{resourceArn}", "TagResource", s.tagResource)
	r.Handle("DELETE /v1/tags/{resourceArn}", "UntagResource", s.untagResource)
	r.Handle("GET /v1/tags/{resourceArn}", "ListTagsForResource", s.listTags)
}

// Name implements server.Service.
func (s *Service) Name() string { return "kafka" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return wire.RestJSON{} }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) { return s.router.Resolve(c) }

// Throttle implements server.Service: MSK answers an exceeded rate with TooManyRequestsException (429).
func (s *Service) Throttle() *wire.Error {
	return wire.Errorf(http.StatusTooManyRequests, "TooManyRequestsException", "Too Many Requests")
}

// Reset implements server.Service: it drops every cluster and stops the brokers of those that had them.
func (s *Service) Reset() {
	s.mu.Lock()
	old := s.clusters
	s.clusters = map[string]*cluster{}
	s.mu.Unlock()
	for arn, cl := range old {
		if cl.brokersStarted {
			s.brokers.Stop(arn)
		}
	}
}

// Snapshot implements server.Service: every cluster as DescribeClusterV2 shows it, by ARN.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]clusterInfo, len(s.clusters))
	for arn, cl := range s.clusters {
		out[arn] = cl.info()
	}
	return out
}

// ClusterState reports the state of the cluster with this ARN (CREATING, ACTIVE, DELETING, FAILED); ok is
// false when no such cluster exists.
func (s *Service) ClusterState(clusterARN string) (state string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, ok := s.clusters[clusterARN]
	if !ok {
		return "", false
	}
	return cl.state, true
}

// Package cluster manages an MSK Serverless cluster with IAM client authentication: it finds the cluster by
// its status ARN or its deterministic name, creates it with ownership tags, reports its state and SASL/IAM
// bootstrap brokers, repairs tag drift, refuses changes to create-only fields, and deletes it. It also reads
// clusters the operator does not manage (given by ARN) without ever changing them.
package cluster

import (
	"time"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on clusters.
const Component = "cluster"

// Waits are how long a Service's outcomes ask to wait before looking at a cluster in a transitional state
// again.
type Waits struct {
	// Creating is the wait while a cluster is CREATING (MSK Serverless takes minutes).
	Creating time.Duration
	// Busy is the wait while a cluster is DELETING, UPDATING or in maintenance.
	Busy time.Duration
}

// DefaultWaits are the waits for MSK, whose clusters take minutes to change state.
func DefaultWaits() Waits { return Waits{Creating: 30 * time.Second, Busy: 30 * time.Second} }

// Desired is the MSK Serverless cluster an object asks for.
type Desired struct {
	// Name is the deterministic cluster name (naming.Name with naming.SuffixCluster).
	Name string
	// SubnetIDs are the client subnets (at least two, in different Availability Zones). Create-only.
	SubnetIDs []string
	// SecurityGroupIDs are the security groups of the cluster's VPC endpoints. Create-only.
	SecurityGroupIDs []string
	// Owner identifies the owning object; its tags mark the cluster as the operator's.
	Owner tags.Owner
	// Tags are the user's tags, merged under the ownership tags.
	Tags map[string]string
}

// tags returns every tag the cluster should carry.
func (d Desired) tags() map[string]string { return d.Owner.Tags(Component, d.Tags) }

// Observed is what MSK reports about a cluster.
type Observed struct {
	// ARN is the cluster ARN.
	ARN string
	// Name is the cluster name.
	Name string
	// UUID is the ARN's last segment ("<uuid>-<suffix>"), the part topic and group ARNs repeat.
	UUID string
	// State is the cluster state (CREATING, ACTIVE, DELETING, FAILED, ...).
	State string
	// StateMessage is MSK's stateInfo message (set when the cluster FAILED).
	StateMessage string
	// CurrentVersion is the cluster version DeleteCluster takes.
	CurrentVersion string
	// BootstrapBrokers is the SASL/IAM bootstrap broker string; empty until the cluster is ACTIVE.
	BootstrapBrokers string
	// SubnetIDs and SecurityGroupIDs are the cluster's VPC configuration.
	SubnetIDs, SecurityGroupIDs []string
	// IAMAuth reports whether IAM client authentication is on.
	IAMAuth bool
	// Tags are the cluster's tags.
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages MSK Serverless clusters.
type Service struct {
	api   awsapi.KafkaAPI
	waits Waits
}

// New returns a Service that calls MSK through api and waits as waits says.
func New(api awsapi.KafkaAPI, waits Waits) *Service { return &Service{api: api, waits: waits} }

// managed is the cluster of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
}

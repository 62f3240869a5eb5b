package msk

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/big"
	"strings"
	"time"
)

// Cluster states MSK reports for serverless clusters.
const (
	stateCreating = "CREATING"
	stateActive   = "ACTIVE"
	stateDeleting = "DELETING"
	stateFailed   = "FAILED"
)

const clusterTypeServerless = "SERVERLESS"

// cluster is one serverless cluster.
type cluster struct {
	arn, name, region string
	state             string
	stateInfo         *stateInfo
	created           time.Time
	version           string
	tags              map[string]string
	vpcConfigs        []vpcConfig
	bootstrap         string
	// brokersStarted records that Brokers.Start succeeded, so Stop is owed when the cluster goes.
	brokersStarted bool
}

// clusterInfo is the Cluster shape of DescribeClusterV2 and ListClustersV2.
type clusterInfo struct {
	ClusterType    string            `json:"clusterType"`
	ClusterArn     string            `json:"clusterArn"`
	ClusterName    string            `json:"clusterName"`
	CreationTime   string            `json:"creationTime"`
	CurrentVersion string            `json:"currentVersion"`
	State          string            `json:"state"`
	StateInfo      *stateInfo        `json:"stateInfo,omitempty"`
	Tags           map[string]string `json:"tags"`
	Serverless     serverless        `json:"serverless"`
}

type stateInfo struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// serverless is both the ServerlessRequest of CreateClusterV2 and the Serverless member of Cluster.
type serverless struct {
	VpcConfigs           []vpcConfig           `json:"vpcConfigs"`
	ClientAuthentication *clientAuthentication `json:"clientAuthentication,omitempty"`
}

type vpcConfig struct {
	SubnetIds        []string `json:"subnetIds"`
	SecurityGroupIds []string `json:"securityGroupIds,omitempty"`
}

type clientAuthentication struct {
	Sasl *saslAuth `json:"sasl,omitempty"`
}

type saslAuth struct {
	Iam *iamAuth `json:"iam,omitempty"`
}

type iamAuth struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// iamEnabled reports what the request says about IAM client authentication: set is false when it says
// nothing.
func (a *clientAuthentication) iamEnabled() (enabled, set bool) {
	if a == nil || a.Sasl == nil || a.Sasl.Iam == nil || a.Sasl.Iam.Enabled == nil {
		return false, false
	}
	return *a.Sasl.Iam.Enabled, true
}

// iamOn is the client authentication every serverless cluster reports.
func iamOn() *clientAuthentication {
	enabled := true
	return &clientAuthentication{Sasl: &saslAuth{Iam: &iamAuth{Enabled: &enabled}}}
}

func (cl *cluster) info() clusterInfo {
	vpcs := make([]vpcConfig, len(cl.vpcConfigs))
	copy(vpcs, cl.vpcConfigs)
	return clusterInfo{
		ClusterType:    clusterTypeServerless,
		ClusterArn:     cl.arn,
		ClusterName:    cl.name,
		CreationTime:   cl.created.UTC().Format("2006-01-02T15:04:05.000Z"),
		CurrentVersion: cl.version,
		State:          cl.state,
		StateInfo:      cl.stateInfo,
		Tags:           maps.Clone(cl.tags),
		Serverless:     serverless{VpcConfigs: vpcs, ClientAuthentication: iamOn()},
	}
}

// clusterARN builds arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>-s1. The "-s1" suffix of
// serverless clusters is UNCONFIRMED (provisioned clusters end in "-<n>").
func clusterARN(region, account, name, id string) string {
	return fmt.Sprintf("arn:aws:kafka:%s:%s:cluster/%s/%s-s1", region, account, name, id)
}

// arnRegion returns the region field of an ARN, or "" when s is not an ARN.
func arnRegion(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// placeholderBrokers is the Brokers used when none is configured: a deterministic bootstrap string in the
// form MSK Serverless uses, and nothing to stop.
type placeholderBrokers struct{}

// Start implements Brokers.
func (placeholderBrokers) Start(clusterARN string) (string, error) {
	return fmt.Sprintf("boot-%s.c1.kafka-serverless.%s.amazonaws.com:9098", shortID(clusterARN), arnRegion(clusterARN)), nil
}

// Stop implements Brokers.
func (placeholderBrokers) Stop(string) {}

// shortID derives 8 lowercase alphanumerics from s.
func shortID(s string) string {
	sum := sha256.Sum256([]byte(s))
	id := new(big.Int).SetBytes(sum[:]).Text(36)
	return id[len(id)-8:]
}

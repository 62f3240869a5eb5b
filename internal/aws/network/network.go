// Package network builds and deletes the VPC the original stack made for an MSK Serverless cluster: a
// VPC with DNS support and hostnames, a public subnet with an internet gateway, an Elastic IP and a NAT
// gateway, two private subnets in two Availability Zones routed through the NAT gateway, and a security
// group that lets Kafka clients inside the VPC reach the cluster. Every part carries a Name tag and the
// ownership tags from its create call and is found by them, so a restart never duplicates anything.
package network

import (
	"time"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// Component is the value of the component tag on every part of the network.
const Component = "network"

// NameTag is the EC2 tag key consoles show as a resource's name.
const NameTag = "Name"

// Ports of the security group's rules.
const (
	// kafkaPort is Kafka over SASL/IAM, the only listener of MSK Serverless.
	kafkaPort int32 = 9098
	// plaintextPort is plaintext Kafka, which MSK Serverless does not serve; earlier versions opened it.
	plaintextPort int32 = 9092
	// httpsPort is HTTPS, on which the pollers call Lambda and STS.
	httpsPort int32 = 443
)

// Waits are how long a Service's outcomes ask to wait before looking at a network again.
type Waits struct {
	// NatGateway is the wait while the NAT gateway is pending or being deleted (EC2 takes minutes).
	NatGateway time.Duration
	// Dependency is the wait while something outside the network (such as the network interfaces of a
	// deleted cluster) still uses a part being deleted.
	Dependency time.Duration
}

// DefaultWaits are the waits for EC2, whose NAT gateways and released interfaces take minutes.
func DefaultWaits() Waits { return Waits{NatGateway: 30 * time.Second, Dependency: 30 * time.Second} }

// Desired is the network an object asks for.
type Desired struct {
	// NamePrefix starts the Name tag of every part (naming.Name with naming.SuffixNetwork).
	NamePrefix string
	// CIDR is the VPC's IPv4 CIDR block (/16 to /26); the subnets are carved from it.
	CIDR string
	// AvailabilityZones are the two zones of the private subnets; the public subnet is in the first.
	AvailabilityZones []string
	// Owner identifies the owning object; its tags mark every part as the operator's.
	Owner tags.Owner
	// Tags are the user's tags, merged under the ownership tags.
	Tags map[string]string
}

// tags returns every tag the part called name should carry.
func (d Desired) tags(name string) map[string]string {
	t := d.Owner.Tags(Component, d.Tags)
	t[NameTag] = name
	return t
}

// Observed is what EC2 reports about the network's parts; IDs are empty for parts that do not exist.
type Observed struct {
	// VPCID is the VPC.
	VPCID string
	// PublicSubnetID is the subnet holding the NAT gateway.
	PublicSubnetID string
	// PrivateSubnetIDs are the two subnets the cluster uses, in the order of Desired.AvailabilityZones.
	PrivateSubnetIDs []string
	// SecurityGroupID is the group the cluster uses.
	SecurityGroupID string
	// InternetGatewayID is the internet gateway attached to the VPC.
	InternetGatewayID string
	// AllocationID is the Elastic IP address of the NAT gateway.
	AllocationID string
	// NatGatewayID and NatGatewayState are the NAT gateway and its state (pending, available, ...).
	NatGatewayID, NatGatewayState string
	// PublicRouteTableID and PrivateRouteTableID are the route tables of the public and private subnets.
	PublicRouteTableID, PrivateRouteTableID string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages networks.
type Service struct {
	api   awsapi.EC2API
	waits Waits
}

// New returns a Service that calls EC2 through api and waits as waits says.
func New(api awsapi.EC2API, waits Waits) *Service { return &Service{api: api, waits: waits} }

// managed is the network of one Desired, found through the status hint (the VPC ID), as the ownership
// rules handle it: its parts are judged together.
type managed struct {
	*Service
	hint string
	d    Desired
	// lay is where the subnets go (Ensure only).
	lay layout
}

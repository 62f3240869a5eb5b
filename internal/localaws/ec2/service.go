// Package ec2 emulates the network subset of Amazon EC2 that builds a VPC for an MSK Serverless cluster:
// VPCs, subnets, availability zones, internet gateways, Elastic IP addresses, NAT gateways, route tables,
// security groups and their rules, interface VPC endpoints, and tags, over the ec2Query protocol.
package ec2

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// DefaultNatGatewayRetention is how long a deleted or failed NAT gateway stays visible, as on AWS
// (about an hour).
const DefaultNatGatewayRetention = time.Hour

// Config configures the EC2 service.
type Config struct {
	// Timings decide how long NAT gateways take to become available and to be deleted.
	Timings *lifecycle.Timings
	// NatGatewayRetention is how long deleted and failed NAT gateways stay visible; zero means
	// DefaultNatGatewayRetention.
	NatGatewayRetention time.Duration
}

// Service is the emulated EC2 network API. It implements server.Service.
type Service struct {
	cfg     Config
	router  wire.ActionRouter
	mu      sync.Mutex
	regions map[string]*region
}

// New returns an EC2 service with no resources.
func New(cfg Config) *Service {
	if cfg.NatGatewayRetention <= 0 {
		cfg.NatGatewayRetention = DefaultNatGatewayRetention
	}
	s := &Service{cfg: cfg, regions: map[string]*region{}}
	s.routes()
	return s
}

// Name implements server.Service: the SigV4 signing name.
func (s *Service) Name() string { return "ec2" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return wire.EC2Query{} }

// Resolve implements server.Service. A request with DryRun=true is answered with DryRunOperation once its
// operation is known, as EC2 does for a caller that has permission.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) {
	h, err := s.router.Resolve(c)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(c.Form.Get("DryRun"), "true") {
		return dryRun, nil
	}
	return h, nil
}

func dryRun(*wire.Call) error {
	return wire.Errorf(http.StatusPreconditionFailed, "DryRunOperation",
		"Request would have succeeded, but DryRun flag is set.")
}

// Throttle implements server.Service: EC2's RequestLimitExceeded, which the SDK retries.
func (s *Service) Throttle() *wire.Error {
	return wire.Errorf(http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
}

// Reset implements server.Service: it drops every resource in every region.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regions = map[string]*region{}
}

// SubnetExists reports whether the subnet exists in the region.
func (s *Service) SubnetExists(regionName, subnetID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.regions[regionName]
	return r != nil && r.subnets[subnetID] != nil
}

// SecurityGroupExists reports whether the security group exists in the region.
func (s *Service) SecurityGroupExists(regionName, groupID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.regions[regionName]
	return r != nil && r.groups[groupID] != nil
}

// regionHandler serves one operation against the state of the call's region, with the service lock held.
type regionHandler func(c *wire.Call, r *region) error

// handle registers op, running h under the service lock on the call's region.
func (s *Service) handle(op string, h regionHandler) {
	s.router.Handle(op, func(c *wire.Call) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.region(c)
		r.pruneNatGateways(c.Now, s.cfg.NatGatewayRetention)
		return h(c, r)
	})
}

// region returns the state of the call's region, creating it on first use. The caller holds s.mu.
func (s *Service) region(c *wire.Call) *region {
	r := s.regions[c.Region]
	if r == nil {
		r = newRegion(c.Region, c.AccountID)
		s.regions[c.Region] = r
	}
	return r
}

func (s *Service) routes() {
	for op, h := range map[string]regionHandler{
		"CreateVpc": createVpc, "DescribeVpcs": describeVpcs, "DeleteVpc": deleteVpc,
		"ModifyVpcAttribute": modifyVpcAttribute, "DescribeVpcAttribute": describeVpcAttribute,
		"CreateSubnet": createSubnet, "DescribeSubnets": describeSubnets, "DeleteSubnet": deleteSubnet,
		"ModifySubnetAttribute":     modifySubnetAttribute,
		"DescribeAvailabilityZones": describeAvailabilityZones,
		"CreateInternetGateway":     createInternetGateway, "DescribeInternetGateways": describeInternetGateways,
		"AttachInternetGateway": attachInternetGateway, "DetachInternetGateway": detachInternetGateway,
		"DeleteInternetGateway": deleteInternetGateway,
		"AllocateAddress":       allocateAddress, "DescribeAddresses": describeAddresses, "ReleaseAddress": releaseAddress,
		"CreateNatGateway": s.createNatGateway, "DescribeNatGateways": describeNatGateways,
		"DeleteNatGateway": s.deleteNatGateway,
		"CreateRouteTable": createRouteTable, "DescribeRouteTables": describeRouteTables,
		"DeleteRouteTable": deleteRouteTable, "CreateRoute": createRoute, "DeleteRoute": deleteRoute,
		"ReplaceRoute":        replaceRoute,
		"AssociateRouteTable": associateRouteTable, "DisassociateRouteTable": disassociateRouteTable,
		"CreateSecurityGroup": createSecurityGroup, "DescribeSecurityGroups": describeSecurityGroups,
		"DeleteSecurityGroup":           deleteSecurityGroup,
		"AuthorizeSecurityGroupIngress": authorizeIngress, "AuthorizeSecurityGroupEgress": authorizeEgress,
		"RevokeSecurityGroupIngress": revokeIngress, "RevokeSecurityGroupEgress": revokeEgress,
		"DescribeSecurityGroupRules": describeSecurityGroupRules,
		"CreateVpcEndpoint":          s.createVpcEndpoint, "DescribeVpcEndpoints": describeVpcEndpoints,
		"DeleteVpcEndpoints": deleteVpcEndpoints, "ModifyVpcEndpoint": modifyVpcEndpoint,
		"CreateTags": createTags, "DeleteTags": deleteTags, "DescribeTags": describeTags,
	} {
		s.handle(op, h)
	}
}

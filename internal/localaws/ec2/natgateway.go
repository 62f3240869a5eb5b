package ec2

import (
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// NAT gateway states.
const (
	natPending   = "pending"
	natAvailable = "available"
	natDeleting  = "deleting"
	natDeleted   = "deleted"
	natFailed    = "failed"
)

// timeFormat is how EC2 writes timestamps.
const timeFormat = "2006-01-02T15:04:05.000Z"

// natGateway is one zonal NAT gateway.
type natGateway struct {
	meta
	vpcID        string
	subnetID     string
	connectivity string
	allocationID string
	publicIP     string
	privateIP    string
	eniID        string
	// associationID is the Elastic IP association the gateway makes when it becomes available.
	associationID  string
	clientToken    string
	state          string
	failureCode    string
	failureMessage string
	created        time.Time
	deleteTime     time.Time
	// finished is when the gateway reached deleted or failed; it stays visible for the retention after.
	finished time.Time
}

// holdsResources reports whether the gateway still occupies its subnet and Elastic IP address.
func (n *natGateway) holdsResources() bool {
	return n.state == natPending || n.state == natAvailable || n.state == natDeleting
}

// addressStatus is the status of the gateway's address in each gateway state.
var addressStatus = map[string]string{natPending: "associating", natAvailable: "succeeded",
	natDeleting: "disassociating", natDeleted: "succeeded", natFailed: "failed"}

// xmlNatGateway is an EC2 NatGateway.
type xmlNatGateway struct {
	NatGatewayID     string          `xml:"natGatewayId"`
	SubnetID         string          `xml:"subnetId"`
	VpcID            string          `xml:"vpcId"`
	State            string          `xml:"state"`
	ConnectivityType string          `xml:"connectivityType"`
	AvailabilityMode string          `xml:"availabilityMode"`
	CreateTime       string          `xml:"createTime"`
	DeleteTime       string          `xml:"deleteTime,omitempty"`
	FailureCode      string          `xml:"failureCode,omitempty"`
	FailureMessage   string          `xml:"failureMessage,omitempty"`
	Addresses        []xmlNatAddress `xml:"natGatewayAddressSet>item"`
	Tags             []xmlTag        `xml:"tagSet>item"`
}

// xmlNatAddress is an EC2 NatGatewayAddress.
type xmlNatAddress struct {
	AllocationID       string `xml:"allocationId,omitempty"`
	NetworkInterfaceID string `xml:"networkInterfaceId"`
	PrivateIP          string `xml:"privateIp"`
	PublicIP           string `xml:"publicIp,omitempty"`
	AssociationID      string `xml:"associationId,omitempty"`
	IsPrimary          bool   `xml:"isPrimary"`
	Status             string `xml:"status"`
}

func renderNatGateway(n *natGateway) xmlNatGateway {
	out := xmlNatGateway{NatGatewayID: n.id, SubnetID: n.subnetID, VpcID: n.vpcID, State: n.state,
		ConnectivityType: n.connectivity, AvailabilityMode: "zonal", CreateTime: n.created.UTC().Format(timeFormat),
		FailureCode: n.failureCode, FailureMessage: n.failureMessage, Tags: n.tags.render(),
		Addresses: []xmlNatAddress{{AllocationID: n.allocationID, NetworkInterfaceID: n.eniID,
			PrivateIP: n.privateIP, PublicIP: n.publicIP, IsPrimary: true, Status: addressStatus[n.state]}}}
	if n.state == natAvailable {
		out.Addresses[0].AssociationID = n.associationID
	}
	if !n.deleteTime.IsZero() {
		out.DeleteTime = n.deleteTime.UTC().Format(timeFormat)
	}
	return out
}

// unsupportedNatParams are CreateNatGateway parameters for secondary addresses and regional gateways,
// which localaws does not model.
var unsupportedNatParams = []string{"SecondaryAllocationId.1", "SecondaryPrivateIpAddress.1",
	"SecondaryPrivateIpAddressCount", "AvailabilityZoneAddress.1.AvailabilityZone", "VpcId"}

func (s *Service) createNatGateway(c *wire.Call, r *region) error {
	token := c.Form.Get("ClientToken")
	if id, ok := r.natTokens[token]; ok && token != "" {
		return writeNatGateway(c, token, r.natGateways[id])
	}
	for _, p := range unsupportedNatParams {
		if c.Form.Has(p) {
			return errParam("localaws supports zonal NAT gateways with one address only; %s is not supported", p)
		}
	}
	if mode := c.Form.Get("AvailabilityMode"); mode != "" && mode != "zonal" {
		return errParam("localaws supports zonal NAT gateways only, not availability mode %s", mode)
	}
	sub, err := r.subnetParam(c)
	if err != nil {
		return err
	}
	n := &natGateway{vpcID: sub.vpcID, subnetID: sub.id, connectivity: c.Form.Get("ConnectivityType"),
		allocationID: c.Form.Get("AllocationId"), state: natPending, created: c.Now, clientToken: token}
	if n.connectivity == "" {
		n.connectivity = "public"
	}
	if err := r.natAddress(n); err != nil {
		return err
	}
	tags, err := tagSpecifications(c.Form, kindNat.resourceType)
	if err != nil {
		return err
	}
	if n.allocationID != "" && r.addressHolder(n.allocationID) != nil {
		n.failureCode = "Resource.AlreadyAssociated"
		n.failureMessage = "Elastic IP address [" + n.allocationID + "] is already associated"
	}
	n.meta = r.newMeta(kindNat, tags)
	n.eniID, n.associationID = newID("eni"), newID("eipassoc")
	n.privateIP = sub.nextPrivateAddress()
	r.natGateways[n.id] = n
	if token != "" {
		r.natTokens[token] = n.id
	}
	s.timings().After(lifecycle.NatGatewayCreate, func() { s.finishNatCreate(r, n) })
	return writeNatGateway(c, token, n)
}

// natAddress checks the connectivity type and the Elastic IP address a new gateway asks for.
func (r *region) natAddress(n *natGateway) error {
	switch n.connectivity {
	case "public":
		if n.allocationID == "" {
			// UNCONFIRMED: AWS's exact code for a public gateway without an address.
			return errInvalid("MissingParameter", "A public NAT gateway requires an Elastic IP allocation ID (AllocationId)")
		}
		a, err := lookup(r.addresses, kindAddress, n.allocationID)
		if err != nil {
			return err
		}
		n.publicIP = a.publicIP
	case "private":
		if n.allocationID != "" {
			return errCombination("AllocationId cannot be used with a private NAT gateway")
		}
	default:
		return errParam("Value (%s) for parameter connectivityType is invalid. Valid values: public, private.", n.connectivity)
	}
	return nil
}

// addressHolder returns the gateway that holds an Elastic IP address now, or nil.
func (r *region) addressHolder(allocationID string) *natGateway {
	for _, n := range r.natGateways {
		if n.allocationID == allocationID && n.holdsResources() {
			return n
		}
	}
	return nil
}

func writeNatGateway(c *wire.Call, token string, n *natGateway) error {
	return c.XML(struct {
		ClientToken string        `xml:"clientToken,omitempty"`
		NatGateway  xmlNatGateway `xml:"natGateway"`
	}{token, renderNatGateway(n)})
}

// timings returns the configured timings; without any, transitions complete at once.
func (s *Service) timings() *lifecycle.Timings {
	if s.cfg.Timings == nil {
		return new(lifecycle.Timings)
	}
	return s.cfg.Timings
}

// finishNatCreate ends a gateway's pending state: available with its address associated, or failed when
// the address was already taken.
func (s *Service) finishNatCreate(r *region, n *natGateway) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n.state != natPending {
		return
	}
	if n.failureCode != "" {
		n.state, n.finished = natFailed, time.Now()
		r.releaseNatResources(n)
		return
	}
	n.state = natAvailable
	if a := r.addresses[n.allocationID]; a != nil {
		a.associationID, a.eniID, a.privateIP = n.associationID, n.eniID, n.privateIP
	}
}

// releaseNatResources gives back the subnet address and the Elastic IP association of a gateway that is
// gone.
func (r *region) releaseNatResources(n *natGateway) {
	if sub := r.subnets[n.subnetID]; sub != nil {
		sub.releasePrivateAddress()
	}
	if a := r.addresses[n.allocationID]; a != nil && a.associationID == n.associationID {
		a.associationID, a.eniID, a.privateIP = "", "", ""
	}
}

func (s *Service) deleteNatGateway(c *wire.Call, r *region) error {
	id, err := required(c.Form, "NatGatewayId")
	if err != nil {
		return err
	}
	n, err := lookup(r.natGateways, kindNat, id)
	if err != nil {
		return err
	}
	// UNCONFIRMED: deleting a gateway that is already deleting or deleted is answered as a success.
	if n.state != natDeleting && n.state != natDeleted {
		if n.state == natFailed {
			n.state, n.deleteTime = natDeleted, c.Now
		} else {
			n.state, n.deleteTime = natDeleting, c.Now
			s.timings().After(lifecycle.NatGatewayDelete, func() { s.finishNatDelete(r, n) })
		}
	}
	return c.XML(struct {
		NatGatewayID string `xml:"natGatewayId"`
	}{n.id})
}

// finishNatDelete ends a gateway's deleting state.
func (s *Service) finishNatDelete(r *region, n *natGateway) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n.state != natDeleting {
		return
	}
	n.state, n.finished = natDeleted, time.Now()
	r.releaseNatResources(n)
}

// pruneNatGateways forgets gateways that have been deleted or failed for longer than the retention.
func (r *region) pruneNatGateways(now time.Time, retention time.Duration) {
	for id, n := range r.natGateways {
		if (n.state == natDeleted || n.state == natFailed) && now.Sub(n.finished) > retention {
			delete(r.natGateways, id)
			if n.clientToken != "" {
				delete(r.natTokens, n.clientToken)
			}
		}
	}
}

// natQuery selects gateways for DescribeNatGateways.
func natQuery() query[*natGateway] {
	return query[*natGateway]{idParam: "NatGatewayId", kind: kindNat, idOf: func(n *natGateway) string { return n.id },
		tagsOf: func(n *natGateway) tagMap { return n.tags }, maxResults: 1000, fields: filterFields[*natGateway]{
			"nat-gateway-id": func(n *natGateway) []string { return one(n.id) },
			"state":          func(n *natGateway) []string { return one(n.state) },
			"subnet-id":      func(n *natGateway) []string { return one(n.subnetID) },
			"vpc-id":         func(n *natGateway) []string { return one(n.vpcID) },
		}}
}

func describeNatGateways(c *wire.Call, r *region) error {
	page, next, err := natQuery().run(c, sorted(r.natGateways))
	if err != nil {
		return err
	}
	out := renderList(page, renderNatGateway)
	return c.XML(struct {
		NatGateways []xmlNatGateway `xml:"natGatewaySet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{out, next})
}

package ec2

import (
	"slices"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// VPC endpoint states.
const (
	endpointPending   = "pending"
	endpointAvailable = "available"
)

// endpointServices are the AWS services that offer interface endpoints in localaws, as the last part of
// com.amazonaws.<region>.<service>.
var endpointServices = []string{"ec2", "kafka", "lambda", "logs", "s3", "secretsmanager", "sns", "sqs", "sts"}

// fullAccessPolicy is the endpoint policy EC2 gives an endpoint created without one.
const fullAccessPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// endpointZoneID is the hosted zone EC2 names for the regional DNS names of interface endpoints.
// UNCONFIRMED: AWS uses one hosted zone ID per region; localaws uses the same one everywhere.
const endpointZoneID = "Z7HUB22UULQXV"

// vpcEndpoint is one interface VPC endpoint: a network interface in each of its subnets, carrying its
// security groups, through which the VPC reaches an AWS service privately.
type vpcEndpoint struct {
	meta
	vpcID      string
	service    string
	subnetIDs  []string
	groupIDs   []string
	eniIDs     []string
	privateDNS bool
	policy     string
	state      string
	created    time.Time
	// dnsLabel starts the endpoint's DNS names: its ID and eight random characters.
	dnsLabel string
}

// shortService is the service's last name part (com.amazonaws.us-east-1.lambda → lambda).
func (e *vpcEndpoint) shortService() string {
	return e.service[strings.LastIndex(e.service, ".")+1:]
}

// xmlVpcEndpoint is an EC2 VpcEndpoint.
type xmlVpcEndpoint struct {
	VpcEndpointID     string        `xml:"vpcEndpointId"`
	VpcEndpointType   string        `xml:"vpcEndpointType"`
	VpcID             string        `xml:"vpcId"`
	ServiceName       string        `xml:"serviceName"`
	State             string        `xml:"state"`
	PolicyDocument    string        `xml:"policyDocument"`
	SubnetIDs         []string      `xml:"subnetIdSet>item"`
	Groups            []xmlGroupRef `xml:"groupSet>item"`
	IPAddressType     string        `xml:"ipAddressType"`
	DNSRecordIPType   string        `xml:"dnsOptions>dnsRecordIpType"`
	PrivateDNSEnabled bool          `xml:"privateDnsEnabled"`
	RequesterManaged  bool          `xml:"requesterManaged"`
	NetworkInterfaces []string      `xml:"networkInterfaceIdSet>item"`
	DNSEntries        []xmlDNSEntry `xml:"dnsEntrySet>item"`
	CreationTimestamp string        `xml:"creationTimestamp"`
	OwnerID           string        `xml:"ownerId"`
	Tags              []xmlTag      `xml:"tagSet>item"`
}

// xmlGroupRef is an EC2 SecurityGroupIdentifier.
type xmlGroupRef struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

// xmlDNSEntry is an EC2 DnsEntry.
type xmlDNSEntry struct {
	DNSName      string `xml:"dnsName"`
	HostedZoneID string `xml:"hostedZoneId"`
}

func (r *region) renderEndpoint(e *vpcEndpoint) xmlVpcEndpoint {
	out := xmlVpcEndpoint{VpcEndpointID: e.id, VpcEndpointType: "Interface", VpcID: e.vpcID, ServiceName: e.service,
		State: e.state, PolicyDocument: e.policy, SubnetIDs: e.subnetIDs, IPAddressType: "ipv4", DNSRecordIPType: "ipv4",
		PrivateDNSEnabled: e.privateDNS, NetworkInterfaces: e.eniIDs, OwnerID: r.accountID, Tags: e.tags.render(),
		CreationTimestamp: e.created.UTC().Format(timeFormat)}
	for _, id := range e.groupIDs {
		ref := xmlGroupRef{GroupID: id}
		if g := r.groups[id]; g != nil {
			ref.GroupName = g.name
		}
		out.Groups = append(out.Groups, ref)
	}
	regional := e.dnsLabel + "." + e.shortService() + "." + r.name + ".vpce.amazonaws.com"
	out.DNSEntries = []xmlDNSEntry{{DNSName: regional, HostedZoneID: endpointZoneID}}
	for _, id := range e.subnetIDs {
		if s := r.subnets[id]; s != nil {
			out.DNSEntries = append(out.DNSEntries, xmlDNSEntry{DNSName: e.dnsLabel + "-" + s.zone.name + "." +
				e.shortService() + "." + r.name + ".vpce.amazonaws.com", HostedZoneID: endpointZoneID})
		}
	}
	if e.privateDNS {
		// UNCONFIRMED: the hosted zone ID of the private name is not public; EC2 reports one.
		out.DNSEntries = append(out.DNSEntries, xmlDNSEntry{DNSName: privateDNSName(e.shortService(), r.name),
			HostedZoneID: endpointZoneID})
	}
	return out
}

// privateDNSName is the service's public name, which private DNS resolves to the endpoint inside the VPC.
func privateDNSName(service, regionName string) string {
	return service + "." + regionName + ".amazonaws.com"
}

// unsupportedEndpointParams are CreateVpcEndpoint parameters localaws does not model.
var unsupportedEndpointParams = []string{"ResourceConfigurationArn", "ServiceNetworkArn", "ServiceRegion",
	"SubnetConfiguration.1.SubnetId", "RouteTableId.1"}

func (s *Service) createVpcEndpoint(c *wire.Call, r *region) error {
	for _, p := range unsupportedEndpointParams {
		if c.Form.Has(p) {
			return errParam("localaws supports interface endpoints of AWS services only; %s is not supported", p)
		}
	}
	if t := c.Form.Get("VpcEndpointType"); t != "Interface" {
		// The API's default type is Gateway.
		return errParam("localaws supports interface endpoints only, not VpcEndpointType %q", t)
	}
	if ip := c.Form.Get("IpAddressType"); ip != "" && ip != "ipv4" {
		return errParam("localaws supports IPv4 endpoints only, not IpAddressType %s", ip)
	}
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	service, err := required(c.Form, "ServiceName")
	if err != nil {
		return err
	}
	prefix := "com.amazonaws." + r.name + "."
	if !strings.HasPrefix(service, prefix) || !slices.Contains(endpointServices, strings.TrimPrefix(service, prefix)) {
		// UNCONFIRMED: AWS's exact message.
		return errInvalid("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", service)
	}
	e := &vpcEndpoint{vpcID: v.id, service: service, privateDNS: true, policy: c.Form.Get("PolicyDocument"),
		state: endpointPending, created: c.Now}
	if e.policy == "" {
		e.policy = fullAccessPolicy
	}
	if b, set, err := boolParam(c.Form, "PrivateDnsEnabled"); err != nil {
		return err
	} else if set {
		e.privateDNS = b
	}
	subnets, err := r.endpointSubnets(c, v)
	if err != nil {
		return err
	}
	if e.groupIDs, err = r.endpointGroups(c, v); err != nil {
		return err
	}
	if err := r.checkPrivateDNS(e, v); err != nil {
		return err
	}
	tags, err := tagSpecifications(c.Form, kindEndpoint.resourceType)
	if err != nil {
		return err
	}
	e.meta = r.newMeta(kindEndpoint, tags)
	e.dnsLabel = e.id + "-" + newID("x")[2:10]
	for _, sub := range subnets {
		e.subnetIDs = append(e.subnetIDs, sub.id)
		e.eniIDs = append(e.eniIDs, newID("eni"))
		sub.nextPrivateAddress()
	}
	r.endpoints[e.id] = e
	s.timings().After(lifecycle.VpcEndpointCreate, func() { s.finishEndpointCreate(e) })
	return c.XML(struct {
		ClientToken string         `xml:"clientToken,omitempty"`
		VpcEndpoint xmlVpcEndpoint `xml:"vpcEndpoint"`
	}{c.Form.Get("ClientToken"), r.renderEndpoint(e)})
}

// endpointSubnets resolves SubnetId.N: subnets of the VPC, at most one in each availability zone.
func (r *region) endpointSubnets(c *wire.Call, v *vpc) ([]*subnet, error) {
	var out []*subnet
	for _, id := range wire.Strings(c.Form, "SubnetId") {
		sub, err := lookup(r.subnets, kindSubnet, id)
		if err != nil {
			return nil, err
		}
		if sub.vpcID != v.id {
			// UNCONFIRMED: AWS's exact message.
			return nil, errInvalid("InvalidParameter", "The subnet %s does not belong to the VPC %s", id, v.id)
		}
		if slices.ContainsFunc(out, func(o *subnet) bool { return o.zone == sub.zone }) {
			return nil, errInvalid("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the availability "+
				"zone of %s. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.", id)
		}
		out = append(out, sub)
	}
	return out, nil
}

// endpointGroups resolves SecurityGroupId.N, groups of the VPC; without any, the VPC's default group.
func (r *region) endpointGroups(c *wire.Call, v *vpc) ([]string, error) {
	ids := wire.Strings(c.Form, "SecurityGroupId")
	if len(ids) == 0 {
		return []string{v.defaultGroup}, nil
	}
	return ids, r.checkGroups(ids, v)
}

// checkGroups checks that the security groups exist in the VPC.
func (r *region) checkGroups(ids []string, v *vpc) error {
	for _, id := range ids {
		g, err := lookup(r.groups, kindGroup, id)
		if err != nil {
			return err
		}
		if g.vpcID != v.id {
			// UNCONFIRMED: AWS's exact message.
			return errInvalid("InvalidParameter", "The security group %s does not belong to the VPC %s", id, v.id)
		}
	}
	return nil
}

// checkPrivateDNS refuses private DNS in a VPC without DNS support and hostnames, or where another
// endpoint already answers for the service's name.
func (r *region) checkPrivateDNS(e *vpcEndpoint, v *vpc) error {
	if !e.privateDNS {
		return nil
	}
	if !v.dnsSupport || !v.dnsHostnames {
		return errInvalid("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and "+
			"enableDnsHostnames VPC attributes set to true for %s", v.id)
	}
	for _, other := range r.endpoints {
		if other.id != e.id && other.vpcID == v.id && other.service == e.service && other.privateDNS {
			name := privateDNSName(e.shortService(), r.name)
			return errInvalid("InvalidParameter", "private-dns-enabled cannot be set because there is already a "+
				"conflicting DNS domain for %s in the VPC %s", name, v.id)
		}
	}
	return nil
}

// finishEndpointCreate ends an endpoint's pending state.
func (s *Service) finishEndpointCreate(e *vpcEndpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.state == endpointPending {
		e.state = endpointAvailable
	}
}

// unsupportedEndpointChanges are ModifyVpcEndpoint parameters localaws does not model.
var unsupportedEndpointChanges = []string{"AddSubnetId.1", "RemoveSubnetId.1", "AddRouteTableId.1",
	"RemoveRouteTableId.1", "SubnetConfiguration.1.SubnetId", "IpAddressType", "DnsOptions.DnsRecordIpType"}

// modifyVpcEndpoint turns private DNS on or off, adds or removes security groups, and sets or resets the
// policy of an endpoint.
func modifyVpcEndpoint(c *wire.Call, r *region) error {
	for _, p := range unsupportedEndpointChanges {
		if c.Form.Has(p) {
			return errParam("localaws does not support changing %s of a VPC endpoint", p)
		}
	}
	id, err := required(c.Form, "VpcEndpointId")
	if err != nil {
		return err
	}
	e, err := lookup(r.endpoints, kindEndpoint, id)
	if err != nil {
		return err
	}
	next := *e
	next.groupIDs = slices.Clone(e.groupIDs)
	for _, g := range wire.Strings(c.Form, "RemoveSecurityGroupId") {
		next.groupIDs = slices.DeleteFunc(next.groupIDs, func(id string) bool { return id == g })
	}
	v := r.vpcs[e.vpcID]
	if add := wire.Strings(c.Form, "AddSecurityGroupId"); len(add) > 0 {
		if err := r.checkGroups(add, v); err != nil {
			return err
		}
		for _, g := range add {
			if !slices.Contains(next.groupIDs, g) {
				next.groupIDs = append(next.groupIDs, g)
			}
		}
	}
	if len(next.groupIDs) == 0 {
		// UNCONFIRMED: AWS's exact answer for an interface endpoint left without groups.
		return errInvalid("InvalidParameter", "An interface endpoint must have at least one security group")
	}
	if b, set, err := boolParam(c.Form, "PrivateDnsEnabled"); err != nil {
		return err
	} else if set {
		next.privateDNS = b
	}
	if next.privateDNS && !e.privateDNS {
		if err := r.checkPrivateDNS(&next, v); err != nil {
			return err
		}
	}
	if reset, _, err := boolParam(c.Form, "ResetPolicy"); err != nil {
		return err
	} else if reset {
		next.policy = fullAccessPolicy
	} else if p := c.Form.Get("PolicyDocument"); p != "" {
		next.policy = p
	}
	*e = next
	return acknowledge(c)
}

// endpointQuery selects endpoints for DescribeVpcEndpoints.
func endpointQuery() query[*vpcEndpoint] {
	return query[*vpcEndpoint]{idParam: "VpcEndpointId", kind: kindEndpoint, idOf: func(e *vpcEndpoint) string { return e.id },
		tagsOf: func(e *vpcEndpoint) tagMap { return e.tags }, maxResults: 1000, fields: filterFields[*vpcEndpoint]{
			"vpc-endpoint-id":    func(e *vpcEndpoint) []string { return one(e.id) },
			"vpc-id":             func(e *vpcEndpoint) []string { return one(e.vpcID) },
			"service-name":       func(e *vpcEndpoint) []string { return one(e.service) },
			"vpc-endpoint-state": func(e *vpcEndpoint) []string { return one(e.state) },
			"vpc-endpoint-type":  func(*vpcEndpoint) []string { return one("Interface") },
			"ip-address-type":    func(*vpcEndpoint) []string { return one("ipv4") },
		}}
}

func describeVpcEndpoints(c *wire.Call, r *region) error {
	page, next, err := endpointQuery().run(c, sorted(r.endpoints))
	if err != nil {
		return err
	}
	return c.XML(struct {
		VpcEndpoints []xmlVpcEndpoint `xml:"vpcEndpointSet>item"`
		NextToken    string           `xml:"nextToken,omitempty"`
	}{renderList(page, r.renderEndpoint), next})
}

// xmlUnsuccessful is an EC2 UnsuccessfulItem.
type xmlUnsuccessful struct {
	Code       string `xml:"error>code"`
	Message    string `xml:"error>message"`
	ResourceID string `xml:"resourceId"`
}

// deleteVpcEndpoints deletes each named endpoint and gives back its subnet addresses; unknown IDs come
// back as unsuccessful items, not as an error. UNCONFIRMED: AWS shows an interface endpoint as deleting
// for a while; localaws deletes it at once.
func deleteVpcEndpoints(c *wire.Call, r *region) error {
	ids := wire.Strings(c.Form, "VpcEndpointId")
	if len(ids) == 0 {
		return errMissing("VpcEndpointId")
	}
	var failed []xmlUnsuccessful
	for _, id := range ids {
		e, ok := r.endpoints[id]
		if !ok {
			failed = append(failed, xmlUnsuccessful{Code: kindEndpoint.notFoundCode,
				Message: strings.ReplaceAll(kindEndpoint.notFoundFormat, "%s", id), ResourceID: id})
			continue
		}
		for _, sub := range e.subnetIDs {
			if s := r.subnets[sub]; s != nil {
				s.releasePrivateAddress()
			}
		}
		delete(r.endpoints, id)
	}
	return c.XML(struct {
		Unsuccessful []xmlUnsuccessful `xml:"unsuccessful>item"`
	}{failed})
}

// endpointUsing returns an endpoint with a network interface in the subnet or carrying the group, or nil.
func (r *region) endpointUsing(subnetID, groupID string) *vpcEndpoint {
	for _, e := range sorted(r.endpoints) {
		if slices.Contains(e.subnetIDs, subnetID) || slices.Contains(e.groupIDs, groupID) {
			return e
		}
	}
	return nil
}

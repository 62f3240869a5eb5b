package ec2

import (
	"net/netip"
	"strconv"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// reservedAddresses is how many addresses of every subnet AWS keeps for itself (network, router, DNS,
// future use and broadcast).
const reservedAddresses = 5

// subnet is one IPv4 subnet of a VPC.
type subnet struct {
	meta
	vpcID        string
	cidr         netip.Prefix
	zone         zone
	mapPublicIP  bool
	hostnameType string
	dnsA         bool
	dnsAAAA      bool
	// usedAddresses counts the private addresses network interfaces (NAT gateways) hold now.
	usedAddresses int
	// handedOut counts every private address ever handed out, so none is given twice.
	handedOut int
}

// nextPrivateAddress hands out the subnet's next free private address, after the four AWS reserves at the
// start of the block.
func (s *subnet) nextPrivateAddress() string {
	s.usedAddresses++
	s.handedOut++
	return hostAddress(s.cidr, 3+s.handedOut).String()
}

// releasePrivateAddress returns an address to the subnet's free count.
func (s *subnet) releasePrivateAddress() { s.usedAddresses-- }

// xmlSubnet is an EC2 Subnet.
type xmlSubnet struct {
	SubnetID                string         `xml:"subnetId"`
	SubnetArn               string         `xml:"subnetArn"`
	VpcID                   string         `xml:"vpcId"`
	State                   string         `xml:"state"`
	CidrBlock               string         `xml:"cidrBlock"`
	AvailableIPAddressCount int            `xml:"availableIpAddressCount"`
	AvailabilityZone        string         `xml:"availabilityZone"`
	AvailabilityZoneID      string         `xml:"availabilityZoneId"`
	DefaultForAz            bool           `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool           `xml:"mapPublicIpOnLaunch"`
	MapCustomerOwnedIP      bool           `xml:"mapCustomerOwnedIpOnLaunch"`
	AssignIpv6OnCreation    bool           `xml:"assignIpv6AddressOnCreation"`
	Ipv6Native              bool           `xml:"ipv6Native"`
	EnableDNS64             bool           `xml:"enableDns64"`
	OwnerID                 string         `xml:"ownerId"`
	PrivateDNSNameOnLaunch  xmlDNSNameOpts `xml:"privateDnsNameOptionsOnLaunch"`
	Tags                    []xmlTag       `xml:"tagSet>item"`
}

// xmlDNSNameOpts is an EC2 PrivateDnsNameOptionsOnLaunch.
type xmlDNSNameOpts struct {
	HostnameType  string `xml:"hostnameType"`
	DNSARecord    bool   `xml:"enableResourceNameDnsARecord"`
	DNSAAAARecord bool   `xml:"enableResourceNameDnsAAAARecord"`
}

func (r *region) renderSubnet(s *subnet) xmlSubnet {
	return xmlSubnet{SubnetID: s.id, SubnetArn: r.arn("subnet", s.id), VpcID: s.vpcID, State: "available",
		CidrBlock: s.cidr.String(), AvailableIPAddressCount: blockSize(s.cidr) - reservedAddresses - s.usedAddresses,
		AvailabilityZone: s.zone.name, AvailabilityZoneID: s.zone.id, MapPublicIPOnLaunch: s.mapPublicIP,
		OwnerID: r.accountID, Tags: s.tags.render(),
		PrivateDNSNameOnLaunch: xmlDNSNameOpts{HostnameType: s.hostnameType, DNSARecord: s.dnsA, DNSAAAARecord: s.dnsAAAA}}
}

func createSubnet(c *wire.Call, r *region) error {
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	raw, err := required(c.Form, "CidrBlock")
	if err != nil {
		return err
	}
	cidr, err := parseCIDR(raw, "cidrBlock")
	if err != nil {
		return err
	}
	if !within(cidr, v.cidr) || cidr.Bits() < 16 || cidr.Bits() > 28 {
		return errInvalid("InvalidSubnet.Range", "The CIDR '%s' is invalid.", raw)
	}
	for _, other := range r.subnets {
		if other.vpcID == v.id && other.cidr.Overlaps(cidr) {
			return errInvalid("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", raw)
		}
	}
	z := zones(r.name)[0]
	if name, id := c.Form.Get("AvailabilityZone"), c.Form.Get("AvailabilityZoneId"); name != "" || id != "" {
		if z, err = findZone(r.name, name, id); err != nil {
			return err
		}
	}
	tags, err := tagSpecifications(c.Form, kindSubnet.resourceType)
	if err != nil {
		return err
	}
	s := &subnet{meta: r.newMeta(kindSubnet, tags), vpcID: v.id, cidr: cidr, zone: z, hostnameType: "ip-name"}
	r.subnets[s.id] = s
	return c.XML(struct {
		Subnet xmlSubnet `xml:"subnet"`
	}{r.renderSubnet(s)})
}

// subnetQuery selects subnets for DescribeSubnets.
func (r *region) subnetQuery() query[*subnet] {
	cidr := func(s *subnet) []string { return one(s.cidr.String()) }
	zoneName := func(s *subnet) []string { return one(s.zone.name) }
	return query[*subnet]{idParam: "SubnetId", kind: kindSubnet, idOf: func(s *subnet) string { return s.id },
		tagsOf: func(s *subnet) tagMap { return s.tags }, maxResults: 1000, fields: filterFields[*subnet]{
			"subnet-id":               func(s *subnet) []string { return one(s.id) },
			"vpc-id":                  func(s *subnet) []string { return one(s.vpcID) },
			"state":                   func(*subnet) []string { return one("available") },
			"availability-zone":       zoneName,
			"availabilityZone":        zoneName,
			"availability-zone-id":    func(s *subnet) []string { return one(s.zone.id) },
			"cidr-block":              cidr,
			"cidrBlock":               cidr,
			"cidr":                    cidr,
			"default-for-az":          func(*subnet) []string { return boolString(false) },
			"map-public-ip-on-launch": func(s *subnet) []string { return boolString(s.mapPublicIP) },
			"owner-id":                func(*subnet) []string { return one(r.accountID) },
			"subnet-arn":              func(s *subnet) []string { return one(r.arn("subnet", s.id)) },
			"available-ip-address-count": func(s *subnet) []string {
				return one(strconv.Itoa(blockSize(s.cidr) - reservedAddresses - s.usedAddresses))
			},
		}}
}

func describeSubnets(c *wire.Call, r *region) error {
	page, next, err := r.subnetQuery().run(c, sorted(r.subnets))
	if err != nil {
		return err
	}
	out := renderList(page, r.renderSubnet)
	return c.XML(struct {
		Subnets   []xmlSubnet `xml:"subnetSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{out, next})
}

// subnetParam resolves the call's required SubnetId.
func (r *region) subnetParam(c *wire.Call) (*subnet, error) {
	id, err := required(c.Form, "SubnetId")
	if err != nil {
		return nil, err
	}
	return lookup(r.subnets, kindSubnet, id)
}

func deleteSubnet(c *wire.Call, r *region) error {
	s, err := r.subnetParam(c)
	if err != nil {
		return err
	}
	for _, n := range r.natGateways {
		if n.subnetID == s.id && n.holdsResources() {
			return errDependency("subnet", s.id)
		}
	}
	if r.endpointUsing(s.id, "") != nil {
		return errDependency("subnet", s.id)
	}
	for _, t := range r.routeTables {
		t.dropSubnet(s.id)
	}
	delete(r.subnets, s.id)
	return acknowledge(c)
}

// unsupportedSubnetAttributes are ModifySubnetAttribute parameters localaws does not model (IPv6,
// Outposts, customer-owned addresses, network cards).
var unsupportedSubnetAttributes = []string{"AssignIpv6AddressOnCreation.Value", "EnableDns64.Value",
	"MapCustomerOwnedIpOnLaunch.Value", "CustomerOwnedIpv4Pool", "EnableLniAtDeviceIndex",
	"DisableLniAtDeviceIndex.Value"}

func modifySubnetAttribute(c *wire.Call, r *region) error {
	s, err := r.subnetParam(c)
	if err != nil {
		return err
	}
	for _, name := range unsupportedSubnetAttributes {
		if c.Form.Has(name) {
			return errParam("localaws does not support the subnet attribute %s", name)
		}
	}
	updates := map[*bool]bool{}
	for name, field := range map[string]*bool{"MapPublicIpOnLaunch": &s.mapPublicIP,
		"EnableResourceNameDnsARecordOnLaunch": &s.dnsA, "EnableResourceNameDnsAAAARecordOnLaunch": &s.dnsAAAA} {
		b, set, err := attributeValue(c.Form, name)
		if err != nil {
			return err
		}
		if set {
			updates[field] = b
		}
	}
	hostnameType := c.Form.Get("PrivateDnsHostnameTypeOnLaunch")
	if hostnameType != "" && hostnameType != "ip-name" && hostnameType != "resource-name" {
		return errParam("Value (%s) for parameter privateDnsHostnameTypeOnLaunch is invalid.", hostnameType)
	}
	if len(updates) == 0 && hostnameType == "" {
		return errMissing("MapPublicIpOnLaunch")
	}
	for field, b := range updates {
		*field = b
	}
	if hostnameType != "" {
		s.hostnameType = hostnameType
	}
	return acknowledge(c)
}

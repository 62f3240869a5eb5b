package ec2

import (
	"net/netip"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// vpc is one VPC. It owns a main route table and a default security group, created and deleted with it.
type vpc struct {
	meta
	cidr            netip.Prefix
	cidrAssocID     string
	instanceTenancy string
	dnsSupport      bool
	dnsHostnames    bool
	nauMetrics      bool
	mainRouteTable  string
	defaultGroup    string
}

// xmlVpc is an EC2 Vpc.
type xmlVpc struct {
	VpcID           string         `xml:"vpcId"`
	OwnerID         string         `xml:"ownerId"`
	State           string         `xml:"state"`
	CidrBlock       string         `xml:"cidrBlock"`
	CidrAssocs      []xmlCidrAssoc `xml:"cidrBlockAssociationSet>item"`
	DhcpOptionsID   string         `xml:"dhcpOptionsId"`
	InstanceTenancy string         `xml:"instanceTenancy"`
	IsDefault       bool           `xml:"isDefault"`
	Tags            []xmlTag       `xml:"tagSet>item"`
}

// xmlCidrAssoc is an EC2 VpcCidrBlockAssociation.
type xmlCidrAssoc struct {
	AssociationID string `xml:"associationId"`
	CidrBlock     string `xml:"cidrBlock"`
	State         string `xml:"cidrBlockState>state"`
}

func (r *region) renderVpc(v *vpc) xmlVpc {
	return xmlVpc{VpcID: v.id, OwnerID: r.accountID, State: "available", CidrBlock: v.cidr.String(),
		CidrAssocs:    []xmlCidrAssoc{{AssociationID: v.cidrAssocID, CidrBlock: v.cidr.String(), State: "associated"}},
		DhcpOptionsID: r.dhcpOptionsID, InstanceTenancy: v.instanceTenancy, Tags: v.tags.render()}
}

func createVpc(c *wire.Call, r *region) error {
	raw, err := required(c.Form, "CidrBlock")
	if err != nil {
		return err
	}
	cidr, err := parseCIDR(raw, "cidrBlock")
	if err != nil {
		return err
	}
	if cidr.Bits() < 16 || cidr.Bits() > 28 {
		return errInvalid("InvalidVpc.Range", "The CIDR '%s' is invalid.", raw)
	}
	tenancy := c.Form.Get("InstanceTenancy")
	switch tenancy {
	case "":
		tenancy = "default"
	case "default", "dedicated":
	default:
		return errParam("Value (%s) for parameter instanceTenancy is invalid.", tenancy)
	}
	tags, err := tagSpecifications(c.Form, kindVpc.resourceType)
	if err != nil {
		return err
	}
	v := &vpc{meta: r.newMeta(kindVpc, tags), cidr: cidr, cidrAssocID: newID("vpc-cidr-assoc"),
		instanceTenancy: tenancy, dnsSupport: true}
	r.vpcs[v.id] = v
	v.mainRouteTable = r.addMainRouteTable(v).id
	v.defaultGroup = r.addDefaultGroup(v).id
	return c.XML(struct {
		Vpc xmlVpc `xml:"vpc"`
	}{r.renderVpc(v)})
}

// vpcQuery selects VPCs for DescribeVpcs.
func (r *region) vpcQuery() query[*vpc] {
	return query[*vpc]{idParam: "VpcId", kind: kindVpc, idOf: func(v *vpc) string { return v.id },
		tagsOf: func(v *vpc) tagMap { return v.tags }, maxResults: 1000, fields: filterFields[*vpc]{
			"vpc-id":                                func(v *vpc) []string { return one(v.id) },
			"state":                                 func(*vpc) []string { return one("available") },
			"cidr":                                  func(v *vpc) []string { return one(v.cidr.String()) },
			"cidr-block-association.cidr-block":     func(v *vpc) []string { return one(v.cidr.String()) },
			"cidr-block-association.association-id": func(v *vpc) []string { return one(v.cidrAssocID) },
			"cidr-block-association.state":          func(*vpc) []string { return one("associated") },
			"is-default":                            func(*vpc) []string { return boolString(false) },
			"owner-id":                              func(*vpc) []string { return one(r.accountID) },
			"dhcp-options-id":                       func(*vpc) []string { return one(r.dhcpOptionsID) },
		}}
}

func describeVpcs(c *wire.Call, r *region) error {
	page, next, err := r.vpcQuery().run(c, sorted(r.vpcs))
	if err != nil {
		return err
	}
	out := renderList(page, r.renderVpc)
	return c.XML(struct {
		Vpcs      []xmlVpc `xml:"vpcSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next})
}

func deleteVpc(c *wire.Call, r *region) error {
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	if r.vpcInUse(v) {
		return errDependency("vpc", v.id)
	}
	delete(r.routeTables, v.mainRouteTable)
	delete(r.groups, v.defaultGroup)
	delete(r.vpcs, v.id)
	return acknowledge(c)
}

// vpcInUse reports whether anything but the VPC's main route table and default security group is in it.
func (r *region) vpcInUse(v *vpc) bool {
	for _, s := range r.subnets {
		if s.vpcID == v.id {
			return true
		}
	}
	for _, g := range r.igws {
		if g.vpcID == v.id {
			return true
		}
	}
	for _, g := range r.groups {
		if g.vpcID == v.id && g.id != v.defaultGroup {
			return true
		}
	}
	for _, t := range r.routeTables {
		if t.vpcID == v.id && t.id != v.mainRouteTable {
			return true
		}
	}
	for _, e := range r.endpoints {
		if e.vpcID == v.id {
			return true
		}
	}
	return false
}

// vpcParam resolves the call's required VpcId.
func (r *region) vpcParam(c *wire.Call) (*vpc, error) {
	id, err := required(c.Form, "VpcId")
	if err != nil {
		return nil, err
	}
	return lookup(r.vpcs, kindVpc, id)
}

// vpcAttributes are the attributes ModifyVpcAttribute and DescribeVpcAttribute know.
var vpcAttributes = []string{"enableDnsSupport", "enableDnsHostnames", "enableNetworkAddressUsageMetrics"}

// attribute returns the field behind a VPC attribute name.
func (v *vpc) attribute(name string) *bool {
	switch name {
	case "enableDnsSupport":
		return &v.dnsSupport
	case "enableDnsHostnames":
		return &v.dnsHostnames
	case "enableNetworkAddressUsageMetrics":
		return &v.nauMetrics
	}
	return nil
}

func modifyVpcAttribute(c *wire.Call, r *region) error {
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	var set []string
	var value bool
	for _, name := range vpcAttributes {
		b, ok, err := attributeValue(c.Form, upperFirst(name))
		if err != nil {
			return err
		}
		if ok {
			set, value = append(set, name), b
		}
	}
	switch len(set) {
	case 0:
		return errMissing("EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics")
	case 1:
	default:
		return errCombination("Fields for multiple attribute types specified: %v", set)
	}
	*v.attribute(set[0]) = value
	return acknowledge(c)
}

// xmlBoolValue is an EC2 AttributeBooleanValue.
type xmlBoolValue struct {
	Value bool `xml:"value"`
}

func describeVpcAttribute(c *wire.Call, r *region) error {
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	name, err := required(c.Form, "Attribute")
	if err != nil {
		return err
	}
	field := v.attribute(name)
	if field == nil {
		return errParam("Value (%s) for parameter attribute is invalid. Unknown attribute.", name)
	}
	out := struct {
		VpcID        string        `xml:"vpcId"`
		DNSSupport   *xmlBoolValue `xml:"enableDnsSupport,omitempty"`
		DNSHostnames *xmlBoolValue `xml:"enableDnsHostnames,omitempty"`
		NAUMetrics   *xmlBoolValue `xml:"enableNetworkAddressUsageMetrics,omitempty"`
	}{VpcID: v.id}
	value := &xmlBoolValue{Value: *field}
	switch name {
	case "enableDnsSupport":
		out.DNSSupport = value
	case "enableDnsHostnames":
		out.DNSHostnames = value
	default:
		out.NAUMetrics = value
	}
	return c.XML(out)
}

// upperFirst turns an attribute name into its request parameter name (enableDnsSupport → EnableDnsSupport).
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package ec2

import (
	"strconv"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// addressPrefixes are the /24 documentation ranges (RFC 5737) Elastic IP addresses come from: the
// addresses are never dialled, so they must not belong to anyone.
var addressPrefixes = []string{"198.51.100.", "203.0.113.", "192.0.2."}

// addressPoolSize is how many Elastic IP addresses a region can hand out (hosts .1 to .254 of each range).
var addressPoolSize = len(addressPrefixes) * 254

// poolAddress returns the i-th address of the Elastic IP pool.
func poolAddress(i int) string {
	return addressPrefixes[i/254] + strconv.Itoa(i%254+1)
}

// address is one Elastic IP address (domain vpc).
type address struct {
	meta
	publicIP string
	// The association fields are set while a NAT gateway's network interface holds the address.
	associationID string
	eniID         string
	privateIP     string
}

// xmlAddress is an EC2 Address.
type xmlAddress struct {
	PublicIP                string   `xml:"publicIp"`
	AllocationID            string   `xml:"allocationId"`
	Domain                  string   `xml:"domain"`
	AssociationID           string   `xml:"associationId,omitempty"`
	NetworkInterfaceID      string   `xml:"networkInterfaceId,omitempty"`
	NetworkInterfaceOwnerID string   `xml:"networkInterfaceOwnerId,omitempty"`
	PrivateIPAddress        string   `xml:"privateIpAddress,omitempty"`
	PublicIpv4Pool          string   `xml:"publicIpv4Pool"`
	NetworkBorderGroup      string   `xml:"networkBorderGroup"`
	Tags                    []xmlTag `xml:"tagSet>item"`
}

func (r *region) renderAddress(a *address) xmlAddress {
	out := xmlAddress{PublicIP: a.publicIP, AllocationID: a.id, Domain: "vpc", AssociationID: a.associationID,
		NetworkInterfaceID: a.eniID, PrivateIPAddress: a.privateIP, PublicIpv4Pool: "amazon",
		NetworkBorderGroup: r.name, Tags: a.tags.render()}
	if a.eniID != "" {
		out.NetworkInterfaceOwnerID = r.accountID
	}
	return out
}

func allocateAddress(c *wire.Call, r *region) error {
	if d := c.Form.Get("Domain"); d != "" && d != "vpc" {
		return errParam("Invalid value '%s' for domain.", d)
	}
	if nbg := c.Form.Get("NetworkBorderGroup"); nbg != "" && nbg != r.name {
		return errParam("Invalid value '%s' for networkBorderGroup.", nbg)
	}
	for _, p := range []string{"Address", "CustomerOwnedIpv4Pool", "IpamPoolId"} {
		if c.Form.Get(p) != "" {
			return errParam("localaws allocates Elastic IP addresses from the Amazon pool only; %s is not supported", p)
		}
	}
	if pool := c.Form.Get("PublicIpv4Pool"); pool != "" && pool != "amazon" {
		return errParam("localaws allocates Elastic IP addresses from the Amazon pool only, not %s", pool)
	}
	tags, err := tagSpecifications(c.Form, kindAddress.resourceType)
	if err != nil {
		return err
	}
	ip, ok := r.freeAddress()
	if !ok {
		return errInvalid("AddressLimitExceeded", "The maximum number of addresses has been reached.")
	}
	a := &address{meta: r.newMeta(kindAddress, tags), publicIP: ip}
	r.addresses[a.id] = a
	return c.XML(struct {
		PublicIP           string `xml:"publicIp"`
		AllocationID       string `xml:"allocationId"`
		PublicIpv4Pool     string `xml:"publicIpv4Pool"`
		NetworkBorderGroup string `xml:"networkBorderGroup"`
		Domain             string `xml:"domain"`
	}{a.publicIP, a.id, "amazon", r.name, "vpc"})
}

// freeAddress picks the next pool address no allocation holds.
func (r *region) freeAddress() (string, bool) {
	inUse := map[string]bool{}
	for _, a := range r.addresses {
		inUse[a.publicIP] = true
	}
	for range addressPoolSize {
		ip := poolAddress(r.nextAddress)
		r.nextAddress = (r.nextAddress + 1) % addressPoolSize
		if !inUse[ip] {
			return ip, true
		}
	}
	return "", false
}

// addressQuery selects addresses for DescribeAddresses.
func (r *region) addressQuery() query[*address] {
	return query[*address]{idParam: "AllocationId", kind: kindAddress, idOf: func(a *address) string { return a.id },
		tagsOf: func(a *address) tagMap { return a.tags }, fields: filterFields[*address]{
			"allocation-id":        func(a *address) []string { return one(a.id) },
			"association-id":       func(a *address) []string { return optional(a.associationID) },
			"domain":               func(*address) []string { return one("vpc") },
			"network-border-group": func(*address) []string { return one(r.name) },
			"network-interface-id": func(a *address) []string { return optional(a.eniID) },
			"private-ip-address":   func(a *address) []string { return optional(a.privateIP) },
			"public-ip":            func(a *address) []string { return one(a.publicIP) },
			"public-ipv4-pool":     func(*address) []string { return one("amazon") },
			"network-interface-owner-id": func(a *address) []string {
				if a.eniID == "" {
					return nil
				}
				return one(r.accountID)
			},
		}}
}

// optional wraps a filter value that may be unset.
func optional(v string) []string {
	if v == "" {
		return nil
	}
	return one(v)
}

func describeAddresses(c *wire.Call, r *region) error {
	all := sorted(r.addresses)
	if ips := wire.Strings(c.Form, "PublicIp"); len(ips) > 0 {
		byIP := map[string]*address{}
		for _, a := range all {
			byIP[a.publicIP] = a
		}
		all = all[:0:0]
		for _, ip := range ips {
			a, ok := byIP[ip]
			if !ok {
				return errInvalid("InvalidAddress.NotFound", "Address '%s' not found.", ip)
			}
			all = append(all, a)
		}
	}
	page, _, err := r.addressQuery().run(c, all)
	if err != nil {
		return err
	}
	out := renderList(page, r.renderAddress)
	return c.XML(struct {
		Addresses []xmlAddress `xml:"addressesSet>item"`
	}{out})
}

func releaseAddress(c *wire.Call, r *region) error {
	id := c.Form.Get("AllocationId")
	if id == "" {
		if c.Form.Get("PublicIp") != "" {
			return errParam("You must specify an allocation id when releasing a VPC elastic IP address")
		}
		return errMissing("AllocationId")
	}
	a, err := lookup(r.addresses, kindAddress, id)
	if err != nil {
		return err
	}
	if nbg := c.Form.Get("NetworkBorderGroup"); nbg != "" && nbg != r.name {
		return errParam("Invalid value '%s' for networkBorderGroup.", nbg)
	}
	for _, n := range r.natGateways {
		if n.allocationID == a.id && n.holdsResources() {
			return errInvalid("InvalidIPAddress.InUse", "The address with allocation id [%s] is in use.", a.id)
		}
	}
	delete(r.addresses, a.id)
	return acknowledge(c)
}

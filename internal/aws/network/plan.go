package network

import (
	"fmt"
	"net/netip"
	"slices"
)

// VPC prefix lengths EC2 accepts, and the longest one this layout can split into its three subnets.
const (
	minVPCPrefix = 16
	maxVPCPrefix = 26
	// subnetPrefix is the preferred subnet size; smaller VPCs get quarters instead.
	subnetPrefix = 24
)

// names are the Name tags of the network's parts.
type names struct {
	vpc, public, igw, eip, nat, publicRT, privateRT, sg string
	private                                             [2]string
}

// partNames derives every part's Name tag from the prefix.
func partNames(prefix string) names {
	return names{
		vpc:       prefix + "-vpc",
		public:    prefix + "-public",
		private:   [2]string{prefix + "-private-1", prefix + "-private-2"},
		igw:       prefix + "-igw",
		eip:       prefix + "-eip",
		nat:       prefix + "-nat",
		publicRT:  prefix + "-public-rt",
		privateRT: prefix + "-private-rt",
		sg:        prefix + "-sg",
	}
}

// subnets lists the subnet names.
func (n names) subnets() []string { return []string{n.public, n.private[0], n.private[1]} }

// layout is where each subnet goes.
type layout struct {
	public  string
	private [2]string
}

// carve splits the VPC CIDR into the public subnet and the two private ones: the first three /24 blocks
// when the VPC is /22 or larger, else its first three quarters. The result depends only on the CIDR.
func carve(cidr string) (layout, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return layout{}, fmt.Errorf("VPC CIDR %q is not an IPv4 CIDR block such as 10.10.0.0/16", cidr)
	}
	if p.Masked() != p {
		return layout{}, fmt.Errorf("VPC CIDR %q has host bits set; the network address is %s", cidr, p.Masked())
	}
	if p.Bits() < minVPCPrefix || p.Bits() > maxVPCPrefix {
		return layout{}, fmt.Errorf("VPC CIDR %q must be between /%d and /%d", cidr, minVPCPrefix, maxVPCPrefix)
	}
	bits := max(p.Bits()+2, subnetPrefix)
	base := p.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint32(1) << (32 - bits)
	block := func(i uint32) string {
		a := start + i*size
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits).String()
	}
	return layout{public: block(0), private: [2]string{block(1), block(2)}}, nil
}

// checkZones verifies the spec names two different zones that the region offers.
func checkZones(want, offered []string) error {
	if len(want) != 2 || want[0] == want[1] {
		return fmt.Errorf("the network needs exactly two different Availability Zones, got %v", want)
	}
	for _, z := range want {
		if !slices.Contains(offered, z) {
			return fmt.Errorf("the Availability Zone %q is not available in this region; valid zones are %v", z, offered)
		}
	}
	return nil
}

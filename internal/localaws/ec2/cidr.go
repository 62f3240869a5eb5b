package ec2

import (
	"net/netip"
)

// parseCIDR parses an IPv4 CIDR block named by param, which must be written as its network address
// (10.0.0.0/16, not 10.0.0.1/16).
func parseCIDR(value, param string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(value)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, errParam("Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", value, param)
	}
	return p, nil
}

// within reports whether inner lies entirely inside outer.
func within(inner, outer netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// hostAddress returns the n-th address of a block (0 is the network address).
func hostAddress(p netip.Prefix, n int) netip.Addr {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// blockSize is the number of addresses in an IPv4 block.
func blockSize(p netip.Prefix) int { return 1 << (32 - p.Bits()) }

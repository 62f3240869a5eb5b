package vpcnet

import (
	"fmt"
	"net/netip"
)

// parseIPv4 parses an IPv4 address of a listener.
func parseIPv4(host string) ([4]byte, error) {
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is4() {
		return [4]byte{}, fmt.Errorf("%q is not an IPv4 address", host)
	}
	return a.As4(), nil
}

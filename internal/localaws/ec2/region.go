package ec2

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// region holds one region's network resources. Every access happens under Service.mu.
type region struct {
	name      string
	accountID string
	seq       uint64
	// dhcpOptionsID is the region's default DHCP option set, shared by every VPC.
	dhcpOptionsID string
	vpcs          map[string]*vpc
	subnets       map[string]*subnet
	igws          map[string]*internetGateway
	addresses     map[string]*address
	natGateways   map[string]*natGateway
	natTokens     map[string]string
	routeTables   map[string]*routeTable
	groups        map[string]*securityGroup
	endpoints     map[string]*vpcEndpoint
	// nextAddress indexes the Elastic IP pool for the next allocation.
	nextAddress int
}

func newRegion(name, accountID string) *region {
	return &region{name: name, accountID: accountID, dhcpOptionsID: newID("dopt"),
		vpcs: map[string]*vpc{}, subnets: map[string]*subnet{}, igws: map[string]*internetGateway{},
		addresses: map[string]*address{}, natGateways: map[string]*natGateway{}, natTokens: map[string]string{},
		routeTables: map[string]*routeTable{}, groups: map[string]*securityGroup{},
		endpoints: map[string]*vpcEndpoint{}}
}

// meta is what every resource has: its ID, its creation order and its tags.
type meta struct {
	id   string
	seq  uint64
	tags tagMap
}

func (m *meta) base() *meta { return m }

// resource is any stored EC2 resource.
type resource interface{ base() *meta }

// newMeta starts a resource with a fresh ID of the kind's prefix.
func (r *region) newMeta(k kind, tags tagMap) meta {
	r.seq++
	if tags == nil {
		tags = tagMap{}
	}
	return meta{id: newID(k.prefix), seq: r.seq, tags: tags}
}

// newID returns an ID as EC2 writes them: the prefix, a dash and 17 hex digits.
func newID(prefix string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	for range 17 {
		b.WriteByte(hex[rand.IntN(16)])
	}
	return b.String()
}

// kind describes one resource type: its ID prefix, its tag resource type and its not-found error.
type kind struct {
	prefix       string
	resourceType string
	notFoundCode string
	// notFoundFormat formats the missing IDs (joined by ", ") into the not-found message.
	notFoundFormat string
}

var (
	kindVpc    = kind{"vpc", "vpc", "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist"}
	kindSubnet = kind{"subnet", "subnet", "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist"}
	kindIgw    = kind{"igw", "internet-gateway", "InvalidInternetGatewayID.NotFound",
		"The internetGateway ID '%s' does not exist"}
	kindAddress = kind{"eipalloc", "elastic-ip", "InvalidAllocationID.NotFound",
		"The allocation ID '%s' does not exist"}
	kindNat        = kind{"nat", "natgateway", "InvalidNatGatewayID.NotFound", "The Nat Gateway %s was not found"}
	kindRouteTable = kind{"rtb", "route-table", "InvalidRouteTableID.NotFound",
		"The routeTable ID '%s' does not exist"}
	kindGroup = kind{"sg", "security-group", "InvalidGroup.NotFound", "The security group '%s' does not exist"}
	kindRule  = kind{"sgr", "security-group-rule", "InvalidSecurityGroupRuleId.NotFound",
		"The security group rule ID '%s' does not exist"}
	// UNCONFIRMED: AWS's exact not-found message for VPC endpoints.
	kindEndpoint = kind{"vpce", "vpc-endpoint", "InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist"}
)

// taggableKinds are the kinds CreateTags, DeleteTags and DescribeTags reach, in DescribeTags order.
var taggableKinds = []kind{kindAddress, kindIgw, kindNat, kindRouteTable, kindGroup, kindRule, kindSubnet, kindVpc, kindEndpoint}

// sorted returns a map's resources in creation order.
func sorted[T resource](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.base().seq, b.base().seq) })
	return out
}

// lookup finds a resource by ID, answering the kind's not-found error when it does not exist.
func lookup[T resource](m map[string]T, k kind, id string) (T, error) {
	v, ok := m[id]
	if !ok {
		var zero T
		return zero, k.notFound(id)
	}
	return v, nil
}

func (k kind) notFound(ids ...string) error {
	return errInvalid(k.notFoundCode, k.notFoundFormat, strings.Join(ids, ", "))
}

// arn returns the ARN EC2 gives a resource of this region.
func (r *region) arn(resourceType, id string) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:%s/%s", r.name, r.accountID, resourceType, id)
}

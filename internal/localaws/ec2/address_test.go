package ec2

import (
	"net/netip"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestElasticIPAddresses(t *testing.T) {
	h := newHarness(t, Config{})
	out, err := h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc,
		TagSpecifications: tagSpec(types.ResourceTypeElasticIp, "Name", "nat-ip")})
	h.must(err)
	ip := netip.MustParseAddr(aws.ToString(out.PublicIp))
	if !netip.MustParsePrefix("198.51.100.0/24").Contains(ip) || out.Domain != types.DomainTypeVpc ||
		aws.ToString(out.NetworkBorderGroup) != "us-east-1" || aws.ToString(out.PublicIpv4Pool) != "amazon" {
		t.Fatalf("unexpected allocation %+v", out)
	}
	second := h.allocation()

	byID, err := h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{AllocationIds: []string{aws.ToString(out.AllocationId)}})
	h.must(err)
	if len(byID.Addresses) != 1 || aws.ToString(byID.Addresses[0].PublicIp) != ip.String() ||
		tagValue(byID.Addresses[0].Tags, "Name") != "nat-ip" || byID.Addresses[0].AssociationId != nil {
		t.Fatalf("describe by allocation: %+v", byID.Addresses)
	}
	byIP, err := h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{PublicIps: []string{ip.String()}})
	h.must(err)
	if len(byIP.Addresses) != 1 || aws.ToString(byIP.Addresses[0].AllocationId) != aws.ToString(out.AllocationId) {
		t.Fatalf("describe by public IP: %+v", byIP.Addresses)
	}
	tagged, err := h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{
		Filters: []types.Filter{flt("tag:Name", "nat-ip"), flt("domain", "vpc")}})
	h.must(err)
	if len(tagged.Addresses) != 1 {
		t.Fatalf("tag filter: %+v", tagged.Addresses)
	}
	all, err := h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{})
	h.must(err)
	if len(all.Addresses) != 2 || aws.ToString(all.Addresses[0].PublicIp) == aws.ToString(all.Addresses[1].PublicIp) {
		t.Fatalf("two allocations must have two addresses: %+v", all.Addresses)
	}

	_, err = h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{PublicIps: []string{"203.0.113.250"}})
	lawstest.ExpectCode(t, err, "InvalidAddress.NotFound")
	_, err = h.ec2.DescribeAddresses(h.ctx, &ec2sdk.DescribeAddressesInput{AllocationIds: []string{"eipalloc-00000000000000000"}})
	lawstest.ExpectCode(t, err, "InvalidAllocationID.NotFound")
	_, err = h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeStandard})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{
		TagSpecifications: tagSpec(types.ResourceTypeVpc, "a", "b")})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")

	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{PublicIp: aws.String(ip.String())})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: out.AllocationId})
	h.must(err)
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: out.AllocationId})
	lawstest.ExpectCode(t, err, "InvalidAllocationID.NotFound")
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: aws.String(second)})
	h.must(err)
}

func TestAddressPoolExhaustion(t *testing.T) {
	h := newHarness(t, Config{})
	var last string
	for range addressPoolSize {
		last = h.allocation()
	}
	_, err := h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc})
	lawstest.ExpectCode(t, err, "AddressLimitExceeded")
	_, err = h.ec2.ReleaseAddress(h.ctx, &ec2sdk.ReleaseAddressInput{AllocationId: aws.String(last)})
	h.must(err)
	h.allocation()
}

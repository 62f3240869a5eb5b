package ec2

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func tags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func TestTags(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	sg := h.group(f.vpcID, "tagged")
	_, err := h.ec2.CreateTags(h.ctx, &ec2sdk.CreateTagsInput{Resources: []string{f.vpcID, f.subnetID, sg, f.allocationID},
		Tags: tags("kafkapipeline.io/owner", "ns/name", "env", "test")})
	h.must(err)

	described, err := h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{flt("key", "kafkapipeline.io/owner")}})
	h.must(err)
	got := map[string]string{}
	for _, d := range described.Tags {
		got[aws.ToString(d.ResourceId)] = string(d.ResourceType)
		if aws.ToString(d.Value) != "ns/name" {
			t.Fatalf("tag value %q", aws.ToString(d.Value))
		}
	}
	want := map[string]string{f.vpcID: "vpc", f.subnetID: "subnet", sg: "security-group", f.allocationID: "elastic-ip"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("DescribeTags by key: got %v, want %v", got, want)
	}
	byResource, err := h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{flt("resource-id", f.vpcID)}})
	h.must(err)
	if len(byResource.Tags) != 2 {
		t.Fatalf("DescribeTags by resource: %+v", byResource.Tags)
	}
	byType, err := h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{flt("resource-type", "subnet"), flt("value", "te*")}})
	h.must(err)
	if len(byType.Tags) != 1 || aws.ToString(byType.Tags[0].Key) != "env" {
		t.Fatalf("DescribeTags by type and value: %+v", byType.Tags)
	}

	// A value that does not match keeps the tag; a bare key removes it whatever its value.
	_, err = h.ec2.DeleteTags(h.ctx, &ec2sdk.DeleteTagsInput{Resources: []string{f.vpcID}, Tags: tags("env", "prod")})
	h.must(err)
	vpcs, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{f.vpcID}})
	h.must(err)
	if tagValue(vpcs.Vpcs[0].Tags, "env") != "test" {
		t.Fatalf("mismatched value deleted the tag: %+v", vpcs.Vpcs[0].Tags)
	}
	_, err = h.ec2.DeleteTags(h.ctx, &ec2sdk.DeleteTagsInput{Resources: []string{f.vpcID},
		Tags: []types.Tag{{Key: aws.String("env")}}})
	h.must(err)
	vpcs, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{flt("tag-key", "env")}})
	h.must(err)
	if len(vpcs.Vpcs) != 0 {
		t.Fatalf("tag-key filter still finds the VPC: %+v", vpcs.Vpcs)
	}
	_, err = h.ec2.DeleteTags(h.ctx, &ec2sdk.DeleteTagsInput{Resources: []string{sg}})
	h.must(err)
	groups, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{GroupIds: []string{sg}})
	h.must(err)
	if len(groups.SecurityGroups[0].Tags) != 0 {
		t.Fatalf("DeleteTags without tags must remove all: %+v", groups.SecurityGroups[0].Tags)
	}

	createTags := func(id string, tt []types.Tag) error {
		_, err := h.ec2.CreateTags(h.ctx, &ec2sdk.CreateTagsInput{Resources: []string{id}, Tags: tt})
		return err
	}
	lawstest.ExpectCode(t, createTags("vpc-00000000000000000", tags("a", "b")), "InvalidVpcID.NotFound")
	lawstest.ExpectCode(t, createTags("subnet-00000000000000000", tags("a", "b")), "InvalidSubnetID.NotFound")
	lawstest.ExpectCode(t, createTags("nat-00000000000000000", tags("a", "b")), "InvalidNatGatewayID.NotFound")
	lawstest.ExpectCode(t, createTags("bogus", tags("a", "b")), "InvalidID")
	lawstest.ExpectCode(t, createTags(f.vpcID, tags("aws:reserved", "b")), "InvalidParameterValue")
	var many []string
	for i := range maxTags + 1 {
		many = append(many, fmt.Sprintf("k%d", i), "v")
	}
	lawstest.ExpectCode(t, createTags(f.vpcID, tags(many...)), "TagLimitExceeded")
	_, err = h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{Filters: []types.Filter{flt("tag:x", "y")}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

package ec2

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestPagination(t *testing.T) {
	h := newHarness(t, Config{})
	created := map[string]bool{}
	var anyID string
	for i := range 7 {
		anyID = aws.ToString(h.vpc(fmt.Sprintf("10.%d.0.0/16", i)).VpcId)
		created[anyID] = true
	}
	first, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(5)})
	h.must(err)
	if len(first.Vpcs) != 5 || aws.ToString(first.NextToken) == "" {
		t.Fatalf("first page: %d VPCs, token %q", len(first.Vpcs), aws.ToString(first.NextToken))
	}
	seen := map[string]bool{}
	p := ec2sdk.NewDescribeVpcsPaginator(h.ec2, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(5)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(h.ctx)
		h.must(err)
		pages++
		for _, v := range page.Vpcs {
			seen[aws.ToString(v.VpcId)] = true
		}
	}
	if pages != 2 || len(seen) != 7 {
		t.Fatalf("paginator: %d pages, %d VPCs", pages, len(seen))
	}
	for id := range created {
		if !seen[id] {
			t.Fatalf("VPC %s missing from the pages", id)
		}
	}

	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(3)})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{MaxResults: aws.Int32(101)})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{MaxResults: aws.Int32(5), VpcIds: []string{anyID}})
	lawstest.ExpectCode(t, err, "InvalidParameterCombination")
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{NextToken: aws.String("garbage")})
	lawstest.ExpectCode(t, err, "InvalidPaginationToken")

	// Every paginated Describe* accepts MaxResults.
	_, err = h.ec2.DescribeSubnets(h.ctx, &ec2sdk.DescribeSubnetsInput{MaxResults: aws.Int32(5)})
	h.must(err)
	groups, err := h.ec2.DescribeSecurityGroups(h.ctx, &ec2sdk.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)})
	h.must(err)
	if len(groups.SecurityGroups) != 5 || groups.NextToken == nil {
		t.Fatalf("security group page: %d, token %v", len(groups.SecurityGroups), groups.NextToken)
	}
	rules, err := h.ec2.DescribeSecurityGroupRules(h.ctx, &ec2sdk.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(10)})
	h.must(err)
	if len(rules.SecurityGroupRules) != 10 || rules.NextToken == nil {
		t.Fatalf("rule page: %d, token %v", len(rules.SecurityGroupRules), rules.NextToken)
	}
	_, err = h.ec2.DescribeInternetGateways(h.ctx, &ec2sdk.DescribeInternetGatewaysInput{MaxResults: aws.Int32(5)})
	h.must(err)
	_, err = h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{MaxResults: aws.Int32(5)})
	h.must(err)
	tags, err := h.ec2.DescribeTags(h.ctx, &ec2sdk.DescribeTagsInput{MaxResults: aws.Int32(5)})
	h.must(err)
	if len(tags.Tags) != 0 {
		t.Fatalf("no tags were made: %+v", tags.Tags)
	}
}

func TestFilters(t *testing.T) {
	h := newHarness(t, Config{})
	h.vpc("10.0.0.0/16")
	_, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{flt("no-such-filter", "x")}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("vpc-id")}}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	for pattern, want := range map[string]int{"10.0.*": 1, "10.?.0.0/16": 1, "*": 1, "10.1.*": 0, "10.0.0.0/1?": 1} {
		out, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{Filters: []types.Filter{flt("cidr", pattern)}})
		h.must(err)
		if len(out.Vpcs) != want {
			t.Fatalf("pattern %q matched %d VPCs, want %d", pattern, len(out.Vpcs), want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "ab", false}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"*", "", true}, {"", "", true}, {"", "a", false}, {"*b*", "abc", true}, {"a**", "a", true},
	} {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %t, want %t", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestDryRun(t *testing.T) {
	h := newHarness(t, Config{})
	_, err := h.ec2.CreateVpc(h.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), DryRun: aws.Bool(true)})
	lawstest.ExpectCode(t, err, "DryRunOperation")
	out, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{})
	h.must(err)
	if len(out.Vpcs) != 0 {
		t.Fatal("a dry run created a VPC")
	}
}

func TestThrottleError(t *testing.T) {
	e := New(Config{}).Throttle()
	if e.Code != "RequestLimitExceeded" || e.Status != http.StatusServiceUnavailable {
		t.Fatalf("throttle error %+v", e)
	}
}

func TestRegionsAreSeparate(t *testing.T) {
	h := newHarness(t, Config{})
	tokyo := h.inRegion("ap-northeast-1")
	out, err := tokyo.CreateVpc(h.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	h.must(err)
	sub, err := tokyo.CreateSubnet(h.ctx, &ec2sdk.CreateSubnetInput{VpcId: out.Vpc.VpcId, CidrBlock: aws.String("10.0.0.0/24"),
		AvailabilityZone: aws.String("ap-northeast-1c")})
	h.must(err)
	if got := aws.ToString(sub.Subnet.SubnetArn); !strings.HasPrefix(got, "arn:aws:ec2:ap-northeast-1:") {
		t.Fatalf("subnet ARN %s", got)
	}
	if !h.svc.SubnetExists("ap-northeast-1", aws.ToString(sub.Subnet.SubnetId)) || h.svc.SubnetExists("us-east-1", aws.ToString(sub.Subnet.SubnetId)) {
		t.Fatal("SubnetExists ignores the region")
	}
	_, err = h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{VpcIds: []string{aws.ToString(out.Vpc.VpcId)}})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")
}

func TestSnapshotAndReset(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.natFixture()
	h.createNat(f, "")
	raw, err := json.Marshal(h.svc.Snapshot())
	h.must(err)
	var snap map[string]struct {
		Vpcs        []json.RawMessage `json:"vpcs"`
		Subnets     []json.RawMessage `json:"subnets"`
		NatGateways []json.RawMessage `json:"natGateways"`
		RouteTables []json.RawMessage `json:"routeTables"`
	}
	h.must(json.Unmarshal(raw, &snap))
	us := snap["us-east-1"]
	if len(us.Vpcs) != 1 || len(us.Subnets) != 1 || len(us.NatGateways) != 1 || len(us.RouteTables) != 1 ||
		!strings.Contains(string(raw), f.vpcID) {
		t.Fatalf("snapshot: %s", raw)
	}
	h.svc.Reset()
	if h.svc.SubnetExists("us-east-1", f.subnetID) {
		t.Fatal("Reset kept a subnet")
	}
	out, err := h.ec2.DescribeVpcs(h.ctx, &ec2sdk.DescribeVpcsInput{})
	h.must(err)
	if len(out.Vpcs) != 0 {
		t.Fatalf("Reset kept VPCs: %+v", out.Vpcs)
	}
}

package ec2

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// harness is a running EC2 service with an SDK client.
type harness struct {
	t   *testing.T
	svc *Service
	ec2 *ec2sdk.Client
	ctx context.Context
	// endpoint is the server's base URL, for the AWS CLI and boto3.
	endpoint string
}

// newHarness starts the service with instant timings unless cfg says otherwise.
func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	if cfg.Timings == nil {
		cfg.Timings = lawstest.Timings(t)
	}
	svc := New(cfg)
	_, awsCfg := lawstest.Serve(t, svc)
	return &harness{t: t, svc: svc, ec2: ec2sdk.NewFromConfig(awsCfg), ctx: context.Background(),
		endpoint: aws.ToString(awsCfg.BaseEndpoint)}
}

// inRegion returns a client for another region of the same server.
func (h *harness) inRegion(name string) *ec2sdk.Client {
	return ec2sdk.New(h.ec2.Options(), func(o *ec2sdk.Options) { o.Region = name })
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

// tagSpec builds a TagSpecifications list for one resource type.
func tagSpec(rt types.ResourceType, kv ...string) []types.TagSpecification {
	spec := types.TagSpecification{ResourceType: rt}
	for i := 0; i+1 < len(kv); i += 2 {
		spec.Tags = append(spec.Tags, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return []types.TagSpecification{spec}
}

func flt(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

func (h *harness) vpc(cidr string) *types.Vpc {
	h.t.Helper()
	out, err := h.ec2.CreateVpc(h.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String(cidr)})
	h.must(err)
	return out.Vpc
}

func (h *harness) subnet(vpcID, cidr, zone string) *types.Subnet {
	h.t.Helper()
	out, err := h.ec2.CreateSubnet(h.ctx, &ec2sdk.CreateSubnetInput{VpcId: aws.String(vpcID),
		CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})
	h.must(err)
	return out.Subnet
}

func (h *harness) allocation() string {
	h.t.Helper()
	out, err := h.ec2.AllocateAddress(h.ctx, &ec2sdk.AllocateAddressInput{Domain: types.DomainTypeVpc})
	h.must(err)
	return aws.ToString(out.AllocationId)
}

func (h *harness) group(vpcID, name string) string {
	h.t.Helper()
	out, err := h.ec2.CreateSecurityGroup(h.ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: aws.String(vpcID),
		GroupName: aws.String(name), Description: aws.String(name + " group")})
	h.must(err)
	return aws.ToString(out.GroupId)
}

func (h *harness) natGateway(id string) types.NatGateway {
	h.t.Helper()
	out, err := h.ec2.DescribeNatGateways(h.ctx, &ec2sdk.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	h.must(err)
	if len(out.NatGateways) != 1 {
		h.t.Fatalf("want one NAT gateway %s, got %d", id, len(out.NatGateways))
	}
	return out.NatGateways[0]
}

// waitNatState polls until the gateway reaches state, failing after a deadline.
func (h *harness) waitNatState(id string, state types.NatGatewayState) types.NatGateway {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := h.natGateway(id)
		if n.State == state {
			return n
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("NAT gateway %s stayed %s, want %s", id, n.State, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) mainRouteTable(vpcID string) types.RouteTable {
	h.t.Helper()
	out, err := h.ec2.DescribeRouteTables(h.ctx, &ec2sdk.DescribeRouteTablesInput{
		Filters: []types.Filter{flt("vpc-id", vpcID), flt("association.main", "true")}})
	h.must(err)
	if len(out.RouteTables) != 1 {
		h.t.Fatalf("want one main route table in %s, got %d", vpcID, len(out.RouteTables))
	}
	return out.RouteTables[0]
}

func tagValue(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

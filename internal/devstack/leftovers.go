package devstack

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Resource is an AWS resource found in localaws.
type Resource struct {
	// Kind names the service and type, for example "lambda function".
	Kind string
	// ID is its name, ARN, URL or identifier.
	ID string
}

// String renders the resource as "<kind> <id>".
func (r Resource) String() string { return r.Kind + " " + r.ID }

// lister lists the resources of one kind in a region.
type lister func(ctx context.Context, cfg aws.Config) ([]Resource, error)

// Leftovers lists, through the AWS APIs, every resource the operator creates that still exists in a region
// (IAM roles are global): MSK clusters, pipes, Lambda functions and event source mappings, their
// CloudWatch log groups, SQS queues, IAM roles, and the VPC, subnets, gateways, addresses, route tables
// and security groups of a network. NAT gateways in state deleted (which EC2 keeps listing for a while)
// are not counted.
func (s *Stack) Leftovers(ctx context.Context, region string) ([]Resource, error) {
	cfg := s.AWSIn(region)
	var all []Resource
	for _, list := range []lister{clusters, pipesList, functions, mappings, logGroups, queues, roles, networkParts} {
		rs, err := list(ctx, cfg)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	return all, nil
}

func logGroups(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := logssdk.NewDescribeLogGroupsPaginator(logssdk.NewFromConfig(cfg), &logssdk.DescribeLogGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			out = append(out, Resource{Kind: "log group", ID: aws.ToString(g.LogGroupName)})
		}
	}
	return out, nil
}

func clusters(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := kafkasdk.NewListClustersV2Paginator(kafkasdk.NewFromConfig(cfg), &kafkasdk.ListClustersV2Input{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing MSK clusters: %w", err)
		}
		for _, c := range page.ClusterInfoList {
			out = append(out, Resource{Kind: "msk cluster", ID: aws.ToString(c.ClusterArn) + " (" + string(c.State) + ")"})
		}
	}
	return out, nil
}

func pipesList(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := pipessdk.NewListPipesPaginator(pipessdk.NewFromConfig(cfg), &pipessdk.ListPipesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing pipes: %w", err)
		}
		for _, pp := range page.Pipes {
			out = append(out, Resource{Kind: "pipe", ID: aws.ToString(pp.Name) + " (" + string(pp.CurrentState) + ")"})
		}
	}
	return out, nil
}

func functions(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := lambdasdk.NewListFunctionsPaginator(lambdasdk.NewFromConfig(cfg), &lambdasdk.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing Lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			out = append(out, Resource{Kind: "lambda function", ID: aws.ToString(f.FunctionName)})
		}
	}
	return out, nil
}

func mappings(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := lambdasdk.NewListEventSourceMappingsPaginator(lambdasdk.NewFromConfig(cfg), &lambdasdk.ListEventSourceMappingsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing event source mappings: %w", err)
		}
		for _, m := range page.EventSourceMappings {
			out = append(out, Resource{Kind: "event source mapping", ID: aws.ToString(m.UUID) + " (" + aws.ToString(m.State) + ")"})
		}
	}
	return out, nil
}

func queues(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := sqssdk.NewListQueuesPaginator(sqssdk.NewFromConfig(cfg), &sqssdk.ListQueuesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing SQS queues: %w", err)
		}
		for _, u := range page.QueueUrls {
			out = append(out, Resource{Kind: "sqs queue", ID: u})
		}
	}
	return out, nil
}

func roles(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	var out []Resource
	p := iamsdk.NewListRolesPaginator(iamsdk.NewFromConfig(cfg), &iamsdk.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing IAM roles: %w", err)
		}
		for _, r := range page.Roles {
			out = append(out, Resource{Kind: "iam role", ID: aws.ToString(r.Arn)})
		}
	}
	return out, nil
}

// networkParts lists the EC2 resources a KafkaCluster's network.create makes.
func networkParts(ctx context.Context, cfg aws.Config) ([]Resource, error) {
	cl := ec2sdk.NewFromConfig(cfg)
	var out []Resource
	vpcs, err := cl.DescribeVpcs(ctx, &ec2sdk.DescribeVpcsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing VPCs: %w", err)
	}
	for _, v := range vpcs.Vpcs {
		out = append(out, Resource{Kind: "vpc", ID: aws.ToString(v.VpcId)})
	}
	subnets, err := cl.DescribeSubnets(ctx, &ec2sdk.DescribeSubnetsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing subnets: %w", err)
	}
	for _, sn := range subnets.Subnets {
		out = append(out, Resource{Kind: "subnet", ID: aws.ToString(sn.SubnetId)})
	}
	igws, err := cl.DescribeInternetGateways(ctx, &ec2sdk.DescribeInternetGatewaysInput{})
	if err != nil {
		return nil, fmt.Errorf("listing internet gateways: %w", err)
	}
	for _, g := range igws.InternetGateways {
		out = append(out, Resource{Kind: "internet gateway", ID: aws.ToString(g.InternetGatewayId)})
	}
	nats, err := cl.DescribeNatGateways(ctx, &ec2sdk.DescribeNatGatewaysInput{})
	if err != nil {
		return nil, fmt.Errorf("listing NAT gateways: %w", err)
	}
	for _, n := range nats.NatGateways {
		if n.State != ec2types.NatGatewayStateDeleted {
			out = append(out, Resource{Kind: "nat gateway", ID: aws.ToString(n.NatGatewayId) + " (" + string(n.State) + ")"})
		}
	}
	addrs, err := cl.DescribeAddresses(ctx, &ec2sdk.DescribeAddressesInput{})
	if err != nil {
		return nil, fmt.Errorf("listing elastic IP addresses: %w", err)
	}
	for _, a := range addrs.Addresses {
		out = append(out, Resource{Kind: "elastic ip", ID: aws.ToString(a.AllocationId)})
	}
	tables, err := cl.DescribeRouteTables(ctx, &ec2sdk.DescribeRouteTablesInput{})
	if err != nil {
		return nil, fmt.Errorf("listing route tables: %w", err)
	}
	for _, t := range tables.RouteTables {
		out = append(out, Resource{Kind: "route table", ID: aws.ToString(t.RouteTableId)})
	}
	groups, err := cl.DescribeSecurityGroups(ctx, &ec2sdk.DescribeSecurityGroupsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing security groups: %w", err)
	}
	for _, g := range groups.SecurityGroups {
		out = append(out, Resource{Kind: "security group", ID: aws.ToString(g.GroupId)})
	}
	return out, nil
}

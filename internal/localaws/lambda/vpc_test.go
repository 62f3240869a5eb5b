package lambda

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// fakeNetwork has subnets (subnet → VPC) and security groups.
type fakeNetwork struct {
	subnets map[string]string
	groups  map[string]bool
}

func (f fakeNetwork) SubnetVPC(_, subnetID string) (string, bool) {
	vpc, ok := f.subnets[subnetID]
	return vpc, ok
}

func (f fakeNetwork) SecurityGroupExists(_, groupID string) bool { return f.groups[groupID] }

func TestVpcConfigIsCheckedKeptAndReported(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Network = fakeNetwork{subnets: map[string]string{"subnet-a": "vpc-1", "subnet-b": "vpc-1", "subnet-c": "vpc-2"},
			groups: map[string]bool{"sg-1": true}}
	})
	ctx := context.Background()
	in := createInput("attached", zipOf(t, map[string]string{"bootstrap": "x"}))
	in.VpcConfig = &types.VpcConfig{SubnetIds: []string{"subnet-a", "subnet-b"}, SecurityGroupIds: []string{"sg-1"}}

	_, err := h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "does not have permissions to call CreateNetworkInterface on EC2")
	h.iam.grant(testRole, "ec2:CreateNetworkInterface", "*")
	for _, bad := range []struct {
		vpc *types.VpcConfig
		msg string
	}{
		{&types.VpcConfig{SubnetIds: []string{"subnet-x"}, SecurityGroupIds: []string{"sg-1"}}, "InvalidSubnetID.NotFound"},
		{&types.VpcConfig{SubnetIds: []string{"subnet-a"}, SecurityGroupIds: []string{"sg-x"}}, "InvalidGroup.NotFound"},
		{&types.VpcConfig{SubnetIds: []string{"subnet-a", "subnet-c"}, SecurityGroupIds: []string{"sg-1"}}, "same VPC"},
		{&types.VpcConfig{SubnetIds: []string{"subnet-a"}}, "SecurityGroupIds"},
	} {
		bin := *in
		bin.VpcConfig = bad.vpc
		_, err := h.client.CreateFunction(ctx, &bin)
		wantError[*types.InvalidParameterValueException](t, err, bad.msg)
	}

	created, err := h.client.CreateFunction(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if created.State != types.StatePending || created.VpcConfig == nil || aws.ToString(created.VpcConfig.VpcId) != "vpc-1" {
		t.Fatalf("CreateFunction answered State %s, VpcConfig %+v; want Pending in vpc-1", created.State, created.VpcConfig)
	}
	got := h.waitFunction(t, "attached", func(c *types.FunctionConfiguration) bool { return c.State == types.StateActive })
	if c := got.Configuration.VpcConfig; c == nil || aws.ToString(c.VpcId) != "vpc-1" ||
		len(c.SubnetIds) != 2 || len(c.SecurityGroupIds) != 1 || c.SecurityGroupIds[0] != "sg-1" {
		t.Fatalf("GetFunction VpcConfig = %+v", c)
	}
	if v, _ := h.svc.Function("attached"); v.VpcID != "vpc-1" {
		t.Errorf("the runtime's view has VpcID %q, want vpc-1", v.VpcID)
	}

	// Empty lists detach the function.
	if _, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("attached"), VpcConfig: &types.VpcConfig{SubnetIds: []string{}, SecurityGroupIds: []string{}}}); err != nil {
		t.Fatal(err)
	}
	detached := h.waitFunction(t, "attached", func(c *types.FunctionConfiguration) bool {
		return c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
	if c := detached.Configuration.VpcConfig; c != nil && aws.ToString(c.VpcId) != "" {
		t.Errorf("after detaching, VpcConfig = %+v", c)
	}
	if v, _ := h.svc.Function("attached"); v.VpcID != "" {
		t.Errorf("after detaching, the runtime's view has VpcID %q", v.VpcID)
	}
}

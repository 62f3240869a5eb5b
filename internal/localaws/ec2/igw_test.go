package ec2

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestInternetGateways(t *testing.T) {
	h := newHarness(t, Config{})
	vpcA, vpcB := h.vpc("10.0.0.0/16").VpcId, h.vpc("10.1.0.0/16").VpcId
	out, err := h.ec2.CreateInternetGateway(h.ctx, &ec2sdk.CreateInternetGatewayInput{
		TagSpecifications: tagSpec(types.ResourceTypeInternetGateway, "Name", "edge")})
	h.must(err)
	igw := out.InternetGateway
	id := igw.InternetGatewayId
	if len(igw.Attachments) != 0 || tagValue(igw.Tags, "Name") != "edge" || aws.ToString(igw.OwnerId) == "" {
		t.Fatalf("unexpected new gateway %+v", igw)
	}

	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{InternetGatewayId: id, VpcId: vpcA})
	h.must(err)
	got, err := h.ec2.DescribeInternetGateways(h.ctx, &ec2sdk.DescribeInternetGatewaysInput{
		Filters: []types.Filter{flt("attachment.vpc-id", aws.ToString(vpcA)), flt("attachment.state", "available")}})
	h.must(err)
	if len(got.InternetGateways) != 1 || len(got.InternetGateways[0].Attachments) != 1 ||
		got.InternetGateways[0].Attachments[0].State != types.AttachmentStatus("available") {
		t.Fatalf("attached gateway: %+v", got.InternetGateways)
	}

	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{InternetGatewayId: id, VpcId: vpcB})
	lawstest.ExpectCode(t, err, "Resource.AlreadyAssociated")
	second, err := h.ec2.CreateInternetGateway(h.ctx, &ec2sdk.CreateInternetGatewayInput{})
	h.must(err)
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{
		InternetGatewayId: second.InternetGateway.InternetGatewayId, VpcId: vpcA})
	lawstest.ExpectCode(t, err, "Resource.AlreadyAssociated")
	_, err = h.ec2.DeleteInternetGateway(h.ctx, &ec2sdk.DeleteInternetGatewayInput{InternetGatewayId: id})
	lawstest.ExpectCode(t, err, "DependencyViolation")
	_, err = h.ec2.DetachInternetGateway(h.ctx, &ec2sdk.DetachInternetGatewayInput{InternetGatewayId: id, VpcId: vpcB})
	lawstest.ExpectCode(t, err, "Gateway.NotAttached")
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{
		InternetGatewayId: aws.String("igw-00000000000000000"), VpcId: vpcB})
	lawstest.ExpectCode(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = h.ec2.AttachInternetGateway(h.ctx, &ec2sdk.AttachInternetGatewayInput{
		InternetGatewayId: second.InternetGateway.InternetGatewayId, VpcId: aws.String("vpc-00000000000000000")})
	lawstest.ExpectCode(t, err, "InvalidVpcID.NotFound")

	_, err = h.ec2.DetachInternetGateway(h.ctx, &ec2sdk.DetachInternetGatewayInput{InternetGatewayId: id, VpcId: vpcA})
	h.must(err)
	detached, err := h.ec2.DescribeInternetGateways(h.ctx, &ec2sdk.DescribeInternetGatewaysInput{InternetGatewayIds: []string{aws.ToString(id)}})
	h.must(err)
	if len(detached.InternetGateways[0].Attachments) != 0 {
		t.Fatalf("detached gateway still attached: %+v", detached.InternetGateways[0])
	}
	_, err = h.ec2.DeleteInternetGateway(h.ctx, &ec2sdk.DeleteInternetGatewayInput{InternetGatewayId: id})
	h.must(err)
	_, err = h.ec2.DescribeInternetGateways(h.ctx, &ec2sdk.DescribeInternetGatewaysInput{InternetGatewayIds: []string{aws.ToString(id)}})
	lawstest.ExpectCode(t, err, "InvalidInternetGatewayID.NotFound")
	_, err = h.ec2.DeleteInternetGateway(h.ctx, &ec2sdk.DeleteInternetGatewayInput{InternetGatewayId: id})
	lawstest.ExpectCode(t, err, "InvalidInternetGatewayID.NotFound")
}

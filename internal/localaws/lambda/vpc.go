package lambda

import (
	"slices"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// VpcConfig limits of the service model.
const (
	maxVPCSubnets        = 16
	maxVPCSecurityGroups = 5
)

// Network answers the EC2 questions a VpcConfig raises (the EC2 emulator implements it).
type Network interface {
	// SubnetVPC returns the VPC of a subnet; ok is false when there is no such subnet.
	SubnetVPC(region, subnetID string) (vpcID string, ok bool)
	// SecurityGroupExists reports whether the security group exists.
	SecurityGroupExists(region, groupID string) bool
}

// vpcConfigInput is the VpcConfig member of CreateFunction and UpdateFunctionConfiguration. Empty lists
// detach the function from its VPC.
type vpcConfigInput struct {
	SubnetIds               []string `json:"SubnetIds"`
	SecurityGroupIds        []string `json:"SecurityGroupIds"`
	Ipv6AllowedForDualStack *bool    `json:"Ipv6AllowedForDualStack"`
}

// vpcConfig is a function's VPC attachment, and the VpcConfig member of FunctionConfiguration.
type vpcConfig struct {
	SubnetIds               []string `json:"SubnetIds"`
	SecurityGroupIds        []string `json:"SecurityGroupIds"`
	VpcID                   string   `json:"VpcId"`
	Ipv6AllowedForDualStack bool     `json:"Ipv6AllowedForDualStack"`
}

// validate reports model-constraint violations.
func (in *vpcConfigInput) validate(v *validator) {
	if in == nil {
		return
	}
	if len(in.SubnetIds) > maxVPCSubnets {
		v.add("Value '%v' at 'vpcConfig.subnetIds' failed to satisfy constraint: Member must have length less than or equal to %d", in.SubnetIds, maxVPCSubnets)
	}
	if len(in.SecurityGroupIds) > maxVPCSecurityGroups {
		v.add("Value '%v' at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length less than or equal to %d", in.SecurityGroupIds, maxVPCSecurityGroups)
	}
}

// resolveVPC checks a VpcConfig as Lambda does before it makes the function's network interfaces: the
// subnets and security groups exist and are in one VPC, and the execution role may create network
// interfaces. It returns the attachment (nil: none). Call without s.mu: it asks EC2 and IAM.
func (s *Service) resolveVPC(region, role string, in *vpcConfigInput) (*vpcConfig, *wire.Error) {
	if in == nil || (len(in.SubnetIds) == 0 && len(in.SecurityGroupIds) == 0) {
		return nil, nil
	}
	if len(in.SubnetIds) == 0 || len(in.SecurityGroupIds) == 0 {
		// UNCONFIRMED: the exact wording of Lambda's message.
		return nil, errInvalidParameter("SubnetIds and SecurityGroupIds must both be set to attach a function to a VPC.")
	}
	out := &vpcConfig{SubnetIds: slices.Clone(in.SubnetIds), SecurityGroupIds: slices.Clone(in.SecurityGroupIds),
		Ipv6AllowedForDualStack: in.Ipv6AllowedForDualStack != nil && *in.Ipv6AllowedForDualStack}
	if s.cfg.IAM != nil && !s.cfg.IAM.RoleAllows(role, "ec2:CreateNetworkInterface", "*") {
		return nil, errInvalidParameter("The provided execution role does not have permissions to call CreateNetworkInterface on EC2")
	}
	if s.cfg.Network == nil {
		return out, nil
	}
	for _, id := range in.SubnetIds {
		vpc, ok := s.cfg.Network.SubnetVPC(region, id)
		if !ok {
			return nil, errInvalidParameter("Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '%s' does not exist", id)
		}
		if out.VpcID != "" && vpc != out.VpcID {
			// UNCONFIRMED: the exact wording of Lambda's message.
			return nil, errInvalidParameter("The subnets %v are not all in the same VPC.", in.SubnetIds)
		}
		out.VpcID = vpc
	}
	for _, id := range in.SecurityGroupIds {
		if !s.cfg.Network.SecurityGroupExists(region, id) {
			return nil, errInvalidParameter("Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group '%s' does not exist", id)
		}
	}
	return out, nil
}

// clone copies an attachment (nil stays nil).
func (c *vpcConfig) clone() *vpcConfig {
	if c == nil {
		return nil
	}
	out := *c
	out.SubnetIds, out.SecurityGroupIds = slices.Clone(c.SubnetIds), slices.Clone(c.SecurityGroupIds)
	return &out
}

// vpcID is the VPC of an attachment ("" for none).
func (c *vpcConfig) vpcID() string {
	if c == nil {
		return ""
	}
	return c.VpcID
}

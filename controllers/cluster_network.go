package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// networkPart is the cluster's network: built and owned (network.create), or brought (network.subnetIDs),
// whose VPC is looked up and which is never modified.
func (p *clusterParts) networkPart() part {
	if !p.kc.CreatesNetwork() {
		return part{condition: v1alpha1.ConditionNetworkReady, ensure: p.ensureExistingNetwork}
	}
	return part{condition: v1alpha1.ConditionNetworkReady, ensure: p.ensureNetwork,
		delete: func(ctx context.Context) (bool, error) {
			return network.New(p.aws.EC2, p.r.Options.AWSWaits.Network).Delete(ctx, p.kc.Status.VPCID, p.networkDesired())
		}}
}

func (p *clusterParts) networkDesired() network.Desired {
	return network.Desired{NamePrefix: p.name(naming.SuffixNetwork, naming.MaxEC2Name), CIDR: p.kc.Spec.Network.Create.CIDR,
		AvailabilityZones: p.kc.Spec.Network.Create.AvailabilityZones, Owner: p.owner(), Tags: p.kc.Spec.Tags}
}

func (p *clusterParts) ensureNetwork(ctx context.Context) (ensured, error) {
	st := &p.kc.Status
	known := st.VPCID != ""
	res, err := network.New(p.aws.EC2, p.r.Options.AWSWaits.Network).Ensure(ctx, st.VPCID, p.networkDesired())
	e := fromResult("network", res, func(o *network.Observed) {
		st.VPCID, st.SubnetIDs, st.SecurityGroupIDs = o.VPCID, o.PrivateSubnetIDs, nonEmpty(o.SecurityGroupID)
		st.Network = &v1alpha1.NetworkStatus{InternetGatewayID: o.InternetGatewayID, ElasticIPAllocationID: o.AllocationID,
			NATGatewayID: o.NatGatewayID, NATGatewayState: o.NatGatewayState, PublicSubnetID: o.PublicSubnetID,
			PublicRouteTableID: o.PublicRouteTableID, PrivateRouteTableID: o.PrivateRouteTableID, SecurityGroupID: o.SecurityGroupID}
	})
	if e.created && known {
		// The network is built over several looks (the NAT gateway takes minutes); it was created once, when
		// its VPC was. Parts added later are found by name, so no status write is needed for them.
		e.created, e.updated = false, true
	}
	if err != nil {
		return e, err
	}
	// What was built is checked like a brought network, so a route or rule removed later is reported.
	if _, err := p.preflight(ctx, st.SubnetIDs, st.SecurityGroupIDs); err != nil {
		return e, err
	}
	e.message = fmt.Sprintf("VPC %s with subnets %s and NAT gateway %s", st.VPCID, strings.Join(st.SubnetIDs, ", "),
		st.Network.NATGatewayID)
	return e, nil
}

// ensureExistingNetwork checks the network the spec brings with the read-only preflight and records its VPC.
// Nothing is modified: a problem is reported until someone fixes the network.
func (p *clusterParts) ensureExistingNetwork(ctx context.Context) (ensured, error) {
	st, net := &p.kc.Status, p.kc.Spec.Network
	vpc, err := p.preflight(ctx, net.SubnetIDs, net.SecurityGroupIDs)
	if vpc != "" {
		st.VPCID = vpc
	}
	st.SubnetIDs, st.SecurityGroupIDs = net.SubnetIDs, net.SecurityGroupIDs
	if err != nil {
		return ensured{}, err
	}
	return ensured{message: fmt.Sprintf("subnets %s in VPC %s", strings.Join(net.SubnetIDs, ", "), vpc)}, nil
}

// preflight runs network.Preflight on the cluster's subnets and security groups and returns their VPC. A
// subnet that does not exist is InvalidSpec (the spec names it); any other problem is Blocked with the
// problem's own reason, so it is looked at again on the blocked wait and heals once the network is fixed.
func (p *clusterParts) preflight(ctx context.Context, subnets, groups []string) (string, error) {
	rep, err := network.New(p.aws.EC2, p.r.Options.AWSWaits.Network).Preflight(ctx, network.Target{Region: p.aws.Region, SubnetIDs: subnets,
		SecurityGroupIDs: groups})
	switch {
	case err != nil:
		return rep.VPCID, err
	case rep.Ready():
		return rep.VPCID, nil
	case rep.Reason() == v1alpha1.ReasonSubnetNotFound:
		return rep.VPCID, outcome.Fail(v1alpha1.ReasonInvalidSpec, errors.New(rep.Message()))
	}
	return rep.VPCID, outcome.Block(rep.Reason(), errors.New(rep.Message()))
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

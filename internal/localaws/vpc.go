package localaws

import (
	"errors"
	"fmt"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/brokers"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/ec2"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/msk"
	lambdaruntime "github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/runtime"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/vpcnet"
)

// vpcPlacement finds the VPC network of what localaws places in VPCs, with Options.VPCBoundary. Its
// services are set once they exist (the brokers pool is built before them).
type vpcPlacement struct {
	boundary *vpcnet.Boundary
	clusters *msk.Service
	subnets  *ec2.Service
}

// subnetNetwork returns the network of a subnet's VPC.
func (p *vpcPlacement) subnetNetwork(region, subnetID string) (*vpcnet.Namespace, error) {
	vpc, ok := p.subnets.SubnetVPC(region, subnetID)
	if !ok {
		return nil, fmt.Errorf("subnet %s does not exist in %s", subnetID, region)
	}
	return p.boundary.VPC(vpc)
}

// clusterNetwork returns the network of the VPC of a cluster's (first VPC configuration's) subnets.
func (p *vpcPlacement) clusterNetwork(clusterARN string) (brokers.Network, error) {
	return p.clusterNamespace(clusterARN)
}

// clusterNamespace returns the namespace of the VPC of a cluster's (first VPC configuration's) subnets.
func (p *vpcPlacement) clusterNamespace(clusterARN string) (*vpcnet.Namespace, error) {
	region, subnets, ok := p.clusters.ClusterSubnets(clusterARN)
	if !ok || len(subnets) == 0 {
		return nil, errors.New("the cluster has no subnets")
	}
	return p.subnetNetwork(region, subnets[0])
}

// functionNetwork returns the network of a VPC, where the functions attached to it run.
func (p *vpcPlacement) functionNetwork(vpcID string) (lambdaruntime.Network, error) {
	return p.boundary.VPC(vpcID)
}

// close releases the boundary of a localaws that did not start; nil is a no-op.
func (p *vpcPlacement) close() {
	if p != nil {
		_ = p.boundary.Close()
	}
}

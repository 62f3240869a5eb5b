package runtime

import (
	"fmt"
	"net"
	"os/exec"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// Network is the network of a VPC (a vpcnet.Namespace): a VPC function's Runtime API listens there and its
// process runs there, so it reaches what the VPC reaches (the cluster's brokers) and nothing else but the
// endpoints exposed in it.
type Network interface {
	// Listen listens inside the network.
	Listen(network, address string) (net.Listener, error)
	// Start starts cmd inside the network.
	Start(cmd *exec.Cmd) error
}

// placement is where a sandbox's Runtime API listens and its process starts.
type placement struct {
	listen func(network, address string) (net.Listener, error)
	start  func(*exec.Cmd) error
}

// hostPlacement runs in localaws's own network.
var hostPlacement = placement{listen: net.Listen, start: (*exec.Cmd).Start}

// placementOf returns where fn runs: its VPC's network when it is attached to one and the runtime has
// Config.VPCs, else the host's.
func (r *Runtime) placementOf(fn lambda.FunctionView) (placement, error) {
	if fn.VpcID == "" || r.cfg.VPCs == nil {
		return hostPlacement, nil
	}
	n, err := r.cfg.VPCs(fn.VpcID)
	if err != nil {
		return placement{}, fmt.Errorf("the network of %s: %w", fn.VpcID, err)
	}
	return placement{listen: n.Listen, start: n.Start}, nil
}

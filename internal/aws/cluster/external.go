package cluster

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// ObserveExternal reads a cluster the operator does not manage, given by ARN, and checks that a pipeline
// can use it: it must exist (else Blocked: it may be created later), have IAM client authentication on
// (else Terminal) and be ACTIVE (else Waiting; FAILED is Terminal). The cluster is never modified.
func (s *Service) ObserveExternal(ctx context.Context, arn string) (*Observed, error) {
	c, err := s.describe(ctx, arn)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, outcome.Fail(awserr.ReasonClusterNotFound, fmt.Errorf("MSK cluster %s does not exist", arn))
	}
	o := observed(c)
	switch {
	case !o.IAMAuth:
		return o, outcome.Failf(awserr.ReasonInvalidSpec,
			"MSK cluster %s does not have IAM client authentication on, which pipelines need", arn)
	case c.State == types.ClusterStateFailed:
		return o, outcome.Failf(awserr.ReasonProvisioningFailed, "MSK cluster %s failed: %s", arn, o.StateMessage)
	case c.State != types.ClusterStateActive:
		return o, outcome.Wait(s.waits.Busy, awserr.ReasonUpdating, "MSK cluster %s is %s, not ACTIVE", arn, o.State)
	}
	if err := s.bootstrap(ctx, o); err != nil {
		return o, err
	}
	if o.BootstrapBrokers == "" {
		return o, outcome.Failf(awserr.ReasonInvalidSpec, "MSK cluster %s reports no SASL/IAM bootstrap brokers", arn)
	}
	return o, nil
}

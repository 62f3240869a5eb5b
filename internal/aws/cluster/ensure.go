package cluster

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Terminal error codes per operation: the parameter errors retrying cannot fix.
var (
	createTerminal = []string{"BadRequestException"}
	tagTerminal    = []string{"BadRequestException"}
)

// Ensure makes the cluster exist as desired: it finds it by hint or name (adopting an owned one), creates
// it when absent, refuses a change to its create-only VPC configuration, repairs tag drift, and reads the
// bootstrap brokers once ACTIVE. A cluster that is not ACTIVE yet gives a Waiting outcome with the Result.
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Create makes a new cluster; a name conflict means another writer created it first.
func (m managed) Create(ctx context.Context) (Result, error) {
	d := m.d
	out, err := m.api.CreateClusterV2(ctx, &kafka.CreateClusterV2Input{
		ClusterName: aws.String(d.Name),
		Tags:        d.tags(),
		Serverless: &types.ServerlessRequest{
			VpcConfigs: []types.VpcConfig{{SubnetIds: d.SubnetIDs, SecurityGroupIds: d.SecurityGroupIDs}},
			ClientAuthentication: &types.ServerlessClientAuthentication{
				Sasl: &types.ServerlessSasl{Iam: &types.Iam{Enabled: aws.Bool(true)}},
			},
		},
	})
	if err != nil {
		err = awserr.Classify(err, fmt.Sprintf("creating MSK cluster %q", d.Name), createTerminal...)
		if awserr.IsAlreadyExists(err) || awserr.HasCode(err, "ConflictException") {
			err = owned.Conflict(err)
		}
		return Result{}, err
	}
	o := &Observed{
		ARN:              aws.ToString(out.ClusterArn),
		Name:             d.Name,
		UUID:             uuidOf(aws.ToString(out.ClusterArn)),
		State:            string(out.State),
		SubnetIDs:        slices.Clone(d.SubnetIDs),
		SecurityGroupIDs: slices.Clone(d.SecurityGroupIDs),
		IAMAuth:          true,
		Tags:             d.tags(),
	}
	return Result{Observed: o, Created: true},
		outcome.Wait(m.waits.Creating, awserr.ReasonCreating, "MSK cluster %q is being created", d.Name)
}

// Update brings a found cluster of the owner's to the desired state and reports it.
func (m managed) Update(ctx context.Context, c *types.Cluster, res Result) (Result, error) {
	d := m.d
	o := observed(c)
	res.Observed = o
	switch c.State {
	case types.ClusterStateCreating:
		return res, outcome.Wait(m.waits.Creating, awserr.ReasonCreating, "MSK cluster %q is being created", o.Name)
	case types.ClusterStateDeleting:
		return res, outcome.Wait(m.waits.Busy, awserr.ReasonDeleting,
			"MSK cluster %q is being deleted; a new one is created once it is gone", o.Name)
	case types.ClusterStateFailed:
		return res, outcome.Failf(awserr.ReasonProvisioningFailed, "MSK cluster %q failed: %s", o.Name, o.StateMessage)
	}
	if err := immutable(o, d); err != nil {
		return res, err
	}
	updated, err := m.retag(ctx, o, d.tags())
	res.Updated = updated
	if err != nil {
		return res, err
	}
	if c.State != types.ClusterStateActive {
		return res, outcome.Wait(m.waits.Busy, awserr.ReasonUpdating, "MSK cluster %q is %s", o.Name, o.State)
	}
	if err := m.bootstrap(ctx, o); err != nil {
		return res, err
	}
	if o.BootstrapBrokers == "" {
		return res, outcome.Wait(m.waits.Busy, awserr.ReasonCreating,
			"MSK cluster %q is ACTIVE but reports no SASL/IAM bootstrap brokers yet", o.Name)
	}
	return res, nil
}

// immutable refuses a difference in the create-only VPC configuration. Admission already refuses such a
// change; this catches one that got past it.
func immutable(o *Observed, d Desired) error {
	if !sameSet(o.SubnetIDs, d.SubnetIDs) {
		return outcome.Failf(awserr.ReasonInvalidSpec,
			"MSK cluster %q has subnets %v but the spec asks for %v; the VPC configuration of a cluster cannot change after creation",
			o.Name, o.SubnetIDs, d.SubnetIDs)
	}
	if !sameSet(o.SecurityGroupIDs, d.SecurityGroupIDs) {
		return outcome.Failf(awserr.ReasonInvalidSpec,
			"MSK cluster %q has security groups %v but the spec asks for %v; the VPC configuration of a cluster cannot change after creation",
			o.Name, o.SecurityGroupIDs, d.SecurityGroupIDs)
	}
	return nil
}

// sameSet reports whether a and b hold the same strings, ignoring order and repeats.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// retag makes the MSK cluster's tags equal want, writing only the differences.
func (s *Service) retag(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	arn := aws.String(o.ARN)
	return tags.Retag(&o.Tags, want, fmt.Sprintf("MSK cluster %q", o.Name), awserr.Classifier(tagTerminal...),
		func(set map[string]string) error {
			_, err := s.api.TagResource(ctx, &kafka.TagResourceInput{ResourceArn: arn, Tags: set})
			return err
		},
		func(keys []string) error {
			_, err := s.api.UntagResource(ctx, &kafka.UntagResourceInput{ResourceArn: arn, TagKeys: keys})
			return err
		})
}

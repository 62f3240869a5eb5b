package cluster

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// listPageSize is the page size of name lookups (ListClustersV2 allows 1–100).
const listPageSize = 100

// describe returns the cluster with this ARN, or nil when it does not exist.
func (s *Service) describe(ctx context.Context, arn string) (*types.Cluster, error) {
	out, err := s.api.DescribeClusterV2(ctx, &kafka.DescribeClusterV2Input{ClusterArn: aws.String(arn)})
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("describing MSK cluster %s", arn), "BadRequestException")
	}
	return out.ClusterInfo, nil
}

// Find returns the cluster by the hint ARN, else by exact name, or nil when neither finds one. Among
// several clusters of the same name it prefers the owner's, and a live one over one being deleted.
func (m managed) Find(ctx context.Context) (*owned.Found[*types.Cluster], error) {
	if m.hint != "" {
		c, err := m.describe(ctx, m.hint)
		if err != nil || c != nil {
			return found(c, true), err
		}
	}
	p := kafka.NewListClustersV2Paginator(m.api, &kafka.ListClustersV2Input{
		ClusterNameFilter: aws.String(m.d.Name),
		MaxResults:        aws.Int32(listPageSize),
	})
	var best *types.Cluster
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awserr.Classify(err, fmt.Sprintf("listing MSK clusters named %q", m.d.Name), "BadRequestException")
		}
		for i := range page.ClusterInfoList {
			c := &page.ClusterInfoList[i]
			if aws.ToString(c.ClusterName) != m.d.Name {
				continue // the filter matches prefixes
			}
			if best == nil || preference(c, m.d.Owner) > preference(best, m.d.Owner) {
				best = c
			}
		}
	}
	return found(best, false), nil
}

// found is what the rules judge of a cluster found; nil for none.
func found(c *types.Cluster, byHint bool) *owned.Found[*types.Cluster] {
	if c == nil {
		return nil
	}
	return owned.One(c, byHint, fmt.Sprintf("MSK cluster %q (%s)", aws.ToString(c.ClusterName), aws.ToString(c.ClusterArn)), c.Tags)
}

// preference ranks same-named clusters: owned first, then not being deleted.
func preference(c *types.Cluster, owner tags.Owner) int {
	rank := 0
	if owner.Owns(c.Tags) {
		rank += 2
	}
	if c.State != types.ClusterStateDeleting {
		rank++
	}
	return rank
}

// observed converts what MSK reports, for serverless and provisioned clusters alike.
func observed(c *types.Cluster) *Observed {
	o := &Observed{
		ARN:            aws.ToString(c.ClusterArn),
		Name:           aws.ToString(c.ClusterName),
		UUID:           uuidOf(aws.ToString(c.ClusterArn)),
		State:          string(c.State),
		CurrentVersion: aws.ToString(c.CurrentVersion),
		Tags:           maps.Clone(c.Tags),
	}
	if c.StateInfo != nil {
		o.StateMessage = aws.ToString(c.StateInfo.Message)
		if o.StateMessage == "" {
			o.StateMessage = aws.ToString(c.StateInfo.Code)
		}
	}
	switch {
	case c.Serverless != nil:
		for _, v := range c.Serverless.VpcConfigs {
			o.SubnetIDs = append(o.SubnetIDs, v.SubnetIds...)
			o.SecurityGroupIDs = append(o.SecurityGroupIDs, v.SecurityGroupIds...)
		}
		// Serverless clusters support only IAM authentication; MSK reports it, but absence means on too.
		o.IAMAuth = c.Serverless.ClientAuthentication == nil || iamOn(c.Serverless.ClientAuthentication.Sasl)
	case c.Provisioned != nil:
		if g := c.Provisioned.BrokerNodeGroupInfo; g != nil {
			o.SubnetIDs = append(o.SubnetIDs, g.ClientSubnets...)
			o.SecurityGroupIDs = append(o.SecurityGroupIDs, g.SecurityGroups...)
		}
		o.IAMAuth = c.Provisioned.ClientAuthentication != nil && c.Provisioned.ClientAuthentication.Sasl != nil &&
			c.Provisioned.ClientAuthentication.Sasl.Iam != nil && aws.ToBool(c.Provisioned.ClientAuthentication.Sasl.Iam.Enabled)
	}
	return o
}

func iamOn(s *types.ServerlessSasl) bool {
	return s != nil && s.Iam != nil && aws.ToBool(s.Iam.Enabled)
}

// uuidOf returns the last "/"-separated segment of a cluster ARN.
func uuidOf(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}

// bootstrap reads the SASL/IAM bootstrap broker string of an ACTIVE cluster into o.
func (s *Service) bootstrap(ctx context.Context, o *Observed) error {
	out, err := s.api.GetBootstrapBrokers(ctx, &kafka.GetBootstrapBrokersInput{ClusterArn: aws.String(o.ARN)})
	if err != nil {
		return awserr.Classify(err, fmt.Sprintf("getting bootstrap brokers of MSK cluster %s", o.ARN))
	}
	o.BootstrapBrokers = aws.ToString(out.BootstrapBrokerStringSaslIam)
	return nil
}

package cluster

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the cluster if it is the owner's. gone is true once no owned cluster of that name (or
// hint) exists; a cluster of that name that is not the owner's is left alone and counts as gone. A deletion
// in progress gives gone=false with no error, and repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete starts deleting a cluster of the owner's.
func (m managed) Delete(ctx context.Context, c *types.Cluster) (gone bool, err error) {
	if c.State == types.ClusterStateDeleting {
		return false, nil
	}
	_, err = m.api.DeleteCluster(ctx, &kafka.DeleteClusterInput{
		ClusterArn:     c.ClusterArn,
		CurrentVersion: c.CurrentVersion,
	})
	return false, awserr.Classify(err, fmt.Sprintf("deleting MSK cluster %q", aws.ToString(c.ClusterName)))
}

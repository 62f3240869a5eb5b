package cluster

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Delete deletes the cluster if it is the owner's. gone is true once no owned cluster of that name (or
// hint) exists; a cluster of that name that is not the owner's is left alone and counts as gone. A deletion
// in progress gives gone=false with no error, and repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	c, _, err := s.find(ctx, hint, d)
	if err != nil {
		return false, err
	}
	if c == nil || !d.Owner.Owns(c.Tags) {
		return true, nil
	}
	if c.State == types.ClusterStateDeleting {
		return false, nil
	}
	_, err = s.api.DeleteCluster(ctx, &kafka.DeleteClusterInput{
		ClusterArn:     c.ClusterArn,
		CurrentVersion: c.CurrentVersion,
	})
	switch {
	case awserr.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, awserr.Classify(err, fmt.Sprintf("deleting MSK cluster %q", aws.ToString(c.ClusterName)))
	}
	return false, nil
}

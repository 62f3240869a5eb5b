package msk

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"
)

func TestListClustersV1ListsNoServerlessCluster(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	if _, err := h.client.CreateClusterV2(ctx, serverlessInput("v2-only")); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.ListClusters(ctx, &kafkasdk.ListClustersInput{})
	if err != nil {
		t.Fatalf("ListClusters: %v", err)
	}
	if out.ClusterInfoList == nil || len(out.ClusterInfoList) != 0 || out.NextToken != nil {
		t.Errorf("ListClusters = %+v, want an empty list: the v1 API describes provisioned clusters only", out)
	}
	v2, err := h.client.ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{})
	if err != nil || len(v2.ClusterInfoList) != 1 {
		t.Fatalf("ListClustersV2 = %+v, %v; want the serverless cluster", v2, err)
	}
	_, err = h.client.ListClusters(ctx, &kafkasdk.ListClustersInput{MaxResults: aws.Int32(101)})
	var bad *types.BadRequestException
	if !errors.As(err, &bad) {
		t.Fatalf("maxResults 101: %v, want BadRequestException", err)
	}
}

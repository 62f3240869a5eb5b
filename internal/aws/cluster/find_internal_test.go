package cluster

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

func TestUUIDOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:kafka:us-east-1:123456789012:cluster/c/751d2973-a626-431c-9d4e-d7975eb44dd7-s1": "751d2973-a626-431c-9d4e-d7975eb44dd7-s1",
		"arn:aws:kafka:us-east-1:123456789012:cluster/c/abc-2":                                   "abc-2",
		"no-slash": "no-slash",
	} {
		if got := uuidOf(arn); got != want {
			t.Errorf("uuidOf(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestSameSet(t *testing.T) {
	cases := []struct {
		a, b []string
		want bool
	}{
		{nil, nil, true},
		{[]string{"a", "b"}, []string{"b", "a"}, true},
		{[]string{"a", "a", "b"}, []string{"b", "a"}, true},
		{[]string{"a"}, []string{"a", "b"}, false},
		{[]string{"a"}, nil, false},
	}
	for _, tc := range cases {
		if got := sameSet(tc.a, tc.b); got != tc.want {
			t.Errorf("sameSet(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
}

func TestPreferenceRanksOwnedLiveFirst(t *testing.T) {
	owner := tags.Owner{ClusterID: "c", Kind: "KafkaCluster", Namespace: "n", Name: "x"}
	mine := owner.Tags(Component, nil)
	ownedLive := &types.Cluster{Tags: mine, State: types.ClusterStateActive}
	ownedDeleting := &types.Cluster{Tags: mine, State: types.ClusterStateDeleting}
	foreignLive := &types.Cluster{State: types.ClusterStateActive}
	if !(preference(ownedLive, owner) > preference(ownedDeleting, owner) &&
		preference(ownedDeleting, owner) > preference(foreignLive, owner)) {
		t.Fatal("preference does not rank owned live > owned deleting > foreign")
	}
}

func TestObservedReadsProvisionedClusters(t *testing.T) {
	o := observed(&types.Cluster{
		ClusterArn: aws.String("arn:aws:kafka:us-east-1:1:cluster/p/u-1"), ClusterName: aws.String("p"),
		State: types.ClusterStateFailed, StateInfo: &types.StateInfo{Code: aws.String("InternalError")},
		Provisioned: &types.Provisioned{
			BrokerNodeGroupInfo:  &types.BrokerNodeGroupInfo{ClientSubnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}},
			ClientAuthentication: &types.ClientAuthentication{Sasl: &types.Sasl{Iam: &types.Iam{Enabled: aws.Bool(true)}}},
		},
	})
	if !o.IAMAuth || o.UUID != "u-1" || o.StateMessage != "InternalError" || len(o.SubnetIDs) != 1 || len(o.SecurityGroupIDs) != 1 {
		t.Fatalf("observed = %+v", o)
	}
	if observed(&types.Cluster{Provisioned: &types.Provisioned{}}).IAMAuth {
		t.Fatal("a provisioned cluster without SASL/IAM reported IAM auth")
	}
}

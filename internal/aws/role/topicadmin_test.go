package role

import (
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

func TestTopicAdminPolicyGrantsExactlyThisClustersTopics(t *testing.T) {
	doc, err := TopicAdminPolicy(testCluster, "kp-shared-topic-admin")
	if err != nil {
		t.Fatal(err)
	}
	p := []iampolicy.Policy{iampolicy.MustParse(doc, iampolicy.Identity)}
	const (
		thisTopic    = "arn:aws:kafka:ap-northeast-1:123456789012:topic/shared/6a5f-uuid-s1/orders"
		otherCluster = "arn:aws:kafka:ap-northeast-1:123456789012:topic/other/0000-uuid-s1/orders"
		sameNameNew  = "arn:aws:kafka:ap-northeast-1:123456789012:topic/shared/ffff-uuid-s2/orders"
		logStream    = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/kp-shared-topic-admin:log-stream:x"
	)
	for _, tc := range []struct {
		action, resource string
		allowed          bool
	}{
		{"kafka-cluster:Connect", testCluster, true},
		{"kafka-cluster:Connect", "arn:aws:kafka:ap-northeast-1:123456789012:cluster/other/0000-uuid-s1", false},
		{"kafka-cluster:CreateTopic", thisTopic, true},
		{"kafka-cluster:DescribeTopic", thisTopic, true},
		{"kafka-cluster:AlterTopic", thisTopic, true},
		{"kafka-cluster:AlterTopicDynamicConfiguration", thisTopic, true},
		{"kafka-cluster:CreateTopic", otherCluster, false},
		{"kafka-cluster:CreateTopic", sameNameNew, false}, // a recreated cluster of the same name has a new uuid
		{"kafka-cluster:DeleteTopic", thisTopic, false},
		{"kafka-cluster:ReadData", thisTopic, false},
		{"kafka-cluster:WriteData", thisTopic, false},
		{"ec2:CreateNetworkInterface", "*", true},
		{"ec2:DeleteNetworkInterface", "*", true},
		{"ec2:DescribeNetworkInterfaces", "*", true},
		{"ec2:CreateSecurityGroup", "*", false},
		{"logs:PutLogEvents", logStream, true},
		{"logs:PutLogEvents", "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/other:log-stream:x", false},
	} {
		if got := iampolicy.Evaluate(p, tc.action, tc.resource).Allowed(); got != tc.allowed {
			t.Errorf("%s on %s: allowed=%v, want %v", tc.action, tc.resource, got, tc.allowed)
		}
	}
}

func TestTopicAdminPolicyInputErrors(t *testing.T) {
	if _, err := TopicAdminPolicy("arn:aws:kafka:us-east-1:1:cluster/name", "f"); err == nil {
		t.Error("a cluster ARN without uuid: want an error")
	}
	if _, err := TopicAdminPolicy(testCluster, ""); err == nil {
		t.Error("no function name: want an error")
	}
}

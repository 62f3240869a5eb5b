package role

import "fmt"

var (
	// topicAdminActions are the Kafka-protocol actions of the topic admin function on the cluster's topics:
	// Metadata (DescribeTopic), CreateTopics (CreateTopic), CreatePartitions (AlterTopic), and
	// DescribeConfigs / IncrementalAlterConfigs (the topic dynamic configuration actions).
	topicAdminActions = []string{"kafka-cluster:AlterTopic", "kafka-cluster:AlterTopicDynamicConfiguration",
		"kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration"}
	// vpcAccessActions are what Lambda needs to attach a function to subnets, as the managed policy
	// AWSLambdaVPCAccessExecutionRole grants them. Lambda checks them without resource scoping, so they take "*".
	vpcAccessActions = []string{"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface",
		"ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
		"ec2:UnassignPrivateIpAddresses"}
)

// TopicAdminPolicy renders the least-privilege policy of the execution role of a cluster's topic admin
// function (named functionName, in the cluster's region and account): connect to exactly that cluster,
// create, describe, grow and configure its topics (arn:…:topic/<cluster-name>/<cluster-uuid>/*) and no
// other cluster's, place the function's network interfaces in the cluster's subnets, and write the
// function's own log group.
func TopicAdminPolicy(clusterARN, functionName string) (string, error) {
	c, err := parseClusterARN(clusterARN)
	if err != nil {
		return "", fmt.Errorf("topic admin policy: %w", err)
	}
	if functionName == "" {
		return "", fmt.Errorf("topic admin policy: the function name is required")
	}
	logGroup := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/aws/lambda/%s", c.Partition, c.Region, c.AccountID,
		functionName)
	return render(
		allow("Logs", logActions, logGroup, logGroup+":*"),
		allow("ConnectCluster", []string{"kafka-cluster:Connect"}, clusterARN),
		allow("ManageTopics", topicAdminActions, c.child("topic", "*")),
		allow("NetworkInterfaces", vpcAccessActions, "*"),
	)
}

package role

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Actions granted by the computed policies. No wildcard actions: each statement names exactly what the
// caller does.
var (
	// mskControlActions are the MSK API calls a consumer makes to find the brokers.
	mskControlActions = []string{"kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"}
	// clusterDataActions are the Kafka-protocol actions on the cluster resource.
	clusterDataActions = []string{"kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"}
	// topicDataActions are the Kafka-protocol actions on the topic resource.
	topicDataActions = []string{"kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"}
	// groupDataActions are the Kafka-protocol actions on the consumer group resource.
	groupDataActions = []string{"kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"}
	// networkInterfaceActions let the poller place its network interfaces in the cluster's subnets. Lambda
	// and Pipes check them against subnet and security group ARNs at create time, so they take "*".
	networkInterfaceActions = []string{"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
		"ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}
	// logActions let a function write its own log group.
	logActions = []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
)

// PipePermissions is what a consumer of one topic needs to reach: the cluster, topic and consumer group,
// and (for a pipe) the function it invokes.
type PipePermissions struct {
	// ClusterARN is the MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>).
	ClusterARN string
	// Topic is the topic read.
	Topic string
	// ConsumerGroup is the consumer group id used.
	ConsumerGroup string
	// FunctionARN is the function a pipe invokes (unqualified); ignored inside FunctionPermissions.
	FunctionARN string
}

// FunctionPermissions is what a function's execution role needs.
type FunctionPermissions struct {
	// Region and Account locate the function's log group.
	Region, Account string
	// FunctionName names the function (its log group is /aws/lambda/<name>).
	FunctionName string
	// DLQARN is the dead-letter queue the function's failed asynchronous events go to; empty for none.
	DLQARN string
	// ESM is set when a Lambda event source mapping delivers to the function: the mapping polls with the
	// function's role, so it needs the cluster, topic and group permissions.
	ESM *PipePermissions
}

// PipePolicy renders the least-privilege policy of a pipe's role: read one topic of one cluster as one
// consumer group, place network interfaces, and invoke one function.
func PipePolicy(p PipePermissions) (string, error) {
	kafka, err := kafkaStatements(p)
	if err != nil {
		return "", err
	}
	if _, err := arn.Parse(p.FunctionARN); err != nil {
		return "", fmt.Errorf("pipe policy: function ARN %q: %w", p.FunctionARN, err)
	}
	return render(append(kafka,
		allow("InvokeFunction", []string{"lambda:InvokeFunction"}, p.FunctionARN, p.FunctionARN+":*"))...)
}

// FunctionPolicy renders the least-privilege policy of a function's execution role: write its own log
// group, send to its dead-letter queue, and, when an event source mapping delivers to it, what the mapping
// needs to read the topic.
func FunctionPolicy(p FunctionPermissions) (string, error) {
	if p.Region == "" || p.Account == "" || p.FunctionName == "" {
		return "", fmt.Errorf("function policy: region, account and function name are required")
	}
	logGroup := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/aws/lambda/%s", partition(p.Region), p.Region, p.Account,
		p.FunctionName)
	statements := []statement{allow("Logs", logActions, logGroup, logGroup+":*")}
	if p.DLQARN != "" {
		if _, err := arn.Parse(p.DLQARN); err != nil {
			return "", fmt.Errorf("function policy: dead-letter queue ARN %q: %w", p.DLQARN, err)
		}
		statements = append(statements, allow("DeadLetterQueue", []string{"sqs:SendMessage"}, p.DLQARN))
	}
	if p.ESM != nil {
		kafka, err := kafkaStatements(*p.ESM)
		if err != nil {
			return "", err
		}
		statements = append(statements, kafka...)
	}
	return render(statements...)
}

// kafkaStatements are the statements that let a consumer read p's topic as p's group.
func kafkaStatements(p PipePermissions) ([]statement, error) {
	c, err := parseClusterARN(p.ClusterARN)
	if err != nil {
		return nil, err
	}
	if p.Topic == "" || p.ConsumerGroup == "" {
		return nil, fmt.Errorf("kafka permissions: topic and consumer group are required")
	}
	return []statement{
		allow("DescribeCluster", mskControlActions, p.ClusterARN),
		allow("ConnectCluster", clusterDataActions, p.ClusterARN),
		allow("ReadTopic", topicDataActions, c.child("topic", p.Topic)),
		allow("UseConsumerGroup", groupDataActions, c.child("group", p.ConsumerGroup)),
		allow("NetworkInterfaces", networkInterfaceActions, "*"),
	}, nil
}

// clusterARN is a parsed MSK cluster ARN.
type clusterARN struct {
	arn.ARN
	name, uuid string
}

// parseClusterARN parses arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>.
func parseClusterARN(s string) (clusterARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return clusterARN{}, fmt.Errorf("cluster ARN %q: %w", s, err)
	}
	parts := strings.Split(a.Resource, "/")
	if a.Service != "kafka" || len(parts) != 3 || parts[0] != "cluster" || parts[1] == "" || parts[2] == "" {
		return clusterARN{}, fmt.Errorf("cluster ARN %q is not an MSK cluster ARN (…:cluster/<name>/<uuid>)", s)
	}
	return clusterARN{ARN: a, name: parts[1], uuid: parts[2]}, nil
}

// child returns the ARN of a topic or group of the cluster.
func (c clusterARN) child(kind, name string) string {
	return arn.ARN{Partition: c.Partition, Service: "kafka", Region: c.Region, AccountID: c.AccountID,
		Resource: kind + "/" + c.name + "/" + c.uuid + "/" + name}.String()
}

// partition returns the AWS partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

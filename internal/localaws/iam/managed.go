package iam

import (
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// awsManagedPrefix starts the ARN of every AWS managed policy.
const awsManagedPrefix = "arn:aws:iam::aws:policy"

// awsManagedDocuments are the default versions of the AWS managed policies the pipeline's roles use, as
// published in the AWS Managed Policy Reference, keyed by policy ARN.
var awsManagedDocuments = map[string]string{
	awsManagedPrefix + "/service-role/AWSLambdaBasicExecutionRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	awsManagedPrefix + "/service-role/AWSLambdaMSKExecutionRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["kafka:DescribeCluster","kafka:DescribeClusterV2","kafka:GetBootstrapBrokers","ec2:CreateNetworkInterface",
		"ec2:DescribeNetworkInterfaces","ec2:DescribeVpcs","ec2:DeleteNetworkInterface","ec2:DescribeSubnets",
		"ec2:DescribeSecurityGroups","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	awsManagedPrefix + "/service-role/AWSLambdaSQSQueueExecutionRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup",
		"logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	awsManagedPrefix + "/service-role/AWSLambdaVPCAccessExecutionRole": `{"Version":"2012-10-17","Statement":[{
		"Sid":"AWSLambdaVPCAccessExecutionPermissions","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",
		"logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets",
		"ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}`,
}

// awsManaged holds the parsed documents of awsManagedDocuments.
var awsManaged = func() map[string]iampolicy.Policy {
	out := map[string]iampolicy.Policy{}
	for arn, doc := range awsManagedDocuments {
		out[arn] = iampolicy.MustParse(doc, iampolicy.Identity)
	}
	return out
}()

// managedPolicy is a managed policy a role can attach.
type managedPolicy struct {
	arn, path, name string
	// policy is the document; AWS managed policies this emulator has no document for grant nothing.
	policy iampolicy.Policy
}

// resolveManaged looks up a managed policy by ARN. An ARN that is not an ARN at all is InvalidInput; ok is
// false for a well-formed ARN that names no attachable policy. AWS managed policies
// (arn:aws:iam::aws:policy/...) always resolve; customer managed policies are not emulated, so every other
// ARN names no policy.
func resolveManaged(arn string) (p managedPolicy, ok bool, err *wire.Error) {
	if !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") < 5 {
		return managedPolicy{}, false, invalidInput("ARN %s is not valid.", arn)
	}
	rest, isAWS := strings.CutPrefix(arn, awsManagedPrefix+"/")
	if !isAWS {
		return managedPolicy{}, false, nil
	}
	slash := strings.LastIndex(rest, "/")
	p = managedPolicy{arn: arn, path: "/" + rest[:slash+1], name: rest[slash+1:], policy: awsManaged[arn]}
	if p.name == "" {
		return managedPolicy{}, false, nil
	}
	return p, true, nil
}

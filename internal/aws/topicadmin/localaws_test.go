package topicadmin

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
	admin "github.com/kafkapipeline/kafka-pipeline-operator/lambda/topicadmin"
)

// TestTopicAdminFunctionOnLocalAWS runs the built-in binary in topic admin mode in localaws's Lambda runtime,
// attached to the cluster's subnets with its least-privilege role, and manages a topic of a localaws cluster
// through it while the test process itself cannot reach the brokers (localaws's VPC boundary).
func TestTopicAdminFunctionOnLocalAWS(t *testing.T) {
	code, err := builtin.Zip("")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := localaws.Start(context.Background(), localaws.Options{Addr: "127.0.0.1:0", Profile: "instant",
		DataDir: t.TempDir(), VPCBoundary: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop() })
	ctx, cfg := context.Background(), lawstest.Config(inst.Endpoint)
	clusterARN, bootstrap, subnets, group := createCluster(t, cfg)
	for _, b := range strings.Split(bootstrap, ",") {
		if _, err := net.DialTimeout("tcp", b, 5*time.Second); err == nil {
			t.Fatalf("the test process reached broker %s: the boundary is open", b)
		}
	}

	const fn, outsideFn = "kp-orders-topic-admin", "kp-orders-topic-admin-outside"
	roleARN := createRole(t, iamsdk.NewFromConfig(cfg), clusterARN, fn)
	lambdaC := lambda.NewFromConfig(cfg)
	env := admin.Environment(bootstrap)
	env[admin.EnvCAFile] = inst.KafkaCAFile
	create := func(name string, vpc *lambdatypes.VpcConfig) {
		awstest.MustSettle(t, func() (*lambda.CreateFunctionOutput, error) {
			out, err := lambdaC.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name),
				Role: aws.String(roleARN), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
				Code: &lambdatypes.FunctionCode{ZipFile: code}, Timeout: aws.Int32(30),
				Environment: &lambdatypes.Environment{Variables: env}, VpcConfig: vpc})
			if err != nil && strings.Contains(err.Error(), "cannot be assumed") { // IAM propagation
				return nil, outcome.Wait(0, "RolePropagating", "%v", err)
			}
			return out, err
		})
	}
	create(fn, &lambdatypes.VpcConfig{SubnetIds: subnets, SecurityGroupIds: []string{group}})
	create(outsideFn, nil)

	req := kafka.TopicRequest{Name: "orders", Partitions: 3, Config: map[string]string{"retention.ms": "3600000"}}
	// The same function outside the VPC cannot reach the brokers, and says so.
	outside := &Client{Lambda: lambdaC, Function: outsideFn}
	lawstest.Eventually(t, "the function outside the VPC answers", func() bool {
		_, err := outside.Ensure(ctx, req)
		w, waiting := outcome.AsWaiting(err)
		if waiting && w.Reason == awserr.ReasonDependencyNotReady {
			return false
		}
		if !waiting || w.Reason != kafka.ReasonUnreachable || !strings.Contains(w.Message, "connection refused") {
			t.Fatalf("Ensure through a function outside the VPC: %v, want Waiting Unreachable (connection refused)", err)
		}
		return true
	})

	c := &Client{Lambda: lambdaC, Function: fn}
	start := time.Now()
	st := awstest.MustSettle(t, func() (kafka.TopicState, error) { return c.Ensure(ctx, req) }) // waits for Active
	t.Logf("first ensure (function start included): %s", time.Since(start))
	if st != (kafka.TopicState{Name: "orders", Partitions: 3, Created: true}) {
		t.Fatalf("first Ensure = %+v", st)
	}
	start = time.Now()
	if st, err := c.Ensure(ctx, req); err != nil || st != (kafka.TopicState{Name: "orders", Partitions: 3}) {
		t.Fatalf("second Ensure = %+v, %v", st, err)
	}
	t.Logf("warm ensure of an existing topic: %s", time.Since(start))
	req.Partitions = 5
	if st, err := c.Ensure(ctx, req); err != nil || st != (kafka.TopicState{Name: "orders", Partitions: 5, Grown: true}) {
		t.Fatalf("growing Ensure = %+v, %v", st, err)
	}
	if st, err := c.Describe(ctx, req); err != nil || st != (kafka.TopicState{Name: "orders", Partitions: 5}) {
		t.Fatalf("Describe = %+v, %v", st, err)
	}
	if _, err := c.Describe(ctx, kafka.TopicRequest{Name: "absent"}); !errors.Is(err, kafka.ErrTopicNotFound) {
		t.Fatalf("Describe of an absent topic: %v, want ErrTopicNotFound", err)
	}
	if _, err := c.Ensure(ctx, kafka.TopicRequest{Name: "bad"}); err == nil {
		t.Fatal("Ensure of 0 partitions: want an error")
	} else if f, ok := outcome.AsTerminal(err); !ok || f.Reason != "InvalidSpec" {
		t.Fatalf("Ensure of 0 partitions: %v, want Terminal InvalidSpec", err)
	}

	// What the function did is on the brokers, as localaws's pollers (inside the VPC) see them.
	cl, err := kgo.NewClient(append(inst.KafkaClientOpts(clusterARN), kgo.SeedBrokers(strings.Split(bootstrap, ",")...))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	details, err := kadm.NewClient(cl).ListTopics(ctx, "orders")
	if err != nil || len(details["orders"].Partitions) != 5 {
		t.Fatalf("the brokers have %+v (%v), want orders with 5 partitions", details, err)
	}
}

// createCluster creates a serverless cluster with IAM authentication in a new two-subnet VPC and returns
// its ARN and bootstrap brokers once it is ACTIVE, with its subnets and security group.
func createCluster(t *testing.T, cfg aws.Config) (clusterARN, bootstrap string, subnets []string, group string) {
	t.Helper()
	ctx, ec2c, kafkac := context.Background(), ec2sdk.NewFromConfig(cfg), kafkasdk.NewFromConfig(cfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := ec2c.CreateSubnet(ctx, &ec2sdk.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(zone),
			CidrBlock: aws.String([]string{"10.0.1.0/24", "10.0.2.0/24"}[i])})
		if err != nil {
			t.Fatal(err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("msk"), Description: aws.String("the cluster and its clients")})
	if err != nil {
		t.Fatal(err)
	}
	group = aws.ToString(sg.GroupId)
	out, err := kafkac.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String("orders"),
		Serverless: &kafkatypes.ServerlessRequest{VpcConfigs: []kafkatypes.VpcConfig{{SubnetIds: subnets, SecurityGroupIds: []string{group}}},
			ClientAuthentication: &kafkatypes.ServerlessClientAuthentication{
				Sasl: &kafkatypes.ServerlessSasl{Iam: &kafkatypes.Iam{Enabled: aws.Bool(true)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	lawstest.Eventually(t, "the cluster's bootstrap brokers", func() bool {
		b, err := kafkac.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: out.ClusterArn})
		if err != nil {
			return false
		}
		bootstrap = aws.ToString(b.BootstrapBrokerStringSaslIam)
		return bootstrap != ""
	})
	return aws.ToString(out.ClusterArn), bootstrap, subnets, group
}

// createRole creates the admin function's execution role with its least-privilege policy.
func createRole(t *testing.T, iamC *iamsdk.Client, clusterARN, function string) string {
	t.Helper()
	trust, err := role.TrustPolicy("lambda.amazonaws.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := role.TopicAdminPolicy(clusterARN, function)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, err := iamC.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(function + "-role"),
		AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iamC.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: out.Role.RoleName,
		PolicyName: aws.String("topic-admin"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

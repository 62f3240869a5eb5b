package streams_test

import (
	"context"
	"encoding/json"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// world is a localaws instance with SDK clients and an ACTIVE MSK cluster with two topics.
type world struct {
	t       testing.TB
	inst    *localaws.Instance
	ctx     context.Context
	cluster string
	kafka   *kgo.Client
	iam     *iamsdk.Client
	lambda  *lambdasdk.Client
	pipes   *pipessdk.Client
	logs    *logssdk.Client
	sqs     *sqssdk.Client
}

func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newWorld(t testing.TB) *world {
	t.Helper()
	inst, err := localaws.Start(context.Background(), localaws.Options{Addr: "127.0.0.1:0", Profile: "instant", TimeScale: 0.001})
	must(t, err, "starting localaws")
	t.Cleanup(func() { _ = inst.Stop() })
	cfg := lawstest.Config(inst.Endpoint)
	w := &world{t: t, inst: inst, ctx: context.Background(), iam: iamsdk.NewFromConfig(cfg), lambda: lambdasdk.NewFromConfig(cfg),
		pipes: pipessdk.NewFromConfig(cfg), logs: logssdk.NewFromConfig(cfg), sqs: sqssdk.NewFromConfig(cfg)}

	ec2c, kafkac := ec2sdk.NewFromConfig(cfg), kafkasdk.NewFromConfig(cfg)
	vpc, err := ec2c.CreateVpc(w.ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	must(t, err, "CreateVpc")
	var subnets []string
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := ec2c.CreateSubnet(w.ctx, &ec2sdk.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(zone),
			CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i+1))})
		must(t, err, "CreateSubnet")
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	sg, err := ec2c.CreateSecurityGroup(w.ctx, &ec2sdk.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("msk"), Description: aws.String("MSK clients")})
	must(t, err, "CreateSecurityGroup")
	cl, err := kafkac.CreateClusterV2(w.ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String("wired"),
		Serverless: &kafkatypes.ServerlessRequest{
			VpcConfigs: []kafkatypes.VpcConfig{{SubnetIds: subnets, SecurityGroupIds: []string{aws.ToString(sg.GroupId)}}},
			ClientAuthentication: &kafkatypes.ServerlessClientAuthentication{
				Sasl: &kafkatypes.ServerlessSasl{Iam: &kafkatypes.Iam{Enabled: aws.Bool(true)}}}}})
	must(t, err, "CreateClusterV2")
	w.cluster = aws.ToString(cl.ClusterArn)
	var bootstrap string
	waitUntil(t, "the cluster's brokers", func() bool {
		out, err := kafkac.GetBootstrapBrokers(w.ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: cl.ClusterArn})
		if err != nil {
			return false
		}
		bootstrap = aws.ToString(out.BootstrapBrokerStringSaslIam)
		return bootstrap != ""
	})
	w.kafka, err = kgo.NewClient(append(w.inst.KafkaClientOpts(w.cluster), kgo.SeedBrokers(strings.Split(bootstrap, ",")...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	must(t, err, "Kafka client")
	t.Cleanup(w.kafka.Close)
	for _, topic := range []string{"orders", "payments"} {
		resp, err := kadm.NewClient(w.kafka).CreateTopic(w.ctx, 2, 3, nil, topic)
		if err == nil {
			err = resp.Err
		}
		must(t, err, "CreateTopic "+topic)
	}
	return w
}

// role creates a role the service principal may assume, allowed everything.
func (w *world) role(name, principal string) string {
	w.t.Helper()
	out, err := w.iam.CreateRole(w.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)})
	must(w.t, err, "CreateRole")
	_, err = w.iam.PutRolePolicy(w.ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	must(w.t, err, "PutRolePolicy")
	return aws.ToString(out.Role.Arn)
}

// function creates the built-in processor as an Active function and returns its ARN.
func (w *world) function(name, role string, env map[string]string) string {
	w.t.Helper()
	arch := map[string]string{"amd64": "x86_64", "arm64": "arm64"}[goruntime.GOARCH]
	zip, err := builtin.Zip(arch)
	if err != nil {
		w.t.Skipf("the built-in processor is not built: %v", err)
	}
	out, err := w.lambda.CreateFunction(w.ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String(name),
		Role: aws.String(role), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Architectures: []lambdatypes.Architecture{lambdatypes.Architecture(arch)},
		Environment:   &lambdatypes.Environment{Variables: env}, Code: &lambdatypes.FunctionCode{ZipFile: zip}})
	must(w.t, err, "CreateFunction")
	must(w.t, lambdasdk.NewFunctionActiveV2Waiter(w.lambda, func(o *lambdasdk.FunctionActiveV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	}).Wait(w.ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String(name)}, 30*time.Second), "function Active")
	return aws.ToString(out.FunctionArn)
}

// processed returns the offsets the processor logged for a topic, by partition.
func (w *world) processed(function, topic string) map[int64][]int64 {
	w.t.Helper()
	out := map[int64][]int64{}
	var token *string
	for {
		page, err := w.logs.FilterLogEvents(w.ctx, &logssdk.FilterLogEventsInput{
			LogGroupName: aws.String("/aws/lambda/" + function), NextToken: token})
		if err != nil {
			return out // the group appears with the first log line
		}
		for _, e := range page.Events {
			var line struct {
				Msg       string `json:"msg"`
				Topic     string `json:"topic"`
				Partition int64  `json:"partition"`
				Offset    int64  `json:"offset"`
			}
			if json.Unmarshal([]byte(aws.ToString(e.Message)), &line) == nil && line.Msg == "record" && line.Topic == topic {
				out[line.Partition] = append(out[line.Partition], line.Offset)
			}
		}
		if token = page.NextToken; token == nil {
			return out
		}
	}
}

func (w *world) produce(topic string, partition int32, n int) {
	w.t.Helper()
	for i := range n {
		r := &kgo.Record{Topic: topic, Partition: partition, Value: fmt.Appendf(nil, `{"n":%d}`, i)}
		must(w.t, w.kafka.ProduceSync(w.ctx, r).FirstErr(), "producing")
	}
}

// TestLocalAWSPipeRunsTheProcessor drives a pipe through the AWS APIs of a localaws instance: the real
// function processes every record, StopPipe stops the consumer, StartPipe resumes where it left off.
func TestLocalAWSPipeRunsTheProcessor(t *testing.T) {
	w := newWorld(t)
	fn := w.function("processor", w.role("fn", "lambda.amazonaws.com"), nil)
	pipeRole := w.role("pipe", "pipes.amazonaws.com")
	created, err := w.pipes.CreatePipe(w.ctx, &pipessdk.CreatePipeInput{Name: aws.String("orders"), RoleArn: aws.String(pipeRole),
		Source: aws.String(w.cluster), Target: aws.String(fn),
		SourceParameters: &pipestypes.PipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.PipeSourceManagedStreamingKafkaParameters{
			TopicName: aws.String("orders"), StartingPosition: pipestypes.MSKStartPositionTrimHorizon, BatchSize: aws.Int32(2)}}})
	must(t, err, "CreatePipe")
	pipeARN := aws.ToString(created.Arn)
	pipeState := func(want pipestypes.PipeState) func() bool {
		return func() bool {
			out, err := w.pipes.DescribePipe(w.ctx, &pipessdk.DescribePipeInput{Name: aws.String("orders")})
			must(t, err, "DescribePipe")
			return out.CurrentState == want
		}
	}
	waitUntil(t, "the pipe RUNNING", pipeState(pipestypes.PipeStateRunning))
	w.produce("orders", 0, 3)
	w.produce("orders", 1, 2)
	waitUntil(t, "every record processed", func() bool {
		got := w.processed("processor", "orders")
		return len(got[0]) == 3 && len(got[1]) == 2
	})

	_, err = w.pipes.StopPipe(w.ctx, &pipessdk.StopPipeInput{Name: aws.String("orders")})
	must(t, err, "StopPipe")
	waitUntil(t, "the pipe STOPPED", pipeState(pipestypes.PipeStateStopped))
	waitUntil(t, "the consumer to stop", func() bool { return !w.inst.Streams.Running(pipeARN) })
	w.produce("orders", 0, 2)
	_, err = w.pipes.StartPipe(w.ctx, &pipessdk.StartPipeInput{Name: aws.String("orders")})
	must(t, err, "StartPipe")
	waitUntil(t, "the records produced while stopped", func() bool { return len(w.processed("processor", "orders")[0]) >= 5 })
	got := w.processed("processor", "orders")
	for part, offsets := range got {
		for i, o := range offsets {
			if o != int64(i) {
				t.Fatalf("partition %d processed offsets %v, want each once in order", part, offsets)
			}
		}
	}
}

// TestLocalAWSMappingSendsOnFailureRecords drives an event source mapping whose function always fails:
// after the attempts the batch's OnFailure record is in the SQS destination.
func TestLocalAWSMappingSendsOnFailureRecords(t *testing.T) {
	w := newWorld(t)
	fn := w.function("failing", w.role("fn", "lambda.amazonaws.com"), map[string]string{"PROCESSOR_FAIL": "true"})
	q, err := w.sqs.CreateQueue(w.ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("payments-failed")})
	must(t, err, "CreateQueue")
	attrs, err := w.sqs.GetQueueAttributes(w.ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	must(t, err, "GetQueueAttributes")
	m, err := w.lambda.CreateEventSourceMapping(w.ctx, &lambdasdk.CreateEventSourceMappingInput{FunctionName: aws.String(fn),
		EventSourceArn: aws.String(w.cluster), Topics: []string{"payments"}, StartingPosition: lambdatypes.EventSourcePositionTrimHorizon,
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{
			Destination: aws.String(attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)])}}})
	must(t, err, "CreateEventSourceMapping")
	waitUntil(t, "the mapping Enabled", func() bool {
		out, err := w.lambda.GetEventSourceMapping(w.ctx, &lambdasdk.GetEventSourceMappingInput{UUID: m.UUID})
		must(t, err, "GetEventSourceMapping")
		return aws.ToString(out.State) == "Enabled"
	})
	w.produce("payments", 1, 2)

	var body string
	waitUntil(t, "the OnFailure record", func() bool {
		out, err := w.sqs.ReceiveMessage(w.ctx, &sqssdk.ReceiveMessageInput{QueueUrl: q.QueueUrl})
		must(t, err, "ReceiveMessage")
		if len(out.Messages) == 0 {
			return false
		}
		body = aws.ToString(out.Messages[0].Body)
		return true
	})
	var rec struct {
		RequestContext struct {
			Condition              string `json:"condition"`
			ApproximateInvokeCount int    `json:"approximateInvokeCount"`
		} `json:"requestContext"`
		ResponseContext struct {
			FunctionError string `json:"functionError"`
		} `json:"responseContext"`
		KafkaBatchInfo struct {
			BatchSize   int                          `json:"batchSize"`
			RecordsInfo map[string]map[string]string `json:"recordsInfo"`
		} `json:"KafkaBatchInfo"`
	}
	must(t, json.Unmarshal([]byte(body), &rec), "decoding the OnFailure record")
	if rec.RequestContext.Condition != "RetryAttemptsExhausted" || rec.ResponseContext.FunctionError != "Unhandled" ||
		rec.KafkaBatchInfo.RecordsInfo["payments-1"]["lastRecordOffset"] != "1" {
		t.Errorf("OnFailure record = %s", body)
	}
	if got := len(w.processed("failing", "payments")[1]); got != 2*rec.RequestContext.ApproximateInvokeCount {
		t.Errorf("the function logged %d records, want 2 per attempt (%d attempts)", got, rec.RequestContext.ApproximateInvokeCount)
	}

	must(t, w.inst.Stop(), "stopping localaws")
	if w.inst.Streams.Running(aws.ToString(m.UUID)) {
		t.Error("the mapping's consumer runs after Stop")
	}
}

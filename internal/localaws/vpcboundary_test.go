package localaws_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/mskauth"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// TestVPCBoundaryKeepsBrokersInsideTheVPC: with the boundary, a Kafka client outside the cluster's VPC cannot
// connect to its brokers, while a pipe and an event source mapping (whose pollers are inside, as on AWS)
// still deliver a record.
func TestVPCBoundaryKeepsBrokersInsideTheVPC(t *testing.T) {
	code, err := builtin.Zip("")
	must(t, err, "the built-in processor")
	inst := startLocalAWS(t, localaws.Options{Profile: "instant", VPCBoundary: true})
	ctx, c := context.Background(), newClients(sdkConfig(inst, 3))
	subnets, group := network(t, ctx, c)
	cluster := createCluster(t, ctx, c, "boundary", subnets, group)
	waitCluster(t, ctx, c, cluster)
	bb, err := c.kafka.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: aws.String(cluster)})
	must(t, err, "GetBootstrapBrokers")
	brokers := strings.Split(aws.ToString(bb.BootstrapBrokerStringSaslIam), ",")

	// Outside: TCP and a real Kafka client with MSK's TLS and IAM both fail to connect.
	for _, b := range brokers {
		if _, err := net.DialTimeout("tcp", b, 5*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dialing broker %s from outside the VPC: %v, want connection refused", b, err)
		}
	}
	roots := x509.NewCertPool() // the outside client trusts the brokers' CA, and still cannot connect
	roots.AppendCertsFromPEM(inst.KafkaCA)
	outside, err := kgo.NewClient(append(mskauth.ClientOpts(credentials.NewStaticCredentialsProvider("k", "s", ""),
		"us-east-1", roots), kgo.SeedBrokers(brokers...), kgo.DialTimeout(5*time.Second), kgo.RequestRetries(1))...)
	must(t, err, "the outside client")
	defer outside.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := outside.Ping(pingCtx); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("a Kafka client outside the VPC pinged the brokers: %v, want a connection error", err)
	}

	// A process started in the VPC (a client that is not Go, such as kcat) connects; the same outside does not.
	host, port, err := net.SplitHostPort(brokers[0])
	must(t, err, "the broker's address")
	connect := func() *exec.Cmd {
		return exec.Command("bash", "-c", "exec 3<>/dev/tcp/"+host+"/"+port)
	}
	in := connect()
	must(t, inst.StartInVPC(cluster, in), "starting a process in the VPC")
	must(t, in.Wait(), "connecting to the broker from a process in the VPC")
	if err := connect().Run(); err == nil {
		t.Fatal("a process outside the VPC connected to the broker")
	}

	// Inside: localaws's own client (the pollers' view) creates the topic and produces.
	inside, err := kgo.NewClient(append(inst.KafkaClientOpts(cluster), kgo.SeedBrokers(brokers...))...)
	must(t, err, "the inside client")
	defer inside.Close()
	_, err = kadm.NewClient(inside).CreateTopic(ctx, 1, -1, nil, "orders")
	must(t, err, "creating the topic from inside")

	fnRole := createRole(t, ctx, c, "boundary-fn", "lambda.amazonaws.com", functionPolicy)
	pipeRole := createRole(t, ctx, c, "boundary-pipe", "pipes.amazonaws.com", pipePolicy)
	out, err := c.lambda.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("boundary-fn"),
		Role: aws.String(fnRole), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: code}})
	must(t, err, "CreateFunction")
	waitFunction(t, ctx, c, "boundary-fn")
	_, err = c.pipes.CreatePipe(ctx, &pipessdk.CreatePipeInput{Name: aws.String("boundary-pipe"), RoleArn: aws.String(pipeRole),
		Source: aws.String(cluster), Target: out.FunctionArn,
		SourceParameters: &pipestypes.PipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.PipeSourceManagedStreamingKafkaParameters{
			TopicName: aws.String("orders"), StartingPosition: pipestypes.MSKStartPositionTrimHorizon, BatchSize: aws.Int32(10)}}})
	must(t, err, "CreatePipe")
	// An event source mapping polls with the function's role, which needs the consumer's permissions.
	esmRole := createRole(t, ctx, c, "boundary-esm", "lambda.amazonaws.com", pipePolicy)
	_, err = c.lambda.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("boundary-esm"),
		Role: aws.String(esmRole), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: code}})
	must(t, err, "CreateFunction boundary-esm")
	waitFunction(t, ctx, c, "boundary-esm")
	_, err = c.lambda.CreateEventSourceMapping(ctx, &lambdasdk.CreateEventSourceMappingInput{FunctionName: aws.String("boundary-esm"),
		EventSourceArn: aws.String(cluster), Topics: []string{"orders"}, StartingPosition: lambdatypes.EventSourcePositionTrimHorizon})
	must(t, err, "CreateEventSourceMapping")

	must(t, inside.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte(`{"order":"inside"}`)}).FirstErr(), "producing")
	for _, fn := range []string{"boundary-fn", "boundary-esm"} {
		eventually(t, 30*time.Second, "the record reaches "+fn, func() (bool, string) {
			ev, err := c.logs.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/" + fn)})
			if err != nil {
				return false, err.Error()
			}
			for _, e := range ev.Events {
				if strings.Contains(aws.ToString(e.Message), `"inside"`) {
					return true, ""
				}
			}
			return false, "no record line yet"
		})
	}
}

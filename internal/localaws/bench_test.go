package localaws_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/sdkhttp"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
)

// benchClients starts an instant localaws with the whole stack built and returns clients whose HTTP
// transport keeps enough idle connections for every parallel goroutine.
func benchClients(b *testing.B) (clients, stack) {
	b.Helper()
	inst := startLocalAWS(b, localaws.Options{Profile: "instant"})
	cfg := sdkConfig(inst, 1)
	cfg.HTTPClient = sdkhttp.Wrap(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 256
	}))
	c := newClients(cfg)
	return c, buildStack(b, context.Background(), c)
}

// runParallel runs call from parallel goroutines and reports the request rate.
func runParallel(b *testing.B, call func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkDescribePipe(b *testing.B) {
	c, s := benchClients(b)
	in := &pipessdk.DescribePipeInput{Name: aws.String(s.pipe)}
	runParallel(b, func(ctx context.Context) error {
		_, err := c.pipes.DescribePipe(ctx, in)
		return err
	})
}

func BenchmarkGetFunction(b *testing.B) {
	c, s := benchClients(b)
	in := &lambdasdk.GetFunctionInput{FunctionName: aws.String(s.function)}
	runParallel(b, func(ctx context.Context) error {
		_, err := c.lambda.GetFunction(ctx, in)
		return err
	})
}

func BenchmarkSendMessage(b *testing.B) {
	c, _ := benchClients(b)
	q, err := c.sqs.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String("bench")})
	must(b, err, "CreateQueue")
	in := &sqssdk.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(`{"bench":true}`)}
	runParallel(b, func(ctx context.Context) error {
		_, err := c.sqs.SendMessage(ctx, in)
		return err
	})
}

package streams_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkProduceToHandler measures the latency from producing a record to the built-in processor
// handling it, through a pipe, the real Lambda runtime and the real processor process: the processor logs
// each record with its own clock, which is compared with the time the record was produced. At batch size 1
// the records are produced one at a time (each after the previous one was handled); at batch size 100 in
// bursts of 100.
func BenchmarkProduceToHandler(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			w := newWorld(b)
			fn := w.function("processor", w.role("fn", "lambda.amazonaws.com"), nil)
			_, err := w.pipes.CreatePipe(w.ctx, &pipessdk.CreatePipeInput{Name: aws.String("bench"),
				RoleArn: aws.String(w.role("pipe", "pipes.amazonaws.com")), Source: aws.String(w.cluster), Target: aws.String(fn),
				SourceParameters: &pipestypes.PipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.PipeSourceManagedStreamingKafkaParameters{
					TopicName: aws.String("orders"), StartingPosition: pipestypes.MSKStartPositionTrimHorizon, BatchSize: aws.Int32(int32(batch))}},
				TargetParameters: &pipestypes.PipeTargetParameters{LambdaFunctionParameters: &pipestypes.PipeTargetLambdaFunctionParameters{
					InvocationType: pipestypes.PipeTargetInvocationTypeRequestResponse}}})
			must(b, err, "CreatePipe")
			waitUntil(b, "the pipe RUNNING", func() bool {
				out, err := w.pipes.DescribePipe(w.ctx, &pipessdk.DescribePipeInput{Name: aws.String("bench")})
				return err == nil && out.CurrentState == pipestypes.PipeStateRunning
			})
			// Warm the function and the consumer before measuring.
			w.produce("orders", 0, 1)
			lat := &handled{w: w}
			lat.wait(1)

			produced := map[int64]time.Time{}
			b.ResetTimer()
			for sent := 0; sent < b.N; {
				n := min(batch, b.N-sent)
				records := make([]*kgo.Record, n)
				for i := range records {
					records[i] = &kgo.Record{Topic: "orders", Partition: 0, Value: []byte(`{"message":"Hello Kafka"}`)}
				}
				start := time.Now()
				results := w.kafka.ProduceSync(w.ctx, records...)
				must(b, results.FirstErr(), "producing")
				for _, r := range results {
					produced[r.Record.Offset] = start
				}
				sent += n
				lat.wait(sent + 1)
			}
			b.StopTimer()
			var ms []float64
			for offset, at := range lat.times {
				if p, ok := produced[offset]; ok {
					ms = append(ms, float64(at.Sub(p).Microseconds())/1000)
				}
			}
			slices.Sort(ms)
			if len(ms) == 0 {
				b.Fatal("no record was handled")
			}
			b.ReportMetric(ms[len(ms)/2], "p50-ms")
			b.ReportMetric(ms[len(ms)*99/100], "p99-ms")
		})
	}
}

// handled reads the processor's log lines: when each offset of partition 0 was handled, by the handler's clock.
type handled struct {
	w     *world
	times map[int64]time.Time
}

// wait polls CloudWatch Logs until n records have been handled.
func (h *handled) wait(n int) {
	if h.times == nil {
		h.times = map[int64]time.Time{}
	}
	waitUntil(h.w.t, fmt.Sprintf("%d records handled", n), func() bool {
		page, err := h.w.logs.FilterLogEvents(h.w.ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/processor")})
		if err != nil {
			return false
		}
		for _, e := range page.Events {
			var line struct {
				Time      time.Time `json:"time"`
				Msg       string    `json:"msg"`
				Partition int64     `json:"partition"`
				Offset    int64     `json:"offset"`
			}
			if json.Unmarshal([]byte(aws.ToString(e.Message)), &line) == nil && line.Msg == "record" && line.Partition == 0 {
				h.times[line.Offset] = line.Time
			}
		}
		return len(h.times) >= n
	})
}

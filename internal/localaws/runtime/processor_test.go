package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

var (
	processorOnce sync.Once
	processorData []byte
	processorErr  error
)

// processorZip returns the built-in processor's deployment zip for this machine, building it with
// hack/build-processor.sh when lambda/builtin/dist does not have it yet.
func processorZip(tb testing.TB) []byte {
	tb.Helper()
	processorOnce.Do(func() {
		root, err := filepath.Abs("../../..")
		if err != nil {
			processorErr = err
			return
		}
		path := filepath.Join(root, "lambda", "builtin", "dist", "processor-"+goruntime.GOARCH+".zip")
		if !exists(path) {
			if out, err := exec.Command("bash", filepath.Join(root, "hack", "build-processor.sh")).CombinedOutput(); err != nil {
				processorErr = err
				tb.Logf("hack/build-processor.sh: %s", out)
				return
			}
		}
		processorData, processorErr = os.ReadFile(path)
	})
	if processorErr != nil {
		tb.Fatalf("the built-in processor: %v", processorErr)
	}
	return processorData
}

// pipesEvent is a one-record EventBridge Pipes event for an MSK source.
func pipesEvent(value string) []byte {
	event := []map[string]any{{"eventSource": "aws:kafka", "eventSourceKey": "orders-0", "topic": "orders",
		"partition": 0, "offset": 7, "timestamp": 1545084650987, "timestampType": "CREATE_TIME",
		"value": base64.StdEncoding.EncodeToString([]byte(value))}}
	b, _ := json.Marshal(event)
	return b
}

func TestBuiltinProcessor(t *testing.T) {
	zip := processorZip(t)
	s := newStack(t)
	s.createFunction(t, "processor", "provided.al2023", "bootstrap", zip)
	out, err := s.lambdaC.Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String("processor"),
		Payload: pipesEvent(`{"order":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	var summary struct {
		Records   int `json:"records"`
		Processed int `json:"processed"`
	}
	if out.FunctionError != nil || json.Unmarshal(out.Payload, &summary) != nil || summary.Records != 1 || summary.Processed != 1 {
		t.Fatalf("processor answered %s (function error %v)", out.Payload, out.FunctionError)
	}
	if msgs := s.logMessages(t, "processor"); !containsLine(msgs, `"topic":"orders"`) {
		t.Errorf("the processor's record line is not in the log: %q", msgs)
	}

	s.createFunction(t, "processor-fails", "provided.al2023", "bootstrap", zip, func(in *lambdasdk.CreateFunctionInput) {
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"PROCESSOR_FAIL": "true"}}
	})
	doc := decodeError(t, s.invoke(t, "processor-fails", json.RawMessage(pipesEvent("x"))))
	if doc.ErrorMessage == "" {
		t.Errorf("the failing processor reported %+v", doc)
	}
}

// benchFunction is a function view for the processor that needs no control plane.
func benchFunction(tb testing.TB) lambda.FunctionView {
	return lambda.FunctionView{Name: "bench", ARN: "arn:aws:lambda:us-east-1:000000000000:function:bench",
		Region: "us-east-1", Runtime: "provided.al2023", Handler: "bootstrap", Timeout: 10 * time.Second,
		MemorySize: 128, PackageType: "Zip", Code: processorZip(tb), CodeSha256: "bench", State: "Active"}
}

func newBenchRuntime(b *testing.B) *Runtime {
	rt, err := New(Config{WorkDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Close() })
	return rt
}

// reportPercentiles reports the 50th and 99th percentile of samples in milliseconds.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	at := func(q float64) float64 { return millis(samples[int(q*float64(len(samples)-1))]) }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkColdStart measures a processor cold start: from exec to the runtime's first GET /next.
func BenchmarkColdStart(b *testing.B) {
	rt := newBenchRuntime(b)
	fn := benchFunction(b)
	samples := make([]time.Duration, 0, b.N)
	for b.Loop() {
		sb, err := rt.startSandbox(fn)
		if err != nil {
			b.Fatal(err)
		}
		select {
		case <-sb.ready:
		case <-sb.exited:
			b.Fatal("the processor exited during init")
		}
		sb.mu.Lock()
		samples = append(samples, sb.initTime)
		sb.mu.Unlock()
		sb.kill()
		<-sb.exited
	}
	reportPercentiles(b, samples)
}

// BenchmarkWarmInvoke measures a synchronous invocation of a warm processor instance, end to end through
// the executor: the Runtime API round trip, the handler, and the log lines.
func BenchmarkWarmInvoke(b *testing.B) {
	rt := newBenchRuntime(b)
	fn := benchFunction(b)
	payload := pipesEvent(`{"order":1}`)
	ctx := context.Background()
	if _, err := rt.Invoke(ctx, fn, payload, "RequestResponse"); err != nil {
		b.Fatal(err)
	}
	samples := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		out, err := rt.Invoke(ctx, fn, payload, "RequestResponse")
		if err != nil || out.FunctionError != "" {
			b.Fatalf("%v %s", err, out.Payload)
		}
		samples = append(samples, time.Since(start))
	}
	reportPercentiles(b, samples)
}

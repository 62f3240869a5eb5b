package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/logs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

const testRole = "arn:aws:iam::000000000000:role/fn-role"

// Deployment packages shared by every test, built once per run in TestMain.
var (
	handlerZip []byte // testdata/handler as provided.al2023 bootstrap
	pythonZip  []byte // testdata/python
	nodeZip    []byte // testdata/nodejs
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "runtime-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if err := buildPackages(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building test functions:", err)
	} else {
		code = m.Run()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// buildPackages compiles the Go test handler and zips it and the python handler.
func buildPackages(dir string) error {
	bin := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, "./testdata/handler")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v: %s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	if handlerZip, err = zipFiles(map[string][]byte{"bootstrap": data}); err != nil {
		return err
	}
	if pythonZip, err = lawstest.ZipDir("testdata/python"); err != nil {
		return err
	}
	nodeZip, err = lawstest.ZipDir("testdata/nodejs")
	return err
}

// zipFiles builds a deployment package; every file is executable, as packaging tools make bootstrap.
func zipFiles(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stack is a localaws server with Lambda, SQS and CloudWatch Logs, and a Runtime executing its functions.
type stack struct {
	rt       *Runtime
	lambda   *lambda.Service
	lambdaC  *lambdasdk.Client
	sqsC     *sqssdk.Client
	logsC    *logssdk.Client
	endpoint string
}

// newStack starts the stack; tweak adjusts the runtime configuration (time scale 0.001 by default).
func newStack(t *testing.T, tweak ...func(*Config)) *stack {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	endpoint := "http://" + hs.Listener.Addr().String()
	sqsSvc := sqs.New(sqs.Config{})
	logsSvc := logs.New(logs.Config{})
	cfg := Config{Endpoint: endpoint, Queues: sqsSvc, Logs: logsSvc, TimeScale: 0.001, WorkDir: t.TempDir()}
	for _, f := range tweak {
		f(&cfg)
	}
	rt, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lambdaSvc := lambda.New(lambda.Config{Timings: lawstest.Timings(t), Queues: sqsSvc, Executor: rt})
	rt.SetFunctions(lambdaSvc)
	srv := server.New(server.Options{Region: lawstest.Region, AccountID: lawstest.AccountID}, lambdaSvc, sqsSvc, logsSvc)
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(func() {
		if err := rt.Close(); err != nil {
			t.Error(err)
		}
		hs.Close()
	})
	awsCfg := lawstest.Config(endpoint)
	return &stack{rt: rt, lambda: lambdaSvc, endpoint: endpoint, lambdaC: lambdasdk.NewFromConfig(awsCfg),
		sqsC: sqssdk.NewFromConfig(awsCfg), logsC: logssdk.NewFromConfig(awsCfg)}
}

// createFunction creates a function and waits until it is Active.
func (s *stack) createFunction(t *testing.T, name, runtimeID, handler string, code []byte, edit ...func(*lambdasdk.CreateFunctionInput)) lambda.FunctionView {
	t.Helper()
	in := &lambdasdk.CreateFunctionInput{FunctionName: aws.String(name), Role: aws.String(testRole),
		Runtime: lambdatypes.Runtime(runtimeID), Handler: aws.String(handler), Code: &lambdatypes.FunctionCode{ZipFile: code},
		Timeout: aws.Int32(5)}
	for _, f := range edit {
		f(in)
	}
	if _, err := s.lambdaC.CreateFunction(context.Background(), in); err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return s.waitActive(t, name)
}

// goFunction creates a provided.al2023 function running the Go test handler.
func (s *stack) goFunction(t *testing.T, name string, edit ...func(*lambdasdk.CreateFunctionInput)) lambda.FunctionView {
	t.Helper()
	return s.createFunction(t, name, "provided.al2023", "bootstrap", handlerZip, edit...)
}

func (s *stack) waitActive(t *testing.T, name string) lambda.FunctionView {
	t.Helper()
	var view lambda.FunctionView
	eventually(t, 10*time.Second, "function "+name+" is Active", func() bool {
		v, ok := s.lambda.Function(name)
		view = v
		return ok && v.State == "Active" && v.LastUpdateStatus != "InProgress"
	})
	return view
}

// mustFunction returns the current view of a function.
func (s *stack) mustFunction(t *testing.T, name string) lambda.FunctionView {
	t.Helper()
	v, ok := s.lambda.Function(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	return v
}

// invoke calls Invoke through the SDK (RequestResponse, log tail requested).
func (s *stack) invoke(t *testing.T, name string, payload any) *lambdasdk.InvokeOutput {
	t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.lambdaC.Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String(name),
		Payload: body, LogType: lambdatypes.LogTypeTail})
	if err != nil {
		t.Fatalf("Invoke %s: %v", name, err)
	}
	return out
}

// handlerReply is what the Go test handler returns.
type handlerReply struct {
	PID         int               `json:"pid"`
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	DeadlineMs  int64             `json:"deadlineMs"`
	Env         map[string]string `json:"env"`
	Data        string            `json:"data"`
}

func decodeReply(t *testing.T, out *lambdasdk.InvokeOutput) handlerReply {
	t.Helper()
	if out.FunctionError != nil {
		t.Fatalf("function error %s: %s", *out.FunctionError, out.Payload)
	}
	var r handlerReply
	if err := json.Unmarshal(out.Payload, &r); err != nil {
		t.Fatalf("decoding %s: %v", out.Payload, err)
	}
	return r
}

// decodeError returns the error document of a failed invocation.
func decodeError(t *testing.T, out *lambdasdk.InvokeOutput) errorDoc {
	t.Helper()
	if out.FunctionError == nil || *out.FunctionError != "Unhandled" {
		t.Fatalf("want FunctionError Unhandled, got %v (payload %s)", out.FunctionError, out.Payload)
	}
	if out.StatusCode != 200 {
		t.Fatalf("status %d, want 200", out.StatusCode)
	}
	var doc errorDoc
	if err := json.Unmarshal(out.Payload, &doc); err != nil {
		t.Fatalf("decoding %s: %v", out.Payload, err)
	}
	return doc
}

// createQueue creates an SQS queue and returns its URL and ARN.
func (s *stack) createQueue(t *testing.T, name string) (url, arn string) {
	t.Helper()
	ctx := context.Background()
	out, err := s.sqsC.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := s.sqsC.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl, attrs.Attributes["QueueArn"]
}

// receive waits for one message on a queue, with its message attributes.
func (s *stack) receive(t *testing.T, url string, within time.Duration) sqstypes.Message {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		out, err := s.sqsC.ReceiveMessage(context.Background(), &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(url),
			MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 1, MaxNumberOfMessages: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			return out.Messages[0]
		}
	}
	t.Fatalf("no message on %s within %v", url, within)
	return sqstypes.Message{}
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// processGone reports whether a process no longer runs: it does not exist, or it is a zombie waiting for
// a parent that does not reap orphans.
func processGone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(after, "Z")
}

// logMessages returns the messages of a function's log group, oldest first.
func (s *stack) logMessages(t *testing.T, function string) []string {
	t.Helper()
	out, err := s.logsC.FilterLogEvents(context.Background(), &logssdk.FilterLogEventsInput{
		LogGroupName: aws.String(logGroupName(function))})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, *e.Message)
	}
	return msgs
}

// countPrefix counts the messages starting with prefix.
func countPrefix(msgs []string, prefix string) int {
	n := 0
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}

// parallel runs fn n times at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

// managedReply is what the python and nodejs test handlers answer in echo mode: what their context object
// and environment hold.
type managedReply struct {
	PID          int            `json:"pid"`
	RequestID    string         `json:"requestId"`
	FunctionName string         `json:"functionName"`
	Remaining    int            `json:"remaining"`
	Memory       string         `json:"memory"`
	LogStream    string         `json:"logStream"`
	Endpoint     string         `json:"endpoint"`
	ExecEnv      string         `json:"execEnv"`
	Event        map[string]any `json:"event"`
}

// checkManagedContext invokes a python or nodejs test function twice and checks what its handler saw: the
// context members, the environment, the event, and a warm second invocation.
func (s *stack) checkManagedContext(t *testing.T, name, runtimeID string) managedReply {
	t.Helper()
	out := s.invoke(t, name, map[string]any{"mode": "echo", "n": 1})
	if out.FunctionError != nil {
		t.Fatalf("function error: %s", out.Payload)
	}
	var r managedReply
	if err := json.Unmarshal(out.Payload, &r); err != nil {
		t.Fatalf("%s: %v", out.Payload, err)
	}
	if r.FunctionName != name || r.RequestID == "" || r.Memory != "128" || r.Endpoint != s.endpoint ||
		r.ExecEnv != "AWS_Lambda_"+runtimeID || r.Event["n"] != float64(1) || !logStreamPattern.MatchString(r.LogStream) {
		t.Errorf("%s context: %+v", runtimeID, r)
	}
	if r.Remaining <= 0 || r.Remaining > 5000 {
		t.Errorf("the remaining time is %d ms, want within the 5 s timeout", r.Remaining)
	}
	var again managedReply
	if err := json.Unmarshal(s.invoke(t, name, map[string]any{}).Payload, &again); err != nil || again.PID != r.PID {
		t.Errorf("the second invocation ran in pid %d, want the warm %d (%v)", again.PID, r.PID, err)
	}
	return r
}

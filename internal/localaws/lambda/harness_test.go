package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/s3"
)

const (
	testRole    = "arn:aws:iam::000000000000:role/fn-role"
	testQueue   = "arn:aws:sqs:us-east-1:000000000000:dlq"
	testCluster = "arn:aws:kafka:us-east-1:000000000000:cluster/c1/0b8d2bb5-2f43-4e8f-9a39-0b4a5c1d9e6f-s1"
)

// fakeIAM answers role checks from explicit grants.
type fakeIAM struct {
	mu         sync.Mutex
	assumable  map[string]bool
	grants     map[string]bool // "role|action|resource"
	principals []string
}

func (f *fakeIAM) RoleAssumable(roleARN, principal string) (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.principals = append(f.principals, principal)
	if f.assumable[roleARN] && principal == "lambda.amazonaws.com" {
		return true, ""
	}
	return false, "role not assumable"
}

func (f *fakeIAM) RoleAllows(roleARN, action, resource string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.grants[roleARN+"|"+action+"|"+resource]
}

func (f *fakeIAM) grant(role, action, resource string) {
	f.mu.Lock()
	f.grants[role+"|"+action+"|"+resource] = true
	f.mu.Unlock()
}

type fakeQueues map[string]bool

func (f fakeQueues) QueueExists(arn string) bool { return f[arn] }

type fakeClusters map[string]string

func (f fakeClusters) ClusterState(arn string) (string, bool) {
	s, ok := f[arn]
	return s, ok
}

// fakeRunner records MappingRunner calls.
type fakeRunner struct {
	mu    sync.Mutex
	calls []string
	last  map[string]MappingView
}

func (r *fakeRunner) Run(m MappingView) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "run:"+m.UUID)
	r.last[m.UUID] = m
}

func (r *fakeRunner) Stop(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "stop:"+id)
}

func (r *fakeRunner) history() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// fakeExecutor answers invocations with a fixed result.
type fakeExecutor struct {
	mu     sync.Mutex
	result InvokeResult
	err    error
	seen   []string
}

func (e *fakeExecutor) Invoke(_ context.Context, fn FunctionView, payload []byte, invocationType string) (InvokeResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, fn.Name+"|"+invocationType+"|"+string(payload))
	return e.result, e.err
}

type harness struct {
	svc      *Service
	client   *lambdasdk.Client
	s3       *s3sdk.Client
	iam      *fakeIAM
	timings  *lifecycle.Timings
	runner   *fakeRunner
	endpoint string
	clusters fakeClusters
	queues   fakeQueues
}

func newHarness(t *testing.T, configure ...func(*Config)) *harness {
	t.Helper()
	h := &harness{
		iam:      &fakeIAM{assumable: map[string]bool{testRole: true}, grants: map[string]bool{}},
		timings:  lawstest.Timings(t),
		runner:   &fakeRunner{last: map[string]MappingView{}},
		clusters: fakeClusters{testCluster: "ACTIVE"},
		queues:   fakeQueues{testQueue: true},
	}
	objects := s3.New(s3.Config{})
	cfg := Config{Timings: h.timings, IAM: h.iam, Clusters: h.clusters, Queues: h.queues, Objects: objects,
		Mappings: h.runner}
	for _, c := range configure {
		c(&cfg)
	}
	h.svc = New(cfg)
	_, awsCfg := lawstest.Serve(t, h.svc, objects)
	h.endpoint = aws.ToString(awsCfg.BaseEndpoint)
	h.client = lambdasdk.NewFromConfig(awsCfg)
	h.s3 = s3sdk.NewFromConfig(awsCfg, func(o *s3sdk.Options) { o.UsePathStyle = true })
	return h
}

// zipOf builds a zip holding the given files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func createInput(name string, code []byte) *lambdasdk.CreateFunctionInput {
	return &lambdasdk.CreateFunctionInput{FunctionName: aws.String(name), Role: aws.String(testRole),
		Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &types.FunctionCode{ZipFile: code}}
}

// mustActive creates a function and waits until it is Active.
func (h *harness) mustActive(t *testing.T, name string) *lambdasdk.GetFunctionOutput {
	t.Helper()
	if _, err := h.client.CreateFunction(context.Background(), createInput(name, zipOf(t, map[string]string{"bootstrap": name}))); err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return h.waitFunction(t, name, func(c *types.FunctionConfiguration) bool {
		return c.State == types.StateActive && c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
}

func (h *harness) waitFunction(t *testing.T, name string, ok func(*types.FunctionConfiguration) bool) *lambdasdk.GetFunctionOutput {
	t.Helper()
	var last *lambdasdk.GetFunctionOutput
	lawstest.Eventually(t, "function "+name, func() bool {
		out, err := h.client.GetFunction(context.Background(), &lambdasdk.GetFunctionInput{FunctionName: aws.String(name)})
		if err != nil {
			t.Fatalf("GetFunction %s: %v", name, err)
		}
		last = out
		return ok(out.Configuration)
	})
	return last
}

// wantError asserts err is the typed error T and, when msg is set, that its message contains msg.
func wantError[T error](t *testing.T, err error, msg string) T {
	t.Helper()
	target := lawstest.ExpectError[T](t, err)
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Fatalf("want message containing %q, got %v", msg, err)
	}
	return target
}

// wantValidation asserts a ValidationException (not modelled by the SDK, so a generic API error).
func wantValidation(t *testing.T, err error, msg string) {
	t.Helper()
	if ae := lawstest.ExpectCode(t, err, "ValidationException"); !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want message containing %q, got %q", msg, ae.ErrorMessage())
	}
}

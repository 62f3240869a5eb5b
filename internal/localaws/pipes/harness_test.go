package pipes

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

const (
	testCluster  = "arn:aws:kafka:us-east-1:000000000000:cluster/orders/6c1b1a8e-1111-4000-8000-000000000000-s1"
	testFunction = "arn:aws:lambda:us-east-1:000000000000:function:kp-handler"
	testRole     = "arn:aws:iam::000000000000:role/kafkapipeline/kp-pipe"
)

// world fakes MSK, Lambda and IAM for the pipes service.
type world struct {
	mu         sync.Mutex
	clusters   map[string]string
	functions  map[string]string
	unassuming map[string]string // role → why it cannot be assumed
	denied     map[string]bool   // "action resource"
}

func newWorld() *world {
	return &world{
		clusters:   map[string]string{testCluster: "ACTIVE"},
		functions:  map[string]string{testFunction: "Active"},
		unassuming: map[string]string{},
		denied:     map[string]bool{},
	}
}

func (w *world) ClusterState(arn string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, ok := w.clusters[arn]
	return st, ok
}

func (w *world) FunctionState(arn string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, ok := w.functions[arn]
	return st, ok
}

func (w *world) RoleAssumable(role, principal string) (bool, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if principal != pipesPrincipal {
		return false, "wrong principal " + principal
	}
	why, bad := w.unassuming[role]
	return !bad, why
}

func (w *world) RoleAllows(role, action, resource string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.denied[action+" "+resource]
}

func (w *world) deny(action, resource string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.denied[action+" "+resource] = true
}

func (w *world) allowAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.denied = map[string]bool{}
	w.unassuming = map[string]string{}
}

func (w *world) setCluster(arn, state string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clusters[arn] = state
}

// recorder is a Runner that records its calls.
type recorder struct {
	mu     sync.Mutex
	events []string
	views  map[string]PipeView
}

func (r *recorder) Run(p PipeView) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "run "+p.Name)
	if r.views == nil {
		r.views = map[string]PipeView{}
	}
	r.views[p.ARN] = p
}

func (r *recorder) Stop(arn string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "stop "+arn[strings.LastIndex(arn, "/")+1:])
}

func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.events, ", ")
}

func (r *recorder) view(arn string) PipeView {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.views[arn]
}

// harness is one pipes service behind a test server and a real SDK client.
type harness struct {
	svc     *Service
	client  *pipessdk.Client
	cfg     aws.Config
	world   *world
	runner  *recorder
	timings *lifecycle.Timings
}

func newHarness(t *testing.T, maxPipes int) *harness {
	t.Helper()
	tm := lawstest.Timings(t)
	w, r := newWorld(), &recorder{}
	svc := New(Config{Timings: tm, Clusters: w, Functions: w, Roles: w, Runner: r, MaxPipes: maxPipes})
	_, cfg := lawstest.Serve(t, svc)
	return &harness{svc: svc, client: pipessdk.NewFromConfig(cfg), cfg: cfg, world: w, runner: r, timings: tm}
}

func createInput(name string) *pipessdk.CreatePipeInput {
	return &pipessdk.CreatePipeInput{
		Name:        aws.String(name),
		RoleArn:     aws.String(testRole),
		Source:      aws.String(testCluster),
		Target:      aws.String(testFunction),
		Description: aws.String("orders to handler"),
		SourceParameters: &types.PipeSourceParameters{
			ManagedStreamingKafkaParameters: &types.PipeSourceManagedStreamingKafkaParameters{
				TopicName:        aws.String("orders-topic"),
				StartingPosition: types.MSKStartPositionTrimHorizon,
			},
		},
		TargetParameters: &types.PipeTargetParameters{
			LambdaFunctionParameters: &types.PipeTargetLambdaFunctionParameters{InvocationType: types.PipeTargetInvocationTypeRequestResponse},
		},
		Tags: map[string]string{"kafkapipeline.io/owner": "ns/name"},
	}
}

func (h *harness) create(t *testing.T, in *pipessdk.CreatePipeInput) string {
	t.Helper()
	out, err := h.client.CreatePipe(context.Background(), in)
	if err != nil {
		t.Fatalf("CreatePipe %s: %v", aws.ToString(in.Name), err)
	}
	return aws.ToString(out.Arn)
}

func (h *harness) describe(t *testing.T, name string) *pipessdk.DescribePipeOutput {
	t.Helper()
	out, err := h.client.DescribePipe(context.Background(), &pipessdk.DescribePipeInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribePipe %s: %v", name, err)
	}
	return out
}

// waitState polls DescribePipe until the pipe is in state.
func (h *harness) waitState(t *testing.T, name string, state types.PipeState) *pipessdk.DescribePipeOutput {
	t.Helper()
	var last *pipessdk.DescribePipeOutput
	lawstest.Eventually(t, fmt.Sprintf("pipe %s to be %s", name, state), func() bool {
		last = h.describe(t, name)
		return last.CurrentState == state
	})
	return last
}

func (h *harness) waitGone(t *testing.T, arn string) {
	t.Helper()
	lawstest.Eventually(t, "pipe to be gone", func() bool { _, ok := h.svc.Pipe(arn); return !ok })
}

// expectField asserts a ValidationException naming field.
func expectField(t *testing.T, err error, field string) {
	t.Helper()
	e := lawstest.ExpectError[*types.ValidationException](t, err)
	var names []string
	for _, f := range e.FieldList {
		names = append(names, aws.ToString(f.Name))
		if aws.ToString(f.Name) == field && aws.ToString(f.Message) != "" {
			return
		}
	}
	t.Fatalf("fieldList %v does not name %s (message %q)", names, field, aws.ToString(e.Message))
}

package lambda

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

func TestInvokeWithoutExecutor(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	lawstest.Hold(t, h.timings, lifecycle.FunctionCreate)
	if _, err := h.client.CreateFunction(ctx, createInput("pending", zipOf(t, map[string]string{"bootstrap": "x"}))); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("pending")})
	wantError[*types.ResourceConflictException](t, err,
		"The operation cannot be performed at this time. The function is currently in the following state: Pending")
	lawstest.Release(t, h.timings, lifecycle.FunctionCreate)
	h.mustActive(t, "idle")
	name := aws.String("idle")

	ev, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`{"k":1}`)})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("Event invoke = %+v, %v", ev, err)
	}
	dry, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Fatalf("DryRun invoke = %+v, %v", dry, err)
	}
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, Payload: []byte(`{}`)})
	wantError[*types.ServiceException](t, err, "function execution is not enabled")
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`not json`)})
	wantError[*types.InvalidRequestContentException](t, err, "Could not parse request body into json")
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`"` + strings.Repeat("a", 1048577) + `"`)})
	wantError[*types.RequestTooLargeException](t, err, "1048576")
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: name, InvocationType: "Later"})
	wantValidation(t, err, "at 'invocationType'")
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
}

func TestInvokeWithExecutor(t *testing.T) {
	exec := &fakeExecutor{result: InvokeResult{Payload: []byte(`{"errorMessage":"boom"}`), FunctionError: "Unhandled",
		LogResult: "bG9n"}}
	h := newHarness(t, func(c *Config) { c.Executor = exec })
	ctx := context.Background()
	h.mustActive(t, "runner")
	out, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:runner"),
		Payload: []byte(`{"a":1}`), LogType: types.LogTypeTail})
	if err != nil || out.StatusCode != 200 || string(out.Payload) != `{"errorMessage":"boom"}` ||
		aws.ToString(out.FunctionError) != "Unhandled" || aws.ToString(out.LogResult) != "bG9n" ||
		aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Fatalf("Invoke = %+v, %v", out, err)
	}
	noTail, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("runner")})
	if err != nil || noTail.LogResult != nil {
		t.Fatalf("Invoke without Tail = %+v, %v", noTail, err)
	}
	exec.mu.Lock()
	exec.result = InvokeResult{StatusCode: 202}
	exec.mu.Unlock()
	ev, err := h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("runner"), InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`[1]`)})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("Event = %+v, %v", ev, err)
	}
	exec.mu.Lock()
	seen := append([]string(nil), exec.seen...)
	exec.err = errBoom{}
	exec.mu.Unlock()
	if len(seen) != 3 || seen[0] != `runner|RequestResponse|{"a":1}` || seen[2] != "runner|Event|[1]" {
		t.Fatalf("executor saw %v", seen)
	}
	_, err = h.client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("runner")})
	wantError[*types.ServiceException](t, err, "sandbox crashed")
}

type errBoom struct{}

func (errBoom) Error() string { return "sandbox crashed" }

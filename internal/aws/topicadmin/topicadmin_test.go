package topicadmin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
	admin "github.com/kafkapipeline/kafka-pipeline-operator/lambda/topicadmin"
)

// invokerFunc answers Invoke calls, recording the request.
type invokerFunc func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error)

func (f invokerFunc) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	return f(in)
}

func answering(payload string, functionError string) invokerFunc {
	return func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		out := &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(payload)}
		if functionError != "" {
			out.FunctionError = aws.String(functionError)
		}
		return out, nil
	}
}

func TestEnsureSendsTheRequestSynchronously(t *testing.T) {
	var sent *lambda.InvokeInput
	c := &Client{Function: "kp-admin", Lambda: invokerFunc(func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		sent = in
		return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"topic":"orders","partitions":3,"created":true}`)}, nil
	})}
	st, err := c.Ensure(context.Background(), kafka.TopicRequest{Brokers: []string{"b:9098"}, Name: "orders", Partitions: 3,
		Config: map[string]string{"retention.ms": "1000"}})
	if err != nil || st != (kafka.TopicState{Name: "orders", Partitions: 3, Created: true}) {
		t.Fatalf("Ensure = %+v, %v", st, err)
	}
	if aws.ToString(sent.FunctionName) != "kp-admin" || sent.InvocationType != "RequestResponse" {
		t.Errorf("invoked %s with %s, want kp-admin RequestResponse", aws.ToString(sent.FunctionName), sent.InvocationType)
	}
	var req admin.Request
	if err := json.Unmarshal(sent.Payload, &req); err != nil || req.Action != admin.ActionEnsure || req.Topic != "orders" ||
		req.Partitions != 3 || req.Config["retention.ms"] != "1000" {
		t.Errorf("sent %s (%v)", sent.Payload, err)
	}
}

func TestEnsureOfATopicThatMustExistOnlyDescribesIt(t *testing.T) {
	var sent admin.Request
	c := &Client{Function: "kp-admin", Lambda: invokerFunc(func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if err := json.Unmarshal(in.Payload, &sent); err != nil {
			t.Fatal(err)
		}
		return &lambda.InvokeOutput{StatusCode: 200,
			Payload: []byte(`{"topic":"orders","error":{"type":"TopicNotFound","message":"no such topic"}}`)}, nil
	})}
	_, err := c.Ensure(context.Background(), kafka.TopicRequest{Name: "orders", MustExist: true})
	if !errors.Is(err, kafka.ErrTopicNotFound) {
		t.Errorf("Ensure of an absent topic that must exist: %v, want kafka.ErrTopicNotFound", err)
	}
	if sent.Action != admin.ActionDescribe || sent.Topic != "orders" {
		t.Errorf("sent %+v, want a describe of orders (nothing is created)", sent)
	}
}

func TestAnswersAndFailuresMapToOutcomes(t *testing.T) {
	apiError := func(code string) invokerFunc {
		return func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return nil, &smithy.GenericAPIError{Code: code, Message: code + " message"}
		}
	}
	for _, tc := range []struct {
		name   string
		lambda invokerFunc
		check  func(error) bool
		want   string
	}{
		{"topic not found", answering(`{"topic":"t","error":{"type":"TopicNotFound","message":"no such topic"}}`, ""),
			func(err error) bool { return errors.Is(err, kafka.ErrTopicNotFound) }, "no such topic"},
		{"invalid spec", answering(`{"topic":"t","error":{"type":"InvalidSpec","message":"INVALID_PARTITIONS"}}`, ""),
			func(err error) bool { t, ok := outcome.AsTerminal(err); return ok && t.Reason == "InvalidSpec" }, "INVALID_PARTITIONS"},
		{"unreachable", answering(`{"topic":"t","error":{"type":"Unreachable","message":"dial tcp: refused"}}`, ""),
			func(err error) bool {
				w, ok := outcome.AsWaiting(err)
				return ok && w.Reason == kafka.ReasonUnreachable && w.After == 7*time.Second
			}, "refused"},
		{"retriable", answering(`{"topic":"t","error":{"type":"Retriable","message":"NOT_CONTROLLER"}}`, ""),
			func(err error) bool { _, w := outcome.AsWaiting(err); _, f := outcome.AsTerminal(err); return !w && !f }, "NOT_CONTROLLER"},
		{"function error", answering(`{"errorType":"Runtime.ExitError","errorMessage":"exit status 1"}`, "Unhandled"),
			func(err error) bool {
				w, ok := outcome.AsWaiting(err)
				return ok && w.Reason == awserr.ReasonUnreachable && w.After == 7*time.Second
			}, "Runtime.ExitError: exit status 1"},
		{"not JSON", answering(`oops`, ""),
			func(err error) bool { _, w := outcome.AsWaiting(err); return err != nil && !w }, "not JSON"},
		{"no function yet", apiError("ResourceNotFoundException"),
			func(err error) bool {
				w, ok := outcome.AsWaiting(err)
				return ok && w.Reason == awserr.ReasonDependencyNotReady
			}, "not ready"},
		{"function pending", apiError("ResourceConflictException"),
			func(err error) bool {
				w, ok := outcome.AsWaiting(err)
				return ok && w.Reason == awserr.ReasonDependencyNotReady
			}, "not ready"},
		{"access denied", apiError("AccessDeniedException"),
			func(err error) bool { _, ok := outcome.AsBlocked(err); return ok }, "AccessDeniedException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{Function: "kp-admin", Lambda: tc.lambda, Waits: kafka.Waits{Unreachable: 7 * time.Second}}
			_, err := c.Describe(context.Background(), kafka.TopicRequest{Name: "t"})
			if err == nil || !tc.check(err) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "kp-admin") {
				t.Errorf("err = %v (%T), want the %s outcome saying %q and naming the function", err, err, tc.name, tc.want)
			}
		})
	}
}

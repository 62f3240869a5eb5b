package sqs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// fakeClock is a settable clock for the name-reuse window, retention and visibility.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// harness is an SQS emulator behind a localaws server, with an SDK client.
type harness struct {
	svc      *Service
	client   *sqssdk.Client
	endpoint string
	clock    *fakeClock
}

// newHarness starts the emulator; with fake set, it runs on a fake clock.
func newHarness(t *testing.T, fake bool) *harness {
	t.Helper()
	h := &harness{}
	cfg := Config{}
	if fake {
		h.clock = newFakeClock()
		cfg.Now = h.clock.Now
	}
	h.svc = New(cfg)
	_, awsCfg := lawstest.Serve(t, h.svc)
	h.client = sqssdk.NewFromConfig(awsCfg)
	h.endpoint = aws.ToString(awsCfg.BaseEndpoint)
	return h
}

func (h *harness) createQueue(t *testing.T, name string, attrs map[string]string) string {
	t.Helper()
	out, err := h.client.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

// expectAPIError checks err is the typed error T with the given ErrorCode (the legacy query code).
func expectAPIError[T smithy.APIError](t *testing.T, err error, code string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	if target.ErrorCode() != code {
		t.Fatalf("ErrorCode() = %q, want %q (%v)", target.ErrorCode(), code, err)
	}
	return target
}

// expectGenericCode checks err is an API error with the given code (for SQS's unmodelled errors).
func expectGenericCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an API error", err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("ErrorCode() = %q, want %q (%v)", apiErr.ErrorCode(), code, err)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

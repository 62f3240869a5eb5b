package lawstest_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// fakeT records how a lawstest function failed instead of failing the test that checks it.
type fakeT struct {
	testing.TB
	failure string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatal(args ...any) {
	f.failure = fmt.Sprint(args...)
	runtime.Goexit()
}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.failure = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs fn with a fakeT and returns how it failed ("" when it did not).
func failure(fn func(t testing.TB)) string {
	f := &fakeT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f.failure
}

func TestExpectError(t *testing.T) {
	wrapped := fmt.Errorf("calling: %w", &types.QueueDoesNotExist{Message: new("gone")})
	if msg := failure(func(t testing.TB) { lawstest.ExpectError[*types.QueueDoesNotExist](t, wrapped) }); msg != "" {
		t.Fatalf("a wrapped QueueDoesNotExist failed: %s", msg)
	}
	if msg := failure(func(t testing.TB) { lawstest.ExpectError[*types.QueueDoesNotExist](t, nil) }); msg == "" {
		t.Fatal("success passed")
	}
	if msg := failure(func(t testing.TB) { lawstest.ExpectError[*types.QueueDoesNotExist](t, errors.New("other")) }); msg == "" {
		t.Fatal("another error passed")
	}
}

func TestExpectAPIErrorAndCode(t *testing.T) {
	err := fmt.Errorf("calling: %w", &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "bad"})
	if msg := failure(func(t testing.TB) { lawstest.ExpectCode(t, err, "InvalidParameterValue") }); msg != "" {
		t.Fatalf("the right code failed: %s", msg)
	}
	if msg := failure(func(t testing.TB) { lawstest.ExpectCode(t, err, "MissingParameter") }); msg == "" {
		t.Fatal("a wrong code passed")
	}
	typed := &types.QueueDoesNotExist{Message: new("gone"), ErrorCodeOverride: new("AWS.SimpleQueueService.NonExistentQueue")}
	if msg := failure(func(t testing.TB) {
		lawstest.ExpectAPIError[*types.QueueDoesNotExist](t, typed, "AWS.SimpleQueueService.NonExistentQueue")
	}); msg != "" {
		t.Fatalf("the typed error with its code failed: %s", msg)
	}
	if msg := failure(func(t testing.TB) { lawstest.ExpectAPIError[*types.QueueDoesNotExist](t, err, "InvalidParameterValue") }); msg == "" {
		t.Fatal("an error of another type passed")
	}
}

func TestEventually(t *testing.T) {
	n := 0
	if msg := failure(func(t testing.TB) { lawstest.Eventually(t, "three looks", func() bool { n++; return n == 3 }) }); msg != "" || n != 3 {
		t.Fatalf("Eventually = %q after %d looks", msg, n)
	}
}

func TestClock(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	c := lawstest.NewClock(start)
	c.Advance(90 * time.Second)
	if got := c.Now(); !got.Equal(start.Add(90 * time.Second)) {
		t.Fatalf("Now = %v", got)
	}
}

func TestHoldAndRelease(t *testing.T) {
	tm := lawstest.Timings(t)
	lawstest.Hold(t, tm, lifecycle.PipeCreate, lifecycle.PipeDelete)
	if d := tm.Delay(lifecycle.PipeCreate); d != time.Hour {
		t.Fatalf("held PipeCreate takes %v", d)
	}
	lawstest.Release(t, tm, lifecycle.PipeCreate)
	if d := tm.Delay(lifecycle.PipeCreate); d != 0 {
		t.Fatalf("released PipeCreate takes %v", d)
	}
	if d := tm.Delay(lifecycle.PipeDelete); d != time.Hour {
		t.Fatalf("PipeDelete, still held, takes %v", d)
	}
	if msg := failure(func(t testing.TB) { lawstest.Override(t, tm, "NoSuchKind", time.Second) }); msg == "" {
		t.Fatal("an unknown kind passed")
	}
}

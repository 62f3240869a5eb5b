package lawstest

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

// ExpectError fails t unless err is (or wraps) an E, and returns it. Pass an SDK client's typed error
// (for example *types.QueueDoesNotExist) to check the shape the emulator answered.
func ExpectError[E error](t testing.TB, err error) E {
	t.Helper()
	var target E
	if err == nil {
		t.Fatalf("expected %T, got success", target)
	}
	if !errors.As(err, &target) {
		t.Fatalf("expected %T, got %v (%T)", target, err, err)
	}
	return target
}

// ExpectAPIError fails t unless err is (or wraps) an E whose ErrorCode is code, and returns it. With E
// smithy.APIError it checks only the code, for errors the SDK does not model.
func ExpectAPIError[E smithy.APIError](t testing.TB, err error, code string) E {
	t.Helper()
	target := ExpectError[E](t, err)
	if target.ErrorCode() != code {
		t.Fatalf("ErrorCode() = %q, want %q (%v)", target.ErrorCode(), code, err)
	}
	return target
}

// ExpectCode fails t unless err is (or wraps) an API error whose ErrorCode is code, whatever its type, and
// returns it: for errors the SDK does not model (EC2, S3 and some SQS codes).
func ExpectCode(t testing.TB, err error, code string) smithy.APIError {
	t.Helper()
	return ExpectAPIError[smithy.APIError](t, err, code)
}

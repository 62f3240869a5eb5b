package runtime

import (
	"fmt"
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// apiError builds a Lambda API error the way the Lambda service renders them: the shape name in
// X-Amzn-ErrorType and a body that also carries "Type" ("User" for client faults, "Service" for server faults).
func apiError(status int, code, format string, args ...any) *wire.Error {
	e := wire.Errorf(status, code, format, args...)
	if status >= 500 {
		e.Server = true
		return e.With("Type", "Service")
	}
	return e.With("Type", "User")
}

// errThrottled is Invoke's answer when a function already runs as many instances as it may: Lambda's
// TooManyRequestsException with the reserved-concurrency reason, which the SDK retries.
func errThrottled(functionARN string, limit int) *wire.Error {
	return apiError(http.StatusTooManyRequests, "TooManyRequestsException",
		"Rate Exceeded. The function %s already runs its maximum of %d concurrent instances.", functionARN, limit).
		With("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded").WithHeader("Retry-After", "1")
}

// errUnsupported refuses a function localaws cannot execute (container images, managed runtimes other than
// python and nodejs). Lambda answers an unusable runtime with InvalidRuntimeException (502).
func errUnsupported(format string, args ...any) *wire.Error {
	return apiError(http.StatusBadGateway, "InvalidRuntimeException", format, args...)
}

// errService is Lambda's internal error (500).
func errService(format string, args ...any) *wire.Error {
	return apiError(http.StatusInternalServerError, "ServiceException", format, args...)
}

// errorDoc is the error document Lambda returns as the payload of a failed invocation.
type errorDoc struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType,omitempty"`
	StackTrace   any    `json:"stackTrace,omitempty"`
}

// newErrorDoc formats the platform's error documents, which prefix the message with the request id
// ("RequestId: <id> Error: <message>").
func newErrorDoc(requestID, errorType, format string, args ...any) errorDoc {
	return errorDoc{ErrorType: errorType, ErrorMessage: "RequestId: " + requestID + " Error: " + fmt.Sprintf(format, args...)}
}

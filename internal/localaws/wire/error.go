package wire

import (
	"fmt"
	"net/http"
)

// Error is an AWS error response. Code is the modelled error shape name (what aws-sdk-go-v2 resolves to a
// typed error, for example "ResourceNotFoundException"); QueryCode is the legacy awsQuery code where it
// differs (IAM "NoSuchEntity", SQS "AWS.SimpleQueueService.NonExistentQueue").
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Code is the error shape name.
	Code string
	// QueryCode is the awsQuery error code, when it differs from Code.
	QueryCode string
	// Message is the human-readable message.
	Message string
	// Server marks a service-side fault (<Type>Receiver</Type>, ";Receiver"); client faults are the default.
	Server bool
	// Fields are extra members of a JSON error body (for example Lambda's "Type" or MSK's "invalidParameter").
	Fields map[string]any
	// Header holds extra response headers (for example Retry-After).
	Header map[string]string
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an Error with a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ValidationError builds a 400 client error.
func ValidationError(code, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, code, format, args...)
}

// With returns e with an extra JSON body member.
func (e *Error) With(key string, value any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[key] = value
	return e
}

// WithQueryCode returns e with its awsQuery error code set.
func (e *Error) WithQueryCode(code string) *Error {
	e.QueryCode = code
	return e
}

// WithHeader returns e with an extra response header.
func (e *Error) WithHeader(key, value string) *Error {
	if e.Header == nil {
		e.Header = map[string]string{}
	}
	e.Header[key] = value
	return e
}

// Clone returns a copy of e that can be changed without touching the original.
func (e *Error) Clone() *Error {
	c := *e
	c.Fields = make(map[string]any, len(e.Fields))
	for k, v := range e.Fields {
		c.Fields[k] = v
	}
	c.Header = make(map[string]string, len(e.Header))
	for k, v := range e.Header {
		c.Header[k] = v
	}
	return &c
}

// Internal wraps an unexpected failure as the generic 500 every protocol understands.
func Internal(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: "InternalFailure", Server: true,
		Message: "localaws internal error: " + err.Error()}
}

func (e *Error) queryCode() string {
	if e.QueryCode != "" {
		return e.QueryCode
	}
	return e.Code
}

func (e *Error) faultType() string {
	if e.Server {
		return "Receiver"
	}
	return "Sender"
}

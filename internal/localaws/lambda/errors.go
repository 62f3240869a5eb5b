package lambda

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// lambdaError builds a Lambda error: restJson1 with the shape name in X-Amzn-ErrorType and a body that also
// carries "Type" ("User" for client faults, "Service" for server faults).
func lambdaError(status int, code, format string, args ...any) *wire.Error {
	e := wire.Errorf(status, code, format, args...)
	if status >= 500 {
		e.Server = true
		return e.With("Type", "Service")
	}
	return e.With("Type", "User")
}

func errInvalidParameter(format string, args ...any) *wire.Error {
	return lambdaError(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

func errNotFound(format string, args ...any) *wire.Error {
	return lambdaError(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

func errFunctionNotFound(arn string) *wire.Error { return errNotFound("Function not found: %s", arn) }

func errConflict(format string, args ...any) *wire.Error {
	return lambdaError(http.StatusConflict, "ResourceConflictException", format, args...)
}

func errUpdateInProgress(arn string) *wire.Error {
	return errConflict("The operation cannot be performed at this time. An update is in progress for resource: %s", arn)
}

func errInUse(format string, args ...any) *wire.Error {
	return lambdaError(http.StatusBadRequest, "ResourceInUseException", format, args...)
}

func errRevisionMismatch() *wire.Error {
	return lambdaError(http.StatusPreconditionFailed, "PreconditionFailedException",
		"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
}

func errService(format string, args ...any) *wire.Error {
	return lambdaError(http.StatusInternalServerError, "ServiceException", format, args...)
}

// validator collects model-constraint violations the way Lambda's front end reports them: one
// ValidationException listing every problem ("2 validation errors detected: ...; ..."). The SDK does not
// model ValidationException, so clients see a generic API error with that code.
type validator struct {
	problems []string
}

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) err() *wire.Error {
	switch len(v.problems) {
	case 0:
		return nil
	case 1:
		return wire.ValidationError("ValidationException", "1 validation error detected: %s", v.problems[0])
	}
	return wire.ValidationError("ValidationException", "%d validation errors detected: %s",
		len(v.problems), strings.Join(v.problems, "; "))
}

func (v *validator) required(field string, present bool) {
	if !present {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
}

// intRange checks an optional integer against its model bounds.
func (v *validator) intRange(field string, value *int, lo, hi int) {
	switch {
	case value == nil:
	case *value < lo:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", *value, field, lo)
	case *value > hi:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", *value, field, hi)
	}
}

// length checks an optional string's length against its model bounds.
func (v *validator) length(field string, value *string, lo, hi int) {
	switch {
	case value == nil:
	case len(*value) < lo:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", *value, field, lo)
	case len(*value) > hi:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", *value, field, hi)
	}
}

// pattern checks an optional string against a model pattern (matched as a whole).
func (v *validator) pattern(field string, value *string, re *regexp.Regexp) {
	if value != nil && !re.MatchString(*value) {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
			*value, field, strings.TrimSuffix(strings.TrimPrefix(re.String(), "^(?:"), ")$"))
	}
}

// enum checks an optional string against a model enum.
func (v *validator) enum(field string, value *string, allowed []string) {
	if value == nil {
		return
	}
	for _, a := range allowed {
		if *value == a {
			return
		}
	}
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
		*value, field, strings.Join(allowed, ", "))
}

// whole anchors a model pattern so it must match the entire value.
func whole(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + pattern + `)$`)
}

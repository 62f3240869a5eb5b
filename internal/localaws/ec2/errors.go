package ec2

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// errInvalid is an EC2 client error (HTTP 400) with the given code.
func errInvalid(code, format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, code, format, args...)
}

// errParam is InvalidParameterValue, EC2's answer to a value it does not accept.
func errParam(format string, args ...any) error {
	return errInvalid("InvalidParameterValue", format, args...)
}

// errCombination is InvalidParameterCombination, for parameters that cannot be used together.
func errCombination(format string, args ...any) error {
	return errInvalid("InvalidParameterCombination", format, args...)
}

// errMissing is MissingParameter for a required parameter.
func errMissing(name string) error {
	return errInvalid("MissingParameter", "The request must contain the parameter %s", name)
}

// errDependency is DependencyViolation for a resource that other resources still use.
func errDependency(noun, id string) error {
	return errInvalid("DependencyViolation", "The %s '%s' has dependencies and cannot be deleted.", noun, id)
}

package logs

import (
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

func invalidParameter(format string, args ...any) *wire.Error {
	return wire.ValidationError("InvalidParameterException", format, args...)
}

// constraint is the message AWS gives when a member breaks its model constraint.
func constraint(value, member, rule string) *wire.Error {
	return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
		value, member, rule)
}

func groupNotFound() *wire.Error {
	return wire.ValidationError("ResourceNotFoundException", "The specified log group does not exist.")
}

func streamNotFound() *wire.Error {
	return wire.ValidationError("ResourceNotFoundException", "The specified log stream does not exist.")
}

func alreadyExists(what string) *wire.Error {
	return wire.ValidationError("ResourceAlreadyExistsException", "The specified %s already exists", what)
}

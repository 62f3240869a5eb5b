package iam

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// iamError builds a modelled IAM error: shape is the SDK shape name, code the awsQuery wire code.
func iamError(status int, shape, code, format string, args ...any) *wire.Error {
	return wire.Errorf(status, shape, format, args...).WithQueryCode(code)
}

// noSuchEntity is NoSuchEntityException (NoSuchEntity, 404).
func noSuchEntity(format string, args ...any) *wire.Error {
	return iamError(http.StatusNotFound, "NoSuchEntityException", "NoSuchEntity", format, args...)
}

// noSuchRole is the NoSuchEntity IAM answers for a role name that names no role.
func noSuchRole(name string) *wire.Error {
	return noSuchEntity("The role with name %s cannot be found.", name)
}

// entityAlreadyExists is EntityAlreadyExistsException (EntityAlreadyExists, 409).
func entityAlreadyExists(format string, args ...any) *wire.Error {
	return iamError(http.StatusConflict, "EntityAlreadyExistsException", "EntityAlreadyExists", format, args...)
}

// deleteConflict is DeleteConflictException (DeleteConflict, 409).
func deleteConflict(format string, args ...any) *wire.Error {
	return iamError(http.StatusConflict, "DeleteConflictException", "DeleteConflict", format, args...)
}

// limitExceeded is LimitExceededException (LimitExceeded, 409). The SDK does not retry it.
func limitExceeded(format string, args ...any) *wire.Error {
	return iamError(http.StatusConflict, "LimitExceededException", "LimitExceeded", format, args...)
}

// malformedPolicy is MalformedPolicyDocumentException (MalformedPolicyDocument, 400).
func malformedPolicy(msg string) *wire.Error {
	return iamError(http.StatusBadRequest, "MalformedPolicyDocumentException", "MalformedPolicyDocument", "%s", msg)
}

// invalidInput is InvalidInputException (InvalidInput, 400).
func invalidInput(format string, args ...any) *wire.Error {
	return iamError(http.StatusBadRequest, "InvalidInputException", "InvalidInput", format, args...)
}

// throttling is the error IAM answers when a caller exceeds its rate; the SDK retries it.
func throttling() *wire.Error {
	return wire.Errorf(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

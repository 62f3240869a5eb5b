package sqs

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// The errors below use the modelled shape name as Code (what aws-sdk-go-v2 types) and the legacy awsQuery
// code as QueryCode (x-amzn-query-error and <Code> in query responses), with the modelled HTTP status.

func queueDoesNotExist() *wire.Error {
	return wire.ValidationError("QueueDoesNotExist", "The specified queue does not exist.").
		WithQueryCode("AWS.SimpleQueueService.NonExistentQueue")
}

func queueDeletedRecently() *wire.Error {
	return wire.ValidationError("QueueDeletedRecently",
		"You must wait 60 seconds after deleting a queue before you can create another with the same name.").
		WithQueryCode("AWS.SimpleQueueService.QueueDeletedRecently")
}

func queueNameExists(name string) *wire.Error {
	return wire.ValidationError("QueueNameExists",
		"A queue already exists with the same name and a different value for attribute(s) %s", name).
		WithQueryCode("QueueAlreadyExists")
}

func invalidAddress(addr string) *wire.Error {
	return wire.Errorf(http.StatusNotFound, "InvalidAddress", "The address %s is not valid for this endpoint.", addr)
}

func receiptHandleIsInvalid(handle string) *wire.Error {
	return wire.Errorf(http.StatusNotFound, "ReceiptHandleIsInvalid",
		"The input receipt handle \"%s\" is not a valid receipt handle.", handle)
}

func messageNotInflight() *wire.Error {
	return wire.ValidationError("MessageNotInflight",
		"Message does not exist or is not available for visibility timeout change.").
		WithQueryCode("AWS.SimpleQueueService.MessageNotInflight")
}

func purgeQueueInProgress(name string) *wire.Error {
	return wire.Errorf(http.StatusForbidden, "PurgeQueueInProgress",
		"Only one PurgeQueue operation on %s is allowed every 60 seconds.", name).
		WithQueryCode("AWS.SimpleQueueService.PurgeQueueInProgress")
}

func invalidAttributeName(name string) *wire.Error {
	return wire.ValidationError("InvalidAttributeName", "Unknown Attribute %s.", name)
}

// invalidAttributeValue is the error for a bad CreateQueue/SetQueueAttributes value. UNCONFIRMED: older SQS
// answered InvalidParameterValue here; the JSON-era model lists InvalidAttributeValue for both operations,
// so that is what localaws returns.
func invalidAttributeValue(format string, args ...any) *wire.Error {
	return wire.ValidationError("InvalidAttributeValue", format, args...)
}

func invalidMessageContents() *wire.Error {
	return wire.ValidationError("InvalidMessageContents", "Invalid characters found. Valid unicode characters are "+
		"#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
}

// invalidParameterValue is SQS's unmodelled validation error; clients see the code through
// x-amzn-query-error (a GenericAPIError in aws-sdk-go-v2).
func invalidParameterValue(format string, args ...any) *wire.Error {
	return wire.ValidationError("InvalidParameterValue", format, args...)
}

// outOfRange is the InvalidParameterValue SQS answers for a numeric request parameter outside its range.
func outOfRange(param string, value, lo, hi int) *wire.Error {
	return invalidParameterValue("Value %d for parameter %s is invalid. Reason: Must be between %d and %d, if provided.",
		value, param, lo, hi)
}

func missingParameter(name string) *wire.Error {
	return wire.ValidationError("MissingParameter", "The request must contain the parameter %s.", name)
}

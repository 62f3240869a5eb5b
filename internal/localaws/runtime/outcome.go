package runtime

import (
	"encoding/json"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// outcome is how one invocation ended.
type outcome struct {
	// payload is the function's response, or the error document when functionError is set.
	payload []byte
	// functionError is "Unhandled" when the function (or its runtime) failed.
	functionError string
	// errorType and errorMessage are read from the error document.
	errorType, errorMessage string
	// logTail is the base64 last 4 KB of the invocation's log.
	logTail string
	// status is the REPORT line's Status ("timeout", "error") for platform failures; "" otherwise.
	status string
}

// failed is the outcome of a platform-detected failure (crash, timeout, init failure).
func failed(doc errorDoc) outcome {
	payload, _ := json.Marshal(doc)
	return outcome{payload: payload, functionError: "Unhandled", errorType: doc.ErrorType, errorMessage: doc.ErrorMessage}
}

// invokeResult is the outcome as the Invoke API reports it.
func (o outcome) invokeResult() lambda.InvokeResult {
	return lambda.InvokeResult{Payload: o.payload, FunctionError: o.functionError, LogResult: o.logTail,
		ExecutedVersion: "$LATEST"}
}

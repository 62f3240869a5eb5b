package lambda

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Invocation types and payload limits.
const (
	invokeRequestResponse = "RequestResponse"
	invokeEvent           = "Event"
	invokeDryRun          = "DryRun"
	maxSyncPayload        = 6291456
	maxAsyncPayload       = 1048576
)

func (s *Service) invoke(c *wire.Call) error {
	invocationType := c.R.Header.Get("X-Amz-Invocation-Type")
	if invocationType == "" {
		invocationType = invokeRequestResponse
	}
	logType := c.R.Header.Get("X-Amz-Log-Type")
	var v validator
	v.enum("invocationType", &invocationType, []string{invokeEvent, invokeRequestResponse, invokeDryRun})
	if logType != "" {
		v.enum("logType", &logType, []string{"None", "Tail"})
	}
	if err := v.err(); err != nil {
		return err
	}
	s.mu.Lock()
	fn, _, err := s.lookupFunction(c, c.Param("FunctionName"), c.Query("Qualifier"))
	var view FunctionView
	if err == nil {
		view = fn.view()
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if view.State != stateActive {
		return errConflict("The operation cannot be performed at this time. The function is currently in the following state: %s", view.State)
	}
	if err := checkPayload(c.Body, invocationType); err != nil {
		return err
	}
	switch {
	case invocationType == invokeDryRun:
		return c.Empty(http.StatusNoContent)
	case s.cfg.Executor == nil && invocationType == invokeEvent:
		// Without an executor the event is accepted, as Lambda's queue would, and never run.
		return c.Empty(http.StatusAccepted)
	case s.cfg.Executor == nil:
		return errService("localaws function execution is not enabled, so a RequestResponse invocation of %s cannot run.", view.ARN)
	}
	res, runErr := s.cfg.Executor.Invoke(c.R.Context(), view, c.Body, invocationType)
	if runErr != nil {
		var we *wire.Error
		if errors.As(runErr, &we) {
			return we
		}
		return errService("invoking %s: %v", view.ARN, runErr)
	}
	return writeInvokeResult(c, res, invocationType, logType == "Tail")
}

func checkPayload(payload []byte, invocationType string) *wire.Error {
	limit := maxSyncPayload
	if invocationType == invokeEvent {
		limit = maxAsyncPayload
	}
	if len(payload) > limit {
		return lambdaError(http.StatusRequestEntityTooLarge, "RequestTooLargeException",
			"Request must be smaller than %d bytes for the InvokeFunction operation", limit)
	}
	if len(payload) > 0 && !json.Valid(payload) {
		return lambdaError(http.StatusBadRequest, "InvalidRequestContentException",
			"Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value")
	}
	return nil
}

func writeInvokeResult(c *wire.Call, res InvokeResult, invocationType string, tail bool) error {
	status := res.StatusCode
	if status == 0 {
		status = http.StatusOK
		if invocationType == invokeEvent {
			status = http.StatusAccepted
		}
	}
	version := res.ExecutedVersion
	if version == "" {
		version = latest
	}
	h := c.W.Header()
	if invocationType == invokeRequestResponse {
		h.Set("X-Amz-Executed-Version", version)
	}
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
	}
	if tail && res.LogResult != "" {
		h.Set("X-Amz-Log-Result", res.LogResult)
	}
	if invocationType == invokeEvent {
		return c.Empty(status)
	}
	return c.Raw(status, "application/json", res.Payload)
}

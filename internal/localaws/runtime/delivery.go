package runtime

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

// Conditions of asynchronous invocation records.
const (
	conditionSuccess          = "Success"
	conditionRetriesExhausted = "RetriesExhausted"
	conditionEventAgeExceeded = "EventAgeExceeded"
)

// maxErrorMessageAttribute is how much of the error message a dead-letter message carries.
const maxErrorMessageAttribute = 1024

// invocationRecord is what Lambda sends to an asynchronous invocation's OnSuccess and OnFailure destinations.
type invocationRecord struct {
	Version         string                `json:"version"`
	Timestamp       string                `json:"timestamp"`
	RequestContext  recordRequestContext  `json:"requestContext"`
	RequestPayload  json.RawMessage       `json:"requestPayload"`
	ResponseContext recordResponseContext `json:"responseContext"`
	ResponsePayload json.RawMessage       `json:"responsePayload,omitempty"`
}

type recordRequestContext struct {
	RequestID              string `json:"requestId"`
	FunctionARN            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type recordResponseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// succeed sends the OnSuccess record, if the function has that destination.
func (r *Runtime) succeed(ev *asyncEvent, cfg lambda.EventInvokeConfigView) {
	if cfg.OnSuccess != "" {
		r.deliver(cfg.OnSuccess, ev, r.record(ev, cfg, conditionSuccess))
	}
}

// fail hands an event that will not run again to the function's dead-letter queue and its OnFailure
// destination; both receive it when both are configured (UNCONFIRMED on AWS). Without either it is dropped.
func (r *Runtime) fail(ev *asyncEvent, cfg lambda.EventInvokeConfigView, condition string) {
	if ev.fn.DeadLetterTargetARN == "" && cfg.OnFailure == "" {
		r.cfg.Logger.Info("dropping an asynchronous event", "function", ev.arn, "requestId", ev.id, "condition", condition)
		return
	}
	if target := ev.fn.DeadLetterTargetARN; target != "" {
		r.sendToQueue(target, ev, string(ev.payload), deadLetterAttributes(ev))
	}
	if cfg.OnFailure != "" {
		r.deliver(cfg.OnFailure, ev, r.record(ev, cfg, condition))
	}
}

// deadLetterAttributes are the message attributes of a dead-letter message. ErrorCode is the HTTP status
// of the last invocation: 200 for a function error (UNCONFIRMED; AWS documents "3-digit HTTP status"), 429
// when the event aged out without ever running (UNCONFIRMED). ErrorMessage is the first 1 KB of the
// function's error message (its error type when the message is empty).
func deadLetterAttributes(ev *asyncEvent) map[string]sqs.MessageAttribute {
	code, msg := "429", "The event aged out before the function could run it."
	if ev.last != nil {
		code, msg = "200", ev.last.errorMessage
		if msg == "" {
			msg = ev.last.errorType
		}
		if msg == "" {
			msg = "Unhandled"
		}
	}
	return map[string]sqs.MessageAttribute{
		"RequestID":    {DataType: "String", StringValue: ev.id},
		"ErrorCode":    {DataType: "Number", StringValue: code},
		"ErrorMessage": {DataType: "String", StringValue: truncateUTF8(msg, maxErrorMessageAttribute)},
	}
}

// record builds the invocation record of an event's final state.
func (r *Runtime) record(ev *asyncEvent, cfg lambda.EventInvokeConfigView, condition string) string {
	rec := invocationRecord{Version: "1.0", Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: recordRequestContext{RequestID: ev.id, FunctionARN: cfg.FunctionARN, Condition: condition,
			ApproximateInvokeCount: ev.attempts},
		RequestPayload: jsonOrString(ev.payload),
		// An event that never ran reports the throttle status (UNCONFIRMED).
		ResponseContext: recordResponseContext{StatusCode: 429, ExecutedVersion: "$LATEST"}}
	if ev.last != nil {
		rec.ResponseContext = recordResponseContext{StatusCode: 200, ExecutedVersion: "$LATEST",
			FunctionError: ev.last.functionError}
		rec.ResponsePayload = jsonOrString(ev.last.payload)
	}
	body, _ := json.Marshal(rec) // every member marshals
	return string(body)
}

// deliver sends a record to a destination: an SQS queue, or a Lambda function invoked asynchronously.
// Other destination types (SNS, EventBridge, S3) are not emulated; their records are dropped with a log line.
func (r *Runtime) deliver(target string, ev *asyncEvent, body string) {
	switch service(target) {
	case "sqs":
		r.sendToQueue(target, ev, body, nil)
	case "lambda":
		fn, ok := r.lookup(target)
		if !ok {
			r.cfg.Logger.Warn("the destination function does not exist; the record is dropped", "destination", target,
				"function", ev.arn, "requestId", ev.id)
			return
		}
		if err := runnable(fn); err != nil {
			r.cfg.Logger.Warn("the destination function cannot run; the record is dropped", "destination", target, "error", err)
			return
		}
		if err := r.enqueue(fn, []byte(body), uuid.NewString()); err != nil {
			r.cfg.Logger.Warn("the record could not be queued for the destination function", "destination", target, "error", err)
		}
	default:
		r.cfg.Logger.Warn("localaws delivers asynchronous invocation records only to SQS queues and Lambda functions; the record is dropped",
			"destination", target, "function", ev.arn, "requestId", ev.id)
	}
}

// sendToQueue sends a message to an SQS queue; as on Lambda, a failed delivery drops the message.
func (r *Runtime) sendToQueue(queueARN string, ev *asyncEvent, body string, attrs map[string]sqs.MessageAttribute) {
	if service(queueARN) != "sqs" {
		r.cfg.Logger.Warn("localaws sends dead-letter messages only to SQS queues; the event is dropped", "target", queueARN,
			"function", ev.arn, "requestId", ev.id)
		return
	}
	if r.cfg.Queues == nil {
		r.cfg.Logger.Warn("no SQS is wired; the message is dropped", "target", queueARN, "requestId", ev.id)
		return
	}
	if _, err := r.cfg.Queues.Send(queueARN, body, attrs); err != nil {
		r.cfg.Logger.Warn("delivering an asynchronous invocation failed; the message is dropped", "target", queueARN,
			"function", ev.arn, "requestId", ev.id, "error", err)
	}
}

// service returns the service field of an ARN.
func service(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return ""
	}
	return parts[2]
}

// jsonOrString keeps valid JSON as it is and turns anything else into a JSON string.
func jsonOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	s, _ := json.Marshal(string(b))
	return s
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

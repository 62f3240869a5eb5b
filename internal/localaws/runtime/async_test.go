package runtime

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// record is the invocation record destinations receive.
type record struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionARN            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"`
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload"`
}

func decodeRecord(t *testing.T, m sqstypes.Message) record {
	t.Helper()
	var r record
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &r); err != nil {
		t.Fatalf("record %s: %v", aws.ToString(m.Body), err)
	}
	if r.Version != "1.0" {
		t.Errorf("record version %q", r.Version)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", r.Timestamp); err != nil {
		t.Errorf("record timestamp %q: %v", r.Timestamp, err)
	}
	return r
}

// invokeEvent sends an Event invocation through the SDK and checks the 202.
func (s *stack) invokeEvent(t *testing.T, name, payload string) {
	t.Helper()
	out, err := s.lambdaC.Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String(name),
		InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 202 || len(out.Payload) != 0 {
		t.Fatalf("Event invoke answered %d with %q", out.StatusCode, out.Payload)
	}
}

// withDLQ sets a function's dead-letter queue.
func withDLQ(arn string) func(*lambdasdk.CreateFunctionInput) {
	return func(in *lambdasdk.CreateFunctionInput) {
		in.DeadLetterConfig = &lambdatypes.DeadLetterConfig{TargetArn: aws.String(arn)}
	}
}

func (s *stack) putInvokeConfig(t *testing.T, in *lambdasdk.PutFunctionEventInvokeConfigInput) {
	t.Helper()
	if _, err := s.lambdaC.PutFunctionEventInvokeConfig(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func attr(m sqstypes.Message, name string) (dataType, value string) {
	a, ok := m.MessageAttributes[name]
	if !ok {
		return "", ""
	}
	return aws.ToString(a.DataType), aws.ToString(a.StringValue)
}

func TestAsyncRetriesEndInTheDeadLetterQueue(t *testing.T) {
	s := newStack(t)
	dlqURL, dlqARN := s.createQueue(t, "dlq")
	fn := s.goFunction(t, "async-fail", withDLQ(dlqARN))
	payload := `{"mode":"error","message":"downstream unavailable"}`
	start := time.Now()
	s.invokeEvent(t, "async-fail", payload)

	m := s.receive(t, dlqURL, 20*time.Second)
	took := time.Since(start)
	if aws.ToString(m.Body) != payload {
		t.Errorf("dead-letter body %q, want the original payload %q", aws.ToString(m.Body), payload)
	}
	if typ, v := attr(m, "ErrorCode"); typ != "Number" || v != "200" {
		t.Errorf("ErrorCode %s %q", typ, v)
	}
	if typ, v := attr(m, "ErrorMessage"); typ != "String" || v != "downstream unavailable" {
		t.Errorf("ErrorMessage %s %q", typ, v)
	}
	typ, requestID := attr(m, "RequestID")
	if typ != "String" || len(requestID) != 36 {
		t.Errorf("RequestID %s %q", typ, requestID)
	}
	// One invocation and the default two retries, after about 1 and 2 scaled minutes (60 ms + 120 ms).
	msgs := s.logMessages(t, "async-fail")
	if n := countPrefix(msgs, "START RequestId: "+requestID); n != 3 {
		t.Errorf("the event ran %d times, want 3:\n%q", n, msgs)
	}
	if took < 180*time.Millisecond {
		t.Errorf("retries finished after %v, before the scaled retry delays", took)
	}
	if st := s.rt.Stats()[fn.ARN]; st.Invocations != 3 || st.Queued != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestAsyncOnFailureDestinationAndDeadLetterQueueBothReceive(t *testing.T) {
	s := newStack(t)
	dlqURL, dlqARN := s.createQueue(t, "dlq")
	failURL, failARN := s.createQueue(t, "failures")
	fn := s.goFunction(t, "async-dest", withDLQ(dlqARN))
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-dest"),
		MaximumRetryAttempts: aws.Int32(1), DestinationConfig: &lambdatypes.DestinationConfig{
			OnFailure: &lambdatypes.OnFailure{Destination: aws.String(failARN)}}})
	payload := `{"mode":"error","message":"nope"}`
	s.invokeEvent(t, "async-dest", payload)

	rec := decodeRecord(t, s.receive(t, failURL, 20*time.Second))
	dlq := s.receive(t, dlqURL, 20*time.Second)
	if rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.ApproximateInvokeCount != 2 ||
		rec.RequestContext.FunctionARN != fn.ARN+":$LATEST" {
		t.Errorf("request context %+v", rec.RequestContext)
	}
	if _, id := attr(dlq, "RequestID"); id != rec.RequestContext.RequestID {
		t.Errorf("dead-letter RequestID %q, record requestId %q", id, rec.RequestContext.RequestID)
	}
	if string(rec.RequestPayload) != payload {
		t.Errorf("requestPayload %s", rec.RequestPayload)
	}
	if rc := rec.ResponseContext; rc.StatusCode != 200 || rc.ExecutedVersion != "$LATEST" || rc.FunctionError != "Unhandled" {
		t.Errorf("response context %+v", rc)
	}
	var doc errorDoc
	if err := json.Unmarshal(rec.ResponsePayload, &doc); err != nil || doc.ErrorMessage != "nope" || doc.ErrorType != "errorString" {
		t.Errorf("responsePayload %s (%v)", rec.ResponsePayload, err)
	}
}

func TestAsyncMaximumEventAge(t *testing.T) {
	s := newStack(t)
	dlqURL, dlqARN := s.createQueue(t, "dlq")
	failURL, failARN := s.createQueue(t, "failures")
	s.goFunction(t, "async-old", withDLQ(dlqARN))
	// 60 s scales to 60 ms; the first retry is due 60 ms (scaled 1 min) after the first failure, by when the
	// event is too old to run again.
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-old"),
		MaximumEventAgeInSeconds: aws.Int32(60), DestinationConfig: &lambdatypes.DestinationConfig{
			OnFailure: &lambdatypes.OnFailure{Destination: aws.String(failARN)}}})
	s.invokeEvent(t, "async-old", `{"mode":"exit"}`)

	rec := decodeRecord(t, s.receive(t, failURL, 20*time.Second))
	if rec.RequestContext.Condition != "EventAgeExceeded" || rec.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("request context %+v", rec.RequestContext)
	}
	var doc errorDoc
	if err := json.Unmarshal(rec.ResponsePayload, &doc); err != nil || doc.ErrorType != "Runtime.ExitError" {
		t.Errorf("responsePayload %s (%v)", rec.ResponsePayload, err)
	}
	m := s.receive(t, dlqURL, 20*time.Second)
	if _, v := attr(m, "ErrorMessage"); v != doc.ErrorMessage {
		t.Errorf("dead-letter ErrorMessage %q, want %q", v, doc.ErrorMessage)
	}
	if n := countPrefix(s.logMessages(t, "async-old"), "START"); n != 1 {
		t.Errorf("the event ran %d times, want once", n)
	}
}

func TestAsyncSuccessDestination(t *testing.T) {
	s := newStack(t)
	okURL, okARN := s.createQueue(t, "successes")
	s.goFunction(t, "async-ok")
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-ok"),
		DestinationConfig: &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String(okARN)}}})
	s.invokeEvent(t, "async-ok", "")

	rec := decodeRecord(t, s.receive(t, okURL, 20*time.Second))
	if rec.RequestContext.Condition != "Success" || rec.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("request context %+v", rec.RequestContext)
	}
	if string(rec.RequestPayload) != "{}" || rec.ResponseContext.FunctionError != "" || rec.ResponseContext.StatusCode != 200 {
		t.Errorf("record %+v", rec)
	}
	var reply handlerReply
	if err := json.Unmarshal(rec.ResponsePayload, &reply); err != nil || reply.RequestID != rec.RequestContext.RequestID {
		t.Errorf("responsePayload %s (%v)", rec.ResponsePayload, err)
	}
}

func TestAsyncThrottlesAreNotRetries(t *testing.T) {
	s := newStack(t, func(c *Config) { c.Concurrency = 1 })
	okURL, okARN := s.createQueue(t, "successes")
	fn := s.goFunction(t, "async-throttled")
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-throttled"),
		MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig:    &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String(okARN)}}})
	// The only instance is busy with a synchronous invocation while the event arrives.
	busy := make(chan error, 1)
	go func() {
		_, err := s.rt.Invoke(context.Background(), fn, []byte(`{"mode":"sleep","millis":300}`), "RequestResponse")
		busy <- err
	}()
	eventually(t, 10*time.Second, "the only instance is busy", func() bool {
		st := s.rt.Stats()[fn.ARN]
		return st.Instances == 1 && st.Idle == 0
	})
	s.invokeEvent(t, "async-throttled", `{"mode":"echo"}`)

	rec := decodeRecord(t, s.receive(t, okURL, 20*time.Second))
	if rec.RequestContext.Condition != "Success" || rec.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("request context %+v", rec.RequestContext)
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if st := s.rt.Stats()[fn.ARN]; st.Throttles == 0 {
		t.Errorf("the event was never throttled (stats %+v)", st)
	}
}

func TestAsyncLambdaDestinationAndDeletedFunction(t *testing.T) {
	s := newStack(t)
	sinkURL, sinkARN := s.createQueue(t, "sink")
	target := s.goFunction(t, "async-target")
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-target"),
		DestinationConfig: &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String(sinkARN)}}})
	s.goFunction(t, "async-source")
	s.putInvokeConfig(t, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async-source"),
		MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{
			Destination: aws.String(target.ARN)}}})
	s.invokeEvent(t, "async-source", `{"mode":"error","message":"chained"}`)

	// The failure record of async-source is the event of async-target, whose success record reaches the queue.
	outer := decodeRecord(t, s.receive(t, sinkURL, 20*time.Second))
	var inner record
	if err := json.Unmarshal(outer.RequestPayload, &inner); err != nil || inner.RequestContext.Condition != "RetriesExhausted" {
		t.Fatalf("the target's event %s (%v)", outer.RequestPayload, err)
	}

	// Events of a function deleted meanwhile are dropped.
	if _, err := s.lambdaC.DeleteFunction(context.Background(), &lambdasdk.DeleteFunctionInput{FunctionName: aws.String("async-target")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.rt.Invoke(context.Background(), target, []byte(`{"mode":"echo"}`), "Event"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the event of the deleted function is dropped", func() bool {
		return s.rt.Stats()[target.ARN].Queued == 0
	})
	if st := s.rt.Stats()[target.ARN]; st.Invocations != 1 {
		t.Errorf("the deleted function ran again: %+v", st)
	}
}

package sqs

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestMD5OfAttributesMatchesAWSAlgorithm(t *testing.T) {
	attrs := map[string]MessageAttribute{
		"Alpha": {DataType: "String", StringValue: "one"},
		"Beta":  {DataType: "Number", StringValue: "2"},
		"Gamma": {DataType: "Binary", BinaryValue: []byte{0, 1}},
	}
	// Reference value computed independently with the algorithm AWS documents for MD5OfMessageAttributes.
	if got, want := md5OfAttributes(attrs), "526152a4d037584cf9b88628b5ff8994"; got != want {
		t.Fatalf("md5OfAttributes = %s, want %s", got, want)
	}
	if md5OfAttributes(nil) != "" {
		t.Fatal("digest of no attributes must be empty")
	}
}

func TestSendReceiveDelete(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "work", nil))
	attrs := map[string]types.MessageAttributeValue{
		"RequestID":    {DataType: aws.String("String"), StringValue: aws.String("req-1")},
		"ErrorCode":    {DataType: aws.String("Number"), StringValue: aws.String("200")},
		"Trace.Blob":   {DataType: aws.String("Binary"), BinaryValue: []byte{0xde, 0xad}},
		"Trace.Detail": {DataType: aws.String("String.custom"), StringValue: aws.String("x")},
	}
	sent, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String(`{"k":"v"}`),
		MessageAttributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sent.MD5OfMessageBody) != md5OfBody(`{"k":"v"}`) || aws.ToString(sent.MessageId) == "" ||
		len(aws.ToString(sent.MD5OfMessageAttributes)) != 32 {
		t.Fatalf("SendMessage output = %+v", sent)
	}
	before := time.Now().UnixMilli()
	got, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10,
		MessageAttributeNames: []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameSentTimestamp,
			types.MessageSystemAttributeNameApproximateReceiveCount, types.MessageSystemAttributeNameApproximateFirstReceiveTimestamp,
			types.MessageSystemAttributeNameSenderId}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 1 {
		t.Fatalf("received %d messages", len(got.Messages))
	}
	m := got.Messages[0]
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != `{"k":"v"}` ||
		aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(sent.MD5OfMessageAttributes) || len(m.MessageAttributes) != 4 {
		t.Fatalf("message = %+v", m)
	}
	if string(m.MessageAttributes["Trace.Blob"].BinaryValue) != "\xde\xad" ||
		aws.ToString(m.MessageAttributes["ErrorCode"].StringValue) != "200" {
		t.Fatalf("message attributes = %+v", m.MessageAttributes)
	}
	if m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SenderId"] != "test" {
		t.Fatalf("system attributes = %v", m.Attributes)
	}
	first, _ := strconv.ParseInt(m.Attributes["ApproximateFirstReceiveTimestamp"], 10, 64)
	sentAt, _ := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64)
	if first < before-1000 || sentAt > first {
		t.Fatalf("timestamps sent=%d first=%d", sentAt, first)
	}
	if counts := h.approx(t, *url); counts["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Fatalf("counts while in flight = %v", counts)
	}
	if _, err := h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	// Deleting again with the same handle succeeds, as in AWS.
	if _, err := h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if counts := h.approx(t, *url); counts["ApproximateNumberOfMessages"] != "0" || counts["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("counts after delete = %v", counts)
	}
	_, err = h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: url, ReceiptHandle: aws.String("bogus")})
	lawstest.ExpectAPIError[*types.ReceiptHandleIsInvalid](t, err, "ReceiptHandleIsInvalid")
}

func TestMessageAttributeSelection(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "select", map[string]string{"VisibilityTimeout": "0"}))
	_, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("b"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"Foo.One": {DataType: aws.String("String"), StringValue: aws.String("1")},
			"Foo.Two": {DataType: aws.String("String"), StringValue: aws.String("2")},
			"Bar":     {DataType: aws.String("String"), StringValue: aws.String("3")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		names []string
		want  int
	}{{nil, 0}, {[]string{"Foo.*"}, 2}, {[]string{"Bar"}, 1}, {[]string{".*"}, 3}, {[]string{"All"}, 3}, {[]string{"Baz"}, 0}} {
		out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, MessageAttributeNames: tc.names})
		if err != nil || len(out.Messages) != 1 {
			t.Fatalf("%v: %+v %v", tc.names, out, err)
		}
		m := out.Messages[0]
		if len(m.MessageAttributes) != tc.want {
			t.Fatalf("%v: got %d attributes", tc.names, len(m.MessageAttributes))
		}
		if tc.want == 0 && m.MD5OfMessageAttributes != nil {
			t.Fatalf("%v: MD5OfMessageAttributes without attributes", tc.names)
		}
		if m.Attributes != nil {
			t.Fatalf("system attributes returned unasked: %v", m.Attributes)
		}
	}
}

func TestSendMessageValidation(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "strict", map[string]string{"MaximumMessageSize": "1024"}))
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	cases := []struct {
		name  string
		in    sqssdk.SendMessageInput
		check func(error)
	}{
		{"bad characters", sqssdk.SendMessageInput{MessageBody: aws.String("a\x00b")}, func(err error) {
			lawstest.ExpectAPIError[*types.InvalidMessageContents](t, err, "InvalidMessageContents")
		}},
		{"too large", sqssdk.SendMessageInput{MessageBody: aws.String(strings.Repeat("x", 1025))}, func(err error) {
			lawstest.ExpectCode(t, err, "InvalidParameterValue")
		}},
		{"delay out of range", sqssdk.SendMessageInput{MessageBody: aws.String("x"), DelaySeconds: 901}, func(err error) {
			lawstest.ExpectCode(t, err, "InvalidParameterValue")
		}},
		{"reserved attribute name", sqssdk.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"AWS.x": str("v")}}, func(err error) {
			lawstest.ExpectCode(t, err, "InvalidParameterValue")
		}},
		{"unknown data type", sqssdk.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Date"), StringValue: aws.String("v")}}},
			func(err error) { lawstest.ExpectCode(t, err, "InvalidParameterValue") }},
		{"empty value", sqssdk.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": str("")}}, func(err error) {
			lawstest.ExpectCode(t, err, "InvalidParameterValue")
		}},
		{"dedup id on standard queue", sqssdk.SendMessageInput{MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")},
			func(err error) { lawstest.ExpectCode(t, err, "InvalidParameterValue") }},
		{"empty body", sqssdk.SendMessageInput{MessageBody: aws.String("")}, func(err error) {
			lawstest.ExpectCode(t, err, "MissingParameter")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.QueueUrl = url
			_, err := h.client.SendMessage(ctx, &in)
			tc.check(err)
		})
	}
	many := map[string]types.MessageAttributeValue{}
	for i := range 11 {
		many["a"+strconv.Itoa(i)] = str("v")
	}
	_, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageAttributes: many})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

func TestReceiveValidation(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "recv", nil))
	for _, in := range []sqssdk.ReceiveMessageInput{
		{MaxNumberOfMessages: 11}, {MaxNumberOfMessages: -1}, {WaitTimeSeconds: 21}, {VisibilityTimeout: 43201},
	} {
		in.QueueUrl = url
		_, err := h.client.ReceiveMessage(ctx, &in)
		lawstest.ExpectCode(t, err, "InvalidParameterValue")
	}
}

func TestVisibilityTimeoutAndChangeVisibility(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "vis", map[string]string{"VisibilityTimeout": "30"}))
	if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("m")}); err != nil {
		t.Fatal(err)
	}
	receive := func() []types.Message {
		t.Helper()
		out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	first := receive()
	if len(first) != 1 || len(receive()) != 0 {
		t.Fatal("message visible while in flight")
	}
	h.clock.Advance(31 * time.Second)
	second := receive()
	if len(second) != 1 || second[0].Attributes["ApproximateReceiveCount"] != "2" ||
		aws.ToString(second[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) {
		t.Fatalf("second receive = %+v", second)
	}
	if second[0].Attributes["ApproximateFirstReceiveTimestamp"] != first[0].Attributes["ApproximateFirstReceiveTimestamp"] {
		t.Fatal("first receive timestamp changed")
	}
	_, err := h.client.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: url,
		ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 0})
	if err != nil {
		t.Fatal(err)
	}
	third := receive()
	if len(third) != 1 {
		t.Fatal("visibility 0 did not release the message")
	}
	if _, err := h.client.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: url,
		ReceiptHandle: third[0].ReceiptHandle, VisibilityTimeout: 43201}); err == nil {
		t.Fatal("visibility above 43200 accepted")
	} else {
		lawstest.ExpectCode(t, err, "InvalidParameterValue")
	}
	if _, err := h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: url, ReceiptHandle: third[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: url,
		ReceiptHandle: third[0].ReceiptHandle, VisibilityTimeout: 10})
	lawstest.ExpectAPIError[*types.MessageNotInflight](t, err, "AWS.SimpleQueueService.MessageNotInflight")
	_, err = h.client.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: url,
		ReceiptHandle: aws.String("bogus"), VisibilityTimeout: 10})
	lawstest.ExpectAPIError[*types.ReceiptHandleIsInvalid](t, err, "ReceiptHandleIsInvalid")
}

func TestDelayAndRetention(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "delay", map[string]string{"MessageRetentionPeriod": "60"}))
	if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("later"), DelaySeconds: 10}); err != nil {
		t.Fatal(err)
	}
	if c := h.approx(t, *url); c["ApproximateNumberOfMessagesDelayed"] != "1" || c["ApproximateNumberOfMessages"] != "0" {
		t.Fatalf("counts while delayed = %v", c)
	}
	h.clock.Advance(10 * time.Second)
	if c := h.approx(t, *url); c["ApproximateNumberOfMessages"] != "1" {
		t.Fatalf("counts after delay = %v", c)
	}
	h.clock.Advance(50 * time.Second)
	if c := h.approx(t, *url); c["ApproximateNumberOfMessages"] != "0" {
		t.Fatalf("message outlived its retention: %v", c)
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "poll", nil))
	type result struct {
		out *sqssdk.ReceiveMessageOutput
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
		done <- result{out, err}
	}()
	lawstest.Eventually(t, "the receive to wait", func() bool {
		return h.svc.Snapshot().(map[string]map[string]QueueSnapshot)["us-east-1"]["poll"].WaitingReceives == 1
	})
	if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("wake")}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || len(r.out.Messages) != 1 || aws.ToString(r.out.Messages[0].Body) != "wake" {
			t.Fatalf("long poll = %+v, %v", r.out, r.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("long poll did not wake on send")
	}
	if time.Since(start) > 15*time.Second {
		t.Fatal("long poll waited for its full wait time")
	}
}

func TestLongPollTimesOutEmptyAndHonoursCancellation(t *testing.T) {
	h := newHarness(t, false)
	url := aws.String(h.createQueue(t, "idle", map[string]string{"ReceiveMessageWaitTimeSeconds": "1"}))
	start := time.Now()
	out, err := h.client.ReceiveMessage(context.Background(), &sqssdk.ReceiveMessageInput{QueueUrl: url})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("idle poll = %+v, %v", out, err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("queue default wait not applied: returned after %v", waited)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled poll error = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("cancelled poll kept waiting")
	}
}

func TestLongPollWakesWhenVisibilityExpires(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "return", nil))
	if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("again")}); err != nil {
		t.Fatal(err)
	}
	first, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, VisibilityTimeout: 1})
	if err != nil || len(first.Messages) != 1 {
		t.Fatalf("first receive = %+v, %v", first, err)
	}
	second, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 10})
	if err != nil || len(second.Messages) != 1 {
		t.Fatalf("message did not come back within the poll: %+v, %v", second, err)
	}
}

func TestFIFOQueue(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "jobs.fifo", map[string]string{"FifoQueue": "true"}))
	_, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")})
	lawstest.ExpectCode(t, err, "MissingParameter")
	_, err = h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageGroupId: aws.String("g")})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	var ids []string
	for i, dedup := range []string{"a", "b", "a"} {
		out, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String(strconv.Itoa(i)),
			MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String(dedup)})
		if err != nil || out.SequenceNumber == nil {
			t.Fatalf("send %d: %+v %v", i, out, err)
		}
		ids = append(ids, aws.ToString(out.MessageId))
	}
	if ids[2] != ids[0] {
		t.Fatal("duplicate deduplication id was not deduplicated")
	}
	first, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url})
	if err != nil || len(first.Messages) != 1 || aws.ToString(first.Messages[0].Body) != "0" {
		t.Fatalf("first FIFO receive = %+v %v", first, err)
	}
	blocked, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url})
	if err != nil || len(blocked.Messages) != 0 {
		t.Fatalf("group not locked while its first message is in flight: %+v", blocked)
	}
	if _, err := h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: url, ReceiptHandle: first.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	next, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameMessageGroupId}})
	if err != nil || len(next.Messages) != 1 || aws.ToString(next.Messages[0].Body) != "1" ||
		next.Messages[0].Attributes["MessageGroupId"] != "g" {
		t.Fatalf("second FIFO receive = %+v %v", next, err)
	}
}

func TestSendFromOtherServices(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	url := aws.String(h.createQueue(t, "fn-dlq", nil))
	id, err := h.svc.Send("arn:aws:sqs:us-east-1:000000000000:fn-dlq", `{"event":1}`, map[string]MessageAttribute{
		"RequestID": {DataType: "String", StringValue: "r-1"}, "ErrorCode": {DataType: "Number", StringValue: "200"}})
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: url, MessageAttributeNames: []string{"All"}})
	if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].MessageId) != id ||
		aws.ToString(out.Messages[0].MessageAttributes["RequestID"].StringValue) != "r-1" {
		t.Fatalf("received = %+v, %v", out, err)
	}
	if _, err := h.svc.Send("arn:aws:sqs:us-east-1:000000000000:missing", "x", nil); err == nil {
		t.Fatal("Send to a missing queue succeeded")
	}
	if _, err := h.svc.Send("arn:aws:sqs:us-east-1:000000000000:fn-dlq", "", nil); err == nil {
		t.Fatal("Send of an empty body succeeded")
	}
	fifo := h.createQueue(t, "fn.fifo", map[string]string{"FifoQueue": "true"})
	for range 2 {
		if _, err := h.svc.Send("arn:aws:sqs:us-east-1:000000000000:fn.fifo", "same", nil); err != nil {
			t.Fatal(err)
		}
	}
	if c := h.approx(t, fifo); c["ApproximateNumberOfMessages"] != "2" {
		t.Fatalf("FIFO sends were deduplicated: %v", c)
	}
}

package sqs

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
)

// send sends body to the queue at url and returns the message id.
func (h *harness) send(t *testing.T, in *sqssdk.SendMessageInput) string {
	t.Helper()
	out, err := h.client.SendMessage(context.Background(), in)
	if err != nil {
		t.Fatalf("SendMessage %s: %v", aws.ToString(in.MessageBody), err)
	}
	return aws.ToString(out.MessageId)
}

// A message moved to a dead-letter queue keeps its original send time, so it expires before a message sent
// to the dead-letter queue after it was sent, although it arrived there later.
func TestRetentionOfMovedMessagesFollowsTheirSendTime(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	dlq := h.createQueue(t, "old-dlq", map[string]string{"MessageRetentionPeriod": "120"})
	src := h.createQueue(t, "old-src", map[string]string{"VisibilityTimeout": "0",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:old-dlq","maxReceiveCount":1}`})
	h.send(t, &sqssdk.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("moved")})
	h.clock.Advance(50 * time.Second)
	h.send(t, &sqssdk.SendMessageInput{QueueUrl: aws.String(dlq), MessageBody: aws.String("direct")})
	for i, want := range []int{1, 0} {
		out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(src)})
		if err != nil || len(out.Messages) != want {
			t.Fatalf("source receive %d = %+v, %v; want %d messages", i, out, err, want)
		}
	}
	if c := h.approx(t, dlq); c["ApproximateNumberOfMessages"] != "2" {
		t.Fatalf("dead-letter queue counts after the move = %v", c)
	}
	h.clock.Advance(70 * time.Second)
	out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(dlq), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, aws.ToString(m.Body))
	}
	if len(bodies) != 1 || bodies[0] != "direct" {
		t.Fatalf("dead-letter receive after 120 s = %q; want only the message sent there directly", bodies)
	}
}

// Messages expire oldest first, each after the retention period counted from its own send.
func TestRetentionExpiresOldestFirst(t *testing.T) {
	h := newHarness(t, true)
	url := h.createQueue(t, "aging", map[string]string{"MessageRetentionPeriod": "60"})
	for range 3 {
		h.send(t, &sqssdk.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("m")})
		h.clock.Advance(20 * time.Second)
	}
	for _, want := range []string{"2", "1", "0"} {
		if c := h.approx(t, url); c["ApproximateNumberOfMessages"] != want {
			t.Fatalf("counts = %v, want %s messages", c, want)
		}
		h.clock.Advance(20 * time.Second)
	}
}

// A FIFO queue forgets a deduplication id five minutes after it first saw it.
func TestFIFODeduplicationWindow(t *testing.T) {
	h := newHarness(t, true)
	url := aws.String(h.createQueue(t, "window.fifo", map[string]string{"FifoQueue": "true"}))
	send := func(dedup string) string {
		return h.send(t, &sqssdk.SendMessageInput{QueueUrl: url, MessageBody: aws.String(dedup),
			MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String(dedup)})
	}
	a := send("a")
	h.clock.Advance(time.Minute)
	b := send("b")
	h.clock.Advance(4*time.Minute - time.Second)
	if send("a") != a || send("b") != b {
		t.Fatal("a deduplication id was forgotten within five minutes")
	}
	h.clock.Advance(time.Second)
	if send("a") == a {
		t.Fatal("a deduplication id was remembered for five minutes")
	}
	if send("b") != b {
		t.Fatal("a newer deduplication id was forgotten with an older one")
	}
}

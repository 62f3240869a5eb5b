package sqs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func TestCreateQueueIdempotentAndConflicts(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := h.createQueue(t, "orders-dlq", map[string]string{"MessageRetentionPeriod": "1209600"})
	if want := "https://sqs.us-east-1.amazonaws.com/000000000000/orders-dlq"; url != want {
		t.Fatalf("QueueUrl = %q, want %q", url, want)
	}
	if again := h.createQueue(t, "orders-dlq", map[string]string{"MessageRetentionPeriod": "1209600"}); again != url {
		t.Fatalf("idempotent CreateQueue returned %q", again)
	}
	if again := h.createQueue(t, "orders-dlq", nil); again != url {
		t.Fatalf("CreateQueue without attributes returned %q", again)
	}
	_, err := h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("orders-dlq"),
		Attributes: map[string]string{"MessageRetentionPeriod": "60"}})
	lawstest.ExpectAPIError[*types.QueueNameExists](t, err, "QueueAlreadyExists")

	_, err = h.client.DeleteQueue(ctx, &sqssdk.DeleteQueueInput{QueueUrl: aws.String(url)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("orders-dlq")})
	e := lawstest.ExpectAPIError[*types.QueueDeletedRecently](t, err, "AWS.SimpleQueueService.QueueDeletedRecently")
	if !strings.Contains(e.ErrorMessage(), "You must wait 60 seconds after deleting a queue") {
		t.Fatalf("message = %q", e.ErrorMessage())
	}
	h.clock.Advance(61 * time.Second)
	if again := h.createQueue(t, "orders-dlq", nil); again != url {
		t.Fatalf("re-created queue URL = %q", again)
	}
}

func TestDeletedRecentlyWindowIsConfigurable(t *testing.T) {
	svc := New(Config{DeletedRecentlyWindow: 50 * time.Millisecond})
	h := &harness{svc: svc}
	_, awsCfg := lawstest.Serve(t, svc)
	h.client = sqssdk.NewFromConfig(awsCfg)
	ctx := context.Background()
	url := h.createQueue(t, "short", nil)
	if _, err := h.client.DeleteQueue(ctx, &sqssdk.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("short")})
	lawstest.ExpectAPIError[*types.QueueDeletedRecently](t, err, "AWS.SimpleQueueService.QueueDeletedRecently")
	lawstest.Eventually(t, "the name to become reusable", func() bool {
		_, err := h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("short")})
		return err == nil
	})
}

func TestCreateQueueValidation(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	cases := []struct {
		name  string
		queue string
		attrs map[string]string
		code  string
	}{
		{"name charset", "bad.name", nil, "InvalidParameterValue"},
		{"name too long", strings.Repeat("a", 81), nil, "InvalidParameterValue"},
		{"fifo name without attribute", "jobs.fifo", nil, "InvalidAttributeValue"},
		{"fifo attribute without suffix", "jobs", map[string]string{"FifoQueue": "true"}, "InvalidParameterValue"},
		{"retention too short", "q", map[string]string{"MessageRetentionPeriod": "59"}, "InvalidAttributeValue"},
		{"retention too long", "q", map[string]string{"MessageRetentionPeriod": "1209601"}, "InvalidAttributeValue"},
		{"visibility too long", "q", map[string]string{"VisibilityTimeout": "43201"}, "InvalidAttributeValue"},
		{"delay too long", "q", map[string]string{"DelaySeconds": "901"}, "InvalidAttributeValue"},
		{"size too small", "q", map[string]string{"MaximumMessageSize": "1023"}, "InvalidAttributeValue"},
		{"wait too long", "q", map[string]string{"ReceiveMessageWaitTimeSeconds": "21"}, "InvalidAttributeValue"},
		{"not a number", "q", map[string]string{"VisibilityTimeout": "soon"}, "InvalidAttributeValue"},
		{"bad policy", "q", map[string]string{"Policy": "{"}, "InvalidAttributeValue"},
		{"redrive to missing queue", "q", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3}`}, "InvalidAttributeValue"},
		{"read-only attribute", "q", map[string]string{"QueueArn": "x"}, "InvalidAttributeName"},
		{"unknown attribute", "q", map[string]string{"Colour": "blue"}, "InvalidAttributeName"},
		{"fifo attribute on standard queue", "q", map[string]string{"ContentBasedDeduplication": "true"}, "InvalidAttributeName"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String(tc.queue), Attributes: tc.attrs})
			switch tc.code {
			case "InvalidAttributeValue":
				lawstest.ExpectAPIError[*types.InvalidAttributeValue](t, err, tc.code)
			case "InvalidAttributeName":
				lawstest.ExpectAPIError[*types.InvalidAttributeName](t, err, tc.code)
			default:
				lawstest.ExpectCode(t, err, tc.code)
			}
		})
	}
}

func TestRedrivePolicy(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	dlqURL := h.createQueue(t, "dlq", nil)
	dlqARN := "arn:aws:sqs:us-east-1:000000000000:dlq"
	srcURL := h.createQueue(t, "src", map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`, "VisibilityTimeout": "0"})
	got, err := h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(srcURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameRedrivePolicy}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":2}`; got.Attributes["RedrivePolicy"] != want {
		t.Fatalf("RedrivePolicy = %s, want %s", got.Attributes["RedrivePolicy"], want)
	}
	if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: aws.String(srcURL), MessageBody: aws.String("poison")}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(srcURL)})
		if err != nil || len(out.Messages) != 1 {
			t.Fatalf("receive %d: %v %v", i, out, err)
		}
	}
	out, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(srcURL)})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("third receive from the source: %+v %v", out, err)
	}
	moved, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: aws.String(dlqURL),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
	if err != nil || len(moved.Messages) != 1 {
		t.Fatalf("DLQ receive: %+v %v", moved, err)
	}
	m := moved.Messages[0]
	if aws.ToString(m.Body) != "poison" || m.Attributes["DeadLetterQueueSourceArn"] != "arn:aws:sqs:us-east-1:000000000000:src" ||
		m.Attributes["ApproximateReceiveCount"] != "1" {
		t.Fatalf("moved message = %+v", m)
	}
	_, err = h.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(srcURL),
		Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":0}`}})
	lawstest.ExpectAPIError[*types.InvalidAttributeValue](t, err, "InvalidAttributeValue")
}

func TestQueueAttributes(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := h.createQueue(t, "attrs", map[string]string{"VisibilityTimeout": "45"})
	created := h.clock.Now().Unix()
	h.clock.Advance(10 * time.Second)
	all, err := h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"QueueArn": "arn:aws:sqs:us-east-1:000000000000:attrs", "VisibilityTimeout": "45", "DelaySeconds": "0",
		"MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0",
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0",
		"ApproximateNumberOfMessagesDelayed": "0", "SqsManagedSseEnabled": "true",
		"CreatedTimestamp": fmt.Sprint(created), "LastModifiedTimestamp": fmt.Sprint(created),
	}
	for k, v := range want {
		if all.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, all.Attributes[k], v)
		}
	}
	if _, ok := all.Attributes["Policy"]; ok {
		t.Errorf("unset Policy was returned")
	}
	_, err = h.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"VisibilityTimeout": "5", "Policy": `{"Version":"2012-10-17","Statement":[]}`}})
	if err != nil {
		t.Fatal(err)
	}
	some, err := h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{"VisibilityTimeout", "LastModifiedTimestamp", "Policy"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(some.Attributes) != 3 || some.Attributes["VisibilityTimeout"] != "5" ||
		some.Attributes["LastModifiedTimestamp"] != fmt.Sprint(created+10) {
		t.Fatalf("attributes after set = %v", some.Attributes)
	}
	_, err = h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{"Colour"}})
	lawstest.ExpectAPIError[*types.InvalidAttributeName](t, err, "InvalidAttributeName")
	_, err = h.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"FifoQueue": "true"}})
	lawstest.ExpectAPIError[*types.InvalidAttributeName](t, err, "InvalidAttributeName")
	_, err = h.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"DelaySeconds": "-1"}})
	lawstest.ExpectAPIError[*types.InvalidAttributeValue](t, err, "InvalidAttributeValue")
}

func TestGetQueueURLAndMissingQueues(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := h.createQueue(t, "found", nil)
	out, err := h.client.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("found")})
	if err != nil || aws.ToString(out.QueueUrl) != url {
		t.Fatalf("GetQueueUrl = %v, %v", out, err)
	}
	_, err = h.client.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("found"), QueueOwnerAWSAccountId: aws.String("111111111111")})
	lawstest.ExpectAPIError[*types.QueueDoesNotExist](t, err, "AWS.SimpleQueueService.NonExistentQueue")
	_, err = h.client.GetQueueUrl(ctx, &sqssdk.GetQueueUrlInput{QueueName: aws.String("lost")})
	e := lawstest.ExpectAPIError[*types.QueueDoesNotExist](t, err, "AWS.SimpleQueueService.NonExistentQueue")
	if e.ErrorMessage() != "The specified queue does not exist." {
		t.Fatalf("message = %q", e.ErrorMessage())
	}
	missing := aws.String(strings.Replace(url, "found", "lost", 1))
	calls := map[string]func() error{
		"GetQueueAttributes": func() error {
			_, err := h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: missing})
			return err
		},
		"SetQueueAttributes": func() error {
			_, err := h.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: missing, Attributes: map[string]string{"DelaySeconds": "1"}})
			return err
		},
		"DeleteQueue": func() error {
			_, err := h.client.DeleteQueue(ctx, &sqssdk.DeleteQueueInput{QueueUrl: missing})
			return err
		},
		"PurgeQueue": func() error {
			_, err := h.client.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: missing})
			return err
		},
		"SendMessage": func() error {
			_, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: missing, MessageBody: aws.String("x")})
			return err
		},
		"ReceiveMessage": func() error {
			_, err := h.client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: missing})
			return err
		},
		"DeleteMessage": func() error {
			_, err := h.client.DeleteMessage(ctx, &sqssdk.DeleteMessageInput{QueueUrl: missing, ReceiptHandle: aws.String("x")})
			return err
		},
		"ChangeMessageVisibility": func() error {
			_, err := h.client.ChangeMessageVisibility(ctx, &sqssdk.ChangeMessageVisibilityInput{QueueUrl: missing, ReceiptHandle: aws.String("x")})
			return err
		},
		"TagQueue": func() error {
			_, err := h.client.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: missing, Tags: map[string]string{"a": "b"}})
			return err
		},
		"UntagQueue": func() error {
			_, err := h.client.UntagQueue(ctx, &sqssdk.UntagQueueInput{QueueUrl: missing, TagKeys: []string{"a"}})
			return err
		},
		"ListQueueTags": func() error {
			_, err := h.client.ListQueueTags(ctx, &sqssdk.ListQueueTagsInput{QueueUrl: missing})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			lawstest.ExpectAPIError[*types.QueueDoesNotExist](t, call(), "AWS.SimpleQueueService.NonExistentQueue")
		})
	}
	_, err = h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String("not-a-url")})
	lawstest.ExpectAPIError[*types.InvalidAddress](t, err, "InvalidAddress")
	// Any endpoint form of the URL routes by its last two path segments.
	local := "http://localhost:4566/000000000000/found"
	if _, err := h.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(local)}); err != nil {
		t.Fatalf("local-style URL: %v", err)
	}
}

func TestListQueuesPagination(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	for i := range 5 {
		h.createQueue(t, fmt.Sprintf("kp-%d", i), nil)
	}
	h.createQueue(t, "other", nil)
	all, err := h.client.ListQueues(ctx, &sqssdk.ListQueuesInput{})
	if err != nil || len(all.QueueUrls) != 6 || all.NextToken != nil {
		t.Fatalf("ListQueues = %+v, %v", all, err)
	}
	var got []string
	p := sqssdk.NewListQueuesPaginator(h.client, &sqssdk.ListQueuesInput{QueueNamePrefix: aws.String("kp-"), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, page.QueueUrls...)
	}
	if pages != 3 || len(got) != 5 || !strings.HasSuffix(got[4], "/kp-4") {
		t.Fatalf("pages=%d urls=%v", pages, got)
	}
	_, err = h.client.ListQueues(ctx, &sqssdk.ListQueuesInput{MaxResults: aws.Int32(1001)})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	_, err = h.client.ListQueues(ctx, &sqssdk.ListQueuesInput{MaxResults: aws.Int32(2), NextToken: aws.String("garbage")})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

func TestPurgeQueue(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	url := h.createQueue(t, "purge", nil)
	for range 3 {
		if _, err := h.client.SendMessage(ctx, &sqssdk.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("m")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.client.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	if n := h.approx(t, url)["ApproximateNumberOfMessages"]; n != "0" {
		t.Fatalf("messages after purge = %s", n)
	}
	_, err := h.client.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)})
	lawstest.ExpectAPIError[*types.PurgeQueueInProgress](t, err, "AWS.SimpleQueueService.PurgeQueueInProgress")
	h.clock.Advance(61 * time.Second)
	if _, err := h.client.PurgeQueue(ctx, &sqssdk.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
}

func TestQueueTags(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	out, err := h.client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("tagged"),
		Tags: map[string]string{"kafkapipeline.io/owner": "ns/name", "team": "data"}})
	if err != nil {
		t.Fatal(err)
	}
	url := out.QueueUrl
	if _, err := h.client.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: url, Tags: map[string]string{"team": "ops", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UntagQueue(ctx, &sqssdk.UntagQueueInput{QueueUrl: url, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := h.client.ListQueueTags(ctx, &sqssdk.ListQueueTagsInput{QueueUrl: url})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 2 || tags.Tags["team"] != "ops" || tags.Tags["kafkapipeline.io/owner"] != "ns/name" {
		t.Fatalf("tags = %v", tags.Tags)
	}
	_, err = h.client.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: url, Tags: map[string]string{"aws:reserved": "x"}})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = h.client.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: url, Tags: many})
	lawstest.ExpectCode(t, err, "InvalidParameterValue")
}

func TestQueueExistsAndSnapshot(t *testing.T) {
	h := newHarness(t, true)
	h.createQueue(t, "exists", nil)
	if !h.svc.QueueExists("arn:aws:sqs:us-east-1:000000000000:exists") {
		t.Fatal("QueueExists = false for an existing queue")
	}
	for _, arn := range []string{"arn:aws:sqs:us-east-1:000000000000:nope", "arn:aws:sqs:eu-west-1:000000000000:exists",
		"arn:aws:sqs:us-east-1:111111111111:exists", "not-an-arn"} {
		if h.svc.QueueExists(arn) {
			t.Fatalf("QueueExists(%q) = true", arn)
		}
	}
	snap := h.svc.Snapshot().(map[string]map[string]QueueSnapshot)
	if snap["us-east-1"]["exists"].Attributes["QueueArn"] != "arn:aws:sqs:us-east-1:000000000000:exists" {
		t.Fatalf("snapshot = %+v", snap)
	}
	h.svc.Reset()
	if h.svc.QueueExists("arn:aws:sqs:us-east-1:000000000000:exists") {
		t.Fatal("queue survived Reset")
	}
}

// approx returns the queue's message counters.
func (h *harness) approx(t *testing.T, url string) map[string]string {
	t.Helper()
	out, err := h.client.GetQueueAttributes(context.Background(), &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
			"ApproximateNumberOfMessagesDelayed"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes
}

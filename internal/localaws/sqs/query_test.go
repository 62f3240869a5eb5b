package sqs

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// queryCall posts an awsQuery form the way the Debian AWS CLI does and returns the status and body.
func (h *harness) queryCall(t *testing.T, action string, params map[string]string) (int, []byte) {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2012-11-05"}}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequest(http.MethodPost, h.endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250102/us-east-1/sqs/aws4_request, "+
		"SignedHeaders=host;x-amz-date, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/xml" {
		t.Fatalf("%s Content-Type = %q", action, ct)
	}
	return resp.StatusCode, body
}

// queryOK runs an action that must succeed and decodes its XML response into out (may be nil).
func (h *harness) queryOK(t *testing.T, action string, params map[string]string, out any) {
	t.Helper()
	status, body := h.queryCall(t, action, params)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", action, status, body)
	}
	if !strings.Contains(string(body), `<`+action+`Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">`) {
		t.Fatalf("%s: unexpected envelope: %s", action, body)
	}
	if out != nil {
		if err := xml.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: %v in %s", action, err, body)
		}
	}
}

type xmlPair struct {
	Name  string `xml:"Name"`
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func TestQueryProtocolRoundTrip(t *testing.T) {
	h := newHarness(t, false)
	var created struct {
		QueueURL string `xml:"CreateQueueResult>QueueUrl"`
	}
	h.queryOK(t, "CreateQueue", map[string]string{"QueueName": "legacy",
		"Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40",
		"Tag.1.Key": "team", "Tag.1.Value": "data"}, &created)
	if created.QueueURL != "https://sqs.us-east-1.amazonaws.com/000000000000/legacy" {
		t.Fatalf("QueueUrl = %q", created.QueueURL)
	}
	q := created.QueueURL

	var attrs struct {
		Attributes []xmlPair `xml:"GetQueueAttributesResult>Attribute"`
	}
	h.queryOK(t, "GetQueueAttributes", map[string]string{"QueueUrl": q, "AttributeName.1": "VisibilityTimeout",
		"AttributeName.2": "QueueArn"}, &attrs)
	if len(attrs.Attributes) != 2 || attrs.Attributes[0].Name != "QueueArn" || attrs.Attributes[1].Value != "40" {
		t.Fatalf("attributes = %+v", attrs.Attributes)
	}

	var listed struct {
		URLs []string `xml:"ListQueuesResult>QueueUrl"`
	}
	h.queryOK(t, "ListQueues", map[string]string{"QueueNamePrefix": "leg"}, &listed)
	if len(listed.URLs) != 1 || listed.URLs[0] != q {
		t.Fatalf("ListQueues = %v", listed.URLs)
	}

	var sent struct {
		MD5   string `xml:"SendMessageResult>MD5OfMessageBody"`
		MD5MA string `xml:"SendMessageResult>MD5OfMessageAttributes"`
		ID    string `xml:"SendMessageResult>MessageId"`
	}
	h.queryOK(t, "SendMessage", map[string]string{"QueueUrl": q, "MessageBody": "hello <xml> & co",
		"MessageAttribute.1.Name": "Alpha", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "one",
		"MessageAttribute.2.Name": "Gamma", "MessageAttribute.2.Value.DataType": "Binary", "MessageAttribute.2.Value.BinaryValue": "AAE=",
	}, &sent)
	if sent.MD5 != md5OfBody("hello <xml> & co") || sent.ID == "" || sent.MD5MA == "" {
		t.Fatalf("SendMessage = %+v", sent)
	}

	var received struct {
		Messages []struct {
			ID         string    `xml:"MessageId"`
			Receipt    string    `xml:"ReceiptHandle"`
			MD5        string    `xml:"MD5OfBody"`
			Body       string    `xml:"Body"`
			Attributes []xmlPair `xml:"Attribute"`
			MD5MA      string    `xml:"MD5OfMessageAttributes"`
			MsgAttrs   []struct {
				Name  string `xml:"Name"`
				Value struct {
					StringValue string `xml:"StringValue"`
					BinaryValue string `xml:"BinaryValue"`
					DataType    string `xml:"DataType"`
				} `xml:"Value"`
			} `xml:"MessageAttribute"`
		} `xml:"ReceiveMessageResult>Message"`
	}
	h.queryOK(t, "ReceiveMessage", map[string]string{"QueueUrl": q, "MaxNumberOfMessages": "10",
		"AttributeName.1": "ApproximateReceiveCount", "MessageAttributeName.1": "All"}, &received)
	if len(received.Messages) != 1 {
		t.Fatalf("received %d messages", len(received.Messages))
	}
	m := received.Messages[0]
	if m.ID != sent.ID || m.Body != "hello <xml> & co" || m.MD5 != sent.MD5 || m.MD5MA != sent.MD5MA ||
		len(m.Attributes) != 1 || m.Attributes[0].Value != "1" || len(m.MsgAttrs) != 2 ||
		m.MsgAttrs[1].Value.BinaryValue != "AAE=" || m.MsgAttrs[0].Value.StringValue != "one" {
		t.Fatalf("message = %+v", m)
	}
	h.queryOK(t, "ChangeMessageVisibility", map[string]string{"QueueUrl": q, "ReceiptHandle": m.Receipt, "VisibilityTimeout": "60"}, nil)
	h.queryOK(t, "DeleteMessage", map[string]string{"QueueUrl": q, "ReceiptHandle": m.Receipt}, nil)

	h.queryOK(t, "TagQueue", map[string]string{"QueueUrl": q, "Tag.1.Key": "env", "Tag.1.Value": "dev"}, nil)
	h.queryOK(t, "UntagQueue", map[string]string{"QueueUrl": q, "TagKey.1": "team"}, nil)
	var tags struct {
		Tags []xmlPair `xml:"ListQueueTagsResult>Tag"`
	}
	h.queryOK(t, "ListQueueTags", map[string]string{"QueueUrl": q}, &tags)
	if len(tags.Tags) != 1 || tags.Tags[0].Key != "env" || tags.Tags[0].Value != "dev" {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	h.queryOK(t, "SetQueueAttributes", map[string]string{"QueueUrl": q, "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "5"}, nil)
	var gotURL struct {
		QueueURL string `xml:"GetQueueUrlResult>QueueUrl"`
	}
	h.queryOK(t, "GetQueueUrl", map[string]string{"QueueName": "legacy"}, &gotURL)
	if gotURL.QueueURL != q {
		t.Fatalf("GetQueueUrl = %q", gotURL.QueueURL)
	}
	h.queryOK(t, "PurgeQueue", map[string]string{"QueueUrl": q}, nil)
	h.queryOK(t, "DeleteQueue", map[string]string{"QueueUrl": q}, nil)
}

func TestQueryProtocolErrors(t *testing.T) {
	h := newHarness(t, false)
	h.createQueue(t, "present", nil)
	q := "https://sqs.us-east-1.amazonaws.com/000000000000/present"
	cases := []struct {
		action string
		params map[string]string
		status int
		code   string
	}{
		{"GetQueueUrl", map[string]string{"QueueName": "absent"}, 400, "AWS.SimpleQueueService.NonExistentQueue"},
		{"CreateQueue", map[string]string{"QueueName": "present", "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "3"}, 400, "QueueAlreadyExists"},
		{"CreateQueue", map[string]string{"QueueName": "x", "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "-1"}, 400, "InvalidAttributeValue"},
		{"DeleteMessage", map[string]string{"QueueUrl": q, "ReceiptHandle": "nope"}, 404, "ReceiptHandleIsInvalid"},
		{"ReceiveMessage", map[string]string{"QueueUrl": q, "MaxNumberOfMessages": "11"}, 400, "InvalidParameterValue"},
		{"ReceiveMessage", map[string]string{"QueueUrl": q, "WaitTimeSeconds": "soon"}, 400, "InvalidParameterValue"},
		{"SendMessage", map[string]string{"QueueUrl": q}, 400, "MissingParameter"},
		{"NoSuchAction", nil, 400, "InvalidAction"},
	}
	for _, tc := range cases {
		status, body := h.queryCall(t, tc.action, tc.params)
		var e struct {
			Type      string `xml:"Error>Type"`
			Code      string `xml:"Error>Code"`
			Message   string `xml:"Error>Message"`
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s: %v in %s", tc.action, err, body)
		}
		if status != tc.status || e.Code != tc.code || e.Type != "Sender" || e.Message == "" || e.RequestID == "" {
			t.Fatalf("%s: status %d error %+v, want %d %s", tc.action, status, e, tc.status, tc.code)
		}
	}
	// The same process serves JSON clients: the SDK sees the queue made over the query protocol.
	h.queryOK(t, "CreateQueue", map[string]string{"QueueName": "from-query"}, nil)
	if !h.svc.QueueExists("arn:aws:sqs:us-east-1:000000000000:from-query") {
		t.Fatal("queue created over the query protocol is missing")
	}
}

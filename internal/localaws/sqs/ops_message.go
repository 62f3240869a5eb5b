package sqs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type sendMessageInput struct {
	QueueURL               string                      `json:"QueueUrl"`
	MessageBody            *string                     `json:"MessageBody"`
	DelaySeconds           *int                        `json:"DelaySeconds"`
	MessageAttributes      map[string]MessageAttribute `json:"MessageAttributes"`
	MessageDeduplicationID string                      `json:"MessageDeduplicationId"`
	MessageGroupID         string                      `json:"MessageGroupId"`
}

func (in *sendMessageInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL = f.Get("QueueUrl")
	if _, ok := f["MessageBody"]; ok {
		body := f.Get("MessageBody")
		in.MessageBody = &body
	}
	in.MessageDeduplicationID, in.MessageGroupID = f.Get("MessageDeduplicationId"), f.Get("MessageGroupId")
	var err *wire.Error
	if in.DelaySeconds, err = formInt(f, "DelaySeconds"); err != nil {
		return err
	}
	in.MessageAttributes, err = formMessageAttributes(f)
	return err
}

type sendMessageOutput struct {
	MD5OfMessageBody       string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MessageID              string `json:"MessageId" xml:"MessageId"`
	SequenceNumber         string `json:"SequenceNumber,omitempty" xml:"SequenceNumber,omitempty"`
}

// outgoing is a message to enqueue, from SendMessage or from another service.
type outgoing struct {
	body         string
	attrs        map[string]MessageAttribute
	delay        *int
	group, dedup string
	senderID     string
	bodyProvided bool
}

var fifoIDPattern = regexp.MustCompile(`^[\x21-\x7E]{1,128}$`)

// send validates and enqueues a message on q. The caller holds s.mu.
func (s *Service) send(q *queue, m outgoing) (*message, *wire.Error) {
	if !m.bodyProvided || m.body == "" {
		return nil, missingParameter("MessageBody")
	}
	if !isValidMessageBody(m.body) {
		return nil, invalidMessageContents()
	}
	if err := validateMessageAttributes(m.attrs); err != nil {
		return nil, err
	}
	if limit := q.intAttr("MaximumMessageSize"); len(m.body)+attributesSize(m.attrs) > limit {
		return nil, invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", limit)
	}
	delay := q.intAttr("DelaySeconds")
	if m.delay != nil {
		if *m.delay < 0 || *m.delay > 900 {
			return nil, outOfRange("DelaySeconds", *m.delay, 0, 900)
		}
		if q.fifo && *m.delay != 0 {
			return nil, invalidParameterValue("Value %d for parameter DelaySeconds is invalid. Reason: "+
				"The request include parameter that is not valid for this queue type.", *m.delay)
		}
		delay = *m.delay
	}
	system := map[string]string{}
	if q.fifo {
		if m.group == "" {
			return nil, missingParameter("MessageGroupId")
		}
		if !fifoIDPattern.MatchString(m.group) {
			return nil, invalidParameterValue("Value %s for parameter MessageGroupId is invalid. Reason: "+
				"MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", m.group)
		}
		if m.dedup == "" {
			if q.attrs["ContentBasedDeduplication"] != "true" {
				return nil, invalidParameterValue("The queue should either have ContentBasedDeduplication enabled " +
					"or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(m.body))
			m.dedup = hex.EncodeToString(sum[:])
		} else if !fifoIDPattern.MatchString(m.dedup) {
			return nil, invalidParameterValue("Value %s for parameter MessageDeduplicationId is invalid. Reason: "+
				"MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.", m.dedup)
		}
		system["MessageGroupId"], system["MessageDeduplicationId"] = m.group, m.dedup
	} else if m.dedup != "" {
		return nil, invalidParameterValue("Value %s for parameter MessageDeduplicationId is invalid. Reason: The "+
			"request include parameter that is not valid for this queue type.", m.dedup)
	} else if m.group != "" {
		// Standard queues accept MessageGroupId since fair queues (2025); it only shows as an attribute.
		system["MessageGroupId"] = m.group
	}
	now := s.now()
	system["SenderId"] = m.senderID
	system["SentTimestamp"] = strconv.FormatInt(now.UnixMilli(), 10)
	msg := &message{id: newMessageID(), body: m.body, md5Body: md5OfBody(m.body), attrs: m.attrs, system: system,
		sent: now, visibleAt: now.Add(time.Duration(delay) * time.Second), group: m.group}
	return q.enqueue(msg, m.dedup, now), nil
}

// senderID is the identity SQS records as a message's SenderId. AWS records the IAM user or role id;
// localaws knows only the caller's access key id, so it uses that (UNCONFIRMED substitute).
func senderID(c *wire.Call) string {
	if m := accessKeyPattern.FindStringSubmatch(c.R.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return c.AccountID
}

var accessKeyPattern = regexp.MustCompile(`Credential=([^/,\s]+)/`)

func (s *Service) sendMessage(c *wire.Call, in *sendMessageInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m := outgoing{attrs: in.MessageAttributes, delay: in.DelaySeconds, group: in.MessageGroupID,
		dedup: in.MessageDeduplicationID, senderID: senderID(c)}
	if in.MessageBody != nil {
		m.body, m.bodyProvided = *in.MessageBody, true
	}
	msg, err := s.send(q, m)
	if err != nil {
		return nil, err
	}
	return sendMessageOutput{MD5OfMessageBody: msg.md5Body, MD5OfMessageAttributes: md5OfAttributes(msg.attrs),
		MessageID: msg.id, SequenceNumber: msg.system["SequenceNumber"]}, nil
}

type receiveMessageInput struct {
	QueueURL                    string   `json:"QueueUrl"`
	AttributeNames              []string `json:"AttributeNames"`
	MessageSystemAttributeNames []string `json:"MessageSystemAttributeNames"`
	MessageAttributeNames       []string `json:"MessageAttributeNames"`
	MaxNumberOfMessages         *int     `json:"MaxNumberOfMessages"`
	VisibilityTimeout           *int     `json:"VisibilityTimeout"`
	WaitTimeSeconds             *int     `json:"WaitTimeSeconds"`
}

func (in *receiveMessageInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL = f.Get("QueueUrl")
	in.AttributeNames = wire.Strings(f, "AttributeName")
	in.MessageSystemAttributeNames = wire.Strings(f, "MessageSystemAttributeName")
	in.MessageAttributeNames = wire.Strings(f, "MessageAttributeName")
	var err *wire.Error
	for name, dst := range map[string]**int{"MaxNumberOfMessages": &in.MaxNumberOfMessages,
		"VisibilityTimeout": &in.VisibilityTimeout, "WaitTimeSeconds": &in.WaitTimeSeconds} {
		if *dst, err = formInt(f, name); err != nil {
			return err
		}
	}
	return nil
}

type receivedMessage struct {
	MessageID              string            `json:"MessageId" xml:"MessageId"`
	ReceiptHandle          string            `json:"ReceiptHandle" xml:"ReceiptHandle"`
	MD5OfBody              string            `json:"MD5OfBody" xml:"MD5OfBody"`
	Body                   string            `json:"Body" xml:"Body"`
	Attributes             nameValues        `json:"Attributes,omitempty" xml:"Attribute"`
	MD5OfMessageAttributes string            `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      messageAttributes `json:"MessageAttributes,omitempty" xml:"MessageAttribute"`
}

type receiveMessageOutput struct {
	Messages []receivedMessage `json:"Messages,omitempty" xml:"Message"`
}

// systemAttributeNames are the message system attributes ReceiveMessage can return.
var systemAttributeNames = []string{"SenderId", "SentTimestamp", "ApproximateReceiveCount",
	"ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageDeduplicationId", "MessageGroupId",
	"AWSTraceHeader", "DeadLetterQueueSourceArn"}

// optionalInt checks an optional integer parameter's range and returns it, or def when absent.
func optionalInt(name string, v *int, lo, hi, def int) (int, *wire.Error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, outOfRange(name, *v, lo, hi)
	}
	return *v, nil
}

// receiveMessage returns up to MaxNumberOfMessages visible messages. With a wait time it long-polls: it
// sleeps until a message is sent, one becomes visible again, the wait ends or the caller goes away.
func (s *Service) receiveMessage(c *wire.Call, in *receiveMessageInput) (any, *wire.Error) {
	maxN, err := optionalInt("MaxNumberOfMessages", in.MaxNumberOfMessages, 1, 10, 1)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	vis, verr := optionalInt("VisibilityTimeout", in.VisibilityTimeout, 0, 43200, q.intAttr("VisibilityTimeout"))
	wait, werr := optionalInt("WaitTimeSeconds", in.WaitTimeSeconds, 0, 20, q.intAttr("ReceiveMessageWaitTimeSeconds"))
	s.mu.Unlock()
	if verr != nil {
		return nil, verr
	}
	if werr != nil {
		return nil, werr
	}
	systemNames := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	for {
		out, notify, next, gone := s.receiveOnce(c, q, maxN, vis, systemNames, in.MessageAttributeNames)
		if len(out.Messages) > 0 || gone {
			return out, nil
		}
		sleep := time.Until(deadline)
		if sleep <= 0 {
			return out, nil
		}
		if !next.IsZero() {
			sleep = min(sleep, next.Sub(s.now()))
		}
		s.setPolling(q, +1)
		woke := waitFor(c.R.Context(), notify, sleep)
		s.setPolling(q, -1)
		if !woke {
			return out, nil
		}
	}
}

// setPolling counts a long poll starting (+1) or ending (-1) its wait on q.
func (s *Service) setPolling(q *queue, delta int) {
	s.mu.Lock()
	q.polling += delta
	s.mu.Unlock()
}

// waitFor sleeps for d or until notify closes; it returns false when ctx ends first.
func waitFor(ctx context.Context, notify <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-notify:
	case <-t.C:
	case <-ctx.Done():
		return false
	}
	return true
}

// receiveOnce takes messages from q once. It also returns the channel that signals news, when the next
// invisible message becomes visible, and whether q has been deleted meanwhile.
func (s *Service) receiveOnce(c *wire.Call, q *queue, maxN, vis int, systemNames, attrNames []string) (
	out receiveMessageOutput, notify <-chan struct{}, next time.Time, gone bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.region(c.Region).queues[q.name] != q {
		return out, nil, time.Time{}, true
	}
	now := s.now()
	q.expire(now)
	for _, m := range q.receive(maxN, time.Duration(vis)*time.Second, now, s.queueByARN) {
		out.Messages = append(out.Messages, renderMessage(m, systemNames, attrNames))
	}
	return out, q.notify, q.nextVisible(now), false
}

// renderMessage builds a received message with the requested system and user attributes.
func renderMessage(m *message, systemNames, attrNames []string) receivedMessage {
	all := map[string]string{"ApproximateReceiveCount": strconv.Itoa(m.receiveCount),
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceive.UnixMilli(), 10)}
	for k, v := range m.system {
		all[k] = v
	}
	sys := nameValues{}
	for _, want := range systemNames {
		for _, name := range systemAttributeNames {
			if v, ok := all[name]; ok && (want == "All" || want == name) {
				sys[name] = v
			}
		}
	}
	attrs := selectMessageAttributes(m.attrs, attrNames)
	out := receivedMessage{MessageID: m.id, ReceiptHandle: m.receipt, MD5OfBody: m.md5Body, Body: m.body,
		MD5OfMessageAttributes: md5OfAttributes(attrs)}
	if len(sys) > 0 {
		out.Attributes = sys
	}
	if len(attrs) > 0 {
		out.MessageAttributes = attrs
	}
	return out
}

type receiptInput struct {
	QueueURL          string `json:"QueueUrl"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

func (in *receiptInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL, in.ReceiptHandle = f.Get("QueueUrl"), f.Get("ReceiptHandle")
	var err *wire.Error
	in.VisibilityTimeout, err = formInt(f, "VisibilityTimeout")
	return err
}

// messageByReceipt resolves a receipt handle on q. ok is false when the message is gone (already deleted or
// expired); a handle that is not one of q's is ReceiptHandleIsInvalid (UNCONFIRMED for a well-formed handle
// of another queue). An older handle of a message received again still resolves, as AWS usually allows.
// The caller holds s.mu.
func messageByReceipt(q *queue, handle string) (*message, bool, *wire.Error) {
	if handle == "" {
		return nil, false, missingParameter("ReceiptHandle")
	}
	name, id, ok := parseReceiptHandle(handle)
	if !ok || name != q.name {
		return nil, false, receiptHandleIsInvalid(handle)
	}
	m, ok := q.byID[id]
	return m, ok, nil
}

// deleteMessage deletes the message a receipt handle names; deleting a message that is already gone succeeds,
// as in AWS.
func (s *Service) deleteMessage(c *wire.Call, in *receiptInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m, ok, err := messageByReceipt(q, in.ReceiptHandle)
	if err != nil {
		return nil, err
	}
	if ok {
		q.remove(m.id)
	}
	return nil, nil
}

// changeMessageVisibility sets how long an in-flight message stays invisible, counted from now.
func (s *Service) changeMessageVisibility(c *wire.Call, in *receiptInput) (any, *wire.Error) {
	if in.VisibilityTimeout == nil {
		return nil, missingParameter("VisibilityTimeout")
	}
	vis, err := optionalInt("VisibilityTimeout", in.VisibilityTimeout, 0, 43200, 0)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m, ok, err := messageByReceipt(q, in.ReceiptHandle)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !ok || m.receiveCount == 0 || !now.Before(m.visibleAt) {
		return nil, messageNotInflight()
	}
	m.visibleAt = now.Add(time.Duration(vis) * time.Second)
	q.wake()
	return nil, nil
}

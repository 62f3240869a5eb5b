package sqs

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// queue is one SQS queue. All fields are guarded by Service.mu.
type queue struct {
	name, url, arn    string
	fifo              bool
	attrs             map[string]string // settable attributes, canonical form
	tags              map[string]string
	created, modified time.Time
	lastPurge         time.Time

	messages []*message          // by send time (the retention clock), oldest first; see insert
	byID     map[string]*message // by message id
	dedup    map[string]dedupEntry
	dedupAge []string // dedup keys in the order they were remembered, oldest first
	seq      int64

	// notify is closed (and replaced) whenever a long poll should look again.
	notify chan struct{}
	// polling counts the long polls waiting on the queue.
	polling int
}

// dedupEntry remembers a FIFO deduplication id for five minutes.
type dedupEntry struct {
	messageID string
	seq       string
	at        time.Time
}

// fifoDedupWindow is how long a FIFO queue remembers a deduplication id.
const fifoDedupWindow = 5 * time.Minute

// message is one message in a queue.
type message struct {
	id, body     string
	md5Body      string
	attrs        map[string]MessageAttribute
	system       map[string]string // SenderId, SentTimestamp, FIFO ids, DeadLetterQueueSourceArn, ...
	sent         time.Time
	visibleAt    time.Time // delayed or in flight until then
	receiveCount int
	firstReceive time.Time
	group        string
	receipt      string // the latest receipt handle
}

func newQueue(url, region, account, name string, fifo bool, attrs map[string]string, now time.Time) *queue {
	q := &queue{name: name, url: url, arn: queueARN(region, account, name), fifo: fifo,
		attrs: defaultAttributes(fifo), tags: map[string]string{}, created: now, modified: now,
		byID: map[string]*message{}, dedup: map[string]dedupEntry{}, notify: make(chan struct{})}
	for k, v := range attrs {
		q.attrs[k] = v
	}
	return q
}

// wake tells long polls on q to look again.
func (q *queue) wake() {
	close(q.notify)
	q.notify = make(chan struct{})
}

// intAttr reads an integer attribute (every int attribute has a valid canonical value).
func (q *queue) intAttr(name string) int {
	n, _ := strconv.Atoi(q.attrs[name])
	return n
}

// expire drops messages older than the retention period and deduplication ids older than the window;
// retention is enforced lazily on each access. Both are kept oldest first, so it only looks at what expires
// and at the first entry that does not.
func (q *queue) expire(now time.Time) {
	retention := time.Duration(q.intAttr("MessageRetentionPeriod")) * time.Second
	n := 0
	for n < len(q.messages) && now.Sub(q.messages[n].sent) >= retention {
		delete(q.byID, q.messages[n].id)
		n++
	}
	clear(q.messages[:n])
	q.messages = q.messages[n:]
	n = 0
	for n < len(q.dedupAge) && now.Sub(q.dedup[q.dedupAge[n]].at) >= fifoDedupWindow {
		delete(q.dedup, q.dedupAge[n])
		n++
	}
	clear(q.dedupAge[:n])
	q.dedupAge = q.dedupAge[n:]
}

// insert adds a message, keeping q.messages ordered by send time. A message sent now goes last; a message
// moved from another queue by its redrive policy keeps its original send time, as it does in AWS, and so
// goes after every message sent no later than it.
func (q *queue) insert(m *message) {
	i := len(q.messages)
	if i > 0 && m.sent.Before(q.messages[i-1].sent) {
		i = sort.Search(len(q.messages), func(j int) bool { return q.messages[j].sent.After(m.sent) })
	}
	q.messages = slices.Insert(q.messages, i, m)
	q.byID[m.id] = m
	q.wake()
}

// counts returns the approximate visible, in-flight and delayed message counts.
func (q *queue) counts(now time.Time) (visible, notVisible, delayed int) {
	for _, m := range q.messages {
		switch {
		case !now.Before(m.visibleAt):
			visible++
		case m.receiveCount > 0:
			notVisible++
		default:
			delayed++
		}
	}
	return visible, notVisible, delayed
}

// enqueue appends a message, deduplicating on FIFO queues. It returns the stored (or original) message.
func (q *queue) enqueue(m *message, dedupID string, now time.Time) *message {
	if q.fifo {
		if dedupID == "" {
			dedupID = m.system["MessageDeduplicationId"]
		}
		key := dedupID
		if q.attrs["DeduplicationScope"] == "messageGroup" {
			key = m.group + "\x00" + dedupID
		}
		if d, ok := q.dedup[key]; ok {
			return &message{id: d.messageID, md5Body: m.md5Body, attrs: m.attrs, system: map[string]string{"SequenceNumber": d.seq}}
		}
		q.seq++
		m.system["SequenceNumber"] = strconv.FormatInt(q.seq, 10) + strings.Repeat("0", 10)
		q.dedup[key] = dedupEntry{messageID: m.id, seq: m.system["SequenceNumber"], at: now}
		q.dedupAge = append(q.dedupAge, key)
	}
	q.insert(m)
	return m
}

// remove deletes a message by id.
func (q *queue) remove(id string) {
	if _, ok := q.byID[id]; !ok {
		return
	}
	delete(q.byID, id)
	for i, m := range q.messages {
		if m.id == id {
			q.messages = append(q.messages[:i], q.messages[i+1:]...)
			break
		}
	}
}

// purge drops every message.
func (q *queue) purge(now time.Time) {
	q.messages, q.byID, q.lastPurge = nil, map[string]*message{}, now
}

// maxReceives returns the redrive policy's dead-letter ARN and receive limit (0 when there is none).
func (q *queue) maxReceives() (string, int) {
	raw := q.attrs["RedrivePolicy"]
	if raw == "" {
		return "", 0
	}
	var p redrivePolicy
	if json.Unmarshal([]byte(raw), &p) != nil {
		return "", 0
	}
	return p.DeadLetterTargetArn, p.MaxReceiveCount
}

// receive takes up to max visible messages, making each invisible for vis. Messages received more often than
// the redrive policy allows move to dlq instead (when it still exists). On FIFO queues a message group with a
// message in flight or waiting ahead yields nothing further.
func (q *queue) receive(max int, vis time.Duration, now time.Time, dlq func(arn string) *queue) []*message {
	dlqARN, limit := q.maxReceives()
	blocked := map[string]bool{}
	var out []*message
	for _, m := range append([]*message(nil), q.messages...) {
		if len(out) == max {
			break
		}
		if q.fifo && blocked[m.group] {
			continue
		}
		if now.Before(m.visibleAt) {
			blocked[m.group] = true
			continue
		}
		if limit > 0 && m.receiveCount >= limit {
			if target := dlq(dlqARN); target != nil && target != q {
				q.remove(m.id)
				target.adopt(m, q.arn)
				continue
			}
		}
		m.receiveCount++
		if m.receiveCount == 1 {
			m.firstReceive = now
		}
		m.visibleAt = now.Add(vis)
		m.receipt = newReceiptHandle(q.name, m.id)
		out = append(out, m)
	}
	return out
}

// adopt takes a message moved from a source queue by its redrive policy.
func (q *queue) adopt(m *message, sourceARN string) {
	m.receiveCount, m.firstReceive, m.visibleAt, m.receipt = 0, time.Time{}, time.Time{}, ""
	m.system["DeadLetterQueueSourceArn"] = sourceARN
	q.insert(m)
}

// nextVisible returns when the earliest invisible message becomes visible (zero when none is invisible).
func (q *queue) nextVisible(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.messages {
		if now.Before(m.visibleAt) && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
	}
	return next
}

// receiptHandlePrefix marks localaws receipt handles.
const receiptHandlePrefix = "lqrh1"

// newReceiptHandle returns a fresh opaque receipt handle naming the queue and the message.
func newReceiptHandle(queueName, messageID string) string {
	nonce := make([]byte, 24)
	_, _ = rand.Read(nonce)
	raw := receiptHandlePrefix + "\x00" + queueName + "\x00" + messageID + "\x00" + base64.RawStdEncoding.EncodeToString(nonce)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// parseReceiptHandle returns the queue name and message id a receipt handle names.
func parseReceiptHandle(handle string) (queueName, messageID string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(handle)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != receiptHandlePrefix {
		return "", "", false
	}
	return parts[1], parts[2], true
}

func newMessageID() string { return uuid.NewString() }

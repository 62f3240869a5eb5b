package sqs

import "fmt"

// QueueExists reports whether the queue with this ARN exists.
func (s *Service) QueueExists(queueARN string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queueByARN(queueARN) != nil
}

// Send delivers a message to the queue with this ARN, as SendMessage would (same validation, queue delay,
// MD5s). Other emulated services use it for dead-letter and destination delivery. The message's SenderId is
// the queue's account.
func (s *Service) Send(queueARN, body string, attrs map[string]MessageAttribute) (messageID string, err error) {
	_, account, _, _ := parseQueueARN(queueARN)
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queueByARN(queueARN)
	if q == nil {
		return "", fmt.Errorf("sending to %s: %w", queueARN, queueDoesNotExist())
	}
	q.expire(s.now())
	m := outgoing{body: body, bodyProvided: true, attrs: attrs, senderID: account}
	if q.fifo {
		m.group, m.dedup = "localaws", newMessageID()
	}
	msg, werr := s.send(q, m)
	if werr != nil {
		return "", fmt.Errorf("sending to %s: %w", queueARN, werr)
	}
	return msg.id, nil
}

package sqs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

var queueNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// validateQueueName checks a queue name: 1–80 of [A-Za-z0-9_-], where a FIFO queue's 80 include ".fifo".
func validateQueueName(name string, fifo bool) *wire.Error {
	if name == "" {
		return missingParameter("QueueName")
	}
	if fifo {
		base, ok := strings.CutSuffix(name, ".fifo")
		if !ok || len(name) > 80 || !queueNamePattern.MatchString(base) {
			return invalidParameterValue("The name of a FIFO queue can only include alphanumeric characters, " +
				"hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return nil
	}
	if strings.HasSuffix(name, ".fifo") {
		return invalidAttributeValue("The FifoQueue attribute must be true for a queue name ending in .fifo.")
	}
	if !queueNamePattern.MatchString(name) {
		return invalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	return nil
}

// queueURL is the URL a queue is given; clients send it back in each request body, and some SDKs (the
// AWS SDK for JavaScript v3) send their requests to its host. Queues are found by the URL's path alone,
// so either host works in requests.
func (s *Service) queueURL(region, account, name string) string {
	if s.cfg.QueueURLBase == "" {
		return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, name)
	}
	return strings.TrimSuffix(s.cfg.QueueURLBase, "/") + "/" + account + "/" + name
}

// queueARN is a queue's ARN.
func queueARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", region, account, name)
}

// parseQueueARN splits arn:aws:sqs:<region>:<account>:<name>.
func parseQueueARN(arn string) (region, account, name string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5] == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], parts[5], true
}

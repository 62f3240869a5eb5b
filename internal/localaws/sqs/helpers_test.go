package sqs

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// harness is an SQS emulator behind a localaws server, with an SDK client.
type harness struct {
	svc      *Service
	client   *sqssdk.Client
	endpoint string
	clock    *lawstest.Clock
}

// newHarness starts the emulator; with fake set, it runs on a fake clock.
func newHarness(t *testing.T, fake bool) *harness {
	t.Helper()
	h := &harness{}
	cfg := Config{}
	if fake {
		h.clock = lawstest.NewClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
		cfg.Now = h.clock.Now
	}
	h.svc = New(cfg)
	_, awsCfg := lawstest.Serve(t, h.svc)
	h.client = sqssdk.NewFromConfig(awsCfg)
	h.endpoint = aws.ToString(awsCfg.BaseEndpoint)
	return h
}

func (h *harness) createQueue(t *testing.T, name string, attrs map[string]string) string {
	t.Helper()
	out, err := h.client.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

package sqs

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// TestThrottleIsRetriedBySDK checks the throttling error is SQS's modelled RequestThrottled, and that the
// SDK's standard retryer retries it.
func TestThrottleIsRetriedBySDK(t *testing.T) {
	h := newHarness(t, false)
	addFault := func() {
		t.Helper()
		resp, err := http.Post(h.endpoint+"/_localaws/faults", "application/json",
			strings.NewReader(`{"service":"sqs","operation":"ListQueues","throttle":true,"count":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("adding fault: status %d", resp.StatusCode)
		}
	}
	addFault()
	noRetry := sqssdk.New(h.client.Options(), func(o *sqssdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := noRetry.ListQueues(context.Background(), &sqssdk.ListQueuesInput{})
	lawstest.ExpectAPIError[*types.RequestThrottled](t, err, "RequestThrottled")
	addFault()
	if _, err := h.client.ListQueues(context.Background(), &sqssdk.ListQueuesInput{QueueNamePrefix: aws.String("x")}); err != nil {
		t.Fatalf("throttled call was not retried: %v", err)
	}
}

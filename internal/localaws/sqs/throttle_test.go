package sqs

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// TestThrottleIsRetriedBySDK checks the throttling error is SQS's modelled RequestThrottled, and that the
// SDK's standard retryer retries it.
func TestThrottleIsRetriedBySDK(t *testing.T) {
	h := newHarness(t, false)
	fault := server.Fault{Service: "sqs", Operation: "ListQueues", Throttle: true, Count: 1}
	lawstest.AddFault(t, h.endpoint, fault)
	noRetry := sqssdk.New(h.client.Options(), func(o *sqssdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := noRetry.ListQueues(context.Background(), &sqssdk.ListQueuesInput{})
	lawstest.ExpectAPIError[*types.RequestThrottled](t, err, "RequestThrottled")
	lawstest.AddFault(t, h.endpoint, fault)
	if _, err := h.client.ListQueues(context.Background(), &sqssdk.ListQueuesInput{QueueNamePrefix: aws.String("x")}); err != nil {
		t.Fatalf("throttled call was not retried: %v", err)
	}
}

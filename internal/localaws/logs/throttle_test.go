package logs

import (
	"context"
	"testing"

	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// TestThrottleIsRetriedBySDK checks the throttling error is the modelled ThrottlingException, and that the
// SDK's standard retryer retries it.
func TestThrottleIsRetriedBySDK(t *testing.T) {
	h := newHarness(t)
	fault := server.Fault{Service: "logs", Operation: "DescribeLogGroups", Throttle: true, Count: 1}
	lawstest.AddFault(t, h.endpoint, fault)
	noRetry := logssdk.New(h.client.Options(), func(o *logssdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := noRetry.DescribeLogGroups(context.Background(), &logssdk.DescribeLogGroupsInput{})
	lawstest.ExpectError[*types.ThrottlingException](t, err)
	lawstest.AddFault(t, h.endpoint, fault)
	if _, err := h.client.DescribeLogGroups(context.Background(), &logssdk.DescribeLogGroupsInput{}); err != nil {
		t.Fatalf("throttled call was not retried: %v", err)
	}
}

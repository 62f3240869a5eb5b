package logs

import (
	"context"
	"net/http"
	"strings"
	"testing"

	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestThrottleIsRetriedBySDK checks the throttling error is the modelled ThrottlingException, and that the
// SDK's standard retryer retries it.
func TestThrottleIsRetriedBySDK(t *testing.T) {
	h := newHarness(t)
	addFault := func() {
		t.Helper()
		resp, err := http.Post(h.endpoint+"/_localaws/faults", "application/json",
			strings.NewReader(`{"service":"logs","operation":"DescribeLogGroups","throttle":true,"count":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("adding fault: status %d", resp.StatusCode)
		}
	}
	addFault()
	noRetry := logssdk.New(h.client.Options(), func(o *logssdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := noRetry.DescribeLogGroups(context.Background(), &logssdk.DescribeLogGroupsInput{})
	expectErr[*types.ThrottlingException](t, err)
	addFault()
	if _, err := h.client.DescribeLogGroups(context.Background(), &logssdk.DescribeLogGroupsInput{}); err != nil {
		t.Fatalf("throttled call was not retried: %v", err)
	}
}

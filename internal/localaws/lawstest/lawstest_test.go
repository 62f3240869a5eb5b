package lawstest_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// echo is a service that answers Lambda's Invoke with the request payload.
type echo struct{}

func (echo) Name() string            { return "lambda" }
func (echo) Protocol() wire.Protocol { return wire.RestJSON{} }
func (echo) Throttle() *wire.Error {
	return wire.Errorf(http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
}
func (echo) Reset()        {}
func (echo) Snapshot() any { return nil }

func (echo) Resolve(c *wire.Call) (wire.Handler, *wire.Error) {
	c.Operation = "Invoke"
	return func(c *wire.Call) error { return c.Raw(http.StatusOK, "application/json", c.Body) }, nil
}

// Calls whose request and answer are both larger than the transport's buffers used to be sent again, now
// and then, after the server had answered: the SDK closed the request body while the transport
// still read it, the transport closed the connection under the response and the SDK retried the read
// error. Every call must reach the server once and take one attempt.
func TestLargeCallsRunOnce(t *testing.T) {
	srv, cfg := lawstest.Serve(t, echo{})
	client := lambdasdk.NewFromConfig(cfg)
	payload := []byte(`{"pad":"` + strings.Repeat("x", 16<<10) + `"}`)
	const calls = 3000
	for i := range calls {
		out, err := client.Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String("echo"), Payload: payload})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !bytes.Equal(out.Payload, payload) {
			t.Fatalf("call %d answered %d bytes, want the %d sent", i, len(out.Payload), len(payload))
		}
		if attempts, _ := retry.GetAttemptResults(out.ResultMetadata); len(attempts.Results) != 1 {
			t.Fatalf("call %d took %d attempts; the first failed with: %v", i, len(attempts.Results), attempts.Results[0].Err)
		}
	}
	var served int64
	for _, c := range srv.Calls() {
		served += c.Count
	}
	if served != calls {
		t.Fatalf("the server served %d calls, want %d", served, calls)
	}
}

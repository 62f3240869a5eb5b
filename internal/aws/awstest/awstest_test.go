package awstest_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func TestSettle(t *testing.T) {
	calls := 0
	res, err := awstest.Settle(t, func() (int, error) {
		calls++
		if calls < 3 {
			return calls, outcome.Wait(time.Second, "Creating", "call %d", calls)
		}
		return calls, errors.New("boom")
	})
	if res != 3 || err == nil || err.Error() != "boom" {
		t.Fatalf("Settle = %d, %v; want the third call's result and error", res, err)
	}
	calls = 0
	if res := awstest.MustSettle(t, func() (int, error) {
		calls++
		if calls < 2 {
			return 0, outcome.Wait(time.Second, "Creating", "not yet")
		}
		return 7, nil
	}); res != 7 {
		t.Fatalf("MustSettle = %d, want 7", res)
	}
}

func TestUntilGone(t *testing.T) {
	calls := 0
	awstest.UntilGone(t, func() (bool, error) { calls++; return calls == 3, nil })
	if calls != 3 {
		t.Fatalf("UntilGone called Delete %d times, want 3", calls)
	}
}

func TestWritesAndTotal(t *testing.T) {
	srv, cfg := lawstest.Serve(t, sqs.New(sqs.Config{}))
	client := sqssdk.NewFromConfig(cfg)
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		if _, err := client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.ListQueues(ctx, &sqssdk.ListQueuesInput{}); err != nil {
		t.Fatal(err)
	}
	w := awstest.Writes(srv, "sqs")
	if !maps.Equal(w, map[string]int64{"CreateQueue": 2}) || awstest.Total(w) != 2 {
		t.Fatalf("Writes = %v", w)
	}
	if w := awstest.Writes(srv, "lambda"); len(w) != 0 {
		t.Fatalf("Writes of another service = %v", w)
	}
}

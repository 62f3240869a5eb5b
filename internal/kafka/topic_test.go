package kafka

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/brokers"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func TestEnsureCreatesGrowsAndConfigures(t *testing.T) {
	pool, err := brokers.NewPool(brokers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	const arn = "arn:aws:kafka:eu-west-1:000000000000:cluster/c/1-s1"
	bootstrap, err := pool.Start(arn)
	if err != nil {
		t.Fatal(err)
	}
	a := &Admin{Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Region: "us-east-1",
		RootCAs: pool.Authority().Pool()}
	ctx := context.Background()
	req := TopicRequest{Brokers: strings.Split(bootstrap, ","), Region: "eu-west-1", Name: "test-topic", Partitions: 3,
		Config: map[string]string{"retention.ms": "86400000"}}

	if _, err := a.Describe(ctx, req); !errors.Is(err, ErrTopicNotFound) {
		t.Fatalf("Describe before Ensure: err = %v, want ErrTopicNotFound", err)
	}
	for i, want := range []TopicState{{Name: "test-topic", Partitions: 3, Created: true}, {Name: "test-topic", Partitions: 3}} {
		// the second Ensure finds everything in place
		if st, err := a.Ensure(ctx, req); err != nil || st != want {
			t.Fatalf("Ensure #%d = %+v, %v; want %+v", i+1, st, err, want)
		}
	}
	req.Partitions, req.Config["retention.ms"] = 5, "3600000"
	if st, err := a.Ensure(ctx, req); err != nil || st != (TopicState{Name: "test-topic", Partitions: 5, Grown: true}) {
		t.Fatalf("grow: %+v, %v", st, err)
	}
	req.Partitions = 2
	if st, err := a.Ensure(ctx, req); err != nil || st != (TopicState{Name: "test-topic", Partitions: 5}) {
		t.Fatalf("partitions never shrink: %+v, %v", st, err)
	}
	if st, err := a.Describe(ctx, req); err != nil || st != (TopicState{Name: "test-topic", Partitions: 5}) {
		t.Fatalf("Describe = %+v, %v", st, err)
	}

	cl, err := kgo.NewClient(append(pool.ClientOpts(arn), kgo.SeedBrokers(req.Brokers...))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	rcs, err := kadm.NewClient(cl).DescribeTopicConfigs(ctx, "test-topic")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rcs.On("test-topic", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rc.Configs {
		if c.Key == "retention.ms" && (c.Value == nil || *c.Value != "3600000") {
			t.Fatalf("retention.ms = %v, want 3600000", c.Value)
		}
	}
}

func TestEnsureReportsUnreachableBrokers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	a := &Admin{Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Timeout: 3e9,
		Waits: Waits{Unreachable: 7 * time.Second}}
	_, err = a.Ensure(context.Background(), TopicRequest{Brokers: []string{addr}, Name: "t", Partitions: 1})
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != ReasonUnreachable || !strings.Contains(w.Message, addr) || w.After != 7*time.Second {
		t.Fatalf("err = %v, want Waiting/Unreachable for 7s naming %s", err, addr)
	}
	a.Waits = Waits{}
	_, err = a.Ensure(context.Background(), TopicRequest{Name: "t"})
	if w, ok := outcome.AsWaiting(err); !ok || w.After != DefaultWaits().Unreachable {
		t.Fatalf("no brokers: err = %v, want Waiting for the default %v", err, DefaultWaits().Unreachable)
	}
}

package topicadmin

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/brokers"
)

// handlerFor returns a handler of a fresh local cluster's brokers.
func handlerFor(t *testing.T) *Handler {
	t.Helper()
	pool, err := brokers.NewPool(brokers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	bootstrap, err := pool.Start("arn:aws:kafka:eu-west-1:000000000000:cluster/c/1-s1")
	if err != nil {
		t.Fatal(err)
	}
	return &Handler{Topics: &kafka.Admin{Credentials: credentials.NewStaticCredentialsProvider("k", "s", ""),
		RootCAs: pool.Authority().Pool()}, Brokers: strings.Split(bootstrap, ","), Region: "eu-west-1"}
}

func TestHandleEnsuresAndDescribes(t *testing.T) {
	h, ctx := handlerFor(t), context.Background()
	for _, step := range []struct {
		req  Request
		want Answer
	}{
		{Request{Action: ActionDescribe, Topic: "orders"},
			Answer{Topic: "orders", Error: &Error{Type: ErrorTopicNotFound}}},
		{Request{Action: ActionEnsure, Topic: "orders", Partitions: 2, Config: map[string]string{"retention.ms": "60000"}},
			Answer{Topic: "orders", Partitions: 2, Created: true}},
		{Request{Action: ActionEnsure, Topic: "orders", Partitions: 2}, Answer{Topic: "orders", Partitions: 2}},
		{Request{Action: ActionEnsure, Topic: "orders", Partitions: 4}, Answer{Topic: "orders", Partitions: 4, Grown: true}},
		{Request{Action: ActionDescribe, Topic: "orders"}, Answer{Topic: "orders", Partitions: 4}},
		{Request{Action: "delete", Topic: "orders"}, Answer{Topic: "orders", Error: &Error{Type: ErrorInvalidSpec}}},
		{Request{Action: ActionEnsure, Topic: "orders"}, Answer{Topic: "orders", Error: &Error{Type: ErrorInvalidSpec}}},
		{Request{Action: ActionEnsure, Partitions: 1}, Answer{Error: &Error{Type: ErrorInvalidSpec}}},
	} {
		got, err := h.Handle(ctx, step.req)
		if err != nil {
			t.Fatalf("%+v: the invocation failed: %v", step.req, err)
		}
		if got.Error != nil && step.want.Error != nil {
			if got.Error.Message == "" {
				t.Errorf("%+v: error %s without a message", step.req, got.Error.Type)
			}
			step.want.Error.Message = got.Error.Message
		}
		if got.Topic != step.want.Topic || got.Partitions != step.want.Partitions || got.Created != step.want.Created ||
			got.Grown != step.want.Grown || (got.Error == nil) != (step.want.Error == nil) ||
			(got.Error != nil && *got.Error != *step.want.Error) {
			t.Errorf("%+v:\n got %+v (error %+v)\nwant %+v (error %+v)", step.req, got, got.Error, step.want, step.want.Error)
		}
	}
}

func TestHandleReportsUnreachableBrokers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	h := &Handler{Topics: &kafka.Admin{Credentials: credentials.NewStaticCredentialsProvider("k", "s", ""), Timeout: 3e9},
		Brokers: []string{addr}, Region: "eu-west-1"}
	got, err := h.Handle(context.Background(), Request{Action: ActionEnsure, Topic: "t", Partitions: 1})
	if err != nil || got.Error == nil || got.Error.Type != ErrorUnreachable || !strings.Contains(got.Error.Message, addr) {
		t.Fatalf("Handle = %+v (error %+v), %v; want an Unreachable answer naming %s", got, got.Error, err, addr)
	}
}

func TestFromEnvironment(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_REGION", "eu-west-1")
	env := map[string]string{EnvBrokers: "b-1:9098,b-2:9098"}
	h, err := FromEnvironment(context.Background(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(h.Brokers, ",") != "b-1:9098,b-2:9098" || h.Region != "eu-west-1" {
		t.Errorf("handler of %v: brokers %v, region %q", env, h.Brokers, h.Region)
	}
	delete(env, EnvBrokers)
	if _, err := FromEnvironment(context.Background(), func(k string) string { return env[k] }); err == nil ||
		!strings.Contains(err.Error(), EnvBrokers) {
		t.Errorf("no brokers: err = %v, want one naming %s", err, EnvBrokers)
	}
	env = map[string]string{EnvBrokers: "b-1:9098", EnvCAFile: "/nonexistent/ca.pem"}
	if _, err := FromEnvironment(context.Background(), func(k string) string { return env[k] }); err == nil ||
		!strings.Contains(err.Error(), EnvCAFile) {
		t.Errorf("a missing CA file: err = %v, want one naming %s", err, EnvCAFile)
	}
}

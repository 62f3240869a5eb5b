package iam

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

const (
	lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	pipesTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pipes.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	sqsPolicy   = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:kp-*"}]}`
	mskRolePath = "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole"
	basicPolicy = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

type harness struct {
	svc      *Service
	client   *iamsdk.Client
	cfg      aws.Config
	clock    *lawstest.Clock
	timings  *lifecycle.Timings
	endpoint string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{clock: lawstest.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)), timings: lawstest.Timings(t)}
	h.svc = New(Config{Timings: h.timings, Now: h.clock.Now})
	_, h.cfg = lawstest.Serve(t, h.svc)
	h.endpoint = aws.ToString(h.cfg.BaseEndpoint)
	h.client = iamsdk.NewFromConfig(h.cfg, func(o *iamsdk.Options) { o.RetryMaxAttempts = 1 })
	return h
}

var ctx = context.Background()

func (h *harness) createRole(t *testing.T, name, path, trust string) *types.Role {
	t.Helper()
	in := &iamsdk.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := h.client.CreateRole(ctx, in)
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	return out.Role
}

// outcome is an SDK call's result, checked by get.
type outcome[T any] struct {
	v   T
	err error
}

// must wraps an SDK call's two results so that must(call(...)).get(t) fails the test on an error.
func must[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

func (o outcome[T]) get(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// wantErr asserts err is a T (a typed SDK error or smithy.APIError) with the given code and message.
func wantErr[T smithy.APIError](t *testing.T, err error, code, message string) {
	t.Helper()
	target := lawstest.ExpectAPIError[T](t, err, code)
	if message != "" && target.ErrorMessage() != message {
		t.Errorf("ErrorMessage() = %q, want %q", target.ErrorMessage(), message)
	}
}

func decode(t *testing.T, s *string) string {
	t.Helper()
	out, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(s), err)
	}
	return out
}

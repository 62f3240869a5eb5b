package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/sdkhttp"
)

// Every client sends through sdkhttp's guard (Wrap gives a guarded client back unchanged), and without an
// HTTP client in the configuration they share one.
func TestNewClientsGuardTheirHTTPClient(t *testing.T) {
	cl := NewClients(aws.Config{Region: "us-east-1"})
	clients := []aws.HTTPClient{cl.Lambda.(*lambda.Client).Options().HTTPClient,
		cl.SQS.(*sqs.Client).Options().HTTPClient, cl.EC2.(*ec2.Client).Options().HTTPClient}
	for i, c := range clients {
		if sdkhttp.Wrap(c) != c {
			t.Fatalf("client %d sends through an unguarded HTTP client %T", i, c)
		}
		if c != clients[0] {
			t.Fatalf("client %d has its own HTTP client", i)
		}
	}
}

// countingSTS answers GetCallerIdentity with an account, after failing the first fail calls.
type countingSTS struct {
	calls, fail int
}

func (s *countingSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	s.calls++
	if s.calls <= s.fail {
		return nil, errors.New("throttled")
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String("123456789012")}, nil
}

// Building a region's clients costs no AWS call; the account is learned on first need, once, and a
// failure is not kept.
func TestTheAccountIsLearnedOnFirstNeedOnly(t *testing.T) {
	cache := NewClientCache(aws.Config{Region: "us-east-1"})
	cl := cache.For("")
	if cache.For("us-east-1") != cl {
		t.Fatal("the default region's clients are not kept")
	}
	fake := &countingSTS{fail: 1}
	cl.STS = fake
	if _, err := cl.Account(context.Background()); err == nil || !strings.Contains(err.Error(), "us-east-1") {
		t.Fatalf("Account = %v, want the STS failure naming the region", err)
	}
	for range 2 {
		if got, err := cl.Account(context.Background()); err != nil || got != "123456789012" {
			t.Fatalf("Account = %q, %v", got, err)
		}
	}
	if fake.calls != 2 {
		t.Errorf("STS was called %d times, want 2 (the failure, then once)", fake.calls)
	}
}

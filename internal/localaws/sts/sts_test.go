package sts

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

func TestGetCallerIdentity(t *testing.T) {
	_, cfg := lawstest.Serve(t, New(Config{}))
	out, err := stssdk.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &stssdk.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got := aws.ToString(out.Account); got != lawstest.AccountID {
		t.Errorf("Account = %q, want %q", got, lawstest.AccountID)
	}
	if got, want := aws.ToString(out.Arn), "arn:aws:iam::"+lawstest.AccountID+":root"; got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
	if got := aws.ToString(out.UserId); got != lawstest.AccountID {
		t.Errorf("UserId = %q, want %q", got, lawstest.AccountID)
	}
}

func TestUnknownActionAndThrottle(t *testing.T) {
	svc := New(Config{})
	_, cfg := lawstest.Serve(t, svc)
	client := stssdk.NewFromConfig(cfg)
	_, err := client.GetSessionToken(context.Background(), &stssdk.GetSessionTokenInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidAction" {
		t.Fatalf("GetSessionToken error = %v, want InvalidAction", err)
	}

	admin := adminclient.New(aws.ToString(cfg.BaseEndpoint))
	if _, err := admin.AddFault(context.Background(), server.Fault{Service: "sts", Operation: "GetCallerIdentity", Throttle: true}); err != nil {
		t.Fatal(err)
	}
	_, err = stssdk.NewFromConfig(cfg, func(o *stssdk.Options) { o.RetryMaxAttempts = 1 }).
		GetCallerIdentity(context.Background(), &stssdk.GetCallerIdentityInput{})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "Throttling" {
		t.Fatalf("throttled GetCallerIdentity error = %v, want Throttling", err)
	}
	if e := svc.Throttle(); e.Status != http.StatusBadRequest || !strings.Contains(e.Message, "Rate exceeded") {
		t.Fatalf("Throttle() = %+v", e)
	}
	svc.Reset()
	if svc.Snapshot() == nil {
		t.Fatal("Snapshot must not be nil")
	}
}

func TestAWSCLIGetCallerIdentity(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	_, cfg := lawstest.Serve(t, New(Config{}))
	cmd := exec.Command("aws", "--endpoint-url", aws.ToString(cfg.BaseEndpoint), "--output", "json", "sts", "get-caller-identity")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_STS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, out)
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got["Account"] != lawstest.AccountID || got["Arn"] != "arn:aws:iam::"+lawstest.AccountID+":root" || got["UserId"] != lawstest.AccountID {
		t.Fatalf("get-caller-identity = %v", got)
	}
}

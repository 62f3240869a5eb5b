package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/runtime"
)

// TestLocalAWSRunsFunctions checks the wiring in localaws: functions run with the instance's endpoint as
// AWS_ENDPOINT_URL, and a reset or Stop kills their processes.
func TestLocalAWSRunsFunctions(t *testing.T) {
	inst, err := localaws.Start(context.Background(), localaws.Options{Addr: "127.0.0.1:0", Profile: "instant", TimeScale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop() })
	client := lambdasdk.NewFromConfig(lawstest.Config(inst.Endpoint))
	ctx := context.Background()
	role := createLambdaRole(t, inst.Endpoint)
	if _, err := client.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("wired"),
		Role: aws.String(role), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: runtime.HandlerZipForTest()}}); err != nil {
		t.Fatal(err)
	}
	if err := lambdasdk.NewFunctionActiveV2Waiter(client, func(o *lambdasdk.FunctionActiveV2WaiterOptions) {
		o.MinDelay = 10 * time.Millisecond
	}).Wait(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("wired")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	out, err := client.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("wired"), Payload: []byte(`{"mode":"env"}`)})
	if err != nil || out.FunctionError != nil {
		t.Fatalf("%v %s", err, out.Payload)
	}
	var reply struct {
		PID int               `json:"pid"`
		Env map[string]string `json:"env"`
	}
	if err := json.Unmarshal(out.Payload, &reply); err != nil {
		t.Fatal(err)
	}
	if reply.Env["AWS_ENDPOINT_URL"] != inst.Endpoint {
		t.Errorf("AWS_ENDPOINT_URL=%q, want %s", reply.Env["AWS_ENDPOINT_URL"], inst.Endpoint)
	}
	inst.Server.Reset()
	waitGone(t, reply.PID)
	if len(inst.Runtime.Stats()) != 0 {
		t.Errorf("instances after reset: %+v", inst.Runtime.Stats())
	}
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still runs", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// createLambdaRole creates a role Lambda may assume and returns its ARN.
func createLambdaRole(t *testing.T, endpoint string) string {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	out, err := iamsdk.NewFromConfig(lawstest.Config(endpoint)).CreateRole(context.Background(), &iamsdk.CreateRoleInput{
		RoleName: aws.String("wired-fn"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

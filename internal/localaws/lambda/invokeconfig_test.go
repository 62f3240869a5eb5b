package lambda

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestEventInvokeConfig(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustActive(t, "async-fn")
	qualified := "arn:aws:lambda:us-east-1:000000000000:function:async-fn:$LATEST"
	name := aws.String("async-fn")

	_, err := h.client.GetFunctionEventInvokeConfig(ctx, &lambdasdk.GetFunctionEventInvokeConfigInput{FunctionName: name})
	wantError[*types.ResourceNotFoundException](t, err, "The function "+qualified+" doesn't have an EventInvokeConfig")
	_, err = h.client.UpdateFunctionEventInvokeConfig(ctx, &lambdasdk.UpdateFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumRetryAttempts: aws.Int32(1)})
	wantError[*types.ResourceNotFoundException](t, err, "doesn't have an EventInvokeConfig")
	_, err = h.client.DeleteFunctionEventInvokeConfig(ctx, &lambdasdk.DeleteFunctionEventInvokeConfigInput{FunctionName: name})
	wantError[*types.ResourceNotFoundException](t, err, "")
	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")

	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumRetryAttempts: aws.Int32(3)})
	wantValidation(t, err, "at 'maximumRetryAttempts'")
	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumEventAgeInSeconds: aws.Int32(30)})
	wantValidation(t, err, "greater than or equal to 60")
	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumEventAgeInSeconds: aws.Int32(21601)})
	wantValidation(t, err, "less than or equal to 21600")
	onFailure := func(arn string) *types.DestinationConfig {
		return &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(arn)}}
	}
	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		DestinationConfig: onFailure("arn:aws:sqs:us-east-1:000000000000:gone")})
	wantError[*types.InvalidParameterValueException](t, err, "arn:aws:sqs:us-east-1:000000000000:gone")
	_, err = h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		DestinationConfig: onFailure(testQueue)})
	wantError[*types.InvalidParameterValueException](t, err,
		"The function's execution role does not have permissions to call SendMessage on "+testQueue)

	h.iam.grant(testRole, "sqs:SendMessage", testQueue)
	put, err := h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumRetryAttempts: aws.Int32(0), MaximumEventAgeInSeconds: aws.Int32(300), DestinationConfig: onFailure(testQueue)})
	if err != nil || aws.ToString(put.FunctionArn) != qualified || aws.ToInt32(put.MaximumRetryAttempts) != 0 ||
		aws.ToInt32(put.MaximumEventAgeInSeconds) != 300 || put.LastModified == nil ||
		aws.ToString(put.DestinationConfig.OnFailure.Destination) != testQueue {
		t.Fatalf("Put = %+v, %v", put, err)
	}
	view, ok := h.svc.EventInvokeConfig("arn:aws:lambda:us-east-1:000000000000:function:async-fn")
	if !ok || view.MaximumRetryAttempts != 0 || view.MaximumEventAge != 300*time.Second || view.OnFailure != testQueue ||
		view.FunctionARN != qualified {
		t.Fatalf("EventInvokeConfig view = %+v, %v", view, ok)
	}

	upd, err := h.client.UpdateFunctionEventInvokeConfig(ctx, &lambdasdk.UpdateFunctionEventInvokeConfigInput{
		FunctionName: name, MaximumEventAgeInSeconds: aws.Int32(600)})
	if err != nil || aws.ToInt32(upd.MaximumRetryAttempts) != 0 || aws.ToInt32(upd.MaximumEventAgeInSeconds) != 600 ||
		aws.ToString(upd.DestinationConfig.OnFailure.Destination) != testQueue {
		t.Fatalf("Update must merge: %+v, %v", upd, err)
	}
	// Put replaces the whole configuration: what it omits is unset again.
	repl, err := h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumRetryAttempts: aws.Int32(1), Qualifier: aws.String("$LATEST")})
	if err != nil || repl.MaximumEventAgeInSeconds != nil || aws.ToInt32(repl.MaximumRetryAttempts) != 1 ||
		(repl.DestinationConfig.OnFailure != nil && repl.DestinationConfig.OnFailure.Destination != nil) {
		t.Fatalf("Put must overwrite: %+v, %v", repl, err)
	}
	view, _ = h.svc.EventInvokeConfig("async-fn")
	if view.MaximumEventAge != 6*time.Hour || view.OnFailure != "" {
		t.Fatalf("defaults not applied in view: %+v", view)
	}
	got, err := h.client.GetFunctionEventInvokeConfig(ctx, &lambdasdk.GetFunctionEventInvokeConfigInput{FunctionName: name})
	if err != nil || aws.ToInt32(got.MaximumRetryAttempts) != 1 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := h.client.DeleteFunctionEventInvokeConfig(ctx, &lambdasdk.DeleteFunctionEventInvokeConfigInput{FunctionName: name}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok := h.svc.EventInvokeConfig("async-fn"); ok {
		t.Fatal("config survived deletion")
	}
	_, err = h.client.GetFunctionEventInvokeConfig(ctx, &lambdasdk.GetFunctionEventInvokeConfigInput{FunctionName: name, Qualifier: aws.String("3")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
}

func TestListFunctionEventInvokeConfigs(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustActive(t, "listed-fn")
	name := aws.String("listed-fn")
	list := func(maxItems *int32) (*lambdasdk.ListFunctionEventInvokeConfigsOutput, error) {
		return h.client.ListFunctionEventInvokeConfigs(ctx, &lambdasdk.ListFunctionEventInvokeConfigsInput{
			FunctionName: name, MaxItems: maxItems})
	}
	out, err := list(nil)
	if err != nil || len(out.FunctionEventInvokeConfigs) != 0 || out.NextMarker != nil {
		t.Fatalf("without a configuration: %+v, %v", out, err)
	}
	if _, err := h.client.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{FunctionName: name,
		MaximumRetryAttempts: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out, err = list(aws.Int32(50))
	if err != nil || len(out.FunctionEventInvokeConfigs) != 1 {
		t.Fatalf("with a configuration: %+v, %v", out, err)
	}
	if got := out.FunctionEventInvokeConfigs[0]; aws.ToString(got.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:listed-fn:$LATEST" ||
		aws.ToInt32(got.MaximumRetryAttempts) != 1 || got.LastModified == nil {
		t.Errorf("listed configuration = %+v", got)
	}
	_, err = list(aws.Int32(51))
	wantValidation(t, err, "maxItems")
	_, err = h.client.ListFunctionEventInvokeConfigs(ctx, &lambdasdk.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
}

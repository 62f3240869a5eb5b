package esm

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

func TestRolePropagating(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{name: "destination permission", want: true, err: &types.InvalidParameterValueException{
			Message: aws.String("The function's execution role does not have permissions to call SendMessage on arn:aws:sqs:us-east-1:1:q")}},
		{name: "provided role permission", want: true, err: &smithy.GenericAPIError{Code: "InvalidParameterValueException",
			Message: "The provided execution role does not have permissions to call CreateNetworkInterface on EC2"}},
		{name: "role not assumable", want: true, err: &types.InvalidParameterValueException{
			Message: aws.String("The role defined for the function cannot be assumed by Lambda.")}},
		{name: "other invalid parameter", err: &types.InvalidParameterValueException{Message: aws.String("Topics must be specified.")}},
		{name: "same text, other code", err: &smithy.GenericAPIError{Code: "ResourceConflictException",
			Message: "The function's execution role does not have permissions to call SendMessage"}},
		{name: "not an API error", err: errors.New("execution role does not have permissions")},
		{name: "nil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := rolePropagating(tc.err); got != tc.want {
				t.Fatalf("rolePropagating = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	d := Desired{BatchSize: 10, MaximumBatchingWindowSeconds: 1, Enabled: true, OnFailureDestination: "q"}
	base := Observed{UUID: "u", BatchSize: 10, MaximumBatchingWindowSeconds: 1, State: StateEnabled, OnFailureDestination: "q"}
	cases := []struct {
		name string
		edit func(*Observed, *Desired)
		want string
	}{
		{name: "equal", edit: func(*Observed, *Desired) {}},
		{name: "batch", edit: func(o *Observed, _ *Desired) { o.BatchSize = 100 }, want: "BatchSize 100 → 10"},
		{name: "batch left to the default", edit: func(o *Observed, d *Desired) { o.BatchSize, d.BatchSize = 100, 0 }},
		{name: "window", edit: func(o *Observed, _ *Desired) { o.MaximumBatchingWindowSeconds = 0 }, want: "MaximumBatchingWindowInSeconds 0 → 1"},
		{name: "disable", edit: func(_ *Observed, d *Desired) { d.Enabled = false }, want: "Enabled true → false"},
		{name: "enable", edit: func(o *Observed, _ *Desired) { o.State = StateDisabled }, want: "Enabled false → true"},
		{name: "remove destination", edit: func(_ *Observed, d *Desired) { d.OnFailureDestination = "" },
			want: `OnFailure destination "q" → ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, dd := base, d
			tc.edit(&o, &dd)
			in, diff := update(&o, dd)
			if diff != tc.want {
				t.Fatalf("update diff = %q, want %q", diff, tc.want)
			}
			sent := in.BatchSize != nil || in.MaximumBatchingWindowInSeconds != nil || in.Enabled != nil || in.DestinationConfig != nil
			if sent != (tc.want != "") || aws.ToString(in.UUID) != "u" {
				t.Fatalf("update input %+v does not match diff %q", in, diff)
			}
		})
	}
}

func TestMappingARN(t *testing.T) {
	if got := mappingARN("arn:aws:lambda:eu-west-1:123456789012:function:f", "u-1"); got != "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:u-1" {
		t.Fatalf("mappingARN = %q", got)
	}
	if got := mappingARN("", "u-1"); got != "" {
		t.Fatalf("mappingARN of nothing = %q", got)
	}
}

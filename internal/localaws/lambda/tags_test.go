package lambda

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestTags(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	got := h.mustActive(t, "tagged")
	fnARN := aws.ToString(got.Configuration.FunctionArn)
	m, err := h.client.CreateEventSourceMapping(ctx, mappingInput("tagged", "tagged-topic"))
	if err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{fnARN, aws.ToString(m.EventSourceMappingArn)} {
		if _, err := h.client.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(arn),
			Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
			t.Fatalf("TagResource %s: %v", arn, err)
		}
		if _, err := h.client.UntagResource(ctx, &lambdasdk.UntagResourceInput{Resource: aws.String(arn), TagKeys: []string{"a"}}); err != nil {
			t.Fatalf("UntagResource %s: %v", arn, err)
		}
		out, err := h.client.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(arn)})
		if err != nil || len(out.Tags) != 1 || out.Tags["b"] != "2" {
			t.Fatalf("ListTags %s = %+v, %v", arn, out, err)
		}
	}
	fn, err := h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("tagged")})
	if err != nil || fn.Tags["b"] != "2" {
		t.Fatalf("GetFunction tags = %+v, %v", fn.Tags, err)
	}
	_, err = h.client.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(fnARN + ":$LATEST"), Tags: map[string]string{"x": "y"}})
	wantError[*types.InvalidParameterValueException](t, err, "aliases and versions")
	_, err = h.client.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(fnARN), Tags: map[string]string{"aws:x": "y"}})
	wantError[*types.InvalidParameterValueException](t, err, "reserved")
	many := map[string]string{}
	for i := range 50 {
		many[string(rune('A'+i%26))+string(rune('a'+i/26))] = "v"
	}
	_, err = h.client.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(fnARN), Tags: many})
	wantError[*types.InvalidParameterValueException](t, err, "limit of 50")
	_, err = h.client.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:000000000000:function:absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
	_, err = h.client.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:5e3b1c1e-0000-4000-8000-000000000000")})
	wantError[*types.ResourceNotFoundException](t, err, "")
	_, err = h.client.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String("not-an-arn")})
	wantValidation(t, err, "at 'resource'")
}

func TestViews(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	in := createInput("viewed", zipOf(t, map[string]string{"bootstrap": "v"}))
	in.Environment = &types.Environment{Variables: map[string]string{"KEY": "v"}}
	in.Timeout = aws.Int32(30)
	in.MemorySize = aws.Int32(256)
	if _, err := h.client.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	h.waitFunction(t, "viewed", func(c *types.FunctionConfiguration) bool { return c.State == types.StateActive })
	arn := "arn:aws:lambda:us-east-1:000000000000:function:viewed"
	for _, ref := range []string{"viewed", arn, arn + ":$LATEST"} {
		v, ok := h.svc.Function(ref)
		if !ok || v.ARN != arn || v.Timeout.Seconds() != 30 || v.MemorySize != 256 || v.Environment["KEY"] != "v" ||
			v.Runtime != "provided.al2023" || v.Handler != "bootstrap" || v.Role != testRole || v.State != "Active" ||
			v.PackageType != "Zip" || len(v.Code) == 0 || v.Region != "us-east-1" {
			t.Fatalf("Function(%s) = %+v, %v", ref, v, ok)
		}
		if state, ok := h.svc.FunctionState(ref); !ok || state != "Active" {
			t.Fatalf("FunctionState(%s) = %q, %v", ref, state, ok)
		}
	}
	v, _ := h.svc.Function("viewed")
	v.Environment["KEY"] = "changed"
	v.Code[0] = 'X'
	if again, _ := h.svc.Function("viewed"); again.Environment["KEY"] != "v" || again.Code[0] == 'X' {
		t.Fatal("Function() returned shared state")
	}
	for _, ref := range []string{"missing", arn + ":1", "arn:aws:lambda:eu-west-1:000000000000:function:viewed", "bad name"} {
		if _, ok := h.svc.FunctionState(ref); ok {
			t.Fatalf("FunctionState(%s) found something", ref)
		}
	}
	if _, ok := h.svc.EventSourceMapping("nope"); ok {
		t.Fatal("EventSourceMapping(nope) found something")
	}
}

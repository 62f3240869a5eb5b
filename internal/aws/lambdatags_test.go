package aws

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// tagRecorder is a LambdaAPI that records tag calls; any other call panics.
type tagRecorder struct {
	LambdaAPI
	resource string
	tagged   map[string]string
	untagged []string
}

func (r *tagRecorder) TagResource(_ context.Context, in *lambda.TagResourceInput, _ ...func(*lambda.Options)) (*lambda.TagResourceOutput, error) {
	r.resource, r.tagged = aws.ToString(in.Resource), in.Tags
	return &lambda.TagResourceOutput{}, nil
}

func (r *tagRecorder) UntagResource(_ context.Context, in *lambda.UntagResourceInput, _ ...func(*lambda.Options)) (*lambda.UntagResourceOutput, error) {
	r.resource, r.untagged = aws.ToString(in.Resource), in.TagKeys
	return &lambda.UntagResourceOutput{}, nil
}

func TestLambdaTagCalls(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
	r := &tagRecorder{}
	set, remove := LambdaTagCalls(context.Background(), r, arn)
	if err := set(map[string]string{"a": "1"}); err != nil || r.resource != arn || !maps.Equal(r.tagged, map[string]string{"a": "1"}) {
		t.Fatalf("set: %v, resource %q, tags %v", err, r.resource, r.tagged)
	}
	if err := remove([]string{"b"}); err != nil || r.resource != arn || !slices.Equal(r.untagged, []string{"b"}) {
		t.Fatalf("remove: %v, resource %q, keys %v", err, r.resource, r.untagged)
	}
}

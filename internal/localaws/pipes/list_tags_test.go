package pipes

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

const otherFunction = "arn:aws:lambda:us-east-1:000000000000:function:kp-other"

func TestListPipes(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	h.world.mu.Lock()
	h.world.functions[otherFunction] = "Active"
	h.world.mu.Unlock()
	for _, n := range []string{"kp-c", "kp-a", "kp-e", "other", "kp-b", "kp-d"} {
		in := createInput(n)
		if n == "kp-d" {
			in.DesiredState = types.RequestedPipeStateStopped
		}
		if n == "other" {
			in.Target = aws.String(otherFunction)
		}
		h.create(t, in)
	}
	h.waitState(t, "kp-d", types.PipeStateStopped)
	for _, n := range []string{"kp-a", "kp-b", "kp-c", "kp-e", "other"} {
		h.waitState(t, n, types.PipeStateRunning)
	}

	var names []string
	pages := 0
	p := pipessdk.NewListPipesPaginator(h.client, &pipessdk.ListPipesInput{NamePrefix: aws.String("kp-"), Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range out.Pipes {
			names = append(names, aws.ToString(e.Name))
			if aws.ToString(e.Source) != testCluster || e.CreationTime == nil || e.LastModifiedTime == nil || aws.ToString(e.Arn) == "" {
				t.Fatalf("entry %+v", e)
			}
		}
	}
	if fmt.Sprint(names) != "[kp-a kp-b kp-c kp-d kp-e]" || pages != 3 {
		t.Fatalf("names %v in %d pages", names, pages)
	}

	filters := []struct {
		in   pipessdk.ListPipesInput
		want string
	}{
		{pipessdk.ListPipesInput{DesiredState: types.RequestedPipeStateStopped}, "[kp-d]"},
		{pipessdk.ListPipesInput{CurrentState: types.PipeStateStopped}, "[kp-d]"},
		{pipessdk.ListPipesInput{CurrentState: types.PipeStateRunning, NamePrefix: aws.String("kp-a")}, "[kp-a]"},
		{pipessdk.ListPipesInput{TargetPrefix: aws.String(otherFunction)}, "[other]"},
		{pipessdk.ListPipesInput{SourcePrefix: aws.String("arn:aws:kafka:us-east-1:000000000000:cluster/orders/")}, "[kp-a kp-b kp-c kp-d kp-e other]"},
		{pipessdk.ListPipesInput{SourcePrefix: aws.String("arn:aws:sqs")}, "[]"},
	}
	for _, f := range filters {
		out, err := h.client.ListPipes(ctx, &f.in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range out.Pipes {
			got = append(got, aws.ToString(e.Name))
		}
		if fmt.Sprint(got) != f.want {
			t.Fatalf("filter %+v: got %v, want %s", f.in, got, f.want)
		}
	}

	bad := []struct {
		in    pipessdk.ListPipesInput
		field string
	}{
		{pipessdk.ListPipesInput{Limit: aws.Int32(0)}, "Limit"},
		{pipessdk.ListPipesInput{Limit: aws.Int32(101)}, "Limit"},
		{pipessdk.ListPipesInput{CurrentState: "SLEEPING"}, "CurrentState"},
		{pipessdk.ListPipesInput{DesiredState: "DELETED"}, "DesiredState"},
		{pipessdk.ListPipesInput{NamePrefix: aws.String("bad prefix")}, "NamePrefix"},
		{pipessdk.ListPipesInput{NextToken: aws.String("garbage")}, "NextToken"},
	}
	for _, b := range bad {
		_, err := h.client.ListPipes(ctx, &b.in)
		expectField(t, err, b.field)
	}
}

func TestPipeTags(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	arn := h.create(t, createInput("tagged"))
	if _, err := h.client.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: map[string]string{"env": "dev", "team": "a"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UntagResource(ctx, &pipessdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.ListTagsForResource(ctx, &pipessdk.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 2 || out.Tags["team"] != "a" || out.Tags["kafkapipeline.io/owner"] != "ns/name" {
		t.Fatalf("tags %v", out.Tags)
	}
	if d := h.describe(t, "tagged"); d.Tags["team"] != "a" {
		t.Fatalf("describe tags %v", d.Tags)
	}

	many := map[string]string{}
	for i := 0; i < 49; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = h.client.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	expectField(t, err, "tags")
	_, err = h.client.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{}})
	expectField(t, err, "tags")
	_, err = h.client.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"k": strings.Repeat("v", 257)}})
	expectField(t, err, "tags.k")

	missing := "arn:aws:pipes:us-east-1:000000000000:pipe/missing"
	_, err = h.client.ListTagsForResource(ctx, &pipessdk.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
	if e := lawstest.ExpectError[*types.NotFoundException](t, err); aws.ToString(e.Message) != "Pipe missing does not exist." {
		t.Fatalf("message %q", aws.ToString(e.Message))
	}
	_, err = h.client.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(missing), Tags: map[string]string{"a": "b"}})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.UntagResource(ctx, &pipessdk.UntagResourceInput{ResourceArn: aws.String(missing), TagKeys: []string{"a"}})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.ListTagsForResource(ctx, &pipessdk.ListTagsForResourceInput{ResourceArn: aws.String("not-an-arn")})
	expectField(t, err, "resourceArn")
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	_, err = h.client.UntagResource(ctx, &pipessdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: keys})
	expectField(t, err, "tagKeys")
}

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

func TestCreatePipeValidation(t *testing.T) {
	h := newHarness(t, 0)
	const msk = "SourceParameters.ManagedStreamingKafkaParameters"
	manyTags := map[string]string{}
	for i := 0; i < 51; i++ {
		manyTags[fmt.Sprintf("k%d", i)] = "v"
	}
	sixFilters := make([]types.Filter, 6)
	for i := range sixFilters {
		sixFilters[i] = types.Filter{Pattern: aws.String(`{"a":["b"]}`)}
	}
	cases := []struct {
		field string
		edit  func(in *pipessdk.CreatePipeInput)
	}{
		{"Name", func(in *pipessdk.CreatePipeInput) { in.Name = aws.String("bad name!") }},
		{"Name", func(in *pipessdk.CreatePipeInput) { in.Name = aws.String(strings.Repeat("n", 65)) }},
		{"RoleArn", func(in *pipessdk.CreatePipeInput) { in.RoleArn = aws.String("arn:aws:iam::123:role/x") }},
		{"Description", func(in *pipessdk.CreatePipeInput) { in.Description = aws.String(strings.Repeat("d", 513)) }},
		{"DesiredState", func(in *pipessdk.CreatePipeInput) { in.DesiredState = "PAUSED" }},
		{"Source", func(in *pipessdk.CreatePipeInput) { in.Source = aws.String("arn:aws:sqs:us-east-1:000000000000:q") }},
		{"Target", func(in *pipessdk.CreatePipeInput) { in.Target = aws.String("arn:aws:sqs:us-east-1:000000000000:q") }},
		{"Target", func(in *pipessdk.CreatePipeInput) { in.Target = aws.String("not-an-arn") }},
		{msk + ".BatchSize", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.BatchSize = aws.Int32(0)
		}},
		{msk + ".BatchSize", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.BatchSize = aws.Int32(10001)
		}},
		{msk + ".MaximumBatchingWindowInSeconds", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.MaximumBatchingWindowInSeconds = aws.Int32(301)
		}},
		{msk + ".TopicName", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.TopicName = aws.String("bad topic")
		}},
		{msk + ".TopicName", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.TopicName = aws.String(strings.Repeat("t", 250))
		}},
		{msk + ".ConsumerGroupID", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.ConsumerGroupID = aws.String("bad group!")
		}},
		{msk + ".StartingPosition", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.StartingPosition = "AT_TIMESTAMP"
		}},
		{msk + ".Credentials", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.ManagedStreamingKafkaParameters.Credentials = &types.MSKAccessCredentialsMemberSaslScram512Auth{Value: "secret"}
		}},
		{msk, func(in *pipessdk.CreatePipeInput) { in.SourceParameters.ManagedStreamingKafkaParameters = nil }},
		{msk, func(in *pipessdk.CreatePipeInput) { in.SourceParameters = nil }},
		{"SourceParameters.SqsQueueParameters", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.SqsQueueParameters = &types.PipeSourceSqsQueueParameters{BatchSize: aws.Int32(1)}
		}},
		{"SourceParameters.FilterCriteria.Filters", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.FilterCriteria = &types.FilterCriteria{Filters: sixFilters}
		}},
		{"SourceParameters.FilterCriteria.Filters.1.Pattern", func(in *pipessdk.CreatePipeInput) {
			in.SourceParameters.FilterCriteria = &types.FilterCriteria{Filters: []types.Filter{{Pattern: aws.String("not json")}}}
		}},
		{"TargetParameters.LambdaFunctionParameters.InvocationType", func(in *pipessdk.CreatePipeInput) {
			in.TargetParameters.LambdaFunctionParameters.InvocationType = "ASYNC"
		}},
		{"TargetParameters.InputTemplate", func(in *pipessdk.CreatePipeInput) {
			in.TargetParameters.InputTemplate = aws.String(strings.Repeat("x", 8193))
		}},
		{"TargetParameters.SqsQueueParameters", func(in *pipessdk.CreatePipeInput) {
			in.TargetParameters.SqsQueueParameters = &types.PipeTargetSqsQueueParameters{MessageGroupId: aws.String("g")}
		}},
		{"Tags", func(in *pipessdk.CreatePipeInput) { in.Tags = manyTags }},
		{"Tags.key", func(in *pipessdk.CreatePipeInput) { in.Tags = map[string]string{"aws:reserved": "x"} }},
		{"KmsKeyIdentifier", func(in *pipessdk.CreatePipeInput) { in.KmsKeyIdentifier = aws.String("bad key!") }},
		{"LogConfiguration.Level", func(in *pipessdk.CreatePipeInput) {
			in.LogConfiguration = &types.PipeLogConfigurationParameters{Level: "LOUD"}
		}},
		{"LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn", func(in *pipessdk.CreatePipeInput) {
			in.LogConfiguration = &types.PipeLogConfigurationParameters{Level: types.LogLevelError,
				CloudwatchLogsLogDestination: &types.CloudwatchLogsLogDestinationParameters{LogGroupArn: aws.String("arn:aws:s3:::bucket")}}
		}},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, tc.field), func(t *testing.T) {
			in := createInput(fmt.Sprintf("v%d", i))
			tc.edit(in)
			_, err := h.client.CreatePipe(context.Background(), in)
			expectField(t, err, tc.field)
		})
	}
	if out, err := h.client.ListPipes(context.Background(), &pipessdk.ListPipesInput{}); err != nil || len(out.Pipes) != 0 {
		t.Fatalf("invalid requests created pipes: %+v %v", out, err)
	}
}

func TestCreatePipeAcceptsOptionalMembers(t *testing.T) {
	h := newHarness(t, 0)
	in := createInput("full")
	in.Enrichment = aws.String("arn:aws:lambda:us-east-1:000000000000:function:enrich")
	in.EnrichmentParameters = &types.PipeEnrichmentParameters{InputTemplate: aws.String(`{"v": <$.value>}`)}
	in.KmsKeyIdentifier = aws.String("alias/pipes")
	in.LogConfiguration = &types.PipeLogConfigurationParameters{Level: types.LogLevelInfo,
		CloudwatchLogsLogDestination: &types.CloudwatchLogsLogDestinationParameters{
			LogGroupArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/aws/vendedlogs/pipes/full")},
		IncludeExecutionData: []types.IncludeExecutionDataOption{types.IncludeExecutionDataOptionAll}}
	in.SourceParameters.ManagedStreamingKafkaParameters.Credentials = &types.MSKAccessCredentialsMemberSaslScram512Auth{
		Value: "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_creds"}
	in.TargetParameters.InputTemplate = aws.String(`{"order": <$.value>}`)
	h.create(t, in)
	d := h.waitState(t, "full", types.PipeStateRunning)
	cred, ok := d.SourceParameters.ManagedStreamingKafkaParameters.Credentials.(*types.MSKAccessCredentialsMemberSaslScram512Auth)
	if aws.ToString(d.Enrichment) != aws.ToString(in.Enrichment) || aws.ToString(d.KmsKeyIdentifier) != "alias/pipes" ||
		d.LogConfiguration == nil || d.LogConfiguration.Level != types.LogLevelInfo ||
		aws.ToString(d.LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn) != aws.ToString(in.LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn) ||
		aws.ToString(d.EnrichmentParameters.InputTemplate) != `{"v": <$.value>}` || !ok || cred.Value != "arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_creds" ||
		aws.ToString(d.TargetParameters.InputTemplate) != `{"order": <$.value>}` {
		t.Fatalf("describe %+v", d)
	}

	// An empty InputTemplate removes it.
	_, err := h.client.UpdatePipe(context.Background(), &pipessdk.UpdatePipeInput{Name: aws.String("full"), RoleArn: aws.String(testRole),
		TargetParameters: &types.PipeTargetParameters{InputTemplate: aws.String("")}})
	if err != nil {
		t.Fatal(err)
	}
	d = h.waitState(t, "full", types.PipeStateRunning)
	if d.TargetParameters.InputTemplate != nil || d.TargetParameters.LambdaFunctionParameters == nil {
		t.Fatalf("target parameters %+v", d.TargetParameters)
	}
}

func TestCreatePipeReferencesMustExist(t *testing.T) {
	h := newHarness(t, 0)
	in := createInput("dangling")
	in.Source = aws.String("arn:aws:kafka:us-east-1:000000000000:cluster/none/6c1b1a8e-2222-4000-8000-000000000000-s1")
	_, err := h.client.CreatePipe(context.Background(), in)
	expectField(t, err, "Source")
	in = createInput("dangling")
	in.Target = aws.String("arn:aws:lambda:us-east-1:000000000000:function:none")
	_, err = h.client.CreatePipe(context.Background(), in)
	expectField(t, err, "Target")
}

func TestCreatePipeDuplicateAndQuota(t *testing.T) {
	h := newHarness(t, 2)
	ctx := context.Background()
	h.create(t, createInput("one"))
	_, err := h.client.CreatePipe(ctx, createInput("one"))
	if e := lawstest.ExpectError[*types.ConflictException](t, err); aws.ToString(e.ResourceId) != "one" || aws.ToString(e.ResourceType) != "pipe" {
		t.Fatalf("conflict %+v", e)
	}
	h.create(t, createInput("two"))
	_, err = h.client.CreatePipe(ctx, createInput("three"))
	e := lawstest.ExpectError[*types.ServiceQuotaExceededException](t, err)
	if aws.ToString(e.ResourceId) != "three" || aws.ToString(e.ServiceCode) != "pipes" || aws.ToString(e.QuotaCode) == "" {
		t.Fatalf("quota %+v", e)
	}
}

func TestMalformedRequests(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	_, err := h.client.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String("bad name")})
	expectField(t, err, "Name")
	_, err = h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String(strings.Repeat("n", 65))})
	expectField(t, err, "Name")
	_, err = h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String("x"), RoleArn: aws.String("role")})
	expectField(t, err, "RoleArn")
}

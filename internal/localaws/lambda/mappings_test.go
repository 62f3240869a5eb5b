package lambda

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

func mappingInput(fn, topic string) *lambdasdk.CreateEventSourceMappingInput {
	return &lambdasdk.CreateEventSourceMappingInput{FunctionName: aws.String(fn), EventSourceArn: aws.String(testCluster),
		Topics: []string{topic}, StartingPosition: types.EventSourcePositionLatest}
}

func (h *harness) waitMapping(t *testing.T, id string, state string) *lambdasdk.GetEventSourceMappingOutput {
	t.Helper()
	var last *lambdasdk.GetEventSourceMappingOutput
	lawstest.Eventually(t, "mapping "+id+" "+state, func() bool {
		out, err := h.client.GetEventSourceMapping(context.Background(), &lambdasdk.GetEventSourceMappingInput{UUID: aws.String(id)})
		if err != nil {
			t.Fatalf("GetEventSourceMapping: %v", err)
		}
		last = out
		return aws.ToString(out.State) == state
	})
	return last
}

func (h *harness) waitRunner(t *testing.T, want ...string) {
	t.Helper()
	lawstest.Eventually(t, "runner calls", func() bool { return slices.Equal(h.runner.history(), want) })
}

func TestCreateEventSourceMappingValidation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustActive(t, "consumer")
	cases := []struct {
		name       string
		mutate     func(*lambdasdk.CreateEventSourceMappingInput)
		validation string
		invalid    string
		notFound   bool
	}{
		{"two topics", func(in *lambdasdk.CreateEventSourceMappingInput) { in.Topics = []string{"a", "b"} }, "at 'topics'", "", false},
		{"no topics", func(in *lambdasdk.CreateEventSourceMappingInput) { in.Topics = nil }, "", "Topics must be specified", false},
		{"no starting position", func(in *lambdasdk.CreateEventSourceMappingInput) { in.StartingPosition = "" }, "", "StartingPosition is required", false},
		{"timestamp missing", func(in *lambdasdk.CreateEventSourceMappingInput) {
			in.StartingPosition = types.EventSourcePositionAtTimestamp
		}, "", "StartingPositionTimestamp", false},
		{"batch size 0", func(in *lambdasdk.CreateEventSourceMappingInput) { in.BatchSize = aws.Int32(0) }, "at 'batchSize'", "", false},
		{"batch size 10001", func(in *lambdasdk.CreateEventSourceMappingInput) { in.BatchSize = aws.Int32(10001) }, "less than or equal to 10000", "", false},
		{"window 301", func(in *lambdasdk.CreateEventSourceMappingInput) { in.MaximumBatchingWindowInSeconds = aws.Int32(301) }, "at 'maximumBatchingWindowInSeconds'", "", false},
		{"missing cluster", func(in *lambdasdk.CreateEventSourceMappingInput) {
			in.EventSourceArn = aws.String("arn:aws:kafka:us-east-1:000000000000:cluster/none/11111111-2222-3333-4444-555555555555-s1")
		}, "", "does not exist", false},
		{"sqs source", func(in *lambdasdk.CreateEventSourceMappingInput) { in.EventSourceArn = aws.String(testQueue) }, "", "only Amazon MSK", false},
		{"missing function", func(in *lambdasdk.CreateEventSourceMappingInput) { in.FunctionName = aws.String("absent") }, "", "", true},
		{"missing destination", func(in *lambdasdk.CreateEventSourceMappingInput) {
			in.DestinationConfig = &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String("arn:aws:sqs:us-east-1:000000000000:gone")}}
		}, "", "arn:aws:sqs:us-east-1:000000000000:gone", false},
		{"destination without permission", func(in *lambdasdk.CreateEventSourceMappingInput) {
			in.DestinationConfig = &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(testQueue)}}
		}, "", "does not have permissions to call SendMessage", false},
		{"bad consumer group", func(in *lambdasdk.CreateEventSourceMappingInput) {
			in.AmazonManagedKafkaEventSourceConfig = &types.AmazonManagedKafkaEventSourceConfig{ConsumerGroupId: aws.String("bad group!")}
		}, "consumerGroupId", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := mappingInput("consumer", "orders")
			tc.mutate(in)
			_, err := h.client.CreateEventSourceMapping(ctx, in)
			switch {
			case tc.validation != "":
				wantValidation(t, err, tc.validation)
			case tc.notFound:
				wantError[*types.ResourceNotFoundException](t, err, "Function not found")
			default:
				wantError[*types.InvalidParameterValueException](t, err, tc.invalid)
			}
		})
	}
}

func TestEventSourceMappingLifecycle(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustActive(t, "consumer")
	h.iam.grant(testRole, "sqs:SendMessage", testQueue)
	lawstest.Hold(t, h.timings, lifecycle.MappingCreate)
	in := mappingInput("consumer", "orders")
	in.BatchSize = aws.Int32(10)
	in.DestinationConfig = &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(testQueue)}}
	in.Tags = map[string]string{"team": "a"}
	created, err := h.client.CreateEventSourceMapping(ctx, in)
	if err != nil {
		t.Fatalf("CreateEventSourceMapping: %v", err)
	}
	id := aws.ToString(created.UUID)
	if aws.ToString(created.State) != "Creating" || aws.ToString(created.StateTransitionReason) != "USER_INITIATED" ||
		aws.ToInt32(created.BatchSize) != 10 || aws.ToString(created.EventSourceArn) != testCluster ||
		aws.ToString(created.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:consumer" ||
		!slices.Equal(created.Topics, []string{"orders"}) || created.StartingPosition != types.EventSourcePositionLatest ||
		aws.ToString(created.AmazonManagedKafkaEventSourceConfig.ConsumerGroupId) != id ||
		aws.ToString(created.EventSourceMappingArn) != "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"+id ||
		aws.ToString(created.DestinationConfig.OnFailure.Destination) != testQueue {
		t.Fatalf("create output = %+v", created)
	}
	_, err = h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id), BatchSize: aws.Int32(5)})
	wantError[*types.ResourceInUseException](t, err, "in use")
	_, err = h.client.DeleteEventSourceMapping(ctx, &lambdasdk.DeleteEventSourceMappingInput{UUID: aws.String(id)})
	wantError[*types.ResourceInUseException](t, err, "in use")
	_, err = h.client.CreateEventSourceMapping(ctx, mappingInput("consumer", "orders"))
	wantError[*types.ResourceConflictException](t, err,
		`The event source arn (" `+testCluster+` ") and function (" consumer ") provided mapping already exists. Please update or delete the existing mapping with UUID `+id)

	lawstest.Release(t, h.timings, lifecycle.MappingCreate)
	second, err := h.client.CreateEventSourceMapping(ctx, mappingInput("consumer", "payments"))
	if err != nil {
		t.Fatal(err)
	}
	id2 := aws.ToString(second.UUID)
	h.waitMapping(t, id2, "Enabled")
	h.waitRunner(t, "run:"+id2)
	if v, ok := h.svc.EventSourceMapping(id2); !ok || v.Topic != "payments" || v.BatchSize != 100 ||
		v.MaximumBatchingWindow != 500*time.Millisecond || v.ConsumerGroupID != id2 || !v.Enabled {
		t.Fatalf("view = %+v, %v", v, ok)
	}

	upd, err := h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2),
		BatchSize: aws.Int32(50), MaximumBatchingWindowInSeconds: aws.Int32(2)})
	if err != nil || aws.ToString(upd.State) != "Updating" || aws.ToInt32(upd.BatchSize) != 50 {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	h.waitMapping(t, id2, "Enabled")
	h.waitRunner(t, "run:"+id2, "stop:"+id2, "run:"+id2)
	h.runner.mu.Lock()
	if last := h.runner.last[id2]; last.BatchSize != 50 || last.MaximumBatchingWindow != 2*time.Second {
		t.Fatalf("runner got %+v", last)
	}
	h.runner.mu.Unlock()

	dis, err := h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2), Enabled: aws.Bool(false)})
	if err != nil || aws.ToString(dis.State) != "Disabling" {
		t.Fatalf("disable = %+v, %v", dis, err)
	}
	h.waitMapping(t, id2, "Disabled")
	h.waitRunner(t, "run:"+id2, "stop:"+id2, "run:"+id2, "stop:"+id2)
	en, err := h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2), Enabled: aws.Bool(true)})
	if err != nil || aws.ToString(en.State) != "Enabling" {
		t.Fatalf("enable = %+v, %v", en, err)
	}
	h.waitMapping(t, id2, "Enabled")

	_, err = h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2),
		AmazonManagedKafkaEventSourceConfig: &types.AmazonManagedKafkaEventSourceConfig{ConsumerGroupId: aws.String("other")}})
	wantError[*types.InvalidParameterValueException](t, err, "ConsumerGroupId cannot be updated")
	_, err = h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2), BatchSize: aws.Int32(0)})
	wantValidation(t, err, "at 'batchSize'")
	_, err = h.client.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(id2), FunctionName: aws.String("absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
	_, err = h.client.GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: aws.String("5e3b1c1e-0000-4000-8000-000000000000")})
	wantError[*types.ResourceNotFoundException](t, err, "The resource you requested does not exist.")

	lawstest.Hold(t, h.timings, lifecycle.MappingDelete)
	del, err := h.client.DeleteEventSourceMapping(ctx, &lambdasdk.DeleteEventSourceMappingInput{UUID: aws.String(id2)})
	if err != nil || aws.ToString(del.State) != "Deleting" {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	h.waitMapping(t, id2, "Deleting")
	_, err = h.client.DeleteEventSourceMapping(ctx, &lambdasdk.DeleteEventSourceMappingInput{UUID: aws.String(id2)})
	wantError[*types.ResourceInUseException](t, err, "")
	lawstest.Release(t, h.timings, lifecycle.MappingDelete)
	third, err := h.client.CreateEventSourceMapping(ctx, mappingInput("consumer", "audit"))
	if err != nil {
		t.Fatal(err)
	}
	id3 := aws.ToString(third.UUID)
	h.waitMapping(t, id3, "Enabled")
	if _, err := h.client.DeleteEventSourceMapping(ctx, &lambdasdk.DeleteEventSourceMappingInput{UUID: aws.String(id3)}); err != nil {
		t.Fatal(err)
	}
	lawstest.Eventually(t, "mapping deletion", func() bool {
		_, err := h.client.GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: aws.String(id3)})
		return err != nil
	})
	_, err = h.client.GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: aws.String(id3)})
	wantError[*types.ResourceNotFoundException](t, err, "")
	lawstest.Eventually(t, "runner stop after delete", func() bool {
		calls := h.runner.history()
		return len(calls) > 0 && calls[len(calls)-1] == "stop:"+id3
	})
}

func TestListEventSourceMappingsAndViews(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustActive(t, "f1")
	h.mustActive(t, "f2")
	other := "arn:aws:kafka:us-east-1:000000000000:cluster/c2/9a8b7c6d-1111-2222-3333-444455556666-s1"
	h.clusters[other] = "ACTIVE"
	var ids []string
	for _, in := range []*lambdasdk.CreateEventSourceMappingInput{mappingInput("f1", "t1"), mappingInput("f1", "t2"),
		mappingInput("f2", "t1")} {
		out, err := h.client.CreateEventSourceMapping(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.UUID))
	}
	ts := float64(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Unix())
	at := mappingInput("f2", "t9")
	at.EventSourceArn = aws.String(other)
	at.StartingPosition = types.EventSourcePositionAtTimestamp
	at.StartingPositionTimestamp = aws.Time(time.Unix(int64(ts), 0))
	at.Enabled = aws.Bool(false)
	atOut, err := h.client.CreateEventSourceMapping(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	h.waitMapping(t, aws.ToString(atOut.UUID), "Disabled")

	collect := func(in *lambdasdk.ListEventSourceMappingsInput) []string {
		var got []string
		p := lambdasdk.NewListEventSourceMappingsPaginator(h.client, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range out.EventSourceMappings {
				got = append(got, aws.ToString(m.UUID))
			}
		}
		return got
	}
	if got := collect(&lambdasdk.ListEventSourceMappingsInput{FunctionName: aws.String("f1"), MaxItems: aws.Int32(1)}); !slices.Equal(got, ids[:2]) {
		t.Fatalf("by function = %v, want %v", got, ids[:2])
	}
	if got := collect(&lambdasdk.ListEventSourceMappingsInput{EventSourceArn: aws.String(testCluster)}); !slices.Equal(got, ids) {
		t.Fatalf("by source = %v, want %v", got, ids)
	}
	if got := collect(&lambdasdk.ListEventSourceMappingsInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f2"),
		EventSourceArn: aws.String(other)}); !slices.Equal(got, []string{aws.ToString(atOut.UUID)}) {
		t.Fatalf("by both = %v", got)
	}
	_, err = h.client.ListEventSourceMappings(ctx, &lambdasdk.ListEventSourceMappingsInput{MaxItems: aws.Int32(0)})
	wantValidation(t, err, "at 'maxItems'")
	_, err = h.client.ListEventSourceMappings(ctx, &lambdasdk.ListEventSourceMappingsInput{Marker: aws.String("x")})
	wantError[*types.InvalidParameterValueException](t, err, "marker")

	views := h.svc.EventSourceMappings()
	if len(views) != 4 || views[0].UUID != ids[0] {
		t.Fatalf("EventSourceMappings() = %+v", views)
	}
	if v := views[3]; v.StartingPosition != "AT_TIMESTAMP" || !v.StartingPositionTimestamp.Equal(time.Unix(int64(ts), 0)) || v.Enabled {
		t.Fatalf("AT_TIMESTAMP view = %+v", v)
	}
	if _, err := json.Marshal(h.svc.Snapshot()); err != nil {
		t.Fatalf("Snapshot is not JSON: %v", err)
	}
	for _, id := range ids {
		h.waitMapping(t, id, "Enabled")
	}
	h.svc.Reset()
	lawstest.Eventually(t, "stops after reset", func() bool {
		stops := 0
		for _, c := range h.runner.history() {
			if len(c) > 5 && c[:5] == "stop:" {
				stops++
			}
		}
		return stops == 3
	})
	if len(h.svc.EventSourceMappings()) != 0 {
		t.Fatal("Reset kept mappings")
	}
	if _, ok := h.svc.Function("f1"); ok {
		t.Fatal("Reset kept functions")
	}
}

package pipes

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

func TestCreatePipeGoesCreatingThenRunning(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	lawstest.Hold(t, h.timings, lifecycle.PipeCreate)
	out, err := h.client.CreatePipe(ctx, createInput("held"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Arn) != "arn:aws:pipes:us-east-1:000000000000:pipe/held" || aws.ToString(out.Name) != "held" ||
		out.CurrentState != types.PipeStateCreating || out.DesiredState != types.RequestedPipeStateRunning ||
		out.CreationTime == nil || time.Since(*out.CreationTime) > time.Minute || out.LastModifiedTime == nil {
		t.Fatalf("create response %+v", out)
	}
	if d := h.describe(t, "held"); d.CurrentState != types.PipeStateCreating {
		t.Fatalf("state %s", d.CurrentState)
	}

	lawstest.Release(t, h.timings, lifecycle.PipeCreate)
	arn := h.create(t, createInput("orders"))
	d := h.waitState(t, "orders", types.PipeStateRunning)
	m := d.SourceParameters.ManagedStreamingKafkaParameters
	if aws.ToString(d.Arn) != arn || aws.ToString(d.Source) != testCluster || aws.ToString(d.Target) != testFunction ||
		aws.ToString(d.RoleArn) != testRole || aws.ToString(d.Description) != "orders to handler" ||
		d.DesiredState != types.RequestedPipeStateDescribeResponseRunning || aws.ToString(d.StateReason) != "" ||
		d.Tags["kafkapipeline.io/owner"] != "ns/name" {
		t.Fatalf("describe %+v", d)
	}
	if aws.ToString(m.TopicName) != "orders-topic" || m.StartingPosition != types.MSKStartPositionTrimHorizon ||
		aws.ToInt32(m.BatchSize) != 100 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 0 || m.ConsumerGroupID != nil {
		t.Fatalf("source parameters %+v", m)
	}
	if d.TargetParameters.LambdaFunctionParameters.InvocationType != types.PipeTargetInvocationTypeRequestResponse {
		t.Fatalf("target parameters %+v", d.TargetParameters)
	}

	v, ok := h.svc.Pipe(arn)
	if !ok || v.Name != "orders" || v.SourceClusterARN != testCluster || v.Topic != "orders-topic" ||
		v.StartingPosition != "TRIM_HORIZON" || v.BatchSize != 100 || v.TargetARN != testFunction ||
		v.InvocationType != "REQUEST_RESPONSE" || v.CurrentState != "RUNNING" || v.DesiredState != "RUNNING" || len(v.ConsumerGroupID) != 36 {
		t.Fatalf("view %+v", v)
	}
	lawstest.Eventually(t, "Runner.Run", func() bool { return h.runner.log() == "run orders" })
	if rv := h.runner.view(arn); rv.ConsumerGroupID != v.ConsumerGroupID || rv.CurrentState != "RUNNING" {
		t.Fatalf("runner view %+v", rv)
	}

	// A pipe re-created under the same name gets a new default consumer group, as on AWS.
	if _, err := h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	h.waitGone(t, arn)
	time.Sleep(time.Millisecond) // creation times must differ; the clock only needs to move
	h.create(t, createInput("orders"))
	h.waitState(t, "orders", types.PipeStateRunning)
	if v2, _ := h.svc.Pipe(arn); v2.ConsumerGroupID == v.ConsumerGroupID {
		t.Fatal("re-created pipe reused the default consumer group")
	}
}

func TestCreatePipeDesiredStoppedSettlesStopped(t *testing.T) {
	h := newHarness(t, 0)
	in := createInput("quiet")
	in.DesiredState = types.RequestedPipeStateStopped
	h.create(t, in)
	d := h.waitState(t, "quiet", types.PipeStateStopped)
	if d.DesiredState != types.RequestedPipeStateDescribeResponseStopped {
		t.Fatalf("desired %s", d.DesiredState)
	}
	if got := h.runner.log(); got != "" {
		t.Fatalf("runner calls %q", got)
	}
}

func TestCreatePipePermissionChecksFailAsynchronously(t *testing.T) {
	group := "arn:aws:kafka:us-east-1:000000000000:group/orders/6c1b1a8e-1111-4000-8000-000000000000-s1/billing"
	topic := "arn:aws:kafka:us-east-1:000000000000:topic/orders/6c1b1a8e-1111-4000-8000-000000000000-s1/orders-topic"
	cases := []struct{ action, resource string }{
		{"kafka:DescribeClusterV2", testCluster},
		{"kafka:GetBootstrapBrokers", testCluster},
		{"kafka-cluster:Connect", testCluster},
		{"kafka-cluster:DescribeTopic", topic},
		{"kafka-cluster:ReadData", topic},
		{"kafka-cluster:DescribeGroup", group},
		{"kafka-cluster:AlterGroup", group},
		{"ec2:CreateNetworkInterface", "*"},
		{"ec2:DescribeNetworkInterfaces", "*"},
		{"ec2:DescribeVpcs", "*"},
		{"ec2:DeleteNetworkInterface", "*"},
		{"ec2:DescribeSubnets", "*"},
		{"ec2:DescribeSecurityGroups", "*"},
		{"lambda:InvokeFunction", testFunction},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			h := newHarness(t, 0)
			h.world.deny(tc.action, tc.resource)
			in := createInput("denied")
			in.SourceParameters.ManagedStreamingKafkaParameters.ConsumerGroupID = aws.String("billing")
			h.create(t, in)
			d := h.waitState(t, "denied", types.PipeStateCreateFailed)
			reason := aws.ToString(d.StateReason)
			if !strings.Contains(reason, tc.action+" on "+tc.resource) || !strings.Contains(reason, testRole) {
				t.Fatalf("StateReason %q does not name %s on %s", reason, tc.action, tc.resource)
			}
			if got := h.runner.log(); got != "" {
				t.Fatalf("runner calls %q", got)
			}
		})
	}
}

func TestCreatePipeDefaultGroupNeedsGroupPermission(t *testing.T) {
	h := newHarness(t, 0)
	arn := h.create(t, createInput("dflt"))
	h.waitState(t, "dflt", types.PipeStateRunning)
	v, _ := h.svc.Pipe(arn)
	h.world.deny("kafka-cluster:AlterGroup",
		"arn:aws:kafka:us-east-1:000000000000:group/orders/6c1b1a8e-1111-4000-8000-000000000000-s1/"+v.ConsumerGroupID)
	if _, err := h.client.UpdatePipe(context.Background(), &pipessdk.UpdatePipeInput{Name: aws.String("dflt"), RoleArn: aws.String(testRole)}); err != nil {
		t.Fatal(err)
	}
	d := h.waitState(t, "dflt", types.PipeStateUpdateFailed)
	if !strings.Contains(aws.ToString(d.StateReason), v.ConsumerGroupID) {
		t.Fatalf("StateReason %q", aws.ToString(d.StateReason))
	}
}

func TestCreatePipeRoleNotAssumableOrClusterNotActive(t *testing.T) {
	h := newHarness(t, 0)
	h.world.mu.Lock()
	h.world.unassuming[testRole] = "the role was created 2s ago and has not propagated"
	h.world.mu.Unlock()
	h.create(t, createInput("young-role"))
	d := h.waitState(t, "young-role", types.PipeStateCreateFailed)
	if r := aws.ToString(d.StateReason); !strings.Contains(r, "Unable to assume the execution role "+testRole) || !strings.Contains(r, "not propagated") {
		t.Fatalf("StateReason %q", r)
	}

	h.world.allowAll()
	h.world.setCluster(testCluster, "CREATING")
	h.create(t, createInput("early"))
	d = h.waitState(t, "early", types.PipeStateCreateFailed)
	if r := aws.ToString(d.StateReason); !strings.Contains(r, "CREATING") {
		t.Fatalf("StateReason %q", r)
	}

	// Once the cluster is ACTIVE, updating the failed pipe makes it run.
	h.world.setCluster(testCluster, "ACTIVE")
	if _, err := h.client.UpdatePipe(context.Background(), &pipessdk.UpdatePipeInput{Name: aws.String("early"), RoleArn: aws.String(testRole)}); err != nil {
		t.Fatal(err)
	}
	if d := h.waitState(t, "early", types.PipeStateRunning); aws.ToString(d.StateReason) != "" {
		t.Fatalf("StateReason kept: %q", aws.ToString(d.StateReason))
	}
}

func TestUpdatePipe(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	in := createInput("upd")
	in.SourceParameters.FilterCriteria = &types.FilterCriteria{Filters: []types.Filter{{Pattern: aws.String(`{"value":{"kind":["order"]}}`)}}}
	in.SourceParameters.ManagedStreamingKafkaParameters.ConsumerGroupID = aws.String("billing")
	arn := h.create(t, in)
	created := h.waitState(t, "upd", types.PipeStateRunning)

	out, err := h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{
		Name: aws.String("upd"), RoleArn: aws.String(testRole), Description: aws.String("bigger batches"),
		SourceParameters: &types.UpdatePipeSourceParameters{ManagedStreamingKafkaParameters: &types.UpdatePipeSourceManagedStreamingKafkaParameters{
			BatchSize: aws.Int32(500), MaximumBatchingWindowInSeconds: aws.Int32(5)}},
		TargetParameters: &types.PipeTargetParameters{LambdaFunctionParameters: &types.PipeTargetLambdaFunctionParameters{
			InvocationType: types.PipeTargetInvocationTypeFireAndForget}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.CurrentState != types.PipeStateUpdating || !out.LastModifiedTime.After(*created.CreationTime) && !out.LastModifiedTime.Equal(*created.CreationTime) {
		t.Fatalf("update response %+v", out)
	}
	d := h.waitState(t, "upd", types.PipeStateRunning)
	m := d.SourceParameters.ManagedStreamingKafkaParameters
	if aws.ToInt32(m.BatchSize) != 500 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 5 ||
		aws.ToString(m.TopicName) != "orders-topic" || m.StartingPosition != types.MSKStartPositionTrimHorizon ||
		aws.ToString(m.ConsumerGroupID) != "billing" || aws.ToString(d.Description) != "bigger batches" ||
		d.SourceParameters.FilterCriteria == nil || len(d.SourceParameters.FilterCriteria.Filters) != 1 {
		t.Fatalf("after update: %+v %+v", m, d.SourceParameters.FilterCriteria)
	}
	lawstest.Eventually(t, "runner restart", func() bool { return h.runner.log() == "run upd, stop upd, run upd" })
	if v := h.runner.view(arn); v.BatchSize != 500 || v.InvocationType != "FIRE_AND_FORGET" || v.ConsumerGroupID != "billing" ||
		len(v.FilterPatterns) != 1 {
		t.Fatalf("runner view %+v", v)
	}

	// Sending ManagedStreamingKafkaParameters without BatchSize resets it; Filters: [] removes the filters.
	if _, err := h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{
		Name: aws.String("upd"), RoleArn: aws.String(testRole),
		SourceParameters: &types.UpdatePipeSourceParameters{
			FilterCriteria:                  &types.FilterCriteria{Filters: []types.Filter{}},
			ManagedStreamingKafkaParameters: &types.UpdatePipeSourceManagedStreamingKafkaParameters{MaximumBatchingWindowInSeconds: aws.Int32(2)},
		},
	}); err != nil {
		t.Fatal(err)
	}
	d = h.waitState(t, "upd", types.PipeStateRunning)
	m = d.SourceParameters.ManagedStreamingKafkaParameters
	if aws.ToInt32(m.BatchSize) != 100 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 2 || d.SourceParameters.FilterCriteria != nil {
		t.Fatalf("after reset: %+v filters %+v", m, d.SourceParameters.FilterCriteria)
	}
	// Fields not sent stay: the invocation type and description are unchanged.
	if d.TargetParameters.LambdaFunctionParameters.InvocationType != types.PipeTargetInvocationTypeFireAndForget ||
		aws.ToString(d.Description) != "bigger batches" {
		t.Fatalf("unsent fields changed: %+v %q", d.TargetParameters, aws.ToString(d.Description))
	}

	// DesiredState STOPPED through an update stops the pipe.
	if _, err := h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String("upd"), RoleArn: aws.String(testRole),
		DesiredState: types.RequestedPipeStateStopped}); err != nil {
		t.Fatal(err)
	}
	h.waitState(t, "upd", types.PipeStateStopped)
	lawstest.Eventually(t, "runner stop", func() bool { return strings.HasSuffix(h.runner.log(), "run upd, stop upd") })

	// A new target must exist.
	_, err = h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String("upd"), RoleArn: aws.String(testRole),
		Target: aws.String("arn:aws:lambda:us-east-1:000000000000:function:missing")})
	expectField(t, err, "Target")
	_, err = h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String("nope"), RoleArn: aws.String(testRole)})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	_, err = h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String("upd"), RoleArn: aws.String(testRole),
		SourceParameters: &types.UpdatePipeSourceParameters{ManagedStreamingKafkaParameters: &types.UpdatePipeSourceManagedStreamingKafkaParameters{
			BatchSize: aws.Int32(10001)}}})
	expectField(t, err, "SourceParameters.ManagedStreamingKafkaParameters.BatchSize")
}

func TestUpdatePipePermissionFailureThenFix(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	h.create(t, createInput("fixme"))
	h.waitState(t, "fixme", types.PipeStateRunning)
	h.world.deny("lambda:InvokeFunction", testFunction)
	update := &pipessdk.UpdatePipeInput{Name: aws.String("fixme"), RoleArn: aws.String(testRole)}
	if _, err := h.client.UpdatePipe(ctx, update); err != nil {
		t.Fatal(err)
	}
	d := h.waitState(t, "fixme", types.PipeStateUpdateFailed)
	if !strings.Contains(aws.ToString(d.StateReason), "lambda:InvokeFunction") {
		t.Fatalf("StateReason %q", aws.ToString(d.StateReason))
	}
	lawstest.Eventually(t, "runner stop", func() bool { return h.runner.log() == "run fixme, stop fixme" })
	_, err := h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: aws.String("fixme")})
	lawstest.ExpectError[*types.ConflictException](t, err)
	h.world.allowAll()
	if _, err := h.client.UpdatePipe(ctx, update); err != nil {
		t.Fatal(err)
	}
	h.waitState(t, "fixme", types.PipeStateRunning)
}

func TestStartAndStopPipe(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	h.create(t, createInput("toggle"))
	created := h.waitState(t, "toggle", types.PipeStateRunning)

	_, err := h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: aws.String("toggle")})
	lawstest.ExpectError[*types.ConflictException](t, err)

	lawstest.Hold(t, h.timings, lifecycle.PipeStop)
	out, err := h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String("toggle")})
	if err != nil {
		t.Fatal(err)
	}
	if out.CurrentState != types.PipeStateStopping || out.DesiredState != types.RequestedPipeStateStopped ||
		out.LastModifiedTime.Before(*created.LastModifiedTime) {
		t.Fatalf("stop response %+v", out)
	}
	_, err = h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String("toggle")})
	if e := lawstest.ExpectError[*types.ConflictException](t, err); aws.ToString(e.ResourceId) != "toggle" || aws.ToString(e.ResourceType) != "pipe" {
		t.Fatalf("conflict %+v", e)
	}
	lawstest.Eventually(t, "runner stop", func() bool { return h.runner.log() == "run toggle, stop toggle" })

	lawstest.Release(t, h.timings, lifecycle.PipeStop)
	h.create(t, createInput("toggle2"))
	h.waitState(t, "toggle2", types.PipeStateRunning)
	if _, err := h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String("toggle2")}); err != nil {
		t.Fatal(err)
	}
	h.waitState(t, "toggle2", types.PipeStateStopped)
	_, err = h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String("toggle2")})
	lawstest.ExpectError[*types.ConflictException](t, err)
	sout, err := h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: aws.String("toggle2")})
	if err != nil {
		t.Fatal(err)
	}
	if sout.CurrentState != types.PipeStateStarting || sout.DesiredState != types.RequestedPipeStateRunning {
		t.Fatalf("start response %+v", sout)
	}
	h.waitState(t, "toggle2", types.PipeStateRunning)

	for _, name := range []string{"missing"} {
		_, err := h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: aws.String(name)})
		lawstest.ExpectError[*types.NotFoundException](t, err)
		_, err = h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String(name)})
		lawstest.ExpectError[*types.NotFoundException](t, err)
	}
}

func TestStartPipeFailureThenStop(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	in := createInput("flaky")
	in.DesiredState = types.RequestedPipeStateStopped
	h.create(t, in)
	h.waitState(t, "flaky", types.PipeStateStopped)
	h.world.deny("kafka-cluster:Connect", testCluster)
	if _, err := h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: aws.String("flaky")}); err != nil {
		t.Fatal(err)
	}
	d := h.waitState(t, "flaky", types.PipeStateStartFailed)
	if !strings.Contains(aws.ToString(d.StateReason), "kafka-cluster:Connect") {
		t.Fatalf("StateReason %q", aws.ToString(d.StateReason))
	}
	if _, err := h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: aws.String("flaky")}); err != nil {
		t.Fatal(err)
	}
	h.waitState(t, "flaky", types.PipeStateStopped)
	if got := h.runner.log(); got != "" {
		t.Fatalf("runner calls %q", got)
	}
}

func TestTransitionalStatesConflict(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	lawstest.Hold(t, h.timings, lifecycle.PipeCreate)
	h.create(t, createInput("busy"))
	name := aws.String("busy")
	_, err := h.client.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: name, RoleArn: aws.String(testRole)})
	lawstest.ExpectError[*types.ConflictException](t, err)
	_, err = h.client.StartPipe(ctx, &pipessdk.StartPipeInput{Name: name})
	lawstest.ExpectError[*types.ConflictException](t, err)
	_, err = h.client.StopPipe(ctx, &pipessdk.StopPipeInput{Name: name})
	lawstest.ExpectError[*types.ConflictException](t, err)
	_, err = h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: name})
	e := lawstest.ExpectError[*types.ConflictException](t, err)
	if !strings.Contains(aws.ToString(e.Message), "CREATING") {
		t.Fatalf("message %q", aws.ToString(e.Message))
	}
}

func TestDeletePipe(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	arn := h.create(t, createInput("doomed"))
	h.waitState(t, "doomed", types.PipeStateRunning)
	lawstest.Hold(t, h.timings, lifecycle.PipeDelete)
	out, err := h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("doomed")})
	if err != nil {
		t.Fatal(err)
	}
	if out.CurrentState != types.PipeStateDeleting || out.DesiredState != types.RequestedPipeStateDescribeResponseDeleted || aws.ToString(out.Arn) != arn {
		t.Fatalf("delete response %+v", out)
	}
	if d := h.describe(t, "doomed"); d.CurrentState != types.PipeStateDeleting || d.DesiredState != types.RequestedPipeStateDescribeResponseDeleted {
		t.Fatalf("describe during delete %s/%s", d.CurrentState, d.DesiredState)
	}
	_, err = h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("doomed")})
	lawstest.ExpectError[*types.ConflictException](t, err)
	_, err = h.client.CreatePipe(ctx, createInput("doomed"))
	lawstest.ExpectError[*types.ConflictException](t, err)
	lawstest.Eventually(t, "runner stop", func() bool { return h.runner.log() == "run doomed, stop doomed" })

	lawstest.Release(t, h.timings, lifecycle.PipeDelete)
	arn2 := h.create(t, createInput("gone"))
	h.waitState(t, "gone", types.PipeStateRunning)
	if _, err := h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	h.waitGone(t, arn2)
	_, err = h.client.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String("gone")})
	if e := lawstest.ExpectError[*types.NotFoundException](t, err); aws.ToString(e.Message) != "Pipe gone does not exist." {
		t.Fatalf("message %q", aws.ToString(e.Message))
	}
	_, err = h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("gone")})
	lawstest.ExpectError[*types.NotFoundException](t, err)

	// A failed pipe can be deleted.
	h.world.deny("kafka:DescribeClusterV2", testCluster)
	arn3 := h.create(t, createInput("failed"))
	h.waitState(t, "failed", types.PipeStateCreateFailed)
	if _, err := h.client.DeletePipe(ctx, &pipessdk.DeletePipeInput{Name: aws.String("failed")}); err != nil {
		t.Fatal(err)
	}
	h.waitGone(t, arn3)
}

func TestResetStopsRunningPipes(t *testing.T) {
	h := newHarness(t, 0)
	arn := h.create(t, createInput("r1"))
	h.waitState(t, "r1", types.PipeStateRunning)
	in := createInput("r2")
	in.DesiredState = types.RequestedPipeStateStopped
	h.create(t, in)
	h.waitState(t, "r2", types.PipeStateStopped)
	if snap := h.svc.Snapshot().(map[string]describeResponse); len(snap) != 2 || snap[arn].CurrentState != "RUNNING" {
		t.Fatalf("snapshot %+v", snap)
	}
	h.svc.Reset()
	if got := h.runner.log(); got != "run r1, stop r1" {
		t.Fatalf("runner calls %q", got)
	}
	if _, ok := h.svc.Pipe(arn); ok {
		t.Fatal("pipe survived Reset")
	}
	if snap := h.svc.Snapshot().(map[string]describeResponse); len(snap) != 0 {
		t.Fatalf("snapshot after reset %+v", snap)
	}
}

func TestPipesAreRegional(t *testing.T) {
	h := newHarness(t, 0)
	west := pipessdk.NewFromConfig(h.cfg, func(o *pipessdk.Options) { o.Region = "us-west-2" })
	out, err := west.CreatePipe(context.Background(), createInput("regional"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Arn) != "arn:aws:pipes:us-west-2:000000000000:pipe/regional" {
		t.Fatalf("arn %s", aws.ToString(out.Arn))
	}
	_, err = h.client.DescribePipe(context.Background(), &pipessdk.DescribePipeInput{Name: aws.String("regional")})
	lawstest.ExpectError[*types.NotFoundException](t, err)
	h.create(t, createInput("regional"))
	list, err := h.client.ListPipes(context.Background(), &pipessdk.ListPipesInput{})
	if err != nil || len(list.Pipes) != 1 || !strings.Contains(aws.ToString(list.Pipes[0].Arn), "us-east-1") {
		t.Fatalf("list %+v %v", list, err)
	}
}

func TestThrottleIsThrottlingException(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	lawstest.AddFault(t, *h.cfg.BaseEndpoint, server.Fault{Service: "pipes", Operation: "ListPipes", Throttle: true})
	client := pipessdk.NewFromConfig(h.cfg, func(o *pipessdk.Options) { o.RetryMaxAttempts = 1 })
	_, err := client.ListPipes(ctx, &pipessdk.ListPipesInput{})
	lawstest.ExpectError[*types.ThrottlingException](t, err)
}

// reentrantRunner reads the pipe back from the service while being told it runs.
type reentrantRunner struct {
	svc  *Service
	mu   sync.Mutex
	seen []PipeView
}

func (r *reentrantRunner) Run(p PipeView) {
	v, ok := r.svc.Pipe(p.ARN)
	r.mu.Lock()
	defer r.mu.Unlock()
	if ok {
		r.seen = append(r.seen, v)
	}
}

func (r *reentrantRunner) Stop(string) {}

func TestRunnerMayCallBackIntoService(t *testing.T) {
	r := &reentrantRunner{}
	svc := New(Config{Timings: lawstest.Timings(t), Runner: r})
	r.svc = svc
	_, cfg := lawstest.Serve(t, svc)
	client := pipessdk.NewFromConfig(cfg)
	if _, err := client.CreatePipe(context.Background(), createInput("reentrant")); err != nil {
		t.Fatal(err)
	}
	lawstest.Eventually(t, "Run to read the pipe", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.seen) == 1 && r.seen[0].CurrentState == "RUNNING"
	})
}

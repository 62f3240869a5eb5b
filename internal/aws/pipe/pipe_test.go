package pipe_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/pipes"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

const (
	clusterARN  = "arn:aws:kafka:us-east-1:000000000000:cluster/kp-team-shared-1a2b3c4d-msk/751d2973-a626-431c-9d4e-d7975eb44dd7-s1"
	functionARN = "arn:aws:lambda:us-east-1:000000000000:function:kp-team-orders-5e6f7a8b-fn"
	roleARN     = "arn:aws:iam::000000000000:role/kafkapipeline/kp-team-orders-5e6f7a8b-pipe-role"
)

// waits are the Service's waits in these tests: not the defaults, so the outcomes show they are the ones
// given.
func waits() pipe.Waits { return pipe.Waits{Transition: 7 * time.Second} }

type env struct {
	srv     *server.Server
	api     *pipessdk.Client
	svc     *pipe.Service
	timings *lifecycle.Timings
}

// deniedRoles refuses every role, as IAM does for a role Pipes cannot assume.
type deniedRoles struct{}

func (deniedRoles) RoleAssumable(string, string) (bool, string) {
	return false, "Pipes could not assume the role: the trust policy does not allow pipes.amazonaws.com"
}
func (deniedRoles) RoleAllows(string, string, string) bool { return false }

func setup(t *testing.T, roles pipes.Roles) *env {
	t.Helper()
	tm := lawstest.Timings(t)
	srv, cfg := lawstest.Serve(t, pipes.New(pipes.Config{Timings: tm, Roles: roles}))
	api := pipessdk.NewFromConfig(cfg)
	return &env{srv: srv, api: api, svc: pipe.New(api, waits()), timings: tm}
}

func desired() pipe.Desired {
	return pipe.Desired{
		Name:                         "kp-team-orders-5e6f7a8b-pipe",
		RoleARN:                      roleARN,
		SourceClusterARN:             clusterARN,
		Topic:                        "orders",
		StartingPosition:             "LATEST",
		BatchSize:                    10,
		MaximumBatchingWindowSeconds: 0,
		ConsumerGroupID:              "kp-team-orders-5e6f7a8b-group",
		TargetFunctionARN:            functionARN,
		InvocationType:               "FIRE_AND_FORGET",
		DesiredState:                 pipe.StateRunning,
		Owner:                        tags.Owner{ClusterID: "test", Kind: "KafkaPipeline", Namespace: "team", Name: "orders", UID: "u-1"},
		Tags:                         map[string]string{"team": "data"},
	}
}

func TestEnsureCreatesOnceAndAdopts(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := desired()

	res, err := e.svc.Ensure(ctx, "", d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonCreating || w.After != waits().Transition {
		t.Fatalf("first Ensure = %v, want Waiting Creating", err)
	}
	arn := "arn:aws:pipes:us-east-1:000000000000:pipe/" + d.Name
	if !res.Created || res.Observed == nil || res.Observed.ARN != arn {
		t.Fatalf("first Ensure = %+v", res)
	}
	res = mustSettle(t, e.svc, arn, d)
	o := res.Observed
	if o.CurrentState != "RUNNING" || o.BatchSize != 10 || o.Topic != "orders" || o.InvocationType != "FIRE_AND_FORGET" ||
		o.ConsumerGroupID != d.ConsumerGroupID || o.StartingPosition != "LATEST" || res.Adopted {
		t.Fatalf("settled = %+v (observed %+v)", res, o)
	}
	before := awstest.Total(awstest.Writes(e.srv, "pipes"))
	if before != 1 {
		t.Fatalf("writes = %v, want one CreatePipe", awstest.Writes(e.srv, "pipes"))
	}
	if again, err := e.svc.Ensure(ctx, arn, d); err != nil || again.Updated || again.Created || again.Adopted {
		t.Fatalf("Ensure with hint = %+v, %v", again, err)
	}
	if adopted, err := e.svc.Ensure(ctx, "", d); err != nil || !adopted.Adopted || adopted.Observed.ARN != arn ||
		adopted.Observed.CurrentState != "RUNNING" {
		t.Fatalf("Ensure without hint = %+v, %v", adopted, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "pipes")); after != before {
		t.Fatalf("a ready pipe caused %d writes: %v", after-before, awstest.Writes(e.srv, "pipes"))
	}
	desc, err := e.api.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String(d.Name)})
	if err != nil || !maps.Equal(desc.Tags, d.Owner.Tags(pipe.Component, d.Tags)) || aws.ToString(desc.RoleArn) != roleARN {
		t.Fatalf("pipe = %+v, %v", desc, err)
	}
}

func TestEnsureWaitsWhileCreating(t *testing.T) {
	e := setup(t, nil)
	lawstest.Override(t, e.timings, lifecycle.PipeCreate, time.Hour)
	for i := range 3 {
		res, err := e.svc.Ensure(context.Background(), "", desired())
		if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonCreating || res.Observed == nil || res.Observed.ARN == "" {
			t.Fatalf("Ensure %d = %+v, %v", i, res, err)
		}
	}
	if n := awstest.Total(awstest.Writes(e.srv, "pipes")); n != 1 {
		t.Fatalf("writes = %v", awstest.Writes(e.srv, "pipes"))
	}
	// A pipe busy in a transition cannot be deleted yet: not gone, no error.
	if gone, err := e.svc.Delete(context.Background(), "", desired()); err != nil || gone {
		t.Fatalf("Delete while creating = %v, %v", gone, err)
	}
}

func TestNotOwnedPipeIsLeftAlone(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := desired()
	if _, err := e.api.CreatePipe(ctx, &pipessdk.CreatePipeInput{Name: aws.String(d.Name), RoleArn: aws.String(roleARN),
		Source: aws.String(clusterARN), Target: aws.String(functionARN),
		SourceParameters: &types.PipeSourceParameters{ManagedStreamingKafkaParameters: &types.PipeSourceManagedStreamingKafkaParameters{
			TopicName: aws.String("orders")}}}); err != nil {
		t.Fatal(err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "pipes"))
	res, err := e.svc.Ensure(ctx, "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || !strings.Contains(err.Error(), "left untouched") ||
		res.Observed != nil {
		t.Fatalf("Ensure = %+v, %v; want Terminal NotOwned", res, err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); err != nil || !gone {
		t.Fatalf("Delete = %v, %v", gone, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "pipes")); after != before {
		t.Fatalf("the foreign pipe got %d writes", after-before)
	}
	if _, err := e.api.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String(d.Name)}); err != nil {
		t.Fatalf("foreign pipe gone: %v", err)
	}
}

func TestDeleteTwice(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := desired()
	arn := mustSettle(t, e.svc, "", d).Observed.ARN
	lawstest.Override(t, e.timings, lifecycle.PipeDelete, 50*time.Millisecond)
	gone, err := e.svc.Delete(ctx, arn, d)
	if err != nil || gone {
		t.Fatalf("first Delete = %v, %v", gone, err)
	}
	awstest.UntilGone(t, func() (bool, error) { return e.svc.Delete(ctx, arn, d) })
	if gone, err := e.svc.Delete(ctx, arn, d); err != nil || !gone {
		t.Fatalf("Delete again = %v, %v", gone, err)
	}
	if n := awstest.Writes(e.srv, "pipes")["DeletePipe"]; n != 1 {
		t.Fatalf("DeletePipe called %d times", n)
	}
	var nf *types.NotFoundException
	if _, err := e.api.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String(d.Name)}); !errors.As(err, &nf) {
		t.Fatalf("DescribePipe after delete = %v", err)
	}
}

func TestEnsureRepairsDrift(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	d := desired()
	arn := mustSettle(t, e.svc, "", d).Observed.ARN

	otherRole := "arn:aws:iam::000000000000:role/other"
	if _, err := e.api.UpdatePipe(ctx, &pipessdk.UpdatePipeInput{Name: aws.String(d.Name), RoleArn: aws.String(otherRole),
		SourceParameters: &types.UpdatePipeSourceParameters{ManagedStreamingKafkaParameters: &types.UpdatePipeSourceManagedStreamingKafkaParameters{
			BatchSize: aws.Int32(500)}},
		TargetParameters: &types.PipeTargetParameters{LambdaFunctionParameters: &types.PipeTargetLambdaFunctionParameters{
			InvocationType: types.PipeTargetInvocationTypeRequestResponse}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.TagResource(ctx, &pipessdk.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"stray": "1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.UntagResource(ctx, &pipessdk.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	d.MaximumBatchingWindowSeconds = 5
	mustSettle(t, e.svc, arn, d) // wait for the out-of-band update to finish, then repair

	res := mustSettle(t, e.svc, arn, d)
	o := res.Observed
	if o.RoleARN != roleARN || o.BatchSize != 10 || o.MaximumBatchingWindowSeconds != 5 || o.InvocationType != "FIRE_AND_FORGET" {
		t.Fatalf("drift not repaired: %+v", o)
	}
	desc, err := e.api.DescribePipe(ctx, &pipessdk.DescribePipeInput{Name: aws.String(d.Name)})
	if err != nil || !maps.Equal(desc.Tags, d.Owner.Tags(pipe.Component, d.Tags)) {
		t.Fatalf("tags = %v, %v", desc.Tags, err)
	}
	k := desc.SourceParameters.ManagedStreamingKafkaParameters
	if aws.ToInt32(k.BatchSize) != 10 || aws.ToInt32(k.MaximumBatchingWindowInSeconds) != 5 || aws.ToString(k.TopicName) != "orders" {
		t.Fatalf("source parameters = %+v", k)
	}
	w := awstest.Writes(e.srv, "pipes")
	// One of each came from the test itself.
	if w["UpdatePipe"] != 2 || w["TagResource"] != 2 || w["UntagResource"] != 2 {
		t.Fatalf("writes = %v, want one repairing UpdatePipe, TagResource and UntagResource", w)
	}
}

func TestSuspendAndResume(t *testing.T) {
	e := setup(t, nil)
	d := desired()
	arn := mustSettle(t, e.svc, "", d).Observed.ARN

	d.DesiredState = pipe.StateStopped
	res, err := e.svc.Ensure(context.Background(), arn, d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonUpdating || !res.Updated {
		t.Fatalf("Ensure to stop = %+v, %v", res, err)
	}
	if res = mustSettle(t, e.svc, arn, d); res.Observed.CurrentState != "STOPPED" {
		t.Fatalf("stopped pipe = %+v", res.Observed)
	}
	d.DesiredState = pipe.StateRunning
	if res = mustSettle(t, e.svc, arn, d); res.Observed.CurrentState != "RUNNING" {
		t.Fatalf("resumed pipe = %+v", res.Observed)
	}
	w := awstest.Writes(e.srv, "pipes")
	if w["StopPipe"] != 1 || w["StartPipe"] != 1 || w["UpdatePipe"] != 0 {
		t.Fatalf("writes = %v", w)
	}
}

func TestCreateStoppedPipe(t *testing.T) {
	e := setup(t, nil)
	d := desired()
	d.DesiredState = pipe.StateStopped
	if res := mustSettle(t, e.svc, "", d); res.Observed.CurrentState != "STOPPED" {
		t.Fatalf("pipe = %+v", res.Observed)
	}
	if w := awstest.Writes(e.srv, "pipes"); awstest.Total(w) != 1 {
		t.Fatalf("writes = %v, want only CreatePipe", w)
	}
}

func TestEnsureRefusesImmutableChanges(t *testing.T) {
	e := setup(t, nil)
	d := desired()
	arn := mustSettle(t, e.svc, "", d).Observed.ARN
	before := awstest.Total(awstest.Writes(e.srv, "pipes"))
	for name, edit := range map[string]func(*pipe.Desired){
		"topic":             func(d *pipe.Desired) { d.Topic = "payments" },
		"starting position": func(d *pipe.Desired) { d.StartingPosition = "TRIM_HORIZON" },
		"consumer group":    func(d *pipe.Desired) { d.ConsumerGroupID = "other" },
		"source":            func(d *pipe.Desired) { d.SourceClusterARN = strings.Replace(clusterARN, "-s1", "-s2", 1) },
	} {
		changed := d
		edit(&changed)
		_, err := e.svc.Ensure(context.Background(), arn, changed)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), "cannot change") {
			t.Fatalf("%s: Ensure = %v, want Terminal InvalidSpec", name, err)
		}
	}
	if after := awstest.Total(awstest.Writes(e.srv, "pipes")); after != before {
		t.Fatalf("refused changes caused %d writes", after-before)
	}
}

func TestCreateFailedIsTerminalWithStateReason(t *testing.T) {
	e := setup(t, deniedRoles{})
	_, err := settle(t, e.svc, "", desired())
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonProvisioningFailed ||
		!strings.Contains(err.Error(), "CREATE_FAILED") || !strings.Contains(err.Error(), "Pipes could not assume the role") {
		t.Fatalf("Ensure = %v, want Terminal with the StateReason", err)
	}
}

func TestValidationErrorIsTerminal(t *testing.T) {
	e := setup(t, nil)
	d := desired()
	d.BatchSize = 20000
	_, err := e.svc.Ensure(context.Background(), "", d)
	var ve *types.ValidationException
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !errors.As(err, &ve) {
		t.Fatalf("Ensure = %v, want Terminal InvalidSpec (ValidationException)", err)
	}
}

// racingPipes creates the pipe with the same tags just before the service's own CreatePipe, as a second
// writer would.
type racingPipes struct {
	*pipessdk.Client
	raced bool
}

func (r *racingPipes) CreatePipe(ctx context.Context, in *pipessdk.CreatePipeInput, opts ...func(*pipessdk.Options)) (*pipessdk.CreatePipeOutput, error) {
	if !r.raced {
		r.raced = true
		if _, err := r.Client.CreatePipe(ctx, in, opts...); err != nil {
			return nil, err
		}
	}
	return r.Client.CreatePipe(ctx, in, opts...)
}

func TestCreateRaceAdoptsTheWinner(t *testing.T) {
	e := setup(t, nil)
	svc := pipe.New(&racingPipes{Client: e.api}, waits())
	res, err := svc.Ensure(context.Background(), "", desired())
	if _, waiting := outcome.AsWaiting(err); (err != nil && !waiting) || !res.Adopted || res.Created || res.Observed == nil {
		t.Fatalf("Ensure = %+v, %v; want the rival's pipe adopted", res, err)
	}
	var conflict int64
	for _, c := range e.srv.Calls() {
		if c.Operation == "CreatePipe" && c.Status == 409 {
			conflict += c.Count
		}
	}
	if conflict != 1 {
		t.Fatalf("CreatePipe conflicts = %d, want 1", conflict)
	}
}

// settle calls Ensure until it stops waiting.
func settle(t *testing.T, svc *pipe.Service, hint string, d pipe.Desired) (pipe.Result, error) {
	t.Helper()
	return awstest.Settle(t, func() (pipe.Result, error) { return svc.Ensure(context.Background(), hint, d) })
}

// mustSettle is settle failing the test on an error.
func mustSettle(t *testing.T, svc *pipe.Service, hint string, d pipe.Desired) pipe.Result {
	t.Helper()
	return awstest.MustSettle(t, func() (pipe.Result, error) { return svc.Ensure(context.Background(), hint, d) })
}

package esm_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

const (
	clusterARN = "arn:aws:kafka:us-east-1:000000000000:cluster/kp-team-shared-1a2b3c4d-msk/751d2973-a626-431c-9d4e-d7975eb44dd7-s1"
	roleARN    = "arn:aws:iam::000000000000:role/kafkapipeline/kp-team-orders-5e6f7a8b-fn-role"
	queueARN   = "arn:aws:sqs:us-east-1:000000000000:kp-team-orders-5e6f7a8b-dlq"
	function   = "kp-team-orders-5e6f7a8b-fn"
)

// roles lets Lambda assume every role and allows sending to queues only once granted, as IAM does while a
// new policy propagates.
type roles struct{ sendAllowed atomic.Bool }

func (*roles) RoleAssumable(string, string) (bool, string) { return true, "" }
func (r *roles) RoleAllows(_, action, _ string) bool {
	return action != "sqs:SendMessage" || r.sendAllowed.Load()
}

// waits are the Service's waits in these tests: not the defaults, so the outcomes show they are the ones
// given.
func waits() esm.Waits { return esm.Waits{Transition: 7 * time.Second} }

type env struct {
	srv     *server.Server
	api     *lambdasdk.Client
	svc     *esm.Service
	timings *lifecycle.Timings
	roles   *roles
}

func setup(t *testing.T) *env {
	t.Helper()
	tm := lawstest.Timings(t)
	r := &roles{}
	r.sendAllowed.Store(true)
	srv, cfg := lawstest.Serve(t, lambda.New(lambda.Config{Timings: tm, IAM: r}))
	api := lambdasdk.NewFromConfig(cfg)
	e := &env{srv: srv, api: api, svc: esm.New(api, waits()), timings: tm, roles: r}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	if _, err := zw.Create("bootstrap"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateFunction(context.Background(), &lambdasdk.CreateFunctionInput{FunctionName: aws.String(function),
		Role: aws.String(roleARN), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &types.FunctionCode{ZipFile: zipped.Bytes()}}); err != nil {
		t.Fatal(err)
	}
	// The tests count the mapping and tag writes they cause, not the function's creation.
	if err := adminclient.New(aws.ToString(cfg.BaseEndpoint)).ResetCalls(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

func desired() esm.Desired {
	return esm.Desired{
		FunctionName:                 function,
		ClusterARN:                   clusterARN,
		Topic:                        "orders",
		StartingPosition:             "LATEST",
		BatchSize:                    10,
		MaximumBatchingWindowSeconds: 1,
		ConsumerGroupID:              "kp-team-orders-5e6f7a8b-group",
		Enabled:                      true,
		OnFailureDestination:         queueARN,
		Owner:                        tags.Owner{ClusterID: "test", Kind: "KafkaPipeline", Namespace: "team", Name: "orders", UID: "u-1"},
		Tags:                         map[string]string{"team": "data"},
	}
}

// settle calls Ensure until it stops waiting, passing on the UUID it learns as the status would, and fails
// the test on an error.
func settle(t *testing.T, svc *esm.Service, hint string, d esm.Desired) esm.Result {
	t.Helper()
	return awstest.MustSettle(t, func() (esm.Result, error) {
		res, err := svc.Ensure(context.Background(), hint, d)
		if res.Observed != nil {
			hint = res.Observed.UUID
		}
		return res, err
	})
}

func TestEnsureCreatesOnceAndAdopts(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()

	res, err := e.svc.Ensure(ctx, "", d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonCreating || w.After != waits().Transition {
		t.Fatalf("first Ensure = %v, want Waiting Creating", err)
	}
	if !res.Created || res.Observed == nil || res.Observed.UUID == "" ||
		res.Observed.ARN != "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"+res.Observed.UUID {
		t.Fatalf("first Ensure = %+v", res)
	}
	id := res.Observed.UUID
	res = settle(t, e.svc, id, d)
	o := res.Observed
	if o.UUID != id || o.State != esm.StateEnabled || o.BatchSize != 10 || o.MaximumBatchingWindowSeconds != 1 ||
		o.Topic != "orders" || o.ConsumerGroupID != d.ConsumerGroupID || o.OnFailureDestination != queueARN ||
		!strings.HasSuffix(o.FunctionARN, ":function:"+function) || res.Adopted {
		t.Fatalf("settled = %+v (observed %+v)", res, o)
	}
	before := awstest.Total(awstest.Writes(e.srv, "lambda"))
	if before != 1 {
		t.Fatalf("writes = %v, want one CreateEventSourceMapping", awstest.Writes(e.srv, "lambda"))
	}
	if again, err := e.svc.Ensure(ctx, id, d); err != nil || again.Updated || again.Adopted {
		t.Fatalf("Ensure with hint = %+v, %v", again, err)
	}
	if adopted, err := e.svc.Ensure(ctx, "", d); err != nil || !adopted.Adopted || adopted.Observed.UUID != id {
		t.Fatalf("Ensure without hint = %+v, %v", adopted, err)
	}
	// A stale hint (a mapping that no longer exists) falls back to the lookup.
	if stale, err := e.svc.Ensure(ctx, "00000000-0000-4000-8000-000000000000", d); err != nil || stale.Observed.UUID != id {
		t.Fatalf("Ensure with a stale hint = %+v, %v", stale, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "lambda")); after != before {
		t.Fatalf("a ready mapping caused %d writes: %v", after-before, awstest.Writes(e.srv, "lambda"))
	}
	tagsOut, err := e.api.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(o.ARN)})
	if err != nil || !maps.Equal(tagsOut.Tags, d.Owner.Tags(esm.Component, d.Tags)) {
		t.Fatalf("tags = %v, %v", tagsOut, err)
	}
}

func TestEnsureWaitsWhileCreating(t *testing.T) {
	e := setup(t)
	lawstest.Override(t, e.timings, lifecycle.MappingCreate, time.Hour)
	for i := range 3 {
		res, err := e.svc.Ensure(context.Background(), "", desired())
		if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonCreating || res.Observed == nil {
			t.Fatalf("Ensure %d = %+v, %v", i, res, err)
		}
	}
	if n := awstest.Total(awstest.Writes(e.srv, "lambda")); n != 1 {
		t.Fatalf("writes = %v", awstest.Writes(e.srv, "lambda"))
	}
	// Lambda refuses to delete a mapping that is still being created: not gone, no error.
	if gone, err := e.svc.Delete(context.Background(), "", desired()); err != nil || gone {
		t.Fatalf("Delete while creating = %v, %v", gone, err)
	}
}

func TestNotOwnedMappingIsLeftAlone(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	foreign, err := e.api.CreateEventSourceMapping(ctx, &lambdasdk.CreateEventSourceMappingInput{FunctionName: aws.String(function),
		EventSourceArn: aws.String(clusterARN), Topics: []string{"orders"}, StartingPosition: types.EventSourcePositionLatest})
	if err != nil {
		t.Fatal(err)
	}
	before := awstest.Total(awstest.Writes(e.srv, "lambda"))
	for _, hint := range []string{"", aws.ToString(foreign.UUID)} {
		res, err := e.svc.Ensure(ctx, hint, d)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || !strings.Contains(err.Error(), "left untouched") ||
			res.Observed != nil {
			t.Fatalf("Ensure with hint %q = %+v, %v; want Terminal NotOwned", hint, res, err)
		}
	}
	if gone, err := e.svc.Delete(ctx, "", d); err != nil || !gone {
		t.Fatalf("Delete = %v, %v", gone, err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "lambda")); after != before {
		t.Fatalf("the foreign mapping got %d writes", after-before)
	}
	if _, err := e.api.GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: foreign.UUID}); err != nil {
		t.Fatalf("foreign mapping gone: %v", err)
	}
}

func TestDeleteTwice(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	id := settle(t, e.svc, "", d).Observed.UUID
	lawstest.Override(t, e.timings, lifecycle.MappingDelete, 50*time.Millisecond)
	gone, err := e.svc.Delete(ctx, id, d)
	if err != nil || gone {
		t.Fatalf("first Delete = %v, %v", gone, err)
	}
	awstest.UntilGone(t, func() (bool, error) { return e.svc.Delete(ctx, id, d) })
	if gone, err := e.svc.Delete(ctx, id, d); err != nil || !gone {
		t.Fatalf("Delete again = %v, %v", gone, err)
	}
	if n := awstest.Writes(e.srv, "lambda")["DeleteEventSourceMapping"]; n != 1 {
		t.Fatalf("DeleteEventSourceMapping called %d times", n)
	}
	var nf *types.ResourceNotFoundException
	if _, err := e.api.GetEventSourceMapping(ctx, &lambdasdk.GetEventSourceMappingInput{UUID: aws.String(id)}); !errors.As(err, &nf) {
		t.Fatalf("GetEventSourceMapping after delete = %v", err)
	}
}

func TestEnsureRepairsDriftAndSuspends(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	d := desired()
	o := settle(t, e.svc, "", d).Observed

	if _, err := e.api.UpdateEventSourceMapping(ctx, &lambdasdk.UpdateEventSourceMappingInput{UUID: aws.String(o.UUID),
		BatchSize: aws.Int32(500), DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(o.ARN), Tags: map[string]string{"stray": "1"}}); err != nil {
		t.Fatal(err)
	}
	repaired := settle(t, e.svc, o.UUID, d).Observed
	if repaired.BatchSize != 10 || repaired.OnFailureDestination != queueARN || repaired.State != esm.StateEnabled {
		t.Fatalf("drift not repaired: %+v", repaired)
	}
	tagsOut, err := e.api.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(o.ARN)})
	if err != nil || !maps.Equal(tagsOut.Tags, d.Owner.Tags(esm.Component, d.Tags)) {
		t.Fatalf("tags = %v, %v", tagsOut, err)
	}

	d.Enabled = false
	d.OnFailureDestination = ""
	res, err := e.svc.Ensure(ctx, o.UUID, d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonUpdating || !res.Updated {
		t.Fatalf("Ensure to suspend = %+v, %v", res, err)
	}
	suspended := settle(t, e.svc, o.UUID, d).Observed
	if suspended.State != esm.StateDisabled || suspended.OnFailureDestination != "" {
		t.Fatalf("suspended = %+v", suspended)
	}
	d.Enabled = true
	if resumed := settle(t, e.svc, o.UUID, d).Observed; resumed.State != esm.StateEnabled {
		t.Fatalf("resumed = %+v", resumed)
	}
	before := awstest.Total(awstest.Writes(e.srv, "lambda"))
	if _, err := e.svc.Ensure(ctx, o.UUID, d); err != nil {
		t.Fatal(err)
	}
	if after := awstest.Total(awstest.Writes(e.srv, "lambda")); after != before {
		t.Fatalf("a settled mapping caused %d writes", after-before)
	}
}

func TestEnsureRefusesImmutableChanges(t *testing.T) {
	e := setup(t)
	d := desired()
	id := settle(t, e.svc, "", d).Observed.UUID
	before := awstest.Total(awstest.Writes(e.srv, "lambda"))
	for name, edit := range map[string]func(*esm.Desired){
		"topic":             func(d *esm.Desired) { d.Topic = "payments" },
		"starting position": func(d *esm.Desired) { d.StartingPosition = "TRIM_HORIZON" },
		"consumer group":    func(d *esm.Desired) { d.ConsumerGroupID = "other" },
		"event source":      func(d *esm.Desired) { d.ClusterARN = strings.Replace(clusterARN, "-s1", "-s2", 1) },
	} {
		changed := d
		edit(&changed)
		_, err := e.svc.Ensure(context.Background(), id, changed)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), "cannot change") {
			t.Fatalf("%s: Ensure = %v, want Terminal InvalidSpec", name, err)
		}
	}
	if after := awstest.Total(awstest.Writes(e.srv, "lambda")); after != before {
		t.Fatalf("refused changes caused %d writes", after-before)
	}
}

func TestUnpropagatedRoleWaits(t *testing.T) {
	e := setup(t)
	e.roles.sendAllowed.Store(false)
	_, err := e.svc.Ensure(context.Background(), "", desired())
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != awserr.ReasonDependencyNotReady || !strings.Contains(w.Message, "SendMessage") {
		t.Fatalf("Ensure = %v, want Waiting for the role", err)
	}
	e.roles.sendAllowed.Store(true)
	if o := settle(t, e.svc, "", desired()).Observed; o.State != esm.StateEnabled {
		t.Fatalf("mapping = %+v", o)
	}
}

func TestInvalidParameterIsTerminal(t *testing.T) {
	e := setup(t)
	d := desired()
	d.OnFailureDestination = "arn:aws:dynamodb:us-east-1:000000000000:table/nope"
	_, err := e.svc.Ensure(context.Background(), "", d)
	var ip *types.InvalidParameterValueException
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec || !errors.As(err, &ip) {
		t.Fatalf("Ensure = %v, want Terminal InvalidSpec (InvalidParameterValueException)", err)
	}
}

// racingLambda creates the mapping with the same tags just before the service's own create, as a second
// writer would.
type racingLambda struct {
	*lambdasdk.Client
	raced bool
}

func (r *racingLambda) CreateEventSourceMapping(ctx context.Context, in *lambdasdk.CreateEventSourceMappingInput, opts ...func(*lambdasdk.Options)) (*lambdasdk.CreateEventSourceMappingOutput, error) {
	if !r.raced {
		r.raced = true
		if _, err := r.Client.CreateEventSourceMapping(ctx, in, opts...); err != nil {
			return nil, err
		}
	}
	return r.Client.CreateEventSourceMapping(ctx, in, opts...)
}

func TestCreateRaceAdoptsTheWinner(t *testing.T) {
	e := setup(t)
	svc := esm.New(&racingLambda{Client: e.api}, waits())
	res, err := svc.Ensure(context.Background(), "", desired())
	if _, waiting := outcome.AsWaiting(err); (err != nil && !waiting) || !res.Adopted || res.Created || res.Observed == nil {
		t.Fatalf("Ensure = %+v, %v; want the rival's mapping adopted", res, err)
	}
	list, err := e.api.ListEventSourceMappings(context.Background(), &lambdasdk.ListEventSourceMappingsInput{FunctionName: aws.String(function)})
	if err != nil || len(list.EventSourceMappings) != 1 {
		t.Fatalf("mappings = %+v, %v", list, err)
	}
}

func TestMissingFunctionMeansNoMapping(t *testing.T) {
	e := setup(t)
	d := desired()
	d.FunctionName = "kp-missing-fn"
	if gone, err := e.svc.Delete(context.Background(), "", d); err != nil || !gone {
		t.Fatalf("Delete = %v, %v", gone, err)
	}
	if w := awstest.Writes(e.srv, "lambda"); len(w) != 0 {
		t.Fatalf("Delete of the mapping of a missing function wrote %v", w)
	}
}

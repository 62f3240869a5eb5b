package queue

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

var owner = tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders", UID: "uid-1"}

func desired() Desired {
	return Desired{Name: "kp-ns-orders-12345678-dlq", RetentionSeconds: 1209600, Owner: owner,
		Tags: map[string]string{"team": "payments"}}
}

// testWaits are the Service's waits in these tests: not the defaults, so the outcomes show they are the
// ones given.
func testWaits() Waits { return Waits{DeletedRecently: 7 * time.Second} }

type env struct {
	srv    *server.Server
	admin  *adminclient.Client
	client *sqssdk.Client
	svc    *Service
}

func newEnv(t *testing.T, cfg sqs.Config) env {
	t.Helper()
	srv, awsCfg := lawstest.Serve(t, sqs.New(cfg))
	client := sqssdk.NewFromConfig(awsCfg)
	return env{srv: srv, admin: adminclient.New(aws.ToString(awsCfg.BaseEndpoint)), client: client, svc: New(client, testWaits())}
}

// writes returns the state-changing calls the server has answered since the last resetCalls.
func (e env) writes() map[string]int64 { return adminclient.Calls(e.srv.Calls()).Writes() }

func (e env) resetCalls(t *testing.T) {
	t.Helper()
	if err := e.admin.ResetCalls(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// attrs returns the attributes and tags SQS holds for a queue.
func (e env) attrs(t *testing.T, url string) (map[string]string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	a, err := e.client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	tg, err := e.client.ListQueueTags(ctx, &sqssdk.ListQueueTagsInput{QueueUrl: aws.String(url)})
	if err != nil {
		t.Fatalf("ListQueueTags: %v", err)
	}
	return a.Attributes, tg.Tags
}

func (e env) queueCount(t *testing.T) int {
	t.Helper()
	out, err := e.client.ListQueues(context.Background(), &sqssdk.ListQueuesInput{})
	if err != nil {
		t.Fatalf("ListQueues: %v", err)
	}
	return len(out.QueueUrls)
}

func TestEnsureCreatesOnceThenWritesNothing(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatalf("first Ensure: %v", err)
	}
	if !res.Created || res.Observed == nil || res.Observed.ARN != "arn:aws:sqs:us-east-1:000000000000:"+d.Name {
		t.Fatalf("first Ensure result %+v, want created with the queue ARN", res)
	}
	if w := e.writes(); w["sqs:CreateQueue"] != 1 || len(w) != 1 {
		t.Errorf("first Ensure wrote %v, want one CreateQueue", w)
	}
	a, tg := e.attrs(t, res.Observed.URL)
	if a["MessageRetentionPeriod"] != "1209600" {
		t.Errorf("retention %s, want 1209600", a["MessageRetentionPeriod"])
	}
	if want := owner.Tags(Component, d.Tags); !maps.Equal(tg, want) {
		t.Errorf("tags %v, want %v", tg, want)
	}

	e.resetCalls(t)
	again, err := e.svc.Ensure(ctx, res.Observed.URL, d)
	if err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if again.Created || again.Updated || again.Adopted || again.Observed.URL != res.Observed.URL {
		t.Errorf("second Ensure result %+v, want the same queue untouched", again)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("second Ensure wrote %v, want nothing", w)
	}
	if n := e.queueCount(t); n != 1 {
		t.Errorf("%d queues, want 1", n)
	}
}

// foreignQueue creates a queue named like d's with the given tags, as someone else would.
func (e env) foreignQueue(t *testing.T, d Desired, tagMap map[string]string) string {
	t.Helper()
	out, err := e.client.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String(d.Name),
		Attributes: map[string]string{"MessageRetentionPeriod": "345600"}, Tags: tagMap})
	if err != nil {
		t.Fatalf("creating queue %s: %v", d.Name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func TestEnsureAdoptsAnOwnedQueueWithoutHint(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	// An earlier object of the same name (another UID) left its queue, with another retention.
	url := e.foreignQueue(t, d, tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders",
		UID: "old"}.Tags(Component, nil))
	e.resetCalls(t)

	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if res.Created || !res.Adopted || !res.Updated || res.Observed.URL != url {
		t.Fatalf("Ensure result %+v, want the existing queue adopted and updated", res)
	}
	if w := e.writes(); w["sqs:CreateQueue"] != 0 || w["sqs:SetQueueAttributes"] != 1 || w["sqs:TagQueue"] != 1 {
		t.Errorf("Ensure wrote %v, want one SetQueueAttributes and one TagQueue", w)
	}
	a, tg := e.attrs(t, url)
	if a["MessageRetentionPeriod"] != "1209600" || tg[tags.KeyUID] != owner.UID || tg["team"] != "payments" {
		t.Errorf("after adoption: retention %s, tags %v", a["MessageRetentionPeriod"], tg)
	}
}

func TestNotOwnedQueueIsLeftAlone(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	url := e.foreignQueue(t, d, map[string]string{"team": "other"})
	e.resetCalls(t)

	for _, hint := range []string{"", url} {
		res, err := e.svc.Ensure(ctx, hint, d)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || res.Observed != nil {
			t.Errorf("Ensure of a foreign queue with hint %q: %+v, %v; want Terminal NotOwned", hint, res, err)
		}
	}
	gone, err := e.svc.Delete(ctx, "", d)
	if err != nil || !gone {
		t.Errorf("Delete of a foreign queue: gone=%v err=%v, want gone (nothing of ours) and no error", gone, err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("wrote %v to a foreign queue", w)
	}
	a, tg := e.attrs(t, url)
	if a["MessageRetentionPeriod"] != "345600" || !maps.Equal(tg, map[string]string{"team": "other"}) {
		t.Errorf("foreign queue changed: retention %s, tags %v", a["MessageRetentionPeriod"], tg)
	}
}

func TestEnsureRepairsDrift(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatal(err)
	}
	url := res.Observed.URL
	if _, err := e.client.SetQueueAttributes(ctx, &sqssdk.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"MessageRetentionPeriod": "60"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.TagQueue(ctx, &sqssdk.TagQueueInput{QueueUrl: aws.String(url),
		Tags: map[string]string{"team": "changed", "extra": "x"}}); err != nil {
		t.Fatal(err)
	}
	e.resetCalls(t)

	res, err = e.svc.Ensure(ctx, url, d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if !res.Updated || res.Adopted || res.Observed.RetentionSeconds != 1209600 {
		t.Errorf("Ensure result %+v, want updated", res)
	}
	want := map[string]int64{"sqs:SetQueueAttributes": 1, "sqs:TagQueue": 1, "sqs:UntagQueue": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("Ensure wrote %v, want %v", w, want)
	}
	a, tg := e.attrs(t, url)
	if a["MessageRetentionPeriod"] != "1209600" || !maps.Equal(tg, owner.Tags(Component, d.Tags)) {
		t.Errorf("after repair: retention %s, tags %v", a["MessageRetentionPeriod"], tg)
	}
}

func TestDeleteTwice(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		gone, err := e.svc.Delete(ctx, res.Observed.URL, d)
		if err != nil || !gone {
			t.Fatalf("Delete #%d: gone=%v err=%v", i+1, gone, err)
		}
	}
	if n := e.queueCount(t); n != 0 {
		t.Errorf("%d queues left", n)
	}
	f, err := managed{Service: e.svc, hint: res.Observed.URL, d: d}.Find(ctx)
	if f != nil || err != nil {
		t.Errorf("Find after Delete: %+v, %v; want nil, nil", f, err)
	}
}

func TestEnsureWaitsWhileTheNameIsDeletedRecently(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, sqs.Config{Now: func() time.Time { return now }})
	ctx := context.Background()
	d := desired()
	if _, err := e.svc.Ensure(ctx, "", d); err != nil {
		t.Fatal(err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); !gone || err != nil {
		t.Fatalf("Delete: %v %v", gone, err)
	}
	res, err := e.svc.Ensure(ctx, "", d)
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != awserr.ReasonDeleting || !strings.Contains(w.Message, "deleted less than 60 seconds ago") ||
		w.After != testWaits().DeletedRecently || res.Observed != nil {
		t.Fatalf("Ensure right after Delete: %+v, %v; want Waiting Deleting for the name to be free", res, err)
	}
	now = now.Add(61 * time.Second)
	if res, err = e.svc.Ensure(ctx, "", d); err != nil || !res.Created {
		t.Fatalf("Ensure after the window: %+v, %v; want created", res, err)
	}
}

// racingSQS creates the queue, as a concurrent reconcile would, right before forwarding CreateQueue.
type racingSQS struct {
	*sqssdk.Client
	race func()
}

func (r racingSQS) CreateQueue(ctx context.Context, in *sqssdk.CreateQueueInput, opts ...func(*sqssdk.Options)) (*sqssdk.CreateQueueOutput, error) {
	r.race()
	return r.Client.CreateQueue(ctx, in, opts...)
}

func TestEnsureAdoptsAQueueCreatedConcurrently(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	// The racer's queue has other attributes, so SQS answers QueueNameExists instead of the existing URL.
	svc := New(racingSQS{Client: e.client, race: func() { e.foreignQueue(t, d, owner.Tags(Component, d.Tags)) }}, testWaits())
	res, err := svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if res.Created || !res.Adopted || !res.Updated || res.Observed.RetentionSeconds != 1209600 {
		t.Errorf("Ensure result %+v, want the concurrently created queue adopted and its retention fixed", res)
	}
	if n := e.queueCount(t); n != 1 {
		t.Errorf("%d queues, want 1", n)
	}
}

func TestObserveExternal(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	d := desired()
	url := e.foreignQueue(t, d, map[string]string{"team": "other"})
	e.resetCalls(t)

	o, err := e.svc.ObserveExternal(ctx, "arn:aws:sqs:us-east-1:000000000000:"+d.Name)
	if err != nil || o == nil || o.URL != url || o.RetentionSeconds != 345600 || o.Name != d.Name {
		t.Fatalf("ObserveExternal: %+v, %v", o, err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("ObserveExternal wrote %v", w)
	}
	if o, err := e.svc.ObserveExternal(ctx, "arn:aws:sqs:us-east-1:000000000000:missing"); o != nil || err != nil {
		t.Errorf("ObserveExternal of a missing queue: %+v, %v; want nil, nil", o, err)
	}
	_, err = e.svc.ObserveExternal(ctx, "arn:aws:sns:us-east-1:000000000000:topic")
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Errorf("ObserveExternal of an SNS ARN: %v, want Terminal InvalidSpec", err)
	}
}

func TestEnsureRefusesAnInvalidRetention(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	d := desired()
	d.RetentionSeconds = 10
	_, err := e.svc.Ensure(context.Background(), "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Fatalf("Ensure with retention 10: %v, want Terminal InvalidSpec", err)
	}
	var invalid *sqstypes.InvalidAttributeValue
	if !errors.As(err, &invalid) {
		t.Errorf("error %v does not carry InvalidAttributeValue", err)
	}
}

func TestDefaultRetention(t *testing.T) {
	if got := (Desired{}).retention(); got != DefaultRetentionSeconds {
		t.Errorf("retention of a zero Desired = %d, want %d", got, DefaultRetentionSeconds)
	}
}

func TestAccessDeniedIsBlocked(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	ctx := context.Background()
	if _, err := e.admin.AddFault(ctx, server.Fault{Service: "sqs", Operation: "GetQueueUrl", ErrorCode: "AccessDenied",
		Status: 403}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Ensure(ctx, "", desired())
	if b, ok := outcome.AsBlocked(err); !ok || b.Reason != awserr.ReasonAccessDenied {
		t.Fatalf("Ensure without permission: %v, want Blocked AccessDenied", err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("Ensure wrote %v after a failed lookup", w)
	}
}

// hidingSQS makes the queue look absent to GetQueueUrl once, as when it is created between the lookup
// and CreateQueue.
type hidingSQS struct {
	*sqssdk.Client
	hidden bool
}

func (h *hidingSQS) GetQueueUrl(ctx context.Context, in *sqssdk.GetQueueUrlInput, opts ...func(*sqssdk.Options)) (*sqssdk.GetQueueUrlOutput, error) {
	if !h.hidden {
		h.hidden = true
		return nil, &sqstypes.QueueDoesNotExist{Message: aws.String("The specified queue does not exist.")}
	}
	return h.Client.GetQueueUrl(ctx, in, opts...)
}

func TestCreateAnsweredWithAForeignQueueIsNotOwned(t *testing.T) {
	e := newEnv(t, sqs.Config{})
	d := desired()
	// Same name and attributes: SQS answers CreateQueue with the existing URL instead of an error.
	if _, err := e.client.CreateQueue(context.Background(), &sqssdk.CreateQueueInput{QueueName: aws.String(d.Name),
		Attributes: map[string]string{"MessageRetentionPeriod": "1209600"}, Tags: map[string]string{"team": "other"}}); err != nil {
		t.Fatal(err)
	}
	res, err := New(&hidingSQS{Client: e.client}, testWaits()).Ensure(context.Background(), "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || res.Created {
		t.Fatalf("Ensure answered with a foreign queue: %+v, %v; want Terminal NotOwned", res, err)
	}
	if _, tg := e.attrs(t, "https://sqs.us-east-1.amazonaws.com/000000000000/"+d.Name); tg["team"] != "other" || tg[tags.KeyUID] != "" {
		t.Errorf("the foreign queue's tags changed: %v", tg)
	}
}

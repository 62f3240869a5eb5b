package localaws_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// createQueue starts an SDK CreateQueue in the background; the channel gets its result.
func createQueue(ctx context.Context, c clients, name string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.sqs.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String(name)})
		done <- err
	}()
	return done
}

// queueExists reports whether the queue is there, through a second SDK call.
func queueExists(t *testing.T, c clients, name string) bool {
	t.Helper()
	out, err := c.sqs.ListQueues(t.Context(), &sqssdk.ListQueuesInput{QueueNamePrefix: aws.String(name)})
	must(t, err, "ListQueues")
	return len(out.QueueUrls) == 1
}

// addHook adds a hook and returns its ID.
func addHook(t *testing.T, admin *adminclient.Client, h server.Hook) string {
	t.Helper()
	added, err := admin.AddHook(t.Context(), h)
	must(t, err, "add hook")
	if added.ID == "" {
		t.Fatalf("added hook has no ID: %+v", added)
	}
	return added.ID
}

func TestHookBeforeHoldsTheCallUntilReleased(t *testing.T) {
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))
	id := addHook(t, admin, server.Hook{Service: "sqs", Operations: []string{"Create*"}})

	done := createQueue(t.Context(), c, "held-before")
	caught, err := admin.WaitHook(t.Context(), id)
	must(t, err, "wait for the hook")
	if caught.Held == nil || *caught.Held != (server.HeldCall{Service: "sqs", Operation: "CreateQueue"}) {
		t.Fatalf("hook caught %+v, want sqs CreateQueue", caught.Held)
	}
	// The hook holds one call only: this read passes, and the held call has not run.
	if queueExists(t, c, "held-before") {
		t.Fatal("the held call ran before the hook was released")
	}
	must(t, admin.ReleaseHook(t.Context(), id), "release the hook")
	must(t, <-done, "CreateQueue after the release")
	if !queueExists(t, c, "held-before") {
		t.Fatal("the released call did not create its queue")
	}
	hooks, err := admin.Hooks(t.Context())
	must(t, err, "hooks")
	if len(hooks) != 0 {
		t.Fatalf("a released hook is still listed: %+v", hooks)
	}
}

func TestHookAfterHoldsTheAnswerOfACallThatRan(t *testing.T) {
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))
	id := addHook(t, admin, server.Hook{Operations: []string{"CreateQueue"}, After: true})

	done := createQueue(t.Context(), c, "held-after")
	caught, err := admin.WaitHook(t.Context(), id)
	must(t, err, "wait for the hook")
	if caught.Held == nil || *caught.Held != (server.HeldCall{Service: "sqs", Operation: "CreateQueue", Status: http.StatusOK}) {
		t.Fatalf("hook caught %+v, want sqs CreateQueue answered 200", caught.Held)
	}
	if !queueExists(t, c, "held-after") {
		t.Fatal("the call held after it ran has not created its queue")
	}
	select {
	case err := <-done:
		t.Fatalf("the client got an answer the hook holds (error %v)", err)
	default:
	}
	must(t, admin.ReleaseHook(t.Context(), id), "release the hook")
	must(t, <-done, "CreateQueue after the release")
}

func TestHookHeldCallNotAnswered(t *testing.T) {
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))
	for _, tc := range []struct {
		queue string
		after bool
		// drop drops the hook; otherwise the client goes away.
		drop    bool
		created bool
		status  int
	}{
		// Held after it ran, the call took effect and its answer is lost.
		{queue: "client-gone-after", after: true, created: true, status: http.StatusOK},
		{queue: "dropped-after", after: true, drop: true, created: true, status: http.StatusOK},
		// Held before it ran, the call never runs.
		{queue: "client-gone-before", status: server.StatusNeverRan},
		{queue: "dropped-before", drop: true, status: server.StatusNeverRan},
	} {
		t.Run(tc.queue, func(t *testing.T) {
			must(t, admin.ResetCalls(t.Context()), "reset calls")
			id := addHook(t, admin, server.Hook{Service: "sqs", Operations: []string{"CreateQueue"}, After: tc.after})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := createQueue(ctx, c, tc.queue)
			_, err := admin.WaitHook(t.Context(), id)
			must(t, err, "wait for the hook")
			if tc.drop {
				must(t, admin.DropHook(t.Context(), id), "drop the hook")
				if err := <-done; err == nil || errors.Is(err, context.Canceled) {
					t.Fatalf("CreateQueue whose hook was dropped returned %v, want a broken connection", err)
				}
			} else {
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Fatalf("CreateQueue whose client went away returned %v, want context.Canceled", err)
				}
			}
			// The server counts the call when its handler returns, which it does once it sees the client gone.
			eventually(t, 10*time.Second, "the unanswered call is counted", func() (bool, string) {
				calls, err := admin.Calls(t.Context())
				must(t, err, "calls")
				return countOf(calls, "sqs", "CreateQueue", tc.status) == 1, fmt.Sprintf("calls %+v", calls)
			})
			if got := queueExists(t, c, tc.queue); got != tc.created {
				t.Fatalf("queue %s exists = %v, want %v", tc.queue, got, tc.created)
			}
			if !tc.drop {
				must(t, admin.ReleaseHook(t.Context(), id), "release the hook")
			}
		})
	}
}

func TestHookRules(t *testing.T) {
	inst := startLocalAWS(t, localaws.Options{Profile: "instant"})
	admin := adminclient.New(inst.Endpoint)
	c := newClients(sdkConfig(inst, 1))

	if _, err := admin.AddHook(t.Context(), server.Hook{Operations: []string{"Create["}}); err == nil {
		t.Fatal("a hook with a malformed pattern was accepted")
	}
	// Hooks for other services and operations let the call pass.
	addHook(t, admin, server.Hook{Service: "iam", Operations: []string{"Create*"}})
	addHook(t, admin, server.Hook{Service: "sqs", Operations: []string{"Delete*", "Purge*"}})
	must(t, <-createQueue(t.Context(), c, "passes"), "CreateQueue with hooks that do not match")
	hooks, err := admin.Hooks(t.Context())
	must(t, err, "hooks")
	if len(hooks) != 2 || hooks[0].Held != nil || hooks[1].Held != nil {
		t.Fatalf("hooks = %+v, want the two hooks holding nothing", hooks)
	}

	// A hook released before it caught a call ends its waiters.
	id := addHook(t, admin, server.Hook{Service: "pipes"})
	waited := make(chan error, 1)
	go func() {
		_, err := admin.WaitHook(t.Context(), id)
		waited <- err
	}()
	must(t, admin.ReleaseHook(t.Context(), id), "release the hook")
	if err := <-waited; err == nil {
		t.Fatal("waiting on a hook released before it caught a call succeeded")
	}
	if _, err := admin.WaitHook(t.Context(), id); err == nil {
		t.Fatal("waiting on a removed hook succeeded")
	}
	if err := admin.ReleaseHook(t.Context(), id); err == nil {
		t.Fatal("releasing a removed hook succeeded")
	}

	// Reset releases every hook, and the calls they hold go on.
	held := addHook(t, admin, server.Hook{Service: "sqs", Operations: []string{"CreateQueue"}})
	done := createQueue(t.Context(), c, "held-at-reset")
	_, err = admin.WaitHook(t.Context(), held)
	must(t, err, "wait for the hook")
	must(t, admin.Reset(t.Context()), "reset")
	must(t, <-done, "CreateQueue released by the reset")
	hooks, err = admin.Hooks(t.Context())
	must(t, err, "hooks")
	if len(hooks) != 0 {
		t.Fatalf("hooks after reset: %+v", hooks)
	}
}

package crash

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// writeOperations are the AWS calls the manager is killed at: every call that creates, changes or deletes
// something (attaching, associating, authorizing, putting a policy, releasing an address, ...).
var writeOperations = []string{"Create*", "Allocate*", "Attach*", "Associate*", "Authorize*", "Modify*", "Put*",
	"Set*", "Tag*", "Update*", "Start*", "Stop*", "Delete*", "Detach*", "Disassociate*", "Release*", "Revoke*",
	"Replace*", "Untag*"}

const (
	// maxKillPoints ends a run that never converges (a manager that creates again after every restart).
	maxKillPoints = 40
	// stepTimeout bounds each wait for the manager's next write or for the objects to converge.
	stepTimeout = 2 * time.Minute
)

// variant is where, around a write, the manager is killed.
type variant struct {
	// name names the variant's subtest and namespace.
	name string
	// answerLost kills the manager while localaws holds the answer of a write that has taken effect: the
	// manager never learns what it did. Otherwise the answer is delivered and the manager is killed at its
	// next write, before it runs, or once the goal is reached.
	answerLost bool
}

var variants = []variant{{name: "answered"}, {name: "answer-lost", answerLost: true}}

// killPoint is one kill of the manager: the write it was killed at.
type killPoint = server.HeldCall

// goal is what a run of kills converges to: it blocks until the objects are there, or ctx ends.
type goal func(ctx context.Context) error

// ready is the goal of every object being Ready for its generation.
func ready(stack *devstack.Stack, objs ...client.Object) goal {
	return func(ctx context.Context) error { return stack.WaitReady(ctx, nil, copies(objs)...) }
}

// gone is the goal of every object being deleted.
func gone(stack *devstack.Stack, objs ...client.Object) goal {
	return func(ctx context.Context) error { return stack.WaitGone(ctx, nil, copies(objs)...) }
}

// copies deep-copies objects: the waits read into the objects they get, and may run on while the next
// wait starts.
func copies(objs []client.Object) []client.Object {
	out := make([]client.Object, len(objs))
	for i, o := range objs {
		out[i] = o.DeepCopyObject().(client.Object)
	}
	return out
}

// crashUntil starts the manager and kills it (SIGKILL) at its next write, again and again, until the goal
// is reached without another write; then it stops the manager gracefully. It returns the writes the
// manager was killed at, in order.
func crashUntil(t *testing.T, stack *devstack.Stack, m *manager, v variant, reached goal) []killPoint {
	t.Helper()
	var points []killPoint
	for {
		if len(points) > maxKillPoints {
			t.Fatalf("not converged after %d kills: %s", maxKillPoints, describe(points))
		}
		first := addHook(t, stack, server.Hook{Operations: writeOperations, After: true})
		m.start()
		held, write := awaitEffect(t, stack, m, first, reached)
		if held == nil {
			releaseHook(t, stack, write)
			m.stop()
			return points
		}
		points = append(points, *held)
		if v.answerLost {
			m.kill()
			dropHook(t, stack, write)
			continue
		}
		// Hold the manager's next write before it runs, so the kill comes after the answer was read (and
		// whatever the manager records of it, recorded) and before anything else changes in AWS. Reads are
		// let through: the other objects' reconciles read too, and must not take the hook. Dropped, the
		// held write never runs.
		next := addHook(t, stack, server.Hook{Operations: writeOperations})
		releaseHook(t, stack, write)
		await(t, stack, m, next, reached)
		m.kill()
		dropHook(t, stack, next)
	}
}

// awaitEffect waits, from the write hook given, for the manager's next write that takes effect and returns
// it with the hook holding its answer, or returns nil when the goal is reached first. Writes that fail
// (deleting what is already gone, for one) change nothing and are let go on: killing the manager after them
// is killing it before them.
func awaitEffect(t *testing.T, stack *devstack.Stack, m *manager, write string, reached goal) (*server.HeldCall, string) {
	t.Helper()
	for {
		held := await(t, stack, m, write, reached)
		if held == nil || held.Status < 300 {
			return held, write
		}
		next := addHook(t, stack, server.Hook{Operations: writeOperations, After: true})
		releaseHook(t, stack, write)
		write = next
	}
}

// await waits until the hook holds a call and returns it, or until the goal is reached and returns nil. It
// fails the test when the manager exits or stepTimeout passes.
func await(t *testing.T, stack *devstack.Stack, m *manager, hookID string, reached goal) *server.HeldCall {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), stepTimeout)
	caught := make(chan server.Hook, 1)
	caughtErr := make(chan error, 1)
	done := make(chan error, 1)
	var waits sync.WaitGroup
	waits.Go(func() {
		h, err := stack.Admin.WaitHook(ctx, hookID)
		if err != nil {
			caughtErr <- err
			return
		}
		caught <- h
	})
	waits.Go(func() { done <- reached(ctx) })
	defer func() {
		cancel()
		waits.Wait()
	}()

	select {
	case h := <-caught:
		return h.Held
	case err := <-caughtErr:
		t.Fatalf("waiting for the manager's next call: %v", err)
	case err := <-done:
		if err != nil {
			t.Fatalf("%v", err)
		}
		// A call caught at the same moment still counts: the manager is killed there.
		select {
		case h := <-caught:
			return h.Held
		default:
			return nil
		}
	case <-m.exited:
		t.Fatalf("the manager exited by itself: %v", m.err)
	}
	return nil
}

func addHook(t *testing.T, stack *devstack.Stack, h server.Hook) string {
	t.Helper()
	added, err := stack.Admin.AddHook(t.Context(), h)
	if err != nil {
		t.Fatalf("adding a localaws hook: %v", err)
	}
	return added.ID
}

func releaseHook(t *testing.T, stack *devstack.Stack, id string) {
	t.Helper()
	if err := stack.Admin.ReleaseHook(t.Context(), id); err != nil {
		t.Fatalf("releasing localaws hook %s: %v", id, err)
	}
}

func dropHook(t *testing.T, stack *devstack.Stack, id string) {
	t.Helper()
	if err := stack.Admin.DropHook(t.Context(), id); err != nil {
		t.Fatalf("dropping localaws hook %s: %v", id, err)
	}
}

// describe renders kill points as "service:Operation" in order.
func describe(points []killPoint) string {
	words := make([]string, len(points))
	for i, p := range points {
		words[i] = p.Service + ":" + p.Operation
	}
	return strings.Join(words, ", ")
}

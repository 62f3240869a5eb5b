// Package outcome names the ways a reconcile step can end short of success, so that the code that knows
// what an error means (the AWS layer) can say it, and the controller can act on it without knowing AWS:
// Waiting (in progress: requeue soon, or on a watched change, no error), Blocked (access denied or a quota:
// requeue slowly, warn once) and Terminal (retrying soon cannot help: Stalled, looked at again on a slow
// backoff). Any other error is transient and goes back to the workqueue with backoff.
package outcome

import (
	"errors"
	"fmt"
	"time"
)

// Waiting means the step is making progress that takes time: an AWS resource in a transitional state, IAM
// propagation, or a dependency that is not ready yet.
type Waiting struct {
	// After is when to look again; ignored when Watched.
	After time.Duration
	// Watched says that what is waited for is watched (a Kubernetes object): its change wakes the object, so
	// no timer is set and the wait costs no call.
	Watched bool
	// Reason is a condition reason (CamelCase).
	Reason string
	// Message says what is being waited for.
	Message string
}

// Error implements error.
func (w *Waiting) Error() string { return w.Message }

// Wait returns a Waiting outcome.
func Wait(after time.Duration, reason, format string, args ...any) error {
	return &Waiting{After: after, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Await returns a Waiting outcome on something watched: no timer is set.
func Await(reason, format string, args ...any) error {
	return &Waiting{Watched: true, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Blocked means the environment, not the spec, stops the step: access denied, a quota. An administrator can
// fix it without touching the object.
type Blocked struct {
	// Reason is a condition reason (CamelCase).
	Reason string
	// Err is the underlying error; its text is the condition message.
	Err error
}

// Error implements error.
func (b *Blocked) Error() string { return b.Err.Error() }

// Unwrap returns the underlying error.
func (b *Blocked) Unwrap() error { return b.Err }

// Block returns a Blocked outcome.
func Block(reason string, err error) error { return &Blocked{Reason: reason, Err: err} }

// Terminal means retrying cannot help until the spec (or something outside the operator's reach) changes:
// AWS refused the parameters, a resource failed, or a same-named resource is not ours.
type Terminal struct {
	// Reason is a condition reason (CamelCase).
	Reason string
	// Err is the underlying error; its text is the condition message.
	Err error
}

// Error implements error.
func (t *Terminal) Error() string { return t.Err.Error() }

// Unwrap returns the underlying error.
func (t *Terminal) Unwrap() error { return t.Err }

// Fail returns a Terminal outcome.
func Fail(reason string, err error) error { return &Terminal{Reason: reason, Err: err} }

// Failf returns a Terminal outcome with a formatted message.
func Failf(reason, format string, args ...any) error {
	return &Terminal{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// AsWaiting reports whether err is (or wraps) a Waiting outcome.
func AsWaiting(err error) (*Waiting, bool) {
	var w *Waiting
	return w, errors.As(err, &w)
}

// AsBlocked reports whether err is (or wraps) a Blocked outcome.
func AsBlocked(err error) (*Blocked, bool) {
	var b *Blocked
	return b, errors.As(err, &b)
}

// AsTerminal reports whether err is (or wraps) a Terminal outcome.
func AsTerminal(err error) (*Terminal, bool) {
	var t *Terminal
	return t, errors.As(err, &t)
}

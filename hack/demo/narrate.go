package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// demo holds the running stack, the objects and findings one step hands to the next, and the step timings.
type demo struct {
	out         io.Writer
	stepTimeout time.Duration
	started     time.Time
	stack       *devstack.Stack
	// boundary says that the brokers are reachable only from inside their VPC.
	boundary bool
	timings  []timing
	state
}

// timing is how long one step took.
type timing struct {
	title string
	took  time.Duration
}

// stepFunc is one step of the demo.
type stepFunc func(ctx context.Context) error

// step runs fn under the step timeout, with a numbered heading, and records how long it took.
func (d *demo) step(ctx context.Context, title string, fn stepFunc) error {
	n := len(d.timings) + 1
	fmt.Fprintf(d.out, "\n==> %d. %s\n", n, title)
	ctx, cancel := context.WithTimeout(ctx, d.stepTimeout)
	defer cancel()
	begin := time.Now()
	err := fn(ctx)
	took := time.Since(begin)
	d.timings = append(d.timings, timing{title: title, took: took})
	if err != nil {
		if ctx.Err() != nil && context.Cause(ctx) == context.DeadlineExceeded {
			return fmt.Errorf("step %d (%s) timed out after %s: %w", n, title, d.stepTimeout, err)
		}
		return fmt.Errorf("step %d (%s): %w", n, title, err)
	}
	fmt.Fprintf(d.out, "    done in %s\n", round(took))
	return nil
}

// say prints an indented line under the current step.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "    "+format+"\n", args...)
}

// kubectl shows a kubectl command, runs it, and shows its output.
func (d *demo) kubectl(ctx context.Context, args ...string) error {
	d.say("$ %s", d.stack.KubectlLine(args...))
	out, err := d.stack.Kubectl(ctx, args...).CombinedOutput()
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line != "" {
			d.say("  %s", line)
		}
	}
	if err != nil {
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			return fmt.Errorf("kubectl %s: exit status %d", strings.Join(args, " "), ee.ExitCode())
		}
		return fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// transitions prints condition transitions with the time since the step began; the conditions found when
// the wait begins are left out when they only show the state before the step's change.
func (d *demo) transitions(begin time.Time, initial bool) func(devstack.Transition) {
	return func(t devstack.Transition) {
		if initial || !t.Initial {
			d.say("+%-6s %s", round(time.Since(begin)), t)
		}
	}
}

// summary prints every step's duration and the total.
func (d *demo) summary() {
	fmt.Fprintf(d.out, "\n==> Summary\n")
	for i, t := range d.timings {
		fmt.Fprintf(d.out, "    %2d. %-74s %8s\n", i+1, t.title, round(t.took))
	}
	fmt.Fprintf(d.out, "        %-74s %8s\n", "total", round(time.Since(d.started)))
	fmt.Fprintf(d.out, "\nThe demo passed.\n")
}

// round shortens a duration for display.
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// TestManyInvocationsLeaveNoProcesses runs successes, errors and crashes from more callers than the
// function may have instances, then checks every result and that Close leaves no process behind.
func TestManyInvocationsLeaveNoProcesses(t *testing.T) {
	s := newStack(t, func(c *Config) { c.Concurrency = 4 })
	fn := s.goFunction(t, "stress")
	var mu sync.Mutex
	pids := map[int]bool{}
	modes := []string{"echo", "error", "echo", "panic", "echo", "exit"}
	parallel(6, func(caller int) {
		for i := range 12 {
			mode := modes[(caller+i)%len(modes)]
			out, err := invokeRetryingThrottles(s.rt, fn, `{"mode":"`+mode+`","message":"m`+strconv.Itoa(i)+`"}`)
			if err != nil {
				t.Errorf("caller %d: %v", caller, err)
				return
			}
			switch mode {
			case "echo":
				if out.FunctionError != "" {
					t.Errorf("echo failed: %s", out.Payload)
					continue
				}
				mu.Lock()
				pids[pidOf(t, out.Payload)] = true
				mu.Unlock()
			case "error", "panic":
				if out.FunctionError != "Unhandled" || !strings.Contains(string(out.Payload), `"m`+strconv.Itoa(i)+`"`) {
					t.Errorf("%s answered %s", mode, out.Payload)
				}
			case "exit":
				if !strings.Contains(string(out.Payload), "Runtime.ExitError") {
					t.Errorf("exit answered %s", out.Payload)
				}
			}
		}
	})
	if st := s.rt.Stats()[fn.ARN]; st.Instances > 4 {
		t.Errorf("%d instances for a limit of 4", st.Instances)
	}
	if err := s.rt.Close(); err != nil {
		t.Fatal(err)
	}
	for pid := range pids {
		eventually(t, 5*time.Second, "process "+strconv.Itoa(pid)+" is gone", func() bool { return processGone(pid) })
	}
}

// invokeRetryingThrottles invokes synchronously, retrying throttles as the SDK would.
func invokeRetryingThrottles(rt *Runtime, fn lambda.FunctionView, payload string) (lambda.InvokeResult, error) {
	for {
		out, err := rt.Invoke(context.Background(), fn, []byte(payload), "RequestResponse")
		var we *wire.Error
		if errors.As(err, &we) && we.Status == http.StatusTooManyRequests {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		return out, err
	}
}

func TestKillReachesChildProcesses(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "spawner", func(in *lambdasdk.CreateFunctionInput) { in.Timeout = aws.Int32(1) })
	r := decodeReply(t, s.invoke(t, "spawner", map[string]any{"mode": "spawn"}))
	child, err := strconv.Atoi(r.Data)
	if err != nil || processGone(child) {
		t.Fatalf("the handler's child %q is not running (%v)", r.Data, err)
	}
	// The timeout kills the process group: the handler and the child it left behind.
	doc := decodeError(t, s.invoke(t, "spawner", map[string]any{"mode": "hang"}))
	if doc.ErrorType != "Sandbox.Timedout" {
		t.Fatalf("got %+v", doc)
	}
	eventually(t, 5*time.Second, "the child is killed with its group", func() bool { return processGone(child) })
	var again handlerReply
	if err := json.Unmarshal(s.invoke(t, "spawner", map[string]any{"mode": "echo"}).Payload, &again); err != nil || again.PID == r.PID {
		t.Errorf("after the timeout: %+v %v", again, err)
	}
}

package runtime

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

func TestInvokeRequestResponse(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "echo")
	before := time.Now()
	out := s.invoke(t, "echo", map[string]any{"mode": "echo", "message": "hi"})
	if out.StatusCode != 200 || out.ExecutedVersion == nil || *out.ExecutedVersion != "$LATEST" {
		t.Fatalf("status %d, version %v", out.StatusCode, out.ExecutedVersion)
	}
	r := decodeReply(t, out)
	if r.RequestID == "" || r.FunctionARN != fn.ARN {
		t.Errorf("request id %q, function ARN %q (want %s)", r.RequestID, r.FunctionARN, fn.ARN)
	}
	deadline := time.UnixMilli(r.DeadlineMs)
	if deadline.Before(before.Add(4*time.Second)) || deadline.After(time.Now().Add(5*time.Second)) {
		t.Errorf("deadline %v is not the 5 s timeout from the invocation", deadline)
	}
	tail, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"START RequestId: " + r.RequestID + " Version: $LATEST", "handling mode=echo message=hi",
		"END RequestId: " + r.RequestID, "REPORT RequestId: " + r.RequestID, "Init Duration: "} {
		if !strings.Contains(string(tail), want) {
			t.Errorf("log tail lacks %q:\n%s", want, tail)
		}
	}
}

func TestInvokeDryRunAndEmptyPayload(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "dry")
	ctx := context.Background()
	out, err := s.lambdaC.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("dry"),
		InvocationType: lambdatypes.InvocationTypeDryRun})
	if err != nil || out.StatusCode != 204 {
		t.Fatalf("DryRun: %v, status %v", err, out)
	}
	if st := s.rt.Stats()[s.mustFunction(t, "dry").ARN]; st.ColdStarts != 0 {
		t.Errorf("DryRun started an instance: %+v", st)
	}
	out, err = s.lambdaC.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("dry")})
	if err != nil {
		t.Fatal(err)
	}
	decodeReply(t, out)
}

func TestInvokeFunctionErrors(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "fails")
	for _, tc := range []struct {
		name, wantType, wantMessage string
		payload                     map[string]any
	}{
		{"handler error", "errorString", "card declined", map[string]any{"mode": "error", "message": "card declined"}},
		{"panic", "string", "kaboom", map[string]any{"mode": "panic", "message": "kaboom"}},
		{"exit", "Runtime.ExitError", "Error: Runtime exited with error: exit status 3", map[string]any{"mode": "exit"}},
		{"response too large", "Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
			map[string]any{"mode": "big", "size": 6400000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := decodeError(t, s.invoke(t, "fails", tc.payload))
			if doc.ErrorType != tc.wantType || !strings.Contains(doc.ErrorMessage, tc.wantMessage) {
				t.Errorf("got %+v, want type %s and message containing %q", doc, tc.wantType, tc.wantMessage)
			}
		})
	}
	// Every failure that ends the process leaves the next invocation a cold start that works.
	r := decodeReply(t, s.invoke(t, "fails", map[string]any{"mode": "echo"}))
	if r.PID == 0 {
		t.Fatal("no pid")
	}
}

func TestCrashMakesNextInvocationCold(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "crash")
	first := decodeReply(t, s.invoke(t, "crash", map[string]any{"mode": "echo"}))
	warm := decodeReply(t, s.invoke(t, "crash", map[string]any{"mode": "echo"}))
	if warm.PID != first.PID {
		t.Fatalf("second invocation ran in pid %d, want the warm %d", warm.PID, first.PID)
	}
	doc := decodeError(t, s.invoke(t, "crash", map[string]any{"mode": "panic", "message": "boom"}))
	if doc.ErrorMessage != "boom" {
		t.Fatalf("panic reported %+v", doc)
	}
	eventually(t, 5*time.Second, "the crashed process is gone", func() bool { return processGone(first.PID) })
	next := decodeReply(t, s.invoke(t, "crash", map[string]any{"mode": "echo"}))
	if next.PID == first.PID {
		t.Fatal("the invocation after a crash reused the dead process")
	}
	if st := s.rt.Stats()[fn.ARN]; st.ColdStarts != 2 || st.Invocations != 4 {
		t.Errorf("stats %+v, want 2 cold starts and 4 invocations", st)
	}
}

func TestInitFailures(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "badinit", func(in *lambdasdk.CreateFunctionInput) {
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"FAIL_INIT": "true"}}
	})
	doc := decodeError(t, s.invoke(t, "badinit", map[string]any{}))
	if doc.ErrorType != "Runtime.ExitError" || !strings.HasSuffix(doc.ErrorMessage, "Error: Runtime exited with error: exit status 1") {
		t.Errorf("init failure reported %+v", doc)
	}
	noBootstrap, err := zipFiles(map[string][]byte{"main": []byte("#!/bin/sh\n")})
	if err != nil {
		t.Fatal(err)
	}
	s.createFunction(t, "nobootstrap", "provided.al2", "main", noBootstrap)
	doc = decodeError(t, s.invoke(t, "nobootstrap", map[string]any{}))
	if doc.ErrorType != "Runtime.InvalidEntrypoint" || !strings.Contains(doc.ErrorMessage, "Couldn't find valid bootstrap(s)") {
		t.Errorf("missing bootstrap reported %+v", doc)
	}
	// CloudWatch Logs is eventually consistent: the process's last output is stored when its exit is reaped.
	var msgs []string
	eventually(t, 5*time.Second, "the init failure in the log", func() bool {
		msgs = s.logMessages(t, "badinit")
		return containsLine(msgs, "init failed on purpose")
	})
	if countPrefix(msgs, "REPORT") != 1 || !containsLine(msgs, "Status: error\tError Type: Runtime.ExitError") {
		t.Errorf("the log does not show the init failure: %q", msgs)
	}
}

func containsLine(msgs []string, part string) bool {
	for _, m := range msgs {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

func TestTimeoutKillsTheProcess(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "slow", func(in *lambdasdk.CreateFunctionInput) { in.Timeout = aws.Int32(1) })
	first := decodeReply(t, s.invoke(t, "slow", map[string]any{"mode": "echo"}))
	start := time.Now()
	out := s.invoke(t, "slow", map[string]any{"mode": "hang"})
	doc := decodeError(t, out)
	if took := time.Since(start); took < time.Second {
		t.Errorf("the timeout came after %v, before the 1 s limit", took)
	}
	if doc.ErrorType != "Sandbox.Timedout" || !strings.HasSuffix(doc.ErrorMessage, "Task timed out after 1.00 seconds") {
		t.Errorf("timeout reported %+v", doc)
	}
	eventually(t, 5*time.Second, "the timed-out process is killed", func() bool { return processGone(first.PID) })
	next := decodeReply(t, s.invoke(t, "slow", map[string]any{"mode": "echo"}))
	if next.PID == first.PID {
		t.Error("the invocation after a timeout was not a cold start")
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if !strings.Contains(string(tail), "Task timed out after 1.00 seconds") || !strings.Contains(string(tail), "Status: timeout") {
		t.Errorf("log tail of the timeout:\n%s", tail)
	}
	if st := s.rt.Stats()[fn.ARN]; st.ColdStarts != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestEnvironment(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "env", func(in *lambdasdk.CreateFunctionInput) {
		in.MemorySize = aws.Int32(256)
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"GREETING": "hello", "TZ": "Europe/Paris"}}
	})
	t.Setenv("LEAKED_FROM_HOST", "yes")
	env := decodeReply(t, s.invoke(t, "env", map[string]any{"mode": "env"})).Env
	want := map[string]string{
		"AWS_ENDPOINT_URL":                s.endpoint,
		"AWS_LAMBDA_FUNCTION_NAME":        "env",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/env",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"_HANDLER":                        "bootstrap",
		"GREETING":                        "hello",
		"TZ":                              "Europe/Paris",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            os.Getenv("PATH"),
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
		"LAMBDA_RUNTIME_DIR"} {
		if env[k] == "" {
			t.Errorf("%s is not set", k)
		}
	}
	if _, leaked := env["LEAKED_FROM_HOST"]; leaked {
		t.Error("the host environment leaked into the function")
	}
	if !exists(env["LAMBDA_TASK_ROOT"] + "/bootstrap") {
		t.Errorf("LAMBDA_TASK_ROOT %q does not hold the bootstrap", env["LAMBDA_TASK_ROOT"])
	}
	stream := env["AWS_LAMBDA_LOG_STREAM_NAME"]
	if !logStreamPattern.MatchString(stream) {
		t.Errorf("log stream name %q", stream)
	}
	if fn.MemorySize != 256 {
		t.Fatalf("view memory %d", fn.MemorySize)
	}
}

func TestWarmReuseAndConcurrencyLimit(t *testing.T) {
	s := newStack(t, func(c *Config) { c.Concurrency = 3 })
	fn := s.goFunction(t, "busy")
	first := decodeReply(t, s.invoke(t, "busy", map[string]any{"mode": "echo"}))
	for range 4 {
		if r := decodeReply(t, s.invoke(t, "busy", map[string]any{"mode": "echo"})); r.PID != first.PID {
			t.Fatalf("serial invocation ran in pid %d, want the warm %d", r.PID, first.PID)
		}
	}

	// Three slow invocations at once need three instances; a fourth meanwhile is throttled.
	pids := make([]int, 3)
	release := make(chan struct{})
	go func() {
		parallel(3, func(i int) {
			out, err := s.rt.Invoke(context.Background(), fn, []byte(`{"mode":"sleep","millis":400}`), "RequestResponse")
			if err != nil || out.FunctionError != "" {
				t.Errorf("slow invocation: %v %s", err, out.Payload)
				return
			}
			pids[i] = pidOf(t, out.Payload)
		})
		close(release)
	}()
	eventually(t, 10*time.Second, "three instances are busy", func() bool {
		st := s.rt.Stats()[fn.ARN]
		return st.Instances == 3 && st.Idle == 0 && st.Invocations == 8
	})
	_, err := s.rt.Invoke(context.Background(), fn, []byte(`{}`), "RequestResponse")
	var we *wire.Error
	if !errors.As(err, &we) || we.Status != http.StatusTooManyRequests || we.Code != "TooManyRequestsException" {
		t.Fatalf("a fourth concurrent invocation: %v, want TooManyRequestsException", err)
	}
	noRetry := func(o *lambdasdk.Options) { o.RetryMaxAttempts = 1 }
	_, err = s.lambdaC.Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String("busy")}, noRetry)
	var throttled *lambdatypes.TooManyRequestsException
	if !errors.As(err, &throttled) || throttled.Reason != lambdatypes.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("SDK invoke over the limit: %v", err)
	}
	<-release
	seen := map[int]bool{}
	for _, p := range pids {
		seen[p] = true
	}
	if len(seen) != 3 || !seen[first.PID] {
		t.Errorf("concurrent invocations ran in pids %v, want three processes including the warm %d", pids, first.PID)
	}
	if st := s.rt.Stats()[fn.ARN]; st.ColdStarts != 3 || st.Instances != 3 || st.Idle != 3 || st.Throttles != 2 {
		t.Errorf("stats %+v, want 3 cold starts, 3 idle instances, 2 throttles", st)
	}
}

func pidOf(t *testing.T, payload []byte) int {
	t.Helper()
	return decodeReply(t, &lambdasdk.InvokeOutput{Payload: payload}).PID
}

func TestNewConfigurationGetsNewInstances(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "update")
	before := decodeReply(t, s.invoke(t, "update", map[string]any{"mode": "env"}))
	if _, err := s.lambdaC.UpdateFunctionConfiguration(context.Background(), &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("update"), Environment: &lambdatypes.Environment{Variables: map[string]string{"VERSION_TAG": "2"}}}); err != nil {
		t.Fatal(err)
	}
	s.waitActive(t, "update")
	after := decodeReply(t, s.invoke(t, "update", map[string]any{"mode": "env"}))
	if after.PID == before.PID || after.Env["VERSION_TAG"] != "2" {
		t.Errorf("after the update: pid %d (before %d), VERSION_TAG=%q", after.PID, before.PID, after.Env["VERSION_TAG"])
	}
	eventually(t, 5*time.Second, "the old instance is stopped", func() bool { return processGone(before.PID) })
}

func TestIdleInstancesAreStopped(t *testing.T) {
	s := newStack(t, func(c *Config) { c.IdleTimeout = 100 * time.Millisecond })
	fn := s.goFunction(t, "idle")
	r := decodeReply(t, s.invoke(t, "idle", map[string]any{"mode": "echo"}))
	eventually(t, 5*time.Second, "the idle instance is stopped", func() bool {
		return processGone(r.PID) && s.rt.Stats()[fn.ARN].Instances == 0
	})
}

func TestResetAndCloseStopEverything(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "reset")
	pids := make([]int, 2)
	parallel(2, func(i int) {
		out, err := s.rt.Invoke(context.Background(), fn, []byte(`{"mode":"sleep","millis":200}`), "RequestResponse")
		if err != nil {
			t.Error(err)
			return
		}
		pids[i] = pidOf(t, out.Payload)
	})
	hung := make(chan error, 1)
	go func() {
		out, err := s.rt.Invoke(context.Background(), fn, []byte(`{"mode":"hang"}`), "RequestResponse")
		if err == nil && out.FunctionError == "" {
			err = errors.New("the hanging invocation succeeded")
		}
		hung <- err
	}()
	eventually(t, 10*time.Second, "an instance is busy", func() bool { st := s.rt.Stats()[fn.ARN]; return st.Instances > st.Idle })
	s.rt.Reset()
	for _, pid := range pids {
		eventually(t, 5*time.Second, "reset kills the idle processes", func() bool { return processGone(pid) })
	}
	select {
	case <-hung:
	case <-time.After(5 * time.Second):
		t.Fatal("reset did not end the running invocation")
	}
	if len(s.rt.Stats()) != 0 {
		t.Errorf("stats after reset: %+v", s.rt.Stats())
	}
	// The runtime works after a reset, and refuses work after Close.
	r := decodeReply(t, s.invoke(t, "reset", map[string]any{"mode": "echo"}))
	if err := s.rt.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "close kills the process", func() bool { return processGone(r.PID) })
	if _, err := s.rt.Invoke(context.Background(), fn, []byte(`{}`), "RequestResponse"); err == nil {
		t.Error("Invoke after Close succeeded")
	}
	if _, err := s.rt.Invoke(context.Background(), fn, []byte(`{}`), "Event"); err == nil {
		t.Error("an Event invocation after Close was accepted")
	}
}

func TestUnsupportedFunctionsAreRefused(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	if _, err := s.lambdaC.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("image"),
		Role: aws.String(testRole), PackageType: lambdatypes.PackageTypeImage,
		Code: &lambdatypes.FunctionCode{ImageUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest")}}); err != nil {
		t.Fatal(err)
	}
	s.waitActive(t, "image")
	s.createFunction(t, "java", "java21", "example.Handler::handleRequest", pythonZip)
	noRetry := func(o *lambdasdk.Options) { o.RetryMaxAttempts = 1 }
	for name, want := range map[string]string{"image": "localaws cannot run container images", "java": "localaws cannot run the java21 runtime"} {
		for _, invocationType := range []lambdatypes.InvocationType{lambdatypes.InvocationTypeRequestResponse, lambdatypes.InvocationTypeEvent} {
			_, err := s.lambdaC.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String(name), InvocationType: invocationType}, noRetry)
			var invalid *lambdatypes.InvalidRuntimeException
			if !errors.As(err, &invalid) || !strings.Contains(aws.ToString(invalid.Message), want) {
				t.Errorf("%s %s: %v, want InvalidRuntimeException %q", name, invocationType, err, want)
			}
		}
	}
}

func TestCallerCancellation(t *testing.T) {
	s := newStack(t)
	fn := s.goFunction(t, "cancel")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.rt.Invoke(ctx, fn, []byte(`{"mode":"sleep","millis":300}`), "RequestResponse"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a cancelled caller got %v", err)
	}
	// The invocation finished on its instance, which serves the next one warm.
	eventually(t, 5*time.Second, "the instance is idle again", func() bool { return s.rt.Stats()[fn.ARN].Idle == 1 })
	decodeReply(t, s.invoke(t, "cancel", map[string]any{"mode": "echo"}))
	if st := s.rt.Stats()[fn.ARN]; st.ColdStarts != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestExtensionsAPIServesEnableSIGTERM(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "sigterm", func(in *lambdasdk.CreateFunctionInput) {
		in.Environment = &lambdatypes.Environment{Variables: map[string]string{"ENABLE_SIGTERM": "true"}}
	})
	first := decodeReply(t, s.invoke(t, "sigterm", map[string]any{"mode": "echo"}))
	if again := decodeReply(t, s.invoke(t, "sigterm", map[string]any{"mode": "echo"})); again.PID != first.PID {
		t.Errorf("the instance with a registered extension was not reused")
	}
	if msgs := s.logMessages(t, "sigterm"); containsLine(msgs, "WARNING") {
		t.Errorf("the extension registration failed: %q", msgs)
	}
}

// Command handler is a test function for the provided.al2023 runtime. The event's "mode" picks what it
// does, so one binary covers success, errors, crashes, timeouts and the environment.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Mode    string `json:"mode"`
	Message string `json:"message"`
	Millis  int    `json:"millis"`
	Size    int    `json:"size"`
}

type reply struct {
	PID         int               `json:"pid"`
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	DeadlineMs  int64             `json:"deadlineMs"`
	Event       event             `json:"event"`
	Env         map[string]string `json:"env,omitempty"`
	Data        string            `json:"data,omitempty"`
}

func handle(ctx context.Context, ev event) (reply, error) {
	fmt.Printf("handling mode=%s message=%s\n", ev.Mode, ev.Message)
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	out := reply{PID: os.Getpid(), Event: ev, DeadlineMs: deadline.UnixMilli()}
	if lc != nil {
		out.RequestID, out.FunctionARN = lc.AwsRequestID, lc.InvokedFunctionArn
	}
	switch ev.Mode {
	case "error":
		return reply{}, errors.New(ev.Message)
	case "panic":
		panic(ev.Message)
	case "exit":
		os.Exit(3)
	case "sleep":
		time.Sleep(time.Duration(ev.Millis) * time.Millisecond)
	case "hang":
		select {} // ignores its deadline: only a kill ends it
	case "env":
		out.Env = map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			out.Env[k] = v
		}
	case "big":
		out.Data = strings.Repeat("x", ev.Size)
	case "spawn":
		child := exec.Command("sleep", "600")
		if err := child.Start(); err != nil {
			return reply{}, err
		}
		out.Data = strconv.Itoa(child.Process.Pid)
	}
	return out, nil
}

func main() {
	if os.Getenv("FAIL_INIT") == "true" {
		log.Fatal("init failed on purpose")
	}
	if os.Getenv("ENABLE_SIGTERM") == "true" {
		lambda.StartWithOptions(handle, lambda.WithEnableSIGTERM(func() { fmt.Println("stopping") }))
		return
	}
	lambda.Start(handle)
}

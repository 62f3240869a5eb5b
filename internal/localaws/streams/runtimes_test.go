package streams_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	pipessdk "github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// handlersDir holds handlers written the way Lambda's documentation writes them, shared with the
// conformance tests.
var handlersDir = filepath.Join("..", "testdata", "conformance", "handlers")

// logMessages returns the messages of a function's log group (none before its first line).
func (w *world) logMessages(function string) []string {
	out, err := w.logs.FilterLogEvents(w.ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/" + function)})
	if err != nil {
		return nil
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, aws.ToString(e.Message))
	}
	return msgs
}

// TestLocalAWSPipeToManagedRuntimes sends a record through a pipe to a python3.11 handler that logs through
// logging.getLogger() at INFO and to a nodejs20.x handler that logs with console.log, both deployed from
// zips: their lines are in CloudWatch Logs in the formats of Lambda's python and nodejs runtimes, with the
// request id of the invocation.
func TestLocalAWSPipeToManagedRuntimes(t *testing.T) {
	w := newWorld(t)
	fnRole, pipeRole := w.role("fn", "lambda.amazonaws.com"), w.role("pipe", "pipes.amazonaws.com")
	for _, tc := range []struct {
		runtime, handler, dir, interpreter, topic string
		line                                      *regexp.Regexp
	}{
		{"python3.11", "lambda_function.lambda_handler", "python", "python3", "orders",
			regexp.MustCompile(`^\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([0-9a-f-]{36})\trecord orders/0 offset 0: \{"n":0\}$`)},
		{"nodejs20.x", "index.handler", "nodejs", "node", "payments",
			regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([0-9a-f-]{36})\tINFO\trecord payments/0 offset 0: \{"n":0\}$`)},
	} {
		t.Run(tc.runtime, func(t *testing.T) {
			version, err := exec.Command(tc.interpreter, "--version").CombinedOutput()
			if err != nil {
				t.Skipf("%s is not available: %v", tc.interpreter, err)
			}
			t.Logf("%s handler on %s", tc.runtime, strings.TrimSpace(string(version)))
			name := "doc-style-" + tc.dir
			code, err := lawstest.ZipDir(filepath.Join(handlersDir, tc.dir))
			must(t, err, "zipping the handler")
			fn, err := w.lambda.CreateFunction(w.ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String(name),
				Role: aws.String(fnRole), Runtime: lambdatypes.Runtime(tc.runtime), Handler: aws.String(tc.handler),
				Code: &lambdatypes.FunctionCode{ZipFile: code}})
			must(t, err, "CreateFunction")
			_, err = w.pipes.CreatePipe(w.ctx, &pipessdk.CreatePipeInput{Name: aws.String(name), RoleArn: aws.String(pipeRole),
				Source: aws.String(w.cluster), Target: fn.FunctionArn,
				SourceParameters: &pipestypes.PipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.PipeSourceManagedStreamingKafkaParameters{
					TopicName: aws.String(tc.topic), StartingPosition: pipestypes.MSKStartPositionTrimHorizon}}})
			must(t, err, "CreatePipe")
			w.produce(tc.topic, 0, 1)
			var msgs []string
			var requestID string
			waitUntil(t, "the handler's line in CloudWatch Logs", func() bool {
				msgs = w.logMessages(name)
				for _, m := range msgs {
					if g := tc.line.FindStringSubmatch(m); g != nil {
						requestID = g[1]
						return true
					}
				}
				return false
			})
			if !containsPrefix(msgs, "START RequestId: "+requestID+" ") {
				t.Errorf("the line's request id %s is not the invocation's (log %q)", requestID, msgs)
			}
		})
	}
}

func containsPrefix(msgs []string, prefix string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

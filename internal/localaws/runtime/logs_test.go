package runtime

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

var (
	logStreamPattern = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)
	reportPattern    = regexp.MustCompile(`^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: [1-9]\d* MB\t(Init Duration: \d+\.\d{2} ms\t)?$`)
)

func TestLogsGoToCloudWatch(t *testing.T) {
	s := newStack(t)
	s.goFunction(t, "logged")
	first := decodeReply(t, s.invoke(t, "logged", map[string]any{"mode": "echo", "message": "one"}))
	second := decodeReply(t, s.invoke(t, "logged", map[string]any{"mode": "echo", "message": "two"}))
	ctx := context.Background()

	streams, err := s.logsC.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/logged")})
	if err != nil {
		t.Fatal(err)
	}
	if len(streams.LogStreams) != 1 || !logStreamPattern.MatchString(aws.ToString(streams.LogStreams[0].LogStreamName)) {
		t.Fatalf("log streams %+v, want one named like 2006/01/02/[$LATEST]<32 hex>", streams.LogStreams)
	}
	events, err := s.logsC.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/logged"),
		LogStreamName: streams.LogStreams[0].LogStreamName, StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range events.Events {
		msgs = append(msgs, aws.ToString(e.Message))
	}
	// Each invocation's lines, in order: START, the handler's line, END, REPORT (Init Duration only on the
	// cold start).
	want := []string{"START RequestId: " + first.RequestID + " Version: $LATEST", "handling mode=echo message=one",
		"END RequestId: " + first.RequestID, "REPORT RequestId: " + first.RequestID,
		"START RequestId: " + second.RequestID + " Version: $LATEST", "handling mode=echo message=two",
		"END RequestId: " + second.RequestID, "REPORT RequestId: " + second.RequestID}
	if len(msgs) != len(want) {
		t.Fatalf("log events %q, want %d", msgs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(msgs[i], w) {
			t.Errorf("event %d is %q, want %q", i, msgs[i], w)
		}
	}
	for i, wantInit := range map[int]bool{3: true, 7: false} {
		if !reportPattern.MatchString(msgs[i]) || strings.Contains(msgs[i], "Init Duration") != wantInit {
			t.Errorf("REPORT line %q (init duration expected: %v)", msgs[i], wantInit)
		}
	}

	filtered, err := s.logsC.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/logged"),
		FilterPattern: aws.String("REPORT")})
	if err != nil {
		t.Fatal(err)
	}
	if len(filtered.Events) != 2 {
		t.Errorf("FilterLogEvents REPORT found %d events", len(filtered.Events))
	}
}

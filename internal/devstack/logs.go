package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// LogLine is one event of a function's CloudWatch log.
type LogLine struct {
	// Stream is the log stream the event is in.
	Stream string
	// Time is the event's timestamp.
	Time time.Time
	// Message is the logged text.
	Message string
}

// ProcessedRecord is a record a handler reported processing: a JSON log line with msg "record", as the
// built-in processor writes one per record it handles.
type ProcessedRecord struct {
	// Topic, Partition and Offset identify the record.
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	// Content is the decoded record value.
	Content json.RawMessage `json:"content"`
	// Line is the log line it was read from.
	Line LogLine `json:"-"`
}

// Is reports whether the line is about the produced record p.
func (r ProcessedRecord) Is(p Produced) bool {
	return r.Topic == p.Topic && r.Partition == p.Partition && r.Offset == p.Offset
}

// Count is how many of the lines are about the produced record p: with the built-in processor, how many
// invocations p was part of.
func Count(records []ProcessedRecord, p Produced) int {
	n := 0
	for _, r := range records {
		if r.Is(p) {
			n++
		}
	}
	return n
}

// LogGroup is the CloudWatch log group Lambda writes a function's logs to.
func LogGroup(functionName string) string { return "/aws/lambda/" + functionName }

// FunctionLog reads every event of a function's log group in a region with FilterLogEvents, oldest first.
// A log group that does not exist yet (the function has not run) gives no lines.
func (s *Stack) FunctionLog(ctx context.Context, region, functionName string) ([]LogLine, error) {
	cl := logssdk.NewFromConfig(s.AWSIn(region))
	var lines []LogLine
	p := logssdk.NewFilterLogEventsPaginator(cl, &logssdk.FilterLogEventsInput{LogGroupName: aws.String(LogGroup(functionName))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if nf := (*logstypes.ResourceNotFoundException)(nil); errors.As(err, &nf) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the log of %s: %w", functionName, err)
		}
		for _, e := range page.Events {
			lines = append(lines, LogLine{Stream: aws.ToString(e.LogStreamName),
				Time: time.UnixMilli(aws.ToInt64(e.Timestamp)), Message: aws.ToString(e.Message)})
		}
	}
	return lines, nil
}

// ProcessedRecords picks the "record" lines out of a function's log.
func ProcessedRecords(lines []LogLine) []ProcessedRecord {
	var out []ProcessedRecord
	for _, l := range lines {
		var r struct {
			Msg string `json:"msg"`
			ProcessedRecord
		}
		if json.Unmarshal([]byte(l.Message), &r) != nil || r.Msg != "record" {
			continue
		}
		r.ProcessedRecord.Line = l
		out = append(out, r.ProcessedRecord)
	}
	return out
}

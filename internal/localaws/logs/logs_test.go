package logs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

type harness struct {
	svc      *Service
	client   *logssdk.Client
	clock    *lawstest.Clock
	endpoint string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	clock := lawstest.NewClock(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	svc := New(Config{Now: clock.Now})
	_, cfg := lawstest.Serve(t, svc)
	return &harness{svc: svc, client: logssdk.NewFromConfig(cfg), clock: clock, endpoint: aws.ToString(cfg.BaseEndpoint)}
}

func (h *harness) group(t *testing.T, name string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := h.client.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for _, s := range streams {
		if _, err := h.client.CreateLogStream(ctx, &logssdk.CreateLogStreamInput{LogGroupName: aws.String(name), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
}

func (h *harness) put(t *testing.T, group, stream string, msgs ...string) *logssdk.PutLogEventsOutput {
	t.Helper()
	now := h.clock.Now().UnixMilli()
	var events []types.InputLogEvent
	for i, m := range msgs {
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now + int64(i)), Message: aws.String(m)})
	}
	out, err := h.client.PutLogEvents(context.Background(), &logssdk.PutLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), LogEvents: events})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLogGroups(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.client.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/kp-a"),
		Tags: map[string]string{"owner": "ns/a"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.client.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/kp-a")})
	lawstest.ExpectError[*types.ResourceAlreadyExistsException](t, err)
	for _, bad := range []string{"has space", strings.Repeat("a", 513), "colon:no"} {
		_, err = h.client.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String(bad)})
		lawstest.ExpectError[*types.InvalidParameterException](t, err)
	}
	for i := range 4 {
		h.group(t, fmt.Sprintf("/aws/lambda/kp-%d", i))
	}
	h.group(t, "/other")
	var names []string
	p := logssdk.NewDescribeLogGroupsPaginator(h.client, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/"), Limit: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	if len(names) != 5 || names[0] != "/aws/lambda/kp-0" || names[4] != "/aws/lambda/kp-a" {
		t.Fatalf("groups = %v", names)
	}
	byPattern, err := h.client.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("OTHER")})
	if err != nil || len(byPattern.LogGroups) != 1 {
		t.Fatalf("pattern search = %+v, %v", byPattern, err)
	}
	_, err = h.client.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("x"), LogGroupNamePrefix: aws.String("y")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = h.client.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{Limit: aws.Int32(51)})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)

	if _, err := h.client.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/kp-a"), RetentionInDays: aws.Int32(14)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/kp-a"), RetentionInDays: aws.Int32(2)})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = h.client.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/missing"), RetentionInDays: aws.Int32(1)})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)

	h.group(t, "/aws/lambda/kp-a/stored", "s")
	h.put(t, "/aws/lambda/kp-a/stored", "s", "12345", "678")
	got, err := h.client.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/kp-a")})
	if err != nil || len(got.LogGroups) != 2 {
		t.Fatalf("describe = %+v, %v", got, err)
	}
	g := got.LogGroups[0]
	if aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/kp-a:*" ||
		aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/kp-a" ||
		aws.ToInt32(g.RetentionInDays) != 14 || aws.ToInt64(g.CreationTime) != h.clock.Now().UnixMilli() {
		t.Fatalf("group = %+v", g)
	}
	if stored := aws.ToInt64(got.LogGroups[1].StoredBytes); stored != 8 {
		t.Fatalf("storedBytes = %d", stored)
	}
	if _, err := h.client.DeleteRetentionPolicy(ctx, &logssdk.DeleteRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/kp-a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.DeleteLogGroup(ctx, &logssdk.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/kp-a")}); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.DeleteLogGroup(ctx, &logssdk.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/kp-a")})
	e := lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
	if e.ErrorMessage() != "The specified log group does not exist." {
		t.Fatalf("message = %q", e.ErrorMessage())
	}
}

func TestLogStreams(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/g", "b", "a", "c")
	_, err := h.client.CreateLogStream(ctx, &logssdk.CreateLogStreamInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("a")})
	lawstest.ExpectError[*types.ResourceAlreadyExistsException](t, err)
	_, err = h.client.CreateLogStream(ctx, &logssdk.CreateLogStreamInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("x:y")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = h.client.CreateLogStream(ctx, &logssdk.CreateLogStreamInput{LogGroupName: aws.String("/none"), LogStreamName: aws.String("x")})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)

	h.put(t, "/g", "c", "first")
	h.clock.Advance(time.Second)
	h.put(t, "/g", "a", "second")

	byName, err := h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/g")})
	if err != nil || len(byName.LogStreams) != 3 || aws.ToString(byName.LogStreams[0].LogStreamName) != "a" {
		t.Fatalf("by name = %+v, %v", byName, err)
	}
	a := byName.LogStreams[0]
	if aws.ToString(a.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:/g:log-stream:a" ||
		aws.ToInt64(a.LastEventTimestamp) != h.clock.Now().UnixMilli() || a.UploadSequenceToken == nil {
		t.Fatalf("stream a = %+v", a)
	}
	if byName.LogStreams[1].FirstEventTimestamp != nil {
		t.Fatal("empty stream reports event timestamps")
	}
	byTime, err := h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{
		LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/g"),
		OrderBy:            types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2)})
	if err != nil || len(byTime.LogStreams) != 2 || aws.ToString(byTime.LogStreams[0].LogStreamName) != "a" ||
		aws.ToString(byTime.LogStreams[1].LogStreamName) != "c" || byTime.NextToken == nil {
		t.Fatalf("by time = %+v, %v", byTime, err)
	}
	rest, err := h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/g"),
		OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2), NextToken: byTime.NextToken})
	if err != nil || len(rest.LogStreams) != 1 || aws.ToString(rest.LogStreams[0].LogStreamName) != "b" || rest.NextToken != nil {
		t.Fatalf("second page = %+v, %v", rest, err)
	}
	_, err = h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/g"),
		OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("a")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/g"),
		LogGroupIdentifier: aws.String("/g")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	prefixed, err := h.client.DescribeLogStreams(ctx, &logssdk.DescribeLogStreamsInput{LogGroupName: aws.String("/g"), LogStreamNamePrefix: aws.String("b")})
	if err != nil || len(prefixed.LogStreams) != 1 {
		t.Fatalf("prefix = %+v, %v", prefixed, err)
	}
	if _, err := h.client.DeleteLogStream(ctx, &logssdk.DeleteLogStreamInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.DeleteLogStream(ctx, &logssdk.DeleteLogStreamInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("b")})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
}

func TestPutLogEvents(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/g", "s")
	first := h.put(t, "/g", "s", "one")
	second := h.put(t, "/g", "s", "two")
	if first.NextSequenceToken == nil || aws.ToString(first.NextSequenceToken) == aws.ToString(second.NextSequenceToken) ||
		first.RejectedLogEventsInfo != nil {
		t.Fatalf("tokens %v %v, rejected %+v", first.NextSequenceToken, second.NextSequenceToken, first.RejectedLogEventsInfo)
	}
	now := h.clock.Now()
	put := func(events ...types.InputLogEvent) (*logssdk.PutLogEventsOutput, error) {
		return h.client.PutLogEvents(ctx, &logssdk.PutLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"), LogEvents: events})
	}
	ev := func(at time.Time, msg string) types.InputLogEvent {
		return types.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}
	}
	_, err := put(ev(now, "late"), ev(now.Add(-time.Second), "early"))
	if e := lawstest.ExpectError[*types.InvalidParameterException](t, err); !strings.Contains(e.ErrorMessage(), "chronological") {
		t.Fatalf("message = %q", e.ErrorMessage())
	}
	_, err = put(ev(now.Add(-25*time.Hour), "a"), ev(now, "b"))
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = put(types.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli()), Message: aws.String("")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	out, err := put(ev(now.Add(-14*24*time.Hour-2*time.Hour), "old"), ev(now.Add(-14*24*time.Hour-time.Hour), "old too"),
		ev(now.Add(-14*24*time.Hour+time.Hour), "kept"))
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || r.TooNewLogEventStartIndex != nil {
		t.Fatalf("rejected old = %+v", r)
	}
	out, err = put(ev(now, "kept"), ev(now.Add(3*time.Hour), "future"), ev(now.Add(4*time.Hour), "future too"))
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 1 || r.TooOldLogEventEndIndex != nil ||
		r.ExpiredLogEventEndIndex != nil {
		t.Fatalf("rejected new = %+v", r)
	}
	_, err = h.client.PutLogEvents(ctx, &logssdk.PutLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("none"),
		LogEvents: []types.InputLogEvent{ev(now, "x")}})
	if e := lawstest.ExpectError[*types.ResourceNotFoundException](t, err); e.ErrorMessage() != "The specified log stream does not exist." {
		t.Fatalf("message = %q", e.ErrorMessage())
	}
	_, err = h.client.PutLogEvents(ctx, &logssdk.PutLogEventsInput{LogGroupName: aws.String("/none"), LogStreamName: aws.String("s"),
		LogEvents: []types.InputLogEvent{ev(now, "x")}})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
	events, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil || len(events.Events) != 4 || aws.ToString(events.Events[0].Message) != "kept" ||
		aws.ToString(events.Events[3].Message) != "kept" {
		t.Fatalf("stored events = %+v, %v", events, err)
	}
}

func TestGetLogEventsPaging(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/g", "s")
	var msgs []string
	for i := range 7 {
		msgs = append(msgs, fmt.Sprintf("m%d", i))
	}
	h.put(t, "/g", "s", msgs...)
	in := &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), Limit: aws.Int32(3)}
	var got []string
	var token *string
	for range 10 {
		in.NextToken = token
		out, err := h.client.GetLogEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
		if token != nil && aws.ToString(out.NextForwardToken) == aws.ToString(token) {
			if len(out.Events) != 0 {
				t.Fatal("same token returned with events")
			}
			break
		}
		token = out.NextForwardToken
	}
	if strings.Join(got, ",") != strings.Join(msgs, ",") {
		t.Fatalf("forward paging = %v", got)
	}
	tail, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2)})
	if err != nil || len(tail.Events) != 2 || aws.ToString(tail.Events[1].Message) != "m6" {
		t.Fatalf("tail = %+v, %v", tail, err)
	}
	back, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"),
		Limit: aws.Int32(2), NextToken: tail.NextBackwardToken})
	if err != nil || len(back.Events) != 2 || aws.ToString(back.Events[0].Message) != "m3" {
		t.Fatalf("backward = %+v, %v", back, err)
	}
	base := h.clock.Now().UnixMilli()
	window, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"),
		StartTime: aws.Int64(base + 2), EndTime: aws.Int64(base + 4), StartFromHead: aws.Bool(true)})
	if err != nil || len(window.Events) != 2 || aws.ToString(window.Events[0].Message) != "m2" ||
		aws.ToInt64(window.Events[0].IngestionTime) != base {
		t.Fatalf("window = %+v, %v", window, err)
	}
	_, err = h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"), NextToken: aws.String("junk")})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	_, err = h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("none")})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
}

func TestFilterLogEvents(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/g", "app-1", "app-2", "other")
	h.put(t, "/g", "app-1", "ERROR disk full", `{"level":"error","code":500,"user":{"id":"u-1"}}`, "INFO all good")
	h.put(t, "/g", "app-2", "WARN slow request", `{"level":"info","code":200,"user":{"id":"u-2"}}`)
	h.put(t, "/g", "other", "ERROR elsewhere")
	cases := []struct {
		pattern string
		streams []string
		prefix  string
		want    int
	}{
		{"", nil, "", 6},
		{"ERROR", nil, "", 2},
		{"ERROR", nil, "app-", 1},
		{"ERROR", []string{"other"}, "", 1},
		{`"disk full"`, nil, "", 1},
		{"?ERROR ?WARN", nil, "", 3},
		{"ERROR -disk", nil, "", 1},
		{`{ $.level = "error" }`, nil, "", 1},
		{`{ $.code >= 200 && $.user.id = u-* }`, nil, "", 2},
		{`{ $.code > 300 || $.level = info }`, nil, "", 2},
		{`{ $.code != 500 }`, nil, "", 1},
	}
	for _, tc := range cases {
		out, err := h.client.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/g"),
			FilterPattern: aws.String(tc.pattern), LogStreamNames: tc.streams, LogStreamNamePrefix: aws.String(tc.prefix)})
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if len(out.Events) != tc.want {
			t.Fatalf("%q streams=%v prefix=%q: %d events, want %d", tc.pattern, tc.streams, tc.prefix, len(out.Events), tc.want)
		}
	}
	all, err := h.client.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/g"), Limit: aws.Int32(4)})
	if err != nil || len(all.Events) != 4 || all.NextToken == nil || len(all.SearchedLogStreams) != 3 {
		t.Fatalf("first page = %+v, %v", all, err)
	}
	if e := all.Events[0]; aws.ToString(e.EventId) == "" || aws.ToString(e.LogStreamName) == "" || e.IngestionTime == nil {
		t.Fatalf("event = %+v", e)
	}
	if all.Events[0].Timestamp == nil || aws.ToInt64(all.Events[3].Timestamp) < aws.ToInt64(all.Events[0].Timestamp) {
		t.Fatal("events not interleaved in timestamp order")
	}
	next, err := h.client.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/g"), Limit: aws.Int32(4), NextToken: all.NextToken})
	if err != nil || len(next.Events) != 2 || next.NextToken != nil {
		t.Fatalf("second page = %+v, %v", next, err)
	}
	base := h.clock.Now().UnixMilli()
	timed, err := h.client.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/g"), StartTime: aws.Int64(base + 1), EndTime: aws.Int64(base + 2)})
	if err != nil || len(timed.Events) != 2 {
		t.Fatalf("time window = %+v, %v", timed, err)
	}
	for _, bad := range []*logssdk.FilterLogEventsInput{
		{LogGroupName: aws.String("/g"), FilterPattern: aws.String("[ip, user]")},
		{LogGroupName: aws.String("/g"), FilterPattern: aws.String(`{ $.level = }`)},
		{LogGroupName: aws.String("/g"), LogStreamNames: []string{"app-1"}, LogStreamNamePrefix: aws.String("app")},
	} {
		_, err := h.client.FilterLogEvents(ctx, bad)
		lawstest.ExpectError[*types.InvalidParameterException](t, err)
	}
	_, err = h.client.FilterLogEvents(ctx, &logssdk.FilterLogEventsInput{LogGroupName: aws.String("/none")})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
}

func TestRetentionExpiresEvents(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/g", "s")
	h.put(t, "/g", "s", "old")
	if _, err := h.client.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(25 * time.Hour)
	h.put(t, "/g", "s", "new")
	out, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s")})
	if err != nil || len(out.Events) != 1 || aws.ToString(out.Events[0].Message) != "new" {
		t.Fatalf("events after retention = %+v, %v", out, err)
	}
	put, err := h.client.PutLogEvents(ctx, &logssdk.PutLogEventsInput{LogGroupName: aws.String("/g"), LogStreamName: aws.String("s"),
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(h.clock.Now().Add(-2 * 24 * time.Hour).UnixMilli()), Message: aws.String("expired")}}})
	if err != nil || put.RejectedLogEventsInfo == nil || aws.ToInt32(put.RejectedLogEventsInfo.ExpiredLogEventEndIndex) != 0 {
		t.Fatalf("expired event = %+v, %v", put, err)
	}
}

func TestTags(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.group(t, "/aws/lambda/kp-x")
	arn := aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/kp-x")
	if _, err := h.client.TagResource(ctx, &logssdk.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UntagResource(ctx, &logssdk.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.ListTagsForResource(ctx, &logssdk.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(out.Tags) != 1 || out.Tags["b"] != "2" {
		t.Fatalf("tags = %+v, %v", out, err)
	}
	_, err = h.client.ListTagsForResource(ctx, &logssdk.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/none")})
	lawstest.ExpectError[*types.ResourceNotFoundException](t, err)
	_, err = h.client.TagResource(ctx, &logssdk.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"bad!": "1"}})
	lawstest.ExpectError[*types.InvalidParameterException](t, err)
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	_, err = h.client.TagResource(ctx, &logssdk.TagResourceInput{ResourceArn: arn, Tags: many})
	lawstest.ExpectError[*types.TooManyTagsException](t, err)
}

func TestAppend(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	stream := "2025/03/04/[$LATEST]0123456789abcdef0123456789abcdef"
	now := h.clock.Now().UnixMilli()
	if err := h.svc.Append("/aws/lambda/fn", stream, []Event{{Timestamp: now + 1, Message: "END"}, {Timestamp: now, Message: "START"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Append("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:*", stream, []Event{{Timestamp: now + 2, Message: "REPORT"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.GetLogEvents(ctx, &logssdk.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/fn"), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	if err != nil || len(out.Events) != 3 || aws.ToString(out.Events[0].Message) != "START" || aws.ToString(out.Events[2].Message) != "REPORT" {
		t.Fatalf("appended events = %+v, %v", out, err)
	}
	if err := h.svc.Append("bad name", "s", nil); err == nil {
		t.Fatal("Append accepted an invalid group name")
	}
	if err := h.svc.Append("/g", "a:b", nil); err == nil {
		t.Fatal("Append accepted an invalid stream name")
	}
	snap := h.svc.Snapshot().(map[string]map[string]GroupSnapshot)
	if snap["us-east-1"]["/aws/lambda/fn"].Streams[stream] != 3 {
		t.Fatalf("snapshot = %+v", snap)
	}
	h.svc.Reset()
	if len(h.svc.Snapshot().(map[string]map[string]GroupSnapshot)) != 0 {
		t.Fatal("Reset kept state")
	}
}

func TestAWSCLIRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not on PATH")
	}
	h := newHarness(t)
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"logs", "--endpoint-url", h.endpoint, "--output", "json"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws logs %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("create-log-group", "--log-group-name", "/cli/g")
	run("create-log-stream", "--log-group-name", "/cli/g", "--log-stream-name", "s")
	ts := fmt.Sprint(h.clock.Now().UnixMilli())
	run("put-log-events", "--log-group-name", "/cli/g", "--log-stream-name", "s",
		"--log-events", `[{"timestamp":`+ts+`,"message":"hello from the cli"}]`)
	if out := run("filter-log-events", "--log-group-name", "/cli/g", "--filter-pattern", "hello"); !strings.Contains(out, "hello from the cli") {
		t.Fatalf("filter-log-events = %s", out)
	}
	cmd := exec.Command("aws", "logs", "--endpoint-url", h.endpoint, "create-log-group", "--log-group-name", "/cli/g")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ResourceAlreadyExistsException") {
		t.Fatalf("duplicate create-log-group: %v %s", err, out)
	}
}

package logs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// PutLogEvents limits.
const (
	maxBatchEvents   = 10000
	maxBatchBytes    = 1048576
	eventOverhead    = 26 // bytes AWS adds to each message when sizing a batch
	maxBatchSpan     = 24 * time.Hour
	maxFutureSkew    = 2 * time.Hour
	maxPastAge       = 14 * 24 * time.Hour
	defaultEventsMax = 10000
)

type inputEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  string       `json:"logGroupName"`
	LogStreamName string       `json:"logStreamName"`
	LogEvents     []inputEvent `json:"logEvents"`
	SequenceToken string       `json:"sequenceToken"`
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// validateBatch checks a PutLogEvents batch: size, required members, chronological order and time span.
func validateBatch(in []inputEvent) ([]Event, *wire.Error) {
	if len(in) < 1 || len(in) > maxBatchEvents {
		return nil, constraint(fmt.Sprintf("[%d events]", len(in)), "logEvents",
			fmt.Sprintf("Member must have length between 1 and %d", maxBatchEvents))
	}
	events := make([]Event, len(in))
	size := 0
	for i, e := range in {
		member := fmt.Sprintf("logEvents.%d.member", i+1)
		if e.Timestamp == nil {
			return nil, constraint("null", member+".timestamp", "Member must not be null")
		}
		if e.Message == nil || *e.Message == "" {
			return nil, constraint("", member+".message", "Member must have length greater than or equal to 1")
		}
		if *e.Timestamp < 0 {
			return nil, constraint(strconv.FormatInt(*e.Timestamp, 10), member+".timestamp",
				"Member must have value greater than or equal to 0")
		}
		events[i] = Event{Timestamp: *e.Timestamp, Message: *e.Message}
		size += len(*e.Message) + eventOverhead
		if i > 0 && events[i].Timestamp < events[i-1].Timestamp {
			return nil, invalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > maxBatchBytes {
		return nil, invalidParameter("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	if span := time.Duration(events[len(events)-1].Timestamp-events[0].Timestamp) * time.Millisecond; span > maxBatchSpan {
		return nil, invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	return events, nil
}

// acceptable splits a chronological batch into the events AWS stores and the rejection info for the rest:
// events older than 14 days or the retention period, or more than 2 hours in the future.
func acceptable(events []Event, retentionDays int, now time.Time) ([]Event, *rejectedInfo) {
	tooOld := now.Add(-maxPastAge).UnixMilli()
	expired := int64(-1)
	if retentionDays > 0 {
		expired = now.Add(-time.Duration(retentionDays) * 24 * time.Hour).UnixMilli()
	}
	tooNew := now.Add(maxFutureSkew).UnixMilli()
	var info rejectedInfo
	start, end := 0, len(events)
	for i, e := range events {
		switch {
		case e.Timestamp < expired:
			idx := i
			info.ExpiredLogEventEndIndex, start = &idx, i+1
		case e.Timestamp < tooOld:
			idx := i
			info.TooOldLogEventEndIndex, start = &idx, i+1
		case e.Timestamp > tooNew && end == len(events):
			idx := i
			info.TooNewLogEventStartIndex, end = &idx, i
		}
	}
	if start > end {
		start = end
	}
	if info == (rejectedInfo{}) {
		return events, nil
	}
	return events[start:end], &info
}

func (s *Service) putLogEvents(c *wire.Call, in *putLogEventsInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	if err := validateStreamName(in.LogStreamName, "logStreamName"); err != nil {
		return nil, err
	}
	events, err := validateBatch(in.LogEvents)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, groupRef{LogGroupName: in.LogGroupName})
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, streamNotFound()
	}
	now := s.now()
	kept, rejected := acceptable(events, g.retention, now)
	st.add(kept, now.UnixMilli())
	return putLogEventsOutput{NextSequenceToken: st.sequenceToken(), RejectedLogEventsInfo: rejected}, nil
}

// Append stores events in a log stream, creating the log group and stream when needed, as the Lambda and
// Pipes data planes do. group is a log group name (in the server's default region) or a log group ARN.
// Events may come in any order.
func (s *Service) Append(group, stream string, events []Event) error {
	region, account, name := s.cfg.Region, s.cfg.AccountID, group
	if strings.HasPrefix(group, "arn:") {
		parts := strings.SplitN(group, ":", 7)
		if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" {
			return fmt.Errorf("appending to log group %q: not a log group ARN", group)
		}
		region, account, name = parts[3], parts[4], strings.TrimSuffix(parts[6], ":*")
	}
	if err := validateGroupName(name, "logGroupName"); err != nil {
		return fmt.Errorf("appending to log group %q: %w", group, err)
	}
	if err := validateStreamName(stream, "logStreamName"); err != nil {
		return fmt.Errorf("appending to log stream %q: %w", stream, err)
	}
	sorted := append([]Event(nil), events...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Timestamp < sorted[j].Timestamp })
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	groups := s.groups(region)
	g, ok := groups[name]
	if !ok {
		g = newGroup(region, account, name, now)
		groups[name] = g
	}
	st, ok := g.streams[stream]
	if !ok {
		st = newStream(g, stream, now)
		g.streams[stream] = st
	}
	st.add(sorted, now.UnixMilli())
	return nil
}

type getLogEventsInput struct {
	groupRef
	LogStreamName string `json:"logStreamName"`
	StartTime     *int64 `json:"startTime"`
	EndTime       *int64 `json:"endTime"`
	NextToken     string `json:"nextToken"`
	Limit         *int   `json:"limit"`
	StartFromHead *bool  `json:"startFromHead"`
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

// inWindow reports whether a timestamp is in [start, end).
func inWindow(ts int64, start, end *int64) bool {
	return (start == nil || ts >= *start) && (end == nil || ts < *end)
}

// eventToken renders a GetLogEvents position; the shape follows AWS's "f/<56 digits>/s" tokens.
func eventToken(dir byte, pos int) string { return fmt.Sprintf("%c/%056d/s", dir, pos) }

func parseEventToken(tok string) (dir byte, pos int, ok bool) {
	parts := strings.Split(tok, "/")
	if len(parts) != 3 || (parts[0] != "f" && parts[0] != "b") || parts[2] != "s" {
		return 0, 0, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, 0, false
	}
	return parts[0][0], n, true
}

// getLogEvents pages through one stream. Without a token it starts at the newest events, or the oldest with
// startFromHead. A forward token continues after the page, a backward token before it; at either end of the
// stream the same token comes back.
func (s *Service) getLogEvents(c *wire.Call, in *getLogEventsInput) (any, *wire.Error) {
	limit, err := limitParam(in.Limit, 10000, defaultEventsMax)
	if err != nil {
		return nil, err
	}
	if err := validateStreamName(in.LogStreamName, "logStreamName"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, in.groupRef)
	if err != nil {
		return nil, err
	}
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, streamNotFound()
	}
	var events []storedEvent
	for _, e := range st.events {
		if inWindow(e.Timestamp, in.StartTime, in.EndTime) {
			events = append(events, e)
		}
	}
	var from, to int
	switch {
	case in.NextToken != "":
		dir, pos, ok := parseEventToken(in.NextToken)
		if !ok {
			return nil, invalidParameter("The specified nextToken is invalid.")
		}
		pos = min(pos, len(events))
		if dir == 'f' {
			from, to = pos, min(pos+limit, len(events))
		} else {
			from, to = max(pos-limit, 0), pos
		}
	case in.StartFromHead != nil && *in.StartFromHead:
		from, to = 0, min(limit, len(events))
	default:
		from, to = max(len(events)-limit, 0), len(events)
	}
	out := getLogEventsOutput{Events: make([]outputEvent, 0, to-from), NextForwardToken: eventToken('f', to),
		NextBackwardToken: eventToken('b', from)}
	for _, e := range events[from:to] {
		out.Events = append(out.Events, outputEvent{Timestamp: e.Timestamp, Message: e.Message, IngestionTime: e.ingested})
	}
	return out, nil
}

package logs

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Event is one log event: a timestamp in milliseconds since the epoch and a message.
type Event struct {
	// Timestamp is when the event happened, in milliseconds since the epoch.
	Timestamp int64
	// Message is the event's text.
	Message string
}

// storedEvent is an event as a stream keeps it.
type storedEvent struct {
	Event
	ingested int64  // ingestion time, ms
	id       string // eventId in FilterLogEvents
}

// stream is one log stream; events are kept in timestamp order (ingestion order among equal timestamps).
type stream struct {
	name, arn     string
	created       time.Time
	events        []storedEvent
	lastIngestion int64
	seq           int64 // upload sequence number
	nextID        int64
}

func newStream(g *group, name string, now time.Time) *stream {
	return &stream{name: name, arn: g.arn + ":log-stream:" + name, created: now}
}

// add stores events ingested at ingestedAt.
func (st *stream) add(events []Event, ingestedAt int64) {
	for _, e := range events {
		st.nextID++
		se := storedEvent{Event: e, ingested: ingestedAt, id: fmt.Sprintf("%056d", st.nextID)}
		i := sort.Search(len(st.events), func(i int) bool { return st.events[i].Timestamp > e.Timestamp })
		st.events = append(st.events, storedEvent{})
		copy(st.events[i+1:], st.events[i:])
		st.events[i] = se
	}
	if len(events) > 0 {
		st.lastIngestion = ingestedAt
	}
	st.seq++
}

// dropBefore removes events with timestamps before cutoff (ms).
func (st *stream) dropBefore(cutoff int64) {
	i := sort.Search(len(st.events), func(i int) bool { return st.events[i].Timestamp >= cutoff })
	st.events = append(st.events[:0], st.events[i:]...)
}

// bytes is the stream's stored size: the length of every message.
func (st *stream) bytes() int64 {
	var n int64
	for _, e := range st.events {
		n += int64(len(e.Message))
	}
	return n
}

// sequenceToken renders the stream's upload sequence token.
func (st *stream) sequenceToken() string { return fmt.Sprintf("%056d", st.seq+1) }

func validateStreamName(name, member string) *wire.Error {
	if len(name) < 1 || len(name) > 512 {
		return constraint(name, member, "Member must have length between 1 and 512")
	}
	if strings.ContainsAny(name, ":*") {
		return constraint(name, member, "Member must satisfy regular expression pattern: [^:*]*")
	}
	return nil
}

type streamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

func (s *Service) createLogStream(c *wire.Call, in *streamInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	if err := validateStreamName(in.LogStreamName, "logStreamName"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, groupRef{LogGroupName: in.LogGroupName})
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[in.LogStreamName]; ok {
		return nil, alreadyExists("log stream")
	}
	g.streams[in.LogStreamName] = newStream(g, in.LogStreamName, s.now())
	return nil, nil
}

func (s *Service) deleteLogStream(c *wire.Call, in *streamInput) (any, *wire.Error) {
	if err := validateStreamName(in.LogStreamName, "logStreamName"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, groupRef{LogGroupName: in.LogGroupName})
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[in.LogStreamName]; !ok {
		return nil, streamNotFound()
	}
	delete(g.streams, in.LogStreamName)
	return nil, nil
}

type describeLogStreamsInput struct {
	groupRef
	LogStreamNamePrefix string `json:"logStreamNamePrefix"`
	OrderBy             string `json:"orderBy"`
	Descending          bool   `json:"descending"`
	NextToken           string `json:"nextToken"`
	Limit               *int   `json:"limit"`
}

// logStreamOut is a LogStream in DescribeLogStreams; event times are absent until the stream has events.
type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int    `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOut `json:"logStreams"`
	NextToken  string         `json:"nextToken,omitempty"`
}

// describeLogStreams lists a group's streams by name (optionally by prefix) or by last event time.
func (s *Service) describeLogStreams(c *wire.Call, in *describeLogStreamsInput) (any, *wire.Error) {
	limit, err := limitParam(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if in.LogStreamNamePrefix != "" {
			return nil, invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, constraint(in.OrderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, in.groupRef)
	if err != nil {
		return nil, err
	}
	var list []logStreamOut
	for _, name := range sortedKeys(g.streams) {
		if !strings.HasPrefix(name, in.LogStreamNamePrefix) {
			continue
		}
		st := g.streams[name]
		out := logStreamOut{LogStreamName: name, CreationTime: st.created.UnixMilli(),
			UploadSequenceToken: st.sequenceToken(), Arn: st.arn}
		if n := len(st.events); n > 0 {
			first, last, ingested := st.events[0].Timestamp, st.events[n-1].Timestamp, st.lastIngestion
			out.FirstEventTimestamp, out.LastEventTimestamp, out.LastIngestionTime = &first, &last, &ingested
		}
		list = append(list, out)
	}
	if in.OrderBy == "LastEventTime" {
		sort.SliceStable(list, func(i, j int) bool { return lastEvent(list[i]) < lastEvent(list[j]) })
	}
	if in.Descending {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	page, next, ok := wire.Page(list, in.NextToken, limit, limit)
	if !ok {
		return nil, invalidParameter("The specified nextToken is invalid.")
	}
	if page == nil {
		page = []logStreamOut{}
	}
	return describeLogStreamsOutput{LogStreams: page, NextToken: next}, nil
}

func lastEvent(s logStreamOut) int64 {
	if s.LastEventTimestamp == nil {
		return 0
	}
	return *s.LastEventTimestamp
}

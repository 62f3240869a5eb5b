package logs

import (
	"slices"
	"sort"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type filterLogEventsInput struct {
	groupRef
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	NextToken           string   `json:"nextToken"`
	Limit               *int     `json:"limit"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterLogEventsOutput struct {
	Events             []filteredEvent  `json:"events"`
	SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
	NextToken          string           `json:"nextToken,omitempty"`
}

// filterLogEvents searches a group's streams (all, the named ones, or those with a prefix) for events in a
// time window matching a filter pattern, interleaved in timestamp order. Named streams that do not exist
// are skipped (UNCONFIRMED: AWS may reject them).
func (s *Service) filterLogEvents(c *wire.Call, in *filterLogEventsInput) (any, *wire.Error) {
	limit, err := limitParam(in.Limit, 10000, defaultEventsMax)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, invalidParameter("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	if len(in.LogStreamNames) > 100 {
		return nil, constraint("[...]", "logStreamNames", "Member must have length less than or equal to 100")
	}
	if len(in.FilterPattern) > 1024 {
		return nil, constraint(in.FilterPattern, "filterPattern", "Member must have length less than or equal to 1024")
	}
	match, perr := compilePattern(in.FilterPattern)
	if perr != nil {
		return nil, invalidParameter("Invalid filter pattern: %v", perr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, in.groupRef)
	if err != nil {
		return nil, err
	}
	out := filterLogEventsOutput{Events: []filteredEvent{}, SearchedLogStreams: []searchedStream{}}
	var found []filteredEvent
	for _, name := range sortedKeys(g.streams) {
		if (len(in.LogStreamNames) > 0 && !slices.Contains(in.LogStreamNames, name)) || !strings.HasPrefix(name, in.LogStreamNamePrefix) {
			continue
		}
		out.SearchedLogStreams = append(out.SearchedLogStreams, searchedStream{LogStreamName: name, SearchedCompletely: true})
		for _, e := range g.streams[name].events {
			if inWindow(e.Timestamp, in.StartTime, in.EndTime) && match(e.Message) {
				found = append(found, filteredEvent{LogStreamName: name, Timestamp: e.Timestamp, Message: e.Message,
					IngestionTime: e.ingested, EventID: e.id})
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Timestamp < found[j].Timestamp })
	page, next, ok := wire.Page(found, in.NextToken, limit, limit)
	if !ok {
		return nil, invalidParameter("The specified nextToken is invalid.")
	}
	if page != nil {
		out.Events = page
	}
	out.NextToken = next
	return out, nil
}

package pipes

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// defaultLimit is ListPipes' page size when Limit is absent (UNCONFIRMED; the model bounds it to 1–100).
const defaultLimit = 100

type listResponse struct {
	Pipes     []listEntry `json:"Pipes"`
	NextToken string      `json:"NextToken,omitempty"`
}

// listFilter is ListPipes' query.
type listFilter struct {
	namePrefix, desired, current, sourcePrefix, targetPrefix string
}

func (l listFilter) matches(p *pipe) bool {
	return strings.HasPrefix(p.name, l.namePrefix) && strings.HasPrefix(p.source, l.sourcePrefix) &&
		strings.HasPrefix(p.target, l.targetPrefix) &&
		(l.desired == "" || p.desired == l.desired) && (l.current == "" || p.current == l.current)
}

func (s *Service) listPipes(c *wire.Call) error {
	q := c.R.URL.Query()
	var f fieldErrors
	lf := listFilter{namePrefix: q.Get("NamePrefix"), desired: q.Get("DesiredState"), current: q.Get("CurrentState"),
		sourcePrefix: q.Get("SourcePrefix"), targetPrefix: q.Get("TargetPrefix")}
	if q.Has("NamePrefix") {
		f.text("NamePrefix", lf.namePrefix, 1, maxNameLen, namePattern)
	}
	if q.Has("DesiredState") {
		f.enum("DesiredState", lf.desired, requestedStates)
	}
	if q.Has("CurrentState") {
		f.enum("CurrentState", lf.current, pipeStates)
	}
	if q.Has("SourcePrefix") {
		f.length("SourcePrefix", lf.sourcePrefix, 1, maxARNLen)
	}
	if q.Has("TargetPrefix") {
		f.length("TargetPrefix", lf.targetPrefix, 1, maxARNLen)
	}
	limit := defaultLimit
	if q.Has("Limit") {
		n, err := strconv.Atoi(q.Get("Limit"))
		if err != nil || n < 1 || n > 100 {
			f.add("Limit", "Member must have value between 1 and 100")
		}
		limit = n
	}
	token := q.Get("NextToken")
	if q.Has("NextToken") {
		f.length("NextToken", token, 1, 2048)
	}
	if err := f.err(); err != nil {
		return err
	}

	s.mu.Lock()
	var matched []*pipe
	for _, p := range s.pipes {
		if p.region == c.Region && lf.matches(p) {
			matched = append(matched, p)
		}
	}
	sort.Slice(matched, func(i, j int) bool { return matched[i].name < matched[j].name })
	entries := make([]listEntry, len(matched))
	for i, p := range matched {
		entries[i] = p.listEntry()
	}
	s.mu.Unlock()

	page, next, ok := wire.Page(entries, token, limit, defaultLimit)
	if !ok {
		f.add("NextToken", "Member must be a token returned by a previous ListPipes call")
		return f.err()
	}
	return c.JSON(http.StatusOK, listResponse{Pipes: page, NextToken: next})
}

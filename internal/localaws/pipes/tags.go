package pipes

import (
	"maps"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type tagsBody struct {
	Tags map[string]string `json:"tags"`
}

// lookupARN finds the pipe named by the resourceArn path label in the call's region. Callers hold s.mu.
func (s *Service) lookupARN(c *wire.Call) (*pipe, error) {
	arn := c.Param("resourceArn")
	var f fieldErrors
	f.text("resourceArn", arn, 1, maxARNLen, pipeARNPattern)
	if err := f.err(); err != nil {
		return nil, err
	}
	p, ok := s.pipes[arn]
	if !ok || p.region != c.Region {
		_, name, _ := strings.Cut(arn, ":pipe/")
		return nil, notFound(name)
	}
	return p, nil
}

func (s *Service) tagResource(c *wire.Call) error {
	var req tagsBody
	if err := c.DecodeJSON(&req); err != nil {
		return malformed(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookupARN(c)
	if err != nil {
		return err
	}
	var f fieldErrors
	if len(req.Tags) == 0 {
		f.add("tags", "Member must have length between 1 and %d", maxTags)
	}
	f.tags("tags", req.Tags, p.tags)
	if err := f.err(); err != nil {
		return err
	}
	maps.Copy(p.tags, req.Tags)
	return c.JSON(http.StatusOK, struct{}{})
}

func (s *Service) untagResource(c *wire.Call) error {
	keys := c.R.URL.Query()["tagKeys"]
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookupARN(c)
	if err != nil {
		return err
	}
	if len(keys) > maxTags {
		var f fieldErrors
		f.add("tagKeys", "Member must have length less than or equal to %d", maxTags)
		return f.err()
	}
	for _, k := range keys {
		delete(p.tags, k)
	}
	return c.JSON(http.StatusOK, struct{}{})
}

func (s *Service) listTags(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookupARN(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tagsBody{Tags: maps.Clone(p.tags)})
}

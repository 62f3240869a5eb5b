package msk

import (
	"maps"
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type tagsBody struct {
	Tags map[string]string `json:"tags"`
}

func (s *Service) tagResource(c *wire.Call) error {
	var req tagsBody
	if err := c.DecodeJSON(&req); err != nil {
		return badRequest("", "The request body is not valid JSON: %v", err)
	}
	if len(req.Tags) == 0 {
		return badRequest("tags", "tags is a required parameter and must contain at least one tag.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "resourceArn")
	if err != nil {
		return err
	}
	if err := validateTags(req.Tags, cl.tags); err != nil {
		return err
	}
	maps.Copy(cl.tags, req.Tags)
	return c.Empty(http.StatusNoContent)
}

func (s *Service) untagResource(c *wire.Call) error {
	keys := c.R.URL.Query()["tagKeys"]
	if len(keys) == 0 {
		return badRequest("tagKeys", "tagKeys is a required parameter and must name at least one tag key.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "resourceArn")
	if err != nil {
		return err
	}
	for _, k := range keys {
		delete(cl.tags, k)
	}
	return c.Empty(http.StatusNoContent)
}

func (s *Service) listTags(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "resourceArn")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tagsBody{Tags: maps.Clone(cl.tags)})
}

// copyTags returns a non-nil copy of tags.
func copyTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	maps.Copy(out, tags)
	return out
}

package lambda

import (
	"maps"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Tag limits.
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

var taggablePattern = whole(`arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)`)

// checkTags applies Lambda's tag rules to tags being added. The message wording is UNCONFIRMED.
func checkTags(tags map[string]string) *wire.Error {
	if len(tags) > maxTags {
		return errInvalidParameter("Number of tags exceeds resource tag limit of %d.", maxTags)
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > maxTagKeyLen:
			return errInvalidParameter("Tag key %q must be between 1 and %d characters long.", k, maxTagKeyLen)
		case len(v) > maxTagValueLen:
			return errInvalidParameter("Tag value for key %q must be at most %d characters long.", k, maxTagValueLen)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return errInvalidParameter("Tag keys starting with the aws: prefix are reserved: %s", k)
		}
	}
	return nil
}

// taggedResource returns the tag map of the function or mapping an ARN names. s.mu must be held.
func (s *Service) taggedResource(c *wire.Call) (map[string]string, *wire.Error) {
	arn := c.Param("ARN")
	var v validator
	v.length("resource", &arn, 1, 256)
	v.pattern("resource", &arn, taggablePattern)
	if err := v.err(); err != nil {
		return nil, err
	}
	parts := strings.Split(arn, ":")
	region, account := parts[3], parts[4]
	rs := s.region(c.Region)
	switch parts[5] {
	case "function":
		if len(parts) > 7 {
			return nil, errInvalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.")
		}
		fn, ok := rs.functions[parts[6]]
		if !ok || region != c.Region || account != c.AccountID {
			return nil, errFunctionNotFound(arn)
		}
		return fn.tags, nil
	case "event-source-mapping":
		m, ok := rs.mappings[parts[6]]
		if !ok || m.arn != arn {
			return nil, errNotFound("The resource you requested does not exist.")
		}
		return m.tags, nil
	}
	return nil, errNotFound("The resource you requested does not exist.")
}

func (s *Service) tagResource(c *wire.Call) error {
	var in struct {
		Tags map[string]string `json:"Tags"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	var v validator
	v.required("tags", in.Tags != nil)
	if err := v.err(); err != nil {
		return err
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.taggedResource(c)
	if err != nil {
		return err
	}
	merged := maps.Clone(tags)
	maps.Copy(merged, in.Tags)
	if err := checkTags(merged); err != nil {
		return err
	}
	maps.Copy(tags, in.Tags)
	return c.Empty(http.StatusNoContent)
}

func (s *Service) untagResource(c *wire.Call) error {
	keys := c.R.URL.Query()["tagKeys"]
	var v validator
	v.required("tagKeys", len(keys) > 0)
	if err := v.err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.taggedResource(c)
	if err != nil {
		return err
	}
	for _, k := range keys {
		delete(tags, k)
	}
	return c.Empty(http.StatusNoContent)
}

func (s *Service) listTags(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := s.taggedResource(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]map[string]string{"Tags": maps.Clone(tags)})
}

package logs

import (
	"regexp"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

var (
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$`)
)

// maxTags is how many tags a log group can carry.
const maxTags = 50

func validateTags(tags map[string]string) *wire.Error {
	if len(tags) < 1 || len(tags) > maxTags {
		return constraint("{...}", "tags", "Member must have length between 1 and 50")
	}
	for k, v := range tags {
		if !tagKeyPattern.MatchString(k) {
			return constraint(k, "tags", `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParameter("Tag keys beginning with 'aws:' are reserved: %s", k)
		}
		if !tagValuePattern.MatchString(v) {
			return constraint(v, "tags", `Map values must satisfy constraint: [Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$]`)
		}
	}
	return nil
}

// groupByARN finds a log group by its ARN (with or without ":*"). The caller holds s.mu.
func (s *Service) groupByARN(c *wire.Call, arn string) (*group, *wire.Error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, invalidParameter("Invalid resourceArn: %s", arn)
	}
	g, err := s.lookup(c, groupRef{LogGroupIdentifier: arn})
	if err != nil {
		return nil, wire.ValidationError("ResourceNotFoundException", "The specified resource does not exist.")
	}
	return g, nil
}

type tagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

func (s *Service) tagResource(c *wire.Call, in *tagResourceInput) (any, *wire.Error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	added := 0
	for k := range in.Tags {
		if _, ok := g.tags[k]; !ok {
			added++
		}
	}
	if len(g.tags)+added > maxTags {
		return nil, wire.ValidationError("TooManyTagsException", "A resource can have no more than 50 tags.").
			With("resourceName", in.ResourceArn)
	}
	for k, v := range in.Tags {
		g.tags[k] = v
	}
	return nil, nil
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

func (s *Service) untagResource(c *wire.Call, in *untagResourceInput) (any, *wire.Error) {
	if len(in.TagKeys) == 0 || len(in.TagKeys) > maxTags {
		return nil, constraint("[...]", "tagKeys", "Member must have length between 1 and 50")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(g.tags, k)
	}
	return nil, nil
}

type listTagsInput struct {
	ResourceArn string `json:"resourceArn"`
}

type listTagsOutput struct {
	Tags map[string]string `json:"tags"`
}

func (s *Service) listTagsForResource(c *wire.Call, in *listTagsInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(g.tags))
	for k, v := range g.tags {
		tags[k] = v
	}
	return listTagsOutput{Tags: tags}, nil
}

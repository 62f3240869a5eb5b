package iam

import (
	"fmt"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// checkTagKeys rejects duplicate keys (IAM tag keys are case-insensitive) and keys in the reserved aws:
// namespace.
func checkTagKeys(tags []tag) *wire.Error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			// UNCONFIRMED: IAM's wording for a reserved tag key.
			return invalidInput("Tag keys starting with 'aws:' are reserved for internal use: %s", t.Key)
		}
	}
	return nil
}

func (s *Service) tagRole(c *wire.Call) error {
	var tags []tag
	return s.withRole(c, true, func(p *params) {
		if tags = p.tags("Tags"); len(tags) == 0 && len(p.errs) == 0 {
			p.fail(nil, "Tags", "Member must not be null")
		}
	}, func(r *role) error {
		if err := checkTagKeys(tags); err != nil {
			return err
		}
		if r.mergedTagCount(tags) > maxTagsPerRole {
			// UNCONFIRMED: IAM's wording when tagging would take a role past 50 tags.
			return limitExceeded("The number of tags has reached the maximum limit of %d.", maxTagsPerRole)
		}
		r.setTags(tags)
		return c.XML(nil)
	})
}

func (s *Service) untagRole(c *wire.Call) error {
	var keys []string
	return s.withRole(c, true, func(p *params) {
		keys = wire.Strings(p.form, "TagKeys.member")
		switch {
		case len(keys) == 0:
			p.fail(nil, "TagKeys", "Member must not be null")
		case len(keys) > maxTagsPerRole:
			p.errs = append(p.errs, fmt.Sprintf(
				"Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to %d", maxTagsPerRole))
		}
		for _, k := range keys {
			p.check("TagKeys.member", k, tagKeyC)
		}
	}, func(r *role) error {
		for _, k := range keys {
			if i := r.tagIndex(k); i >= 0 {
				r.tags = append(r.tags[:i], r.tags[i+1:]...)
			}
		}
		return c.XML(nil)
	})
}

func (s *Service) listRoleTags(c *wire.Call) error {
	var marker string
	var maxItems int
	return s.withRole(c, false, func(p *params) {
		marker, maxItems = p.page()
	}, func(r *role) error {
		page, lp, err := paginate(tagsXML(r.tags), marker, maxItems)
		if err != nil {
			return err
		}
		return c.XML(struct {
			Tags []tagXML `xml:"Tags>member"`
			listPage
		}{page, lp})
	})
}

package iam

import (
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

func (s *Service) attachRolePolicy(c *wire.Call) error {
	var arn string
	return s.withRole(c, true, func(p *params) {
		arn = p.required("PolicyArn", arnC)
	}, func(r *role) error {
		_, ok, err := resolveManaged(arn)
		if err != nil {
			return err
		}
		if !ok {
			return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		if r.attachedIndex(arn) >= 0 {
			return c.XML(nil)
		}
		if len(r.attached) >= maxAttachedPerRole {
			return limitExceeded("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedPerRole)
		}
		r.attached = append(r.attached, arn)
		return c.XML(nil)
	})
}

func (s *Service) detachRolePolicy(c *wire.Call) error {
	var arn string
	return s.withRole(c, true, func(p *params) {
		arn = p.required("PolicyArn", arnC)
	}, func(r *role) error {
		if _, _, err := resolveManaged(arn); err != nil {
			return err
		}
		i := r.attachedIndex(arn)
		if i < 0 {
			return noSuchEntity("Policy %s was not found.", arn)
		}
		r.attached = append(r.attached[:i], r.attached[i+1:]...)
		return c.XML(nil)
	})
}

func (s *Service) listAttachedRolePolicies(c *wire.Call) error {
	var prefix, marker string
	var maxItems int
	return s.withRole(c, false, func(p *params) {
		var ok bool
		if prefix, ok = p.optional("PathPrefix", policyPathC); !ok {
			prefix = "/"
		}
		marker, maxItems = p.page()
	}, func(r *role) error {
		var matched []attachedPolicyXML
		for _, arn := range r.attached {
			mp, _, _ := resolveManaged(arn)
			if strings.HasPrefix(mp.path, prefix) {
				matched = append(matched, attachedPolicyXML{PolicyName: mp.name, PolicyArn: mp.arn})
			}
		}
		page, lp, err := paginate(matched, marker, maxItems)
		if err != nil {
			return err
		}
		return c.XML(struct {
			AttachedPolicies []attachedPolicyXML `xml:"AttachedPolicies>member"`
			listPage
		}{page, lp})
	})
}

package iam

import (
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

func noSuchRolePolicy(name string) *wire.Error {
	return noSuchEntity("The role policy with name %s cannot be found.", name)
}

func (s *Service) putRolePolicy(c *wire.Call) error {
	var name, doc string
	return s.withRole(c, true, func(p *params) {
		name = p.required("PolicyName", policyNameC)
		doc = p.required("PolicyDocument", documentC)
	}, func(r *role) error {
		policy, err := parsePolicy(doc, iampolicy.Identity)
		if err != nil {
			return err
		}
		if r.inlineSize(name, doc) > maxInlinePolicyChars {
			return limitExceeded("Maximum policy size of %d bytes exceeded for role %s", maxInlinePolicyChars, r.name)
		}
		r.inline[strings.ToLower(name)] = &inlinePolicy{name: name, doc: doc, policy: policy}
		return c.XML(nil)
	})
}

func (s *Service) getRolePolicy(c *wire.Call) error {
	var name string
	return s.withRole(c, false, func(p *params) {
		name = p.required("PolicyName", policyNameC)
	}, func(r *role) error {
		ip, ok := r.inline[strings.ToLower(name)]
		if !ok {
			return noSuchRolePolicy(name)
		}
		return c.XML(struct {
			RoleName       string `xml:"RoleName"`
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{r.name, ip.name, encodeDocument(ip.doc)})
	})
}

func (s *Service) deleteRolePolicy(c *wire.Call) error {
	var name string
	return s.withRole(c, true, func(p *params) {
		name = p.required("PolicyName", policyNameC)
	}, func(r *role) error {
		if _, ok := r.inline[strings.ToLower(name)]; !ok {
			return noSuchRolePolicy(name)
		}
		delete(r.inline, strings.ToLower(name))
		return c.XML(nil)
	})
}

func (s *Service) listRolePolicies(c *wire.Call) error {
	var marker string
	var maxItems int
	return s.withRole(c, false, func(p *params) {
		marker, maxItems = p.page()
	}, func(r *role) error {
		page, lp, err := paginate(r.inlineNames(), marker, maxItems)
		if err != nil {
			return err
		}
		return c.XML(struct {
			PolicyNames []string `xml:"PolicyNames>member"`
			listPage
		}{page, lp})
	})
}

package iam

import (
	"errors"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type roleResult struct {
	Role roleXML `xml:"Role"`
}

// parsePolicy parses a document of the given kind, answering MalformedPolicyDocument for a rejected one.
func parsePolicy(doc string, kind iampolicy.Kind) (iampolicy.Policy, *wire.Error) {
	p, err := iampolicy.Parse(doc, kind)
	var me *iampolicy.MalformedError
	if errors.As(err, &me) {
		return iampolicy.Policy{}, malformedPolicy(me.Message)
	}
	if err != nil {
		return iampolicy.Policy{}, wire.Internal(err)
	}
	return p, nil
}

// parseTrust parses a trust policy and applies the trust policy length quota.
func parseTrust(doc string) (iampolicy.Policy, *wire.Error) {
	p, err := parsePolicy(doc, iampolicy.Trust)
	if err != nil {
		return p, err
	}
	if policySize(doc) > maxTrustPolicyChars {
		return iampolicy.Policy{}, limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicyChars)
	}
	return p, nil
}

func (s *Service) createRole(c *wire.Call) error {
	p := newParams(c)
	name := p.required("RoleName", roleNameC)
	doc := p.required("AssumeRolePolicyDocument", documentC)
	path, ok := p.optional("Path", pathC)
	if !ok {
		path = "/"
	}
	description, _ := p.optional("Description", descriptionC)
	maxSession, ok := p.integer("MaxSessionDuration", 3600, 43200)
	if !ok {
		maxSession = defaultMaxSession
	}
	boundary, hasBoundary := p.optional("PermissionsBoundary", arnC)
	tags := p.tags("Tags")
	if err := p.err(); err != nil {
		return err
	}
	if err := checkTagKeys(tags); err != nil {
		return err
	}
	trust, err := parseTrust(doc)
	if err != nil {
		return err
	}
	if hasBoundary {
		_, ok, err := resolveManaged(boundary)
		if err != nil {
			return err
		}
		if !ok {
			return noSuchEntity("Scope ARN: %s does not exist or is not attachable.", boundary)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.lookup(name); exists {
		return entityAlreadyExists("Role with name %s already exists.", name)
	}
	if len(s.roles) >= maxRoles {
		return limitExceeded("Cannot exceed quota for RolesPerAccount: %d", maxRoles)
	}
	r := &role{name: name, path: path, id: newRoleID(), arn: roleARN(c.AccountID, path, name), created: s.now(),
		trustDoc: doc, trust: trust, description: description, maxSession: maxSession, boundary: boundary,
		inline: map[string]*inlinePolicy{}}
	r.setTags(tags)
	s.roles[strings.ToLower(name)] = r
	return c.XML(roleResult{Role: r.xml(createView)})
}

// withRole validates RoleName (and whatever read adds to p) and runs fn on the role under the lock; write
// says whether fn changes state.
func (s *Service) withRole(c *wire.Call, write bool, read func(p *params), fn func(r *role) error) error {
	p := newParams(c)
	name := p.required("RoleName", roleNameC)
	if read != nil {
		read(p)
	}
	if err := p.err(); err != nil {
		return err
	}
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	r, ok := s.lookup(name)
	if !ok {
		return noSuchRole(name)
	}
	return fn(r)
}

func (s *Service) getRole(c *wire.Call) error {
	return s.withRole(c, false, nil, func(r *role) error {
		return c.XML(roleResult{Role: r.xml(getView)})
	})
}

func (s *Service) deleteRole(c *wire.Call) error {
	return s.withRole(c, true, nil, func(r *role) error {
		// UNCONFIRMED: which conflict IAM reports first when a role has both kinds of policies.
		if len(r.attached) > 0 {
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		if len(r.inline) > 0 {
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		delete(s.roles, strings.ToLower(r.name))
		return c.XML(nil)
	})
}

func (s *Service) updateAssumeRolePolicy(c *wire.Call) error {
	var doc string
	return s.withRole(c, true, func(p *params) {
		doc = p.required("PolicyDocument", documentC)
	}, func(r *role) error {
		trust, err := parseTrust(doc)
		if err != nil {
			return err
		}
		r.trustDoc, r.trust = doc, trust
		return c.XML(nil)
	})
}

func (s *Service) listRoles(c *wire.Call) error {
	p := newParams(c)
	prefix, ok := p.optional("PathPrefix", pathPrefixC)
	if !ok {
		prefix = "/"
	}
	marker, maxItems := p.page()
	if err := p.err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matched []roleXML
	for _, r := range s.sortedRoles() {
		if strings.HasPrefix(r.path, prefix) {
			matched = append(matched, r.xml(listView))
		}
	}
	page, lp, err := paginate(matched, marker, maxItems)
	if err != nil {
		return err
	}
	return c.XML(struct {
		Roles []roleXML `xml:"Roles>member"`
		listPage
	}{page, lp})
}

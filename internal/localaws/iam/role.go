package iam

import (
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

// IAM quotas (aws-quotas.md): roles per account, tags and managed policies per role, trust policy length
// and aggregate inline policy size per role (whitespace not counted in either size).
const (
	maxRoles              = 1000
	maxTagsPerRole        = 50
	maxAttachedPerRole    = 10
	maxTrustPolicyChars   = 2048
	maxInlinePolicyChars  = 10240
	defaultMaxSession     = 3600
	roleIDPrefix          = "AROA"
	roleIDRandomLength    = 17
	roleIDAlphabet        = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	iso8601               = "2006-01-02T15:04:05Z"
	boundaryAttachmentTyp = "PermissionsBoundaryPolicy"
)

// tag is one role tag.
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// inlinePolicy is a policy embedded in a role.
type inlinePolicy struct {
	name   string
	doc    string
	policy iampolicy.Policy
}

// role is one IAM role.
type role struct {
	name, path, id, arn string
	created             time.Time
	trustDoc            string
	trust               iampolicy.Policy
	description         string
	maxSession          int
	boundary            string
	tags                []tag
	inline              map[string]*inlinePolicy // by lower-cased policy name
	attached            []string                 // managed policy ARNs in attachment order
}

func roleARN(accountID, path, name string) string {
	return "arn:aws:iam::" + accountID + ":role" + path + name
}

func newRoleID() string {
	b := make([]byte, roleIDRandomLength)
	for i := range b {
		b[i] = roleIDAlphabet[rand.IntN(len(roleIDAlphabet))]
	}
	return roleIDPrefix + string(b)
}

// policySize counts a document's characters the way IAM's size quotas do: whitespace excluded.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// inlineSize is the aggregate size of the role's inline policies with name's document replaced by doc.
func (r *role) inlineSize(name, doc string) int {
	total := policySize(doc)
	for key, p := range r.inline {
		if key != strings.ToLower(name) {
			total += policySize(p.doc)
		}
	}
	return total
}

func (r *role) inlineNames() []string {
	names := make([]string, 0, len(r.inline))
	for _, p := range r.inline {
		names = append(names, p.name)
	}
	sort.Strings(names)
	return names
}

func (r *role) attachedIndex(policyARN string) int {
	for i, a := range r.attached {
		if a == policyARN {
			return i
		}
	}
	return -1
}

// setTags merges tags into the role's tags; keys compare case-insensitively, as IAM tag keys do, and a
// new value (and key spelling) replaces the old one.
func (r *role) setTags(tags []tag) {
	for _, t := range tags {
		if i := r.tagIndex(t.Key); i >= 0 {
			r.tags[i] = t
		} else {
			r.tags = append(r.tags, t)
		}
	}
}

func (r *role) tagIndex(key string) int {
	for i, t := range r.tags {
		if strings.EqualFold(t.Key, key) {
			return i
		}
	}
	return -1
}

// mergedTagCount is how many tags the role would have after setTags(tags).
func (r *role) mergedTagCount(tags []tag) int {
	n := len(r.tags)
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if r.tagIndex(t.Key) < 0 && !seen[k] {
			n++
		}
		seen[k] = true
	}
	return n
}

// roleSnapshot is a role in the admin state dump.
type roleSnapshot struct {
	RoleName                 string            `json:"roleName"`
	Path                     string            `json:"path"`
	RoleID                   string            `json:"roleId"`
	Arn                      string            `json:"arn"`
	CreateDate               string            `json:"createDate"`
	AssumeRolePolicyDocument string            `json:"assumeRolePolicyDocument"`
	Description              string            `json:"description,omitempty"`
	MaxSessionDuration       int               `json:"maxSessionDuration"`
	PermissionsBoundary      string            `json:"permissionsBoundary,omitempty"`
	InlinePolicies           map[string]string `json:"inlinePolicies"`
	AttachedPolicies         []string          `json:"attachedPolicies"`
	Tags                     []tag             `json:"tags"`
}

func (r *role) snapshot() roleSnapshot {
	out := roleSnapshot{RoleName: r.name, Path: r.path, RoleID: r.id, Arn: r.arn,
		CreateDate: r.created.UTC().Format(iso8601), AssumeRolePolicyDocument: r.trustDoc,
		Description: r.description, MaxSessionDuration: r.maxSession, PermissionsBoundary: r.boundary,
		InlinePolicies: map[string]string{}, AttachedPolicies: append([]string{}, r.attached...),
		Tags: append([]tag{}, r.tags...)}
	for _, p := range r.inline {
		out.InlinePolicies[p.name] = p.doc
	}
	return out
}

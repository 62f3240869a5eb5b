package iampolicy

import (
	"slices"
	"strings"
)

// Decision is the outcome of evaluating policies for a request.
type Decision int

const (
	// ImplicitDeny means no statement allowed the request (and none denied it).
	ImplicitDeny Decision = iota
	// Allow means a statement allowed the request and none denied it.
	Allow
	// ExplicitDeny means a Deny statement matched; it wins over any Allow.
	ExplicitDeny
)

// String implements fmt.Stringer.
func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	default:
		return "ImplicitDeny"
	}
}

// Allowed reports whether the decision grants the request.
func (d Decision) Allowed() bool { return d == Allow }

// Request is what a set of policies is evaluated against.
type Request struct {
	// Action is the action requested, "service:Action" (compared case-insensitively).
	Action string
	// Resource is the resource ARN (compared case-sensitively). Statements without Resource or NotResource
	// (trust policies) match any resource.
	Resource string
	// PrincipalType and PrincipalID name the caller for trust policies ("Service",
	// "lambda.amazonaws.com"); empty for identity policies, where statements carry no Principal.
	PrincipalType, PrincipalID string
	// Context holds condition keys and their values (key names are case-insensitive). A statement whose
	// condition needs a key missing from Context does not match (unless the operator says otherwise, such as
	// ...IfExists or Null), so without a Context an Allow statement with a condition grants nothing.
	Context map[string][]string
	// Assumed lists condition keys the caller cannot know; conditions on them are treated as met.
	Assumed []string
}

// Evaluate decides whether policies allow action on resource with no request context: an explicit Deny in any
// policy wins, otherwise an Allow is needed.
func Evaluate(policies []Policy, action, resource string) Decision {
	return EvaluateRequest(policies, Request{Action: action, Resource: resource})
}

// EvaluateRequest decides r against policies: explicit Deny > Allow > implicit deny.
func EvaluateRequest(policies []Policy, r Request) Decision {
	decision := ImplicitDeny
	for _, p := range policies {
		for _, st := range p.Statements {
			if !st.matches(r) {
				continue
			}
			if st.Effect == EffectDeny {
				return ExplicitDeny
			}
			decision = Allow
		}
	}
	return decision
}

// AllowsPrincipal reports whether a trust policy lets the service principal (e.g. "lambda.amazonaws.com")
// perform action (e.g. "sts:AssumeRole"), with no request context.
func AllowsPrincipal(trust Policy, service, action string) bool {
	return EvaluateRequest([]Policy{trust}, Request{Action: action, PrincipalType: "Service",
		PrincipalID: service}).Allowed()
}

func (st Statement) matches(r Request) bool {
	if r.PrincipalType != "" {
		switch {
		case st.Principal != nil:
			if !st.Principal.includes(r.PrincipalType, r.PrincipalID) {
				return false
			}
		case st.NotPrincipal != nil:
			if st.NotPrincipal.includes(r.PrincipalType, r.PrincipalID) {
				return false
			}
		default:
			return false
		}
	}
	switch {
	case st.Action != nil:
		if !matchAny(st.Action, r.Action, MatchFold) {
			return false
		}
	case st.NotAction != nil:
		if matchAny(st.NotAction, r.Action, MatchFold) {
			return false
		}
	}
	switch {
	case st.Resource != nil:
		if !matchAny(st.Resource, r.Resource, Match) {
			return false
		}
	case st.NotResource != nil:
		if matchAny(st.NotResource, r.Resource, Match) {
			return false
		}
	}
	return st.Condition.holds(r.Context, r.Assumed)
}

// includes reports whether the principal element names the caller. "*" and {"AWS": "*"} name everyone;
// service principals compare case-insensitively.
func (p *Principal) includes(typ, id string) bool {
	if p.All || slices.Contains(p.IDs["AWS"], "*") {
		return true
	}
	for _, v := range p.IDs[typ] {
		if v == id || (typ == "Service" && strings.EqualFold(v, id)) {
			return true
		}
	}
	return false
}

package iam

import (
	"fmt"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iampolicy"
)

// assumeRoleAction is the action a service performs to take on a role.
const assumeRoleAction = "sts:AssumeRole"

// RoleAssumable reports whether servicePrincipal (e.g. "lambda.amazonaws.com") may assume the role named by
// roleARN: the role exists, its trust policy allows sts:AssumeRole for that principal, and it is older than
// the IAM propagation delay. reason explains a false answer.
//
// The trust policy is evaluated with aws:SourceAccount set to the role's account. The caller does not say
// which resource it acts for, so conditions on aws:SourceArn are treated as met; RoleAssumableFrom checks
// them.
func (s *Service) RoleAssumable(roleARN, servicePrincipal string) (ok bool, reason string) {
	return s.roleAssumable(roleARN, servicePrincipal, "")
}

// RoleAssumableFrom is RoleAssumable for a service acting for sourceARN (the pipe or function ARN), which
// trust policy conditions on aws:SourceArn are checked against.
func (s *Service) RoleAssumableFrom(roleARN, servicePrincipal, sourceARN string) (ok bool, reason string) {
	return s.roleAssumable(roleARN, servicePrincipal, sourceARN)
}

func (s *Service) roleAssumable(roleARN, servicePrincipal, sourceARN string) (bool, string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.roleByARN(roleARN)
	if !ok {
		return false, fmt.Sprintf("role %s does not exist", roleARN)
	}
	req := iampolicy.Request{Action: assumeRoleAction, PrincipalType: "Service", PrincipalID: servicePrincipal,
		Context: map[string][]string{"aws:SourceAccount": {accountOf(r.arn)}}}
	if sourceARN != "" {
		req.Context["aws:SourceArn"] = []string{sourceARN}
	} else {
		req.Assumed = []string{"aws:SourceArn"}
	}
	if !iampolicy.EvaluateRequest([]iampolicy.Policy{r.trust}, req).Allowed() {
		return false, fmt.Sprintf("the trust policy of role %s does not allow %s to perform %s",
			r.arn, servicePrincipal, assumeRoleAction)
	}
	if age, delay := s.now().Sub(r.created), s.propagation(); age < delay {
		return false, fmt.Sprintf("role %s was created %s ago and has not propagated yet (IAM propagation delay %s)",
			r.arn, age.Round(time.Millisecond), delay)
	}
	return true, ""
}

// RoleAllows reports whether the role named by roleARN may perform action on resource, evaluating its
// inline and attached policies (explicit Deny wins, otherwise an Allow is needed) within its permissions
// boundary, if it has one. Statements with conditions are evaluated with no request context (see
// iampolicy.Request). An unknown role is allowed nothing.
func (s *Service) RoleAllows(roleARN, action, resource string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.roleByARN(roleARN)
	if !ok {
		return false
	}
	policies := make([]iampolicy.Policy, 0, len(r.inline)+len(r.attached))
	for _, p := range r.inline {
		policies = append(policies, p.policy)
	}
	for _, arn := range r.attached {
		mp, _, _ := resolveManaged(arn)
		policies = append(policies, mp.policy)
	}
	if !iampolicy.Evaluate(policies, action, resource).Allowed() {
		return false
	}
	if r.boundary == "" {
		return true
	}
	boundary, _, _ := resolveManaged(r.boundary)
	return iampolicy.Evaluate([]iampolicy.Policy{boundary.policy}, action, resource).Allowed()
}

// roleByARN finds the role an ARN names: same account and path, name compared without case. The caller
// holds s.mu.
func (s *Service) roleByARN(arn string) (*role, bool) {
	name := arn[strings.LastIndex(arn, "/")+1:]
	r, ok := s.lookup(name)
	if !ok || !strings.EqualFold(r.arn, arn) || r.arn[:len(r.arn)-len(r.name)] != arn[:len(arn)-len(name)] {
		return nil, false
	}
	return r, true
}

// accountOf returns the account field of a well-formed ARN.
func accountOf(arn string) string { return strings.Split(arn, ":")[4] }

package role

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// policyVersion is the IAM policy language version every document uses.
const policyVersion = "2012-10-17"

// document is an IAM policy document. Its JSON encoding is deterministic: fields in declared order,
// condition maps with sorted keys, lists in the order they were built.
type document struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// statement is one statement of a document.
type statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// allow returns an Allow statement for actions on resources.
func allow(sid string, actions []string, resources ...string) statement {
	return statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// render encodes statements as a policy document.
func render(statements ...statement) (string, error) {
	b, err := json.Marshal(document{Version: policyVersion, Statement: statements})
	if err != nil {
		return "", fmt.Errorf("encoding IAM policy document: %w", err)
	}
	return string(b), nil
}

// decodeDocument undoes the URL encoding IAM applies to the policy documents it returns.
func decodeDocument(encoded string) (string, error) {
	doc, err := url.PathUnescape(encoded)
	if err != nil {
		return "", fmt.Errorf("decoding IAM policy document: %w", err)
	}
	return doc, nil
}

// EquivalentDocuments reports whether two policy documents mean the same: equal as JSON after a one-element
// list is read as its element and lists of strings are sorted (IAM treats "Action": "a" and
// "Action": ["a"] alike, and the order of actions or resources does not matter). Whitespace and key order
// never matter. A document that is not JSON equals nothing.
func EquivalentDocuments(a, b string) bool {
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(canonical(va), canonical(vb))
}

// canonical normalises a decoded JSON value for EquivalentDocuments.
func canonical(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = canonical(e)
		}
		return out
	case []any:
		if len(t) == 1 {
			return canonical(t[0])
		}
		out := make([]any, len(t))
		strs := make([]string, 0, len(t))
		for i, e := range t {
			out[i] = canonical(e)
			if s, ok := out[i].(string); ok {
				strs = append(strs, s)
			}
		}
		if len(strs) == len(out) {
			slices.Sort(strs)
			for i, s := range strs {
				out[i] = s
			}
		}
		return out
	}
	return v
}

// TrustPolicy renders the trust policy that lets service (e.g. "lambda.amazonaws.com") assume a role,
// under the given conditions (operator → key → value), e.g. SourceAccount(account) for Pipes.
func TrustPolicy(service string, conditions map[string]map[string]string) (string, error) {
	if !strings.HasSuffix(service, ".amazonaws.com") {
		return "", fmt.Errorf("trust service %q is not an AWS service principal", service)
	}
	st := statement{Effect: "Allow", Principal: map[string]string{"Service": service},
		Action: []string{"sts:AssumeRole"}}
	if len(conditions) > 0 {
		st.Condition = conditions
	}
	return render(st)
}

// SourceAccount is the trust condition that only lets the service assume the role on behalf of resources
// in account (the confused-deputy guard AWS recommends for Pipes).
func SourceAccount(account string) map[string]map[string]string {
	return map[string]map[string]string{"StringEquals": {"aws:SourceAccount": account}}
}

package iampolicy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Kind says what a document is used as, which decides the rules it must follow and IAM's wording for a
// document that is not JSON.
type Kind int

const (
	// Identity is a permissions policy attached to a role, user or group (inline or managed).
	Identity Kind = iota
	// Trust is a role's trust policy (AssumeRolePolicyDocument).
	Trust
)

// MalformedError is why IAM rejects a document; Message is IAM's MalformedPolicyDocument message.
type MalformedError struct {
	// Message is the text IAM answers.
	Message string
}

// Error implements error.
func (e *MalformedError) Error() string { return e.Message }

// Messages IAM uses for malformed documents.
const (
	msgSyntax           = "Syntax errors in policy."
	msgTrustInvalidJSON = "This policy contains invalid Json"
)

func malformed(msg string) *MalformedError { return &MalformedError{Message: msg} }

func (k Kind) syntaxError() *MalformedError {
	if k == Trust {
		return malformed(msgTrustInvalidJSON)
	}
	return malformed(msgSyntax)
}

// Parse parses and validates a policy document of the given kind. A rejected document gives a
// *MalformedError.
func Parse(doc string, kind Kind) (Policy, error) {
	p, err := parseDocument(doc, kind)
	if err != nil {
		return Policy{}, err
	}
	if err := validate(p, kind); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// MustParse parses a document known to be valid (built-in tables, tests); it panics otherwise.
func MustParse(doc string, kind Kind) Policy {
	p, err := Parse(doc, kind)
	if err != nil {
		panic("iampolicy: " + err.Error() + ": " + doc)
	}
	return p
}

var (
	topLevelFields  = []string{"Version", "Id", "Statement"}
	statementFields = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
		"NotResource", "Condition"}
)

func parseDocument(doc string, kind Kind) (Policy, error) {
	top, ok := decodeObject([]byte(doc), topLevelFields)
	if !ok {
		return Policy{}, kind.syntaxError()
	}
	var p Policy
	if raw, ok := top["Version"]; ok {
		if !decodeString(raw, &p.Version) || (p.Version != Version2012 && p.Version != Version2008) {
			// UNCONFIRMED: IAM's exact wording for an unknown Version; it is rejected as a syntax error.
			return Policy{}, malformed(msgSyntax)
		}
	}
	if raw, ok := top["Id"]; ok && !decodeString(raw, &p.ID) {
		return Policy{}, kind.syntaxError()
	}
	raw, ok := top["Statement"]
	if !ok {
		return Policy{}, malformed("Missing required field Statement")
	}
	items, ok := oneOrMany(raw)
	if !ok {
		return Policy{}, kind.syntaxError()
	}
	for _, item := range items {
		st, err := parseStatement(item, kind)
		if err != nil {
			return Policy{}, err
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(raw json.RawMessage, kind Kind) (Statement, error) {
	fields, ok := decodeObject(raw, statementFields)
	if !ok {
		return Statement{}, kind.syntaxError()
	}
	var st Statement
	if v, ok := fields["Sid"]; ok && !decodeString(v, &st.Sid) {
		return Statement{}, kind.syntaxError()
	}
	v, ok := fields["Effect"]
	if !ok {
		return Statement{}, malformed("Missing required field Effect")
	}
	var effect string
	if !decodeString(v, &effect) {
		return Statement{}, kind.syntaxError()
	}
	if st.Effect = Effect(effect); st.Effect != EffectAllow && st.Effect != EffectDeny {
		// UNCONFIRMED: wording of IAM's message for an Effect other than Allow/Deny.
		return Statement{}, malformed("Invalid effect: " + effect)
	}
	lists := []struct {
		name string
		dst  *[]string
	}{{"Action", &st.Action}, {"NotAction", &st.NotAction}, {"Resource", &st.Resource}, {"NotResource", &st.NotResource}}
	for _, l := range lists {
		if v, ok := fields[l.name]; ok {
			if *l.dst, ok = stringList(v); !ok {
				return Statement{}, kind.syntaxError()
			}
		}
	}
	var err error
	if st.Principal, err = optionalPrincipal(fields, "Principal", kind); err != nil {
		return Statement{}, err
	}
	if st.NotPrincipal, err = optionalPrincipal(fields, "NotPrincipal", kind); err != nil {
		return Statement{}, err
	}
	if v, ok := fields["Condition"]; ok {
		if st.Condition, ok = parseConditions(v); !ok {
			return Statement{}, kind.syntaxError()
		}
	}
	if (st.Action != nil && st.NotAction != nil) || (st.Resource != nil && st.NotResource != nil) ||
		(st.Principal != nil && st.NotPrincipal != nil) {
		return Statement{}, malformed(msgSyntax)
	}
	return st, nil
}

func optionalPrincipal(fields map[string]json.RawMessage, name string, kind Kind) (*Principal, error) {
	v, ok := fields[name]
	if !ok {
		return nil, nil
	}
	var star string
	if decodeString(v, &star) {
		if star != "*" {
			return nil, malformed(`Invalid principal in policy: "` + star + `"`)
		}
		return &Principal{All: true}, nil
	}
	obj, ok := decodeObject(v, nil)
	if !ok {
		return nil, kind.syntaxError()
	}
	p := &Principal{IDs: map[string][]string{}}
	for typ, raw := range obj {
		ids, ok := stringList(raw)
		if !ok {
			return nil, kind.syntaxError()
		}
		p.IDs[typ] = ids
	}
	return p, nil
}

func parseConditions(raw json.RawMessage) (Conditions, bool) {
	ops, ok := decodeObject(raw, nil)
	if !ok {
		return nil, false
	}
	out := Conditions{}
	for op, rawKeys := range ops {
		keys, ok := decodeObject(rawKeys, nil)
		if !ok {
			return nil, false
		}
		out[op] = map[string][]string{}
		for key, rawVals := range keys {
			vals, ok := scalarList(rawVals)
			if !ok {
				return nil, false
			}
			out[op][key] = vals
		}
	}
	return out, true
}

// decodeObject decodes a JSON object; when allowed is non-nil, any other member makes it fail.
func decodeObject(raw []byte, allowed []string) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, false
	}
	if allowed != nil {
		for k := range obj {
			if !slices.Contains(allowed, k) {
				return nil, false
			}
		}
	}
	return obj, true
}

func decodeString(raw json.RawMessage, dst *string) bool {
	return isJSONString(raw) && json.Unmarshal(raw, dst) == nil
}

func isJSONString(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '"'
}

// oneOrMany returns the elements of a JSON array, or a single non-array value as one element.
func oneOrMany(raw json.RawMessage) ([]json.RawMessage, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, false
	}
	if trimmed[0] != '[' {
		return []json.RawMessage{trimmed}, true
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		return nil, false
	}
	return items, true
}

// stringList reads a string or an array of strings; the result is never nil on success.
func stringList(raw json.RawMessage) ([]string, bool) {
	items, ok := oneOrMany(raw)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if !decodeString(item, &s) {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// scalarList reads a condition value: a string, number or boolean, or an array of them.
func scalarList(raw json.RawMessage) ([]string, bool) {
	items, ok := oneOrMany(raw)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		switch t := strings.TrimSpace(string(item)); {
		case decodeString(item, &s):
		case t == "true" || t == "false":
			s = t
		default:
			var n json.Number
			if json.Unmarshal(item, &n) != nil {
				return nil, false
			}
			s = n.String()
		}
		out = append(out, s)
	}
	return out, true
}

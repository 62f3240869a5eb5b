package iampolicy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// compareFunc reports whether a request context value satisfies one condition value.
type compareFunc func(ctxVal, condVal string) bool

type baseOperator struct {
	compare compareFunc
	// negated operators (StringNotEquals, ...) hold when no condition value matches.
	negated bool
}

// operator is a parsed condition operator: a base operator with its optional ForAnyValue:/ForAllValues:
// set qualifier and IfExists suffix.
type operator struct {
	name     string
	base     baseOperator
	set      string // "", "foranyvalue" or "forallvalues"
	ifExists bool
}

func numeric(cmp func(a, b float64) bool) compareFunc {
	return func(ctxVal, condVal string) bool {
		a, errA := strconv.ParseFloat(ctxVal, 64)
		b, errB := strconv.ParseFloat(condVal, 64)
		return errA == nil && errB == nil && cmp(a, b)
	}
}

func date(cmp func(a, b time.Time) bool) compareFunc {
	return func(ctxVal, condVal string) bool {
		a, okA := parseDate(ctxVal)
		b, okB := parseDate(condVal)
		return okA && okB && cmp(a, b)
	}
}

// parseDate reads an ISO 8601 date-time, a plain date, or epoch seconds, as IAM's Date operators accept.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

func equalString(ctxVal, condVal string) bool { return ctxVal == condVal }
func likeString(ctxVal, condVal string) bool  { return Match(condVal, ctxVal) }

// arnLike matches an ARN against a pattern part by part (the first five colon-separated parts, then the rest),
// each part with wildcards, as IAM's Arn operators do. ArnEquals behaves the same as ArnLike in IAM.
func arnLike(ctxVal, condVal string) bool {
	a, p := strings.SplitN(ctxVal, ":", 6), strings.SplitN(condVal, ":", 6)
	if len(a) != 6 || len(p) != 6 {
		return false
	}
	for i := range a {
		if !Match(p[i], a[i]) {
			return false
		}
	}
	return true
}

func ipAddress(ctxVal, condVal string) bool {
	addr, err := netip.ParseAddr(ctxVal)
	if err != nil {
		return false
	}
	if prefix, err := netip.ParsePrefix(condVal); err == nil {
		return prefix.Contains(addr)
	}
	single, err := netip.ParseAddr(condVal)
	return err == nil && single == addr
}

// baseOperators are IAM's condition operators by lower-cased name. Null is handled separately.
var baseOperators = map[string]baseOperator{
	"stringequals":              {compare: equalString},
	"stringnotequals":           {compare: equalString, negated: true},
	"stringequalsignorecase":    {compare: strings.EqualFold},
	"stringnotequalsignorecase": {compare: strings.EqualFold, negated: true},
	"stringlike":                {compare: likeString},
	"stringnotlike":             {compare: likeString, negated: true},
	"numericequals":             {compare: numeric(func(a, b float64) bool { return a == b })},
	"numericnotequals":          {compare: numeric(func(a, b float64) bool { return a == b }), negated: true},
	"numericlessthan":           {compare: numeric(func(a, b float64) bool { return a < b })},
	"numericlessthanequals":     {compare: numeric(func(a, b float64) bool { return a <= b })},
	"numericgreaterthan":        {compare: numeric(func(a, b float64) bool { return a > b })},
	"numericgreaterthanequals":  {compare: numeric(func(a, b float64) bool { return a >= b })},
	"dateequals":                {compare: date(time.Time.Equal)},
	"datenotequals":             {compare: date(time.Time.Equal), negated: true},
	"datelessthan":              {compare: date(time.Time.Before)},
	"datelessthanequals":        {compare: date(func(a, b time.Time) bool { return !a.After(b) })},
	"dategreaterthan":           {compare: date(time.Time.After)},
	"dategreaterthanequals":     {compare: date(func(a, b time.Time) bool { return !a.Before(b) })},
	"bool":                      {compare: strings.EqualFold},
	"binaryequals":              {compare: equalString},
	"ipaddress":                 {compare: ipAddress},
	"notipaddress":              {compare: ipAddress, negated: true},
	"arnequals":                 {compare: arnLike},
	"arnlike":                   {compare: arnLike},
	"arnnotequals":              {compare: arnLike, negated: true},
	"arnnotlike":                {compare: arnLike, negated: true},
}

// lookupOperator parses a condition operator name (case-insensitive), with an optional ForAnyValue: or
// ForAllValues: qualifier and IfExists suffix.
func lookupOperator(name string) (operator, bool) {
	op := operator{name: strings.ToLower(name)}
	rest := op.name
	if set, after, ok := strings.Cut(rest, ":"); ok {
		if set != "foranyvalue" && set != "forallvalues" {
			return operator{}, false
		}
		op.set, rest = set, after
	}
	if rest == "null" {
		return op, op.set == ""
	}
	if trimmed, ok := strings.CutSuffix(rest, "ifexists"); ok {
		op.ifExists, rest = true, trimmed
	}
	base, ok := baseOperators[rest]
	op.base = base
	return op, ok
}

// eval decides one condition key: ctxVals are the request's values for the key (present says whether the
// request has the key at all), condVals the policy's.
func (o operator) eval(ctxVals []string, present bool, condVals []string) bool {
	if o.base.compare == nil { // Null: "true" requires the key to be absent, "false" present.
		for _, v := range condVals {
			if strings.EqualFold(v, "true") != present {
				return true
			}
		}
		return false
	}
	if !present {
		return o.ifExists || o.set == "forallvalues" || (o.set == "" && o.base.negated)
	}
	holds := func(v string) bool {
		matched := false
		for _, c := range condVals {
			if o.base.compare(v, c) {
				matched = true
				break
			}
		}
		return matched != o.base.negated
	}
	all := o.set == "forallvalues" || (o.set == "" && o.base.negated)
	for _, v := range ctxVals {
		if h := holds(v); h != all {
			return h
		}
	}
	return all
}

// holds reports whether every condition in c is met by the request context. Keys listed in assumed are
// treated as met whatever their operator (the caller cannot supply them). Key names are case-insensitive.
func (c Conditions) holds(ctx map[string][]string, assumed []string) bool {
	for name, keys := range c {
		op, ok := lookupOperator(name)
		if !ok {
			return false
		}
		for key, condVals := range keys {
			if containsFold(assumed, key) {
				continue
			}
			ctxVals, present := lookupKey(ctx, key)
			if !op.eval(ctxVals, present, condVals) {
				return false
			}
		}
	}
	return true
}

func lookupKey(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

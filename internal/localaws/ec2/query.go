package ec2

import (
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// filterFields maps a Describe* filter name to the values a resource has for it.
type filterFields[T any] map[string]func(T) []string

// filter is one Filter.N parameter.
type filter struct {
	name   string
	values []string
}

// query is how a Describe* operation selects its resources: an optional ID list, filters and pagination.
type query[T any] struct {
	// idParam is the ID list parameter ("VpcId" reads VpcId.N); empty when the operation has none.
	idParam string
	// kind answers the not-found error for unknown IDs in the list.
	kind kind
	// idOf returns a resource's ID.
	idOf func(T) string
	// fields are the filters the operation supports besides the tag filters.
	fields filterFields[T]
	// tagsOf returns a resource's tags; nil when the resources have none (no tag filters).
	tagsOf func(T) tagMap
	// maxResults is the upper bound of MaxResults; zero when the operation does not paginate.
	maxResults int
}

// run applies the call's ID list, filters and pagination to all (in creation order).
func (q query[T]) run(c *wire.Call, all []T) (page []T, next string, err error) {
	filters, err := q.filters(c)
	if err != nil {
		return nil, "", err
	}
	limit, err := q.limit(c)
	if err != nil {
		return nil, "", err
	}
	selected, err := q.byID(c, all)
	if err != nil {
		return nil, "", err
	}
	var matched []T
	for _, item := range selected {
		if q.matches(item, filters) {
			matched = append(matched, item)
		}
	}
	if q.maxResults == 0 {
		return matched, "", nil
	}
	page, next, ok := wire.Page(matched, c.Form.Get("NextToken"), limit, len(matched)+1)
	if !ok {
		return nil, "", errInvalid("InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
	}
	return page, next, nil
}

// limit validates MaxResults: 5 to the operation's maximum, and not together with an ID list.
func (q query[T]) limit(c *wire.Call) (int, error) {
	if q.maxResults == 0 {
		return 0, nil
	}
	n, set, err := intParam(c.Form, "MaxResults")
	if err != nil || !set {
		return 0, err
	}
	if q.idParam != "" && len(wire.Strings(c.Form, q.idParam)) > 0 {
		return 0, errCombination("The parameter %s cannot be used with the parameter maxResults",
			strings.ToLower(q.idParam[:1])+q.idParam[1:]+"s")
	}
	if n < 5 || n > q.maxResults {
		return 0, errParam("Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and %d.",
			n, q.maxResults)
	}
	return n, nil
}

// byID narrows all to the requested IDs, failing with the kind's not-found error for unknown ones.
func (q query[T]) byID(c *wire.Call, all []T) ([]T, error) {
	if q.idParam == "" {
		return all, nil
	}
	ids := wire.Strings(c.Form, q.idParam)
	if len(ids) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = false
	}
	var out []T
	for _, item := range all {
		if _, ok := want[q.idOf(item)]; ok {
			want[q.idOf(item)] = true
			out = append(out, item)
		}
	}
	var missing []string
	for _, id := range ids {
		if !want[id] {
			missing = append(missing, id)
			want[id] = true
		}
	}
	if len(missing) > 0 {
		return nil, q.kind.notFound(missing...)
	}
	return out, nil
}

// filters reads and validates the call's Filter.N parameters.
func (q query[T]) filters(c *wire.Call) ([]filter, error) {
	var out []filter
	for _, m := range wire.Members(c.Form, "Filter") {
		f := filter{name: m.Get("Name"), values: wire.Strings(m, "Value")}
		if f.name == "" {
			return nil, errMissing("Filter.Name")
		}
		if !q.knows(f.name) {
			return nil, errParam("The filter '%s' is invalid", f.name)
		}
		if len(f.values) == 0 {
			return nil, errParam("The filter '%s' needs at least one value", f.name)
		}
		out = append(out, f)
	}
	return out, nil
}

func (q query[T]) knows(name string) bool {
	if _, ok := q.fields[name]; ok {
		return true
	}
	return q.tagsOf != nil && (name == "tag-key" || name == "tag-value" || strings.HasPrefix(name, "tag:"))
}

// matches reports whether item satisfies every filter: each filter needs one of its values (EC2 wildcards
// * and ? allowed) to match one of the item's values.
func (q query[T]) matches(item T, filters []filter) bool {
	for _, f := range filters {
		if !anyMatch(f.values, q.valuesOf(item, f.name)) {
			return false
		}
	}
	return true
}

func (q query[T]) valuesOf(item T, name string) []string {
	if get, ok := q.fields[name]; ok {
		return get(item)
	}
	tags := q.tagsOf(item)
	switch {
	case name == "tag-key":
		return keysOf(tags)
	case name == "tag-value":
		var vs []string
		for _, v := range tags {
			vs = append(vs, v)
		}
		return vs
	default:
		if v, ok := tags[strings.TrimPrefix(name, "tag:")]; ok {
			return []string{v}
		}
		return nil
	}
}

func keysOf(t tagMap) []string {
	out := make([]string, 0, len(t))
	for k := range t {
		out = append(out, k)
	}
	return out
}

func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// glob matches s against an EC2 filter value, where * matches any run of characters and ? any one.
func glob(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// one wraps a single filter value.
func one(v string) []string { return []string{v} }

// boolString renders a boolean filter value as EC2 compares it.
func boolString(b bool) []string {
	if b {
		return one("true")
	}
	return one("false")
}

package wire

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Members returns the numbered sub-structures of a query list, in index order. For prefix "Tags.member" and
// the form Tags.member.1.Key=a&Tags.member.1.Value=b it returns one url.Values {Key: a, Value: b}. For
// flattened ec2Query lists use the list name itself ("Filter").
func Members(form url.Values, prefix string) []url.Values {
	byIndex := map[int]url.Values{}
	p := prefix + "."
	for k, vs := range form {
		if !strings.HasPrefix(k, p) {
			continue
		}
		idx, rest, _ := strings.Cut(k[len(p):], ".")
		n, err := strconv.Atoi(idx)
		if err != nil || rest == "" {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = url.Values{}
		}
		byIndex[n][rest] = vs
	}
	return sortedValues(byIndex)
}

// Strings returns the scalar members of a numbered query list: prefix "VpcId" reads VpcId.1, VpcId.2, ...;
// prefix "AttributeName.member" reads AttributeName.member.1, ...
func Strings(form url.Values, prefix string) []string {
	byIndex := map[int]string{}
	p := prefix + "."
	for k, vs := range form {
		if !strings.HasPrefix(k, p) || len(vs) == 0 {
			continue
		}
		n, err := strconv.Atoi(k[len(p):])
		if err != nil {
			continue
		}
		byIndex[n] = vs[0]
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]string, 0, len(idx))
	for _, n := range idx {
		out = append(out, byIndex[n])
	}
	return out
}

// Map reads a query map: prefix "Attribute" with keyName "Name" and valueName "Value" reads
// Attribute.1.Name=k&Attribute.1.Value=v.
func Map(form url.Values, prefix, keyName, valueName string) map[string]string {
	out := map[string]string{}
	for _, m := range Members(form, prefix) {
		if k := m.Get(keyName); k != "" {
			out[k] = m.Get(valueName)
		}
	}
	return out
}

func sortedValues(byIndex map[int]url.Values) []url.Values {
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]url.Values, 0, len(idx))
	for _, n := range idx {
		out = append(out, byIndex[n])
	}
	return out
}

// Page returns one page of items starting at the position encoded in token, and the token of the next page
// ("" on the last page). limit <= 0 means defaultLimit. ok is false when the token does not decode; each
// service answers that with its own validation error.
func Page[T any](items []T, token string, limit, defaultLimit int) (page []T, next string, ok bool) {
	start := 0
	if token != "" {
		raw, decErr := base64.RawURLEncoding.DecodeString(token)
		n, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), "localaws:"))
		if decErr != nil || convErr != nil || n < 0 || !strings.HasPrefix(string(raw), "localaws:") {
			return nil, "", false
		}
		start = n
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	if start > len(items) {
		start = len(items)
	}
	end := start + limit
	if end >= len(items) {
		return items[start:], "", true
	}
	return items[start:end], base64.RawURLEncoding.EncodeToString([]byte("localaws:" + strconv.Itoa(end))), true
}

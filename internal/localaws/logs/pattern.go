package logs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// matcher decides whether a log message matches a filter pattern.
type matcher func(message string) bool

// compilePattern compiles the filter pattern subset localaws supports:
//   - "" matches everything;
//   - terms and "quoted phrases", all of which must occur (case-sensitive); a term written ?term makes the
//     pattern match when any ?term occurs; -term excludes messages containing it;
//   - JSON patterns { $.a.b = value } comparing numbers with =, !=, <, <=, >, >= and strings (quoted or
//     bare, with * wildcards) with = and !=, joined by && or || (evaluated left to right, no parentheses).
//
// Space-delimited patterns ([a, b, ...]), regular expressions, IS NULL and EXISTS are not supported.
func compilePattern(p string) (matcher, error) {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return func(string) bool { return true }, nil
	case strings.HasPrefix(p, "{"):
		return compileJSONPattern(p)
	case strings.HasPrefix(p, "["), strings.HasPrefix(p, "%"):
		return nil, fmt.Errorf("localaws supports term and JSON filter patterns only")
	}
	return compileTerms(p)
}

func compileTerms(p string) (matcher, error) {
	var all, anyOf, none []string
	for rest := p; rest != ""; rest = strings.TrimLeft(rest, " \t") {
		prefix := byte(0)
		if rest[0] == '?' || rest[0] == '-' {
			prefix, rest = rest[0], rest[1:]
		}
		var term string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("unterminated quoted phrase in %q", p)
			}
			term, rest = rest[1:end+1], rest[end+2:]
		} else {
			term, rest, _ = strings.Cut(rest, " ")
		}
		switch prefix {
		case '?':
			anyOf = append(anyOf, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(anyOf) == 0 {
			return true
		}
		for _, t := range anyOf {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}

var jsonComparison = regexp.MustCompile(`^\s*(\$(?:\.[A-Za-z0-9_\-]+|\[\d+\])+)\s*(=|!=|<=|>=|<|>)\s*(.+?)\s*$`)

// compileJSONPattern compiles { comparison (&& | ||) comparison ... }.
func compileJSONPattern(p string) (matcher, error) {
	if !strings.HasSuffix(p, "}") {
		return nil, fmt.Errorf("JSON filter pattern %q must end with }", p)
	}
	body := strings.TrimSpace(p[1 : len(p)-1])
	var terms []matcherJSON
	var ops []string
	for body != "" {
		and, or := strings.Index(body, "&&"), strings.Index(body, "||")
		cut, op := len(body), ""
		if and >= 0 && (or < 0 || and < or) {
			cut, op = and, "&&"
		} else if or >= 0 {
			cut, op = or, "||"
		}
		m, err := compileComparison(body[:cut])
		if err != nil {
			return nil, err
		}
		terms = append(terms, m)
		if op == "" {
			break
		}
		ops = append(ops, op)
		body = body[cut+2:]
	}
	if len(terms) == 0 || len(ops) != len(terms)-1 {
		return nil, fmt.Errorf("empty JSON filter pattern %q", p)
	}
	return func(msg string) bool {
		var doc any
		if json.Unmarshal([]byte(msg), &doc) != nil {
			return false
		}
		result := terms[0](doc)
		for i, op := range ops {
			if op == "&&" {
				result = result && terms[i+1](doc)
			} else {
				result = result || terms[i+1](doc)
			}
		}
		return result
	}, nil
}

type matcherJSON func(doc any) bool

func compileComparison(expr string) (matcherJSON, error) {
	m := jsonComparison.FindStringSubmatch(expr)
	if m == nil {
		return nil, fmt.Errorf("unsupported JSON filter comparison %q", strings.TrimSpace(expr))
	}
	selector, op, raw := m[1], m[2], m[3]
	steps, err := selectorSteps(selector)
	if err != nil {
		return nil, err
	}
	if num, err := strconv.ParseFloat(raw, 64); err == nil {
		return func(doc any) bool {
			v, ok := selectValue(doc, steps).(float64)
			return ok && compareNumbers(v, op, num)
		}, nil
	}
	if op != "=" && op != "!=" {
		return nil, fmt.Errorf("operator %s needs a number, got %s", op, raw)
	}
	want := raw
	if strings.HasPrefix(raw, `"`) {
		unq, err := strconv.Unquote(raw)
		if err != nil {
			return nil, fmt.Errorf("bad string %s: %w", raw, err)
		}
		want = unq
	}
	glob := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(want), `\*`, ".*") + "$")
	return func(doc any) bool {
		v := selectValue(doc, steps)
		var got string
		switch x := v.(type) {
		case string:
			got = x
		case bool:
			got = strconv.FormatBool(x)
		case nil:
			got = "null"
			if !hasPath(doc, steps) {
				return op == "!="
			}
		default:
			return op == "!="
		}
		return glob.MatchString(got) == (op == "=")
	}, nil
}

func compareNumbers(v float64, op string, want float64) bool {
	switch op {
	case "=":
		return v == want
	case "!=":
		return v != want
	case "<":
		return v < want
	case "<=":
		return v <= want
	case ">":
		return v > want
	}
	return v >= want
}

// step is one selector step: a field name or an array index.
type step struct {
	field string
	index int
}

func selectorSteps(sel string) ([]step, error) {
	var steps []step
	for rest := sel[1:]; rest != ""; {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			steps = append(steps, step{field: rest[1 : end+1], index: -1})
			rest = rest[end+1:]
		case '[':
			end := strings.Index(rest, "]")
			n, err := strconv.Atoi(rest[1:end])
			if err != nil {
				return nil, fmt.Errorf("bad index in %s", sel)
			}
			steps = append(steps, step{index: n})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("bad selector %s", sel)
		}
	}
	return steps, nil
}

func walk(doc any, steps []step) (any, bool) {
	cur := doc
	for _, s := range steps {
		if s.index >= 0 {
			arr, ok := cur.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			cur = arr[s.index]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[s.field]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func selectValue(doc any, steps []step) any {
	v, _ := walk(doc, steps)
	return v
}

func hasPath(doc any, steps []step) bool {
	_, ok := walk(doc, steps)
	return ok
}

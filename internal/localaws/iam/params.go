package iam

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Patterns and lengths from the IAM API model.
var (
	namePattern        = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern        = regexp.MustCompile(`^(/|/[\x{21}-\x{7E}]+/)$`)
	pathPrefixPattern  = regexp.MustCompile(`^/[\x{21}-\x{7F}]*$`)
	policyPathPattern  = regexp.MustCompile(`^((/[A-Za-z0-9.,+@=_-]+)*)/$`)
	documentPattern    = regexp.MustCompile(`^[\t\n\r\x{20}-\x{FF}]+$`)
	descriptionPattern = regexp.MustCompile(`^[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*$`)
	markerPattern      = regexp.MustCompile(`^[\x{20}-\x{FF}]+$`)
	tagKeyPattern      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValuePattern    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// Model constraints on strings: length bounds and the pattern text IAM quotes in its messages.
type constraint struct {
	min, max int
	re       *regexp.Regexp
	text     string
}

var (
	roleNameC    = constraint{1, 64, namePattern, `[\w+=,.@-]+`}
	policyNameC  = constraint{1, 128, namePattern, `[\w+=,.@-]+`}
	pathC        = constraint{1, 512, pathPattern, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`}
	pathPrefixC  = constraint{1, 512, pathPrefixPattern, `\u002F[\u0021-\u007F]*`}
	policyPathC  = constraint{1, 512, policyPathPattern, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`}
	documentC    = constraint{1, 131072, documentPattern, `[\u0009\u000A\u000D\u0020-\u00FF]+`}
	descriptionC = constraint{0, 1000, descriptionPattern, `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`}
	arnC         = constraint{min: 20, max: 2048}
	markerC      = constraint{1, 320, markerPattern, `[\u0020-\u00FF]+`}
	tagKeyC      = constraint{1, 128, tagKeyPattern, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`}
	tagValueC    = constraint{0, 256, tagValuePattern, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`}
)

// params reads an awsQuery form and collects model violations the way IAM reports them: one
// ValidationError listing every violation ("2 validation errors detected: ...; ...").
type params struct {
	form url.Values
	errs []string
}

func newParams(c *wire.Call) *params { return &params{form: c.Form} }

// field is the member name as IAM writes it in messages ("RoleName" → "roleName").
func field(name string) string {
	return strings.ToLower(name[:1]) + name[1:]
}

func (p *params) fail(value *string, name, format string, args ...any) {
	v := "null"
	if value != nil {
		v = "'" + *value + "'"
	}
	p.errs = append(p.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: ", v, field(name))+
		fmt.Sprintf(format, args...))
}

// check validates a present value against c; name is the member path used in messages.
func (p *params) check(name, v string, c constraint) {
	switch n := len([]rune(v)); {
	case n < c.min:
		p.fail(&v, name, "Member must have length greater than or equal to %d", c.min)
	case n > c.max:
		p.fail(&v, name, "Member must have length less than or equal to %d", c.max)
	case c.re != nil && !c.re.MatchString(v):
		p.fail(&v, name, "Member must satisfy regular expression pattern: %s", c.text)
	}
}

// required reads a required string member.
func (p *params) required(name string, c constraint) string {
	vs, ok := p.form[name]
	if !ok || len(vs) == 0 {
		p.fail(nil, name, "Member must not be null")
		return ""
	}
	p.check(name, vs[0], c)
	return vs[0]
}

// optional reads an optional string member; ok is false when it is absent.
func (p *params) optional(name string, c constraint) (string, bool) {
	vs, ok := p.form[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	p.check(name, vs[0], c)
	return vs[0], true
}

// integer reads an optional integer member bounded to [min, max]; ok is false when it is absent.
func (p *params) integer(name string, min, max int) (int, bool) {
	vs, ok := p.form[name]
	if !ok || len(vs) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(vs[0])
	switch {
	case err != nil:
		p.fail(&vs[0], name, "Member must be a number")
	case n < min:
		p.fail(&vs[0], name, "Member must have value greater than or equal to %d", min)
	case n > max:
		p.fail(&vs[0], name, "Member must have value less than or equal to %d", max)
	}
	return n, true
}

// tags reads a Tags.member.N list (at most 50 tags); nil when absent.
func (p *params) tags(name string) []tag {
	members := wire.Members(p.form, name+".member")
	if len(members) > maxTagsPerRole {
		p.errs = append(p.errs, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
			field(name), maxTagsPerRole))
	}
	out := make([]tag, 0, len(members))
	for i, m := range members {
		prefix := fmt.Sprintf("%s.%d.member.", field(name), i+1)
		k, kok := m["Key"]
		v, vok := m["Value"]
		if !kok {
			p.fail(nil, prefix+"key", "Member must not be null")
			continue
		}
		if !vok {
			p.fail(nil, prefix+"value", "Member must not be null")
			continue
		}
		p.check(prefix+"key", k[0], tagKeyC)
		p.check(prefix+"value", v[0], tagValueC)
		out = append(out, tag{Key: k[0], Value: v[0]})
	}
	return out
}

// page reads Marker and MaxItems.
func (p *params) page() (marker string, maxItems int) {
	marker, _ = p.optional("Marker", markerC)
	maxItems, _ = p.integer("MaxItems", 1, 1000)
	return marker, maxItems
}

// err returns the collected violations as IAM's ValidationError, or nil.
func (p *params) err() *wire.Error {
	switch len(p.errs) {
	case 0:
		return nil
	case 1:
		return wire.Errorf(http.StatusBadRequest, "ValidationError", "1 validation error detected: %s", p.errs[0])
	default:
		return wire.Errorf(http.StatusBadRequest, "ValidationError", "%d validation errors detected: %s",
			len(p.errs), strings.Join(p.errs, "; "))
	}
}

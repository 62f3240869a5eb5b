package lambda

import (
	"regexp"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Model patterns (botocore lambda 2015-03-31), anchored.
var (
	functionNamePattern   = whole(`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`)
	namespacedNamePattern = whole(`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`)
	roleARNPattern        = whole(`arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	handlerPattern        = whole(`[^\s]+`)
	envKeyPattern         = whole(`[a-zA-Z]([a-zA-Z0-9_])+`)
	resourceARNPattern    = whole(`(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`)
	arnPattern            = whole(`arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)`)
	destinationPattern    = whole(`$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`)
	qualifierPattern      = whole(`(|[a-zA-Z0-9$_-]+)`)
	topicPattern          = whole(`[^.]([a-zA-Z0-9\-_.]+)`)
	consumerGroupPattern  = whole(`[a-zA-Z0-9-\/*:_+=.@-]*`)
	s3BucketPattern       = whole(`[0-9A-Za-z\.\-_]*`)

	// functionRefParts splits a function name, partial ARN or full ARN (with optional qualifier).
	functionRefParts = regexp.MustCompile(`^(?:arn:aws[a-zA-Z-]*:lambda:)?(?:([a-z]{2}(?:(?:-gov)|(?:-iso[a-z]?))?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$`)
)

// latest is the only version localaws functions have.
const latest = "$LATEST"

// functionRef is a parsed FunctionName.
type functionRef struct {
	region, account, name, qualifier string
}

func parseFunctionRef(s string) (functionRef, bool) {
	m := functionRefParts.FindStringSubmatch(s)
	if m == nil {
		return functionRef{}, false
	}
	return functionRef{region: m[1], account: m[2], name: m[3], qualifier: m[4]}, true
}

func functionARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// lookupFunction resolves a FunctionName (name, partial or full ARN, optional ":qualifier") plus an
// optional Qualifier parameter to a function of the caller's region, and the qualifier used ("" when none).
// Only $LATEST exists. s.mu must be held.
func (s *Service) lookupFunction(c *wire.Call, raw, qualifierParam string) (*function, string, *wire.Error) {
	var v validator
	v.length("functionName", &raw, 1, 256)
	v.pattern("functionName", &raw, namespacedNamePattern)
	if qualifierParam != "" {
		v.length("qualifier", &qualifierParam, 1, 128)
		v.pattern("qualifier", &qualifierParam, qualifierPattern)
	}
	if err := v.err(); err != nil {
		return nil, "", err
	}
	ref, _ := parseFunctionRef(raw)
	qualifier := ref.qualifier
	if qualifierParam != "" {
		if qualifier != "" && qualifier != qualifierParam {
			return nil, "", errInvalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
		}
		qualifier = qualifierParam
	}
	region, account := c.Region, c.AccountID
	if ref.region != "" {
		region = ref.region
	}
	if ref.account != "" {
		account = ref.account
	}
	arn := functionARN(region, account, ref.name)
	if qualifier != "" {
		arn += ":" + qualifier
	}
	if region != c.Region || account != c.AccountID {
		return nil, "", errFunctionNotFound(arn)
	}
	fn, ok := s.region(c.Region).functions[ref.name]
	if !ok || (qualifier != "" && qualifier != latest) {
		return nil, "", errFunctionNotFound(arn)
	}
	return fn, qualifier, nil
}

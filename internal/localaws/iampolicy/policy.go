// Package iampolicy parses and evaluates IAM JSON policy documents the way IAM does for the cases localaws
// needs: identity policies (inline and managed) and role trust policies. It validates documents with IAM's
// MalformedPolicyDocument messages, matches actions and resources with the `*` and `?` wildcards, evaluates
// conditions against a request context, and decides explicit Deny > Allow > implicit deny.
//
// Policy variables (${aws:username}, ...) are not substituted: they match literally.
package iampolicy

// Version values IAM accepts in a policy's Version element.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect.
type Effect string

// The two effects IAM knows.
const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Policy is a parsed policy document.
type Policy struct {
	// Version is the policy language version ("" when the document has none, which IAM reads as 2008-10-17).
	Version string
	// ID is the optional Id element.
	ID string
	// Statements are the policy's statements in document order.
	Statements []Statement
}

// Statement is one policy statement. Exactly one of Action/NotAction is set in a valid statement; at most one
// of Resource/NotResource and of Principal/NotPrincipal.
type Statement struct {
	// Sid is the optional statement id.
	Sid string
	// Effect is Allow or Deny.
	Effect Effect
	// Principal lists who the statement applies to (trust and resource policies only).
	Principal *Principal
	// NotPrincipal lists who the statement does not apply to.
	NotPrincipal *Principal
	// Action lists the actions the statement covers; nil when the element is absent.
	Action []string
	// NotAction lists the actions the statement excludes; nil when the element is absent.
	NotAction []string
	// Resource lists the resources the statement covers; nil when the element is absent.
	Resource []string
	// NotResource lists the resources the statement excludes; nil when the element is absent.
	NotResource []string
	// Condition holds the statement's condition block.
	Condition Conditions
}

// Principal is a Principal or NotPrincipal element: either "*" (All) or a map from principal type ("AWS",
// "Service", "Federated", "CanonicalUser") to identifiers.
type Principal struct {
	// All is true for "Principal": "*".
	All bool
	// IDs maps a principal type to its identifiers.
	IDs map[string][]string
}

// Conditions is a condition block: operator (e.g. "StringEquals", "ForAnyValue:StringLike",
// "ArnLikeIfExists") → condition key → values. Values that were JSON numbers or booleans are kept in their
// JSON text form.
type Conditions map[string]map[string][]string

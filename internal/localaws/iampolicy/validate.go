package iampolicy

import (
	"regexp"
	"slices"
	"strings"
)

// IAM's MalformedPolicyDocument messages for the rules below.
const (
	msgNoActions        = "Policy statement must contain actions."
	msgNoResources      = "Policy statement must contain resources."
	msgIdentityPrinc    = "Policy document should not specify a principal."
	msgTrustResource    = "Has prohibited field Resource"
	msgTrustNoPrincipal = "Missing required field Principal"
	msgTrustActions     = "AssumeRole policy may only specify STS AssumeRole actions."
	msgVendor           = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgSidChars         = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgSidUnique        = "Statement IDs (SID) in a single policy must be unique."
)

var (
	sidPattern     = regexp.MustCompile(`^[0-9A-Za-z]*$`)
	vendorPattern  = regexp.MustCompile(`^[A-Za-z0-9-]+:.+$`)
	servicePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)
	awsPrincipal   = regexp.MustCompile(`^(\*|\d{12}|arn:aws[a-z-]*:(iam|sts)::\d{12}:[^\s]+)$`)
)

// principalTypes are the keys a Principal map may use.
var principalTypes = []string{"AWS", "Service", "Federated", "CanonicalUser"}

func validate(p Policy, kind Kind) error {
	sids := map[string]bool{}
	for _, st := range p.Statements {
		if st.Sid != "" {
			if !sidPattern.MatchString(st.Sid) {
				return malformed(msgSidChars)
			}
			if sids[st.Sid] {
				return malformed(msgSidUnique)
			}
			sids[st.Sid] = true
		}
		if err := validateCommon(st); err != nil {
			return err
		}
		var err error
		if kind == Trust {
			err = validateTrustStatement(st)
		} else {
			err = validateIdentityStatement(st)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func validateCommon(st Statement) error {
	actions := append(append([]string{}, st.Action...), st.NotAction...)
	if len(actions) == 0 {
		return malformed(msgNoActions)
	}
	for _, a := range actions {
		if a != "*" && !vendorPattern.MatchString(a) {
			return malformed(msgVendor)
		}
	}
	for op, keys := range st.Condition {
		if _, ok := lookupOperator(op); !ok {
			// UNCONFIRMED: IAM's wording for an unknown condition operator.
			return malformed(msgSyntax)
		}
		for key := range keys {
			if !vendorPattern.MatchString(key) {
				return malformed(msgVendor)
			}
		}
	}
	return nil
}

func validateIdentityStatement(st Statement) error {
	if st.Principal != nil || st.NotPrincipal != nil {
		return malformed(msgIdentityPrinc)
	}
	resources := append(append([]string{}, st.Resource...), st.NotResource...)
	if len(resources) == 0 {
		return malformed(msgNoResources)
	}
	for _, r := range resources {
		if r != "*" && (!strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 5) {
			return malformed("Resource " + r + ` must be in ARN format or "*".`)
		}
	}
	return nil
}

func validateTrustStatement(st Statement) error {
	if st.Resource != nil || st.NotResource != nil {
		return malformed(msgTrustResource)
	}
	if st.Principal == nil && st.NotPrincipal == nil {
		return malformed(msgTrustNoPrincipal)
	}
	for _, a := range append(append([]string{}, st.Action...), st.NotAction...) {
		if a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
			return malformed(msgTrustActions)
		}
	}
	for _, p := range []*Principal{st.Principal, st.NotPrincipal} {
		if err := validatePrincipal(p); err != nil {
			return err
		}
	}
	return nil
}

func validatePrincipal(p *Principal) error {
	if p == nil || p.All {
		return nil
	}
	for typ, ids := range p.IDs {
		if !slices.Contains(principalTypes, typ) {
			return malformed(msgSyntax)
		}
		for _, id := range ids {
			valid := id != ""
			switch typ {
			case "Service":
				valid = servicePattern.MatchString(id)
			case "AWS":
				valid = awsPrincipal.MatchString(id)
			}
			if !valid {
				return malformed(`Invalid principal in policy: "` + strings.ToUpper(typ) + `":"` + id + `"`)
			}
		}
	}
	return nil
}

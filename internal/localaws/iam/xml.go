package iam

import "strings"

// roleXML is the Role shape of IAM responses.
type roleXML struct {
	Path                     string       `xml:"Path"`
	RoleName                 string       `xml:"RoleName"`
	RoleID                   string       `xml:"RoleId"`
	Arn                      string       `xml:"Arn"`
	CreateDate               string       `xml:"CreateDate"`
	AssumeRolePolicyDocument string       `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string       `xml:"Description,omitempty"`
	MaxSessionDuration       int          `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *boundaryXML `xml:"PermissionsBoundary,omitempty"`
	Tags                     *tagListXML  `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{}    `xml:"RoleLastUsed"`
}

type boundaryXML struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

// tagListXML wraps a role's tags so that a role without tags carries no <Tags> element at all.
type tagListXML struct {
	Members []tagXML `xml:"member"`
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// roleView selects the members a response carries: ListRoles leaves out tags, the permissions boundary
// and RoleLastUsed; CreateRole includes tags and the boundary; GetRole also includes RoleLastUsed.
type roleView int

const (
	listView roleView = iota
	createView
	getView
)

func (r *role) xml(view roleView) roleXML {
	out := roleXML{Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn,
		CreateDate: r.created.UTC().Format(iso8601), AssumeRolePolicyDocument: encodeDocument(r.trustDoc),
		Description: r.description, MaxSessionDuration: r.maxSession}
	if view != listView {
		if len(r.tags) > 0 {
			out.Tags = &tagListXML{Members: tagsXML(r.tags)}
		}
		if r.boundary != "" {
			out.PermissionsBoundary = &boundaryXML{PermissionsBoundaryType: boundaryAttachmentTyp,
				PermissionsBoundaryArn: r.boundary}
		}
	}
	if view == getView {
		// The role has never been used by a service in this emulator, so RoleLastUsed is empty, as IAM
		// answers for roles unused within its tracking period.
		out.RoleLastUsed = &struct{}{}
	}
	return out
}

func tagsXML(tags []tag) []tagXML {
	out := make([]tagXML, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagXML(t))
	}
	return out
}

// encodeDocument percent-encodes a policy document as IAM returns it (RFC 3986: every byte except the
// unreserved A-Z a-z 0-9 - . _ ~ is escaped, spaces as %20).
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

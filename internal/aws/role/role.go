// Package role manages the IAM roles of a pipeline: the function's execution role and the pipe's role. Each
// has a trust policy for one service principal and one inline policy computed from the spec (policy.go), sits
// under the /kafkapipeline/ path so the controller's own permissions can be scoped to it, carries the
// ownership tags from creation on, and is deleted only when it is ours.
package role

import (
	"strings"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// DefaultPath is the path of every role the operator creates.
const DefaultPath = "/kafkapipeline/"

// Trust service principals.
const (
	ServiceLambda = "lambda.amazonaws.com"
	ServicePipes  = "pipes.amazonaws.com"
)

// Desired is the role the spec asks for.
type Desired struct {
	// Name is the role name (naming.Name with naming.SuffixFunctionRole or SuffixPipeRole).
	Name string
	// Path is the role path; empty means DefaultPath. IAM cannot change a role's path.
	Path string
	// TrustService is the service principal allowed to assume the role (ServiceLambda or ServicePipes).
	TrustService string
	// TrustConditions are the trust statement's conditions (operator → key → value), e.g. SourceAccount.
	TrustConditions map[string]map[string]string
	// InlinePolicyName names the one inline policy the operator writes.
	InlinePolicyName string
	// InlinePolicy is the rendered inline policy (PipePolicy or FunctionPolicy).
	InlinePolicy string
	// Owner identifies the owning object; its tags mark the role as ours.
	Owner tags.Owner
	// Tags are the user's tags; ownership tags are added to them.
	Tags map[string]string
}

// path returns the role path to create.
func (d Desired) path() string {
	if d.Path == "" {
		return DefaultPath
	}
	return d.Path
}

// component is the component tag value: what the role is for.
func (d Desired) component() string {
	switch d.TrustService {
	case ServiceLambda:
		return "function-role"
	case ServicePipes:
		return "pipe-role"
	}
	return strings.TrimSuffix(d.TrustService, ".amazonaws.com") + "-role"
}

// tags returns every tag the role must carry.
func (d Desired) tags() map[string]string { return d.Owner.Tags(d.component(), d.Tags) }

// Observed is what IAM has.
type Observed struct {
	// ARN is the role ARN (what Lambda and Pipes take).
	ARN string
	// Name and Path are the role's name and path.
	Name, Path string
	// RoleID is IAM's unique id of the role (it changes when a role is re-created under the same name).
	RoleID string
	// TrustPolicy is the decoded trust policy document.
	TrustPolicy string
	// InlinePolicy is the decoded document of the inline policy named in Desired; empty when absent.
	InlinePolicy string
	// OtherInlinePolicies names inline policies the operator did not write. They are left alone (and
	// removed only with the role), but reported: they widen what the role may do.
	OtherInlinePolicies []string
	// Tags are the role's tags.
	Tags map[string]string
}

// Result is what Ensure did.
type Result = awsapi.Result[Observed]

// Service manages roles through one IAM client.
type Service struct {
	api awsapi.IAMAPI
}

// New returns a Service using api.
func New(api awsapi.IAMAPI) *Service { return &Service{api: api} }

// managed is the role of one Desired, found through the status hint, as the ownership rules handle it.
type managed struct {
	*Service
	hint string
	d    Desired
	// trust is the rendered trust policy (Ensure only).
	trust string
}

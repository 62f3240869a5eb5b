package role

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// terminalCodes are the IAM errors of CreateRole, UpdateAssumeRolePolicy, PutRolePolicy and TagRole that
// retrying cannot fix: the request itself is wrong.
var terminalCodes = []string{"MalformedPolicyDocument", "InvalidInput", "ValidationError", "UnmodifiableEntity"}

// Ensure makes the role of d exist with d's trust policy, inline policy and tags: it adopts an owned role
// found by hint or name, creates a missing one (with its tags in the same call), and writes only what
// differs, comparing policy documents by meaning, not bytes. Inline policies the operator did not write are
// left in place and reported in Observed. A role with our name but not our tags is never touched
// (Terminal NotOwned).
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	if d.InlinePolicyName == "" || d.InlinePolicy == "" {
		return Result{}, outcome.Failf(awserr.ReasonInvalidSpec, "IAM role %q: an inline policy name and document are required", d.Name)
	}
	trust, err := TrustPolicy(d.TrustService, d.TrustConditions)
	if err != nil {
		return Result{}, outcome.Fail(awserr.ReasonInvalidSpec, fmt.Errorf("IAM role %q: %w", d.Name, err))
	}
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d, trust: trust})
}

// Create creates the role with its trust policy and tags, then writes its inline policy. The name being
// taken is a conflict.
func (m managed) Create(ctx context.Context) (Result, error) {
	d, want := m.d, m.d.tags()
	out, err := m.api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(d.Name), Path: aws.String(d.path()),
		AssumeRolePolicyDocument: aws.String(m.trust), Tags: iamTags(want),
		Description: aws.String(fmt.Sprintf("%s of %s %s/%s, managed by %s", d.component(), d.Owner.Kind,
			d.Owner.Namespace, d.Owner.Name, tags.ManagedBy))})
	if err != nil {
		err = awserr.Classify(err, fmt.Sprintf("creating IAM role %q", d.Name), terminalCodes...)
		if awserr.IsAlreadyExists(err) {
			err = owned.Conflict(err)
		}
		return Result{}, err
	}
	r := out.Role
	o := &Observed{ARN: aws.ToString(r.Arn), Name: aws.ToString(r.RoleName), Path: aws.ToString(r.Path),
		RoleID: aws.ToString(r.RoleId), TrustPolicy: m.trust, Tags: want}
	return Result{Observed: o, Created: true}, m.putInlinePolicy(ctx, o, d)
}

// Update brings a found role of the owner's in line with its trust policy, inline policy and tags.
func (m managed) Update(ctx context.Context, o *Observed, res Result) (Result, error) {
	d := m.d
	if err := m.readPolicies(ctx, o, d.InlinePolicyName); err != nil {
		return Result{}, err
	}
	res.Observed = o
	if !EquivalentDocuments(o.TrustPolicy, m.trust) {
		if _, err := m.api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(o.Name),
			PolicyDocument: aws.String(m.trust)}); err != nil {
			return res, awserr.Classify(err, fmt.Sprintf("updating trust policy of IAM role %q", o.Name), terminalCodes...)
		}
		o.TrustPolicy, res.Updated = m.trust, true
	}
	if !EquivalentDocuments(o.InlinePolicy, d.InlinePolicy) {
		if err := m.putInlinePolicy(ctx, o, d); err != nil {
			return res, err
		}
		res.Updated = true
	}
	changed, err := m.syncTags(ctx, o, d.tags())
	res.Updated = res.Updated || changed
	return res, err
}

// putInlinePolicy writes d's inline policy (PutRolePolicy creates or replaces it).
func (s *Service) putInlinePolicy(ctx context.Context, o *Observed, d Desired) error {
	_, err := s.api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(o.Name),
		PolicyName: aws.String(d.InlinePolicyName), PolicyDocument: aws.String(d.InlinePolicy)})
	if err != nil {
		return awserr.Classify(err, fmt.Sprintf("writing inline policy %q of IAM role %q", d.InlinePolicyName, o.Name),
			terminalCodes...)
	}
	o.InlinePolicy = d.InlinePolicy
	return nil
}

// syncTags makes the role's tags equal want with at most one TagRole and one UntagRole call, and reports
// whether it wrote.
func (s *Service) syncTags(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	name := aws.String(o.Name)
	return tags.Retag(&o.Tags, want, fmt.Sprintf("IAM role %q", o.Name), awserr.Classifier(terminalCodes...),
		func(set map[string]string) error {
			_, err := s.api.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: iamTags(set)})
			return err
		},
		func(keys []string) error {
			_, err := s.api.UntagRole(ctx, &iam.UntagRoleInput{RoleName: name, TagKeys: keys})
			return err
		})
}

// iamTags converts a tag map to IAM tags, sorted by key so requests are stable.
func iamTags(m map[string]string) []iamtypes.Tag {
	out := make([]iamtypes.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

package role

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the role of d when it is ours: first every inline policy on it (they cannot outlive the
// role, whoever wrote them) and every attached managed policy (detached, not deleted), then the role. A
// missing role is gone; a same-named role without our tags is not ours to delete and counts as gone too.
// When IAM still refuses (DeleteConflict: something was attached meanwhile, or an instance profile holds
// the role) the role is not gone yet and no error is returned; calling Delete again is safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (bool, error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete deletes a role of the owner's, its inline policies first and its managed policies detached.
func (m managed) Delete(ctx context.Context, o *Observed) (bool, error) {
	names, err := m.inlinePolicies(ctx, o.Name)
	if err != nil {
		return false, err
	}
	for _, n := range names {
		_, err := m.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(o.Name), PolicyName: aws.String(n)})
		if err != nil && !awserr.IsNotFound(err) {
			return false, awserr.Classify(err, fmt.Sprintf("deleting inline policy %q of IAM role %q", n, o.Name))
		}
	}
	if err := m.detachAll(ctx, o.Name); err != nil {
		return false, err
	}
	_, err = m.api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(o.Name)})
	var conflict *iamtypes.DeleteConflictException
	if errors.As(err, &conflict) {
		return false, nil
	}
	return err == nil, awserr.Classify(err, fmt.Sprintf("deleting IAM role %q", o.Name))
}

// detachAll detaches every managed policy attached to the role. It lists them all before detaching, so
// the listing's markers stay valid.
func (s *Service) detachAll(ctx context.Context, role string) error {
	var arns []*string
	p := iam.NewListAttachedRolePoliciesPaginator(s.api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return awserr.Classify(err, fmt.Sprintf("listing managed policies attached to IAM role %q", role))
		}
		for _, ap := range page.AttachedPolicies {
			arns = append(arns, ap.PolicyArn)
		}
	}
	for _, a := range arns {
		_, err := s.api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: a})
		if err != nil && !awserr.IsNotFound(err) {
			return awserr.Classify(err, fmt.Sprintf("detaching %s from IAM role %q", aws.ToString(a), role))
		}
	}
	return nil
}

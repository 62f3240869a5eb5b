package role

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Find returns the role the hint names, else the role called by the desired name, without its policies;
// nil when neither exists.
func (m managed) Find(ctx context.Context) (*owned.Found[*Observed], error) {
	names := []string{m.d.Name}
	if n := nameFromARN(m.hint); n != "" && n != m.d.Name {
		names = []string{n, m.d.Name}
	}
	for _, n := range names {
		out, err := m.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(n)})
		if awserr.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, awserr.Classify(err, fmt.Sprintf("reading IAM role %q", n))
		}
		r := out.Role
		trust, err := decodeDocument(aws.ToString(r.AssumeRolePolicyDocument))
		if err != nil {
			return nil, fmt.Errorf("reading IAM role %q: trust policy: %w", n, err)
		}
		o := &Observed{ARN: aws.ToString(r.Arn), Name: aws.ToString(r.RoleName), Path: aws.ToString(r.Path),
			RoleID: aws.ToString(r.RoleId), TrustPolicy: trust, Tags: map[string]string{}}
		for _, t := range r.Tags {
			o.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return owned.One(o, o.ARN == m.hint, "IAM role "+o.ARN, o.Tags), nil
	}
	return nil, nil
}

// readPolicies fills in the inline policy called ours and the names of the other inline policies.
func (s *Service) readPolicies(ctx context.Context, o *Observed, ours string) error {
	names, err := s.inlinePolicies(ctx, o.Name)
	if err != nil {
		return err
	}
	o.OtherInlinePolicies = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == ours })
	if !slices.Contains(names, ours) {
		return nil
	}
	out, err := s.api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(o.Name), PolicyName: aws.String(ours)})
	if awserr.IsNotFound(err) {
		return nil // deleted since the listing
	}
	if err != nil {
		return awserr.Classify(err, fmt.Sprintf("reading inline policy %q of IAM role %q", ours, o.Name))
	}
	if o.InlinePolicy, err = decodeDocument(aws.ToString(out.PolicyDocument)); err != nil {
		return fmt.Errorf("reading inline policy %q of IAM role %q: %w", ours, o.Name, err)
	}
	return nil
}

// inlinePolicies lists the names of a role's inline policies.
func (s *Service) inlinePolicies(ctx context.Context, role string) ([]string, error) {
	var names []string
	p := iam.NewListRolePoliciesPaginator(s.api, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awserr.Classify(err, fmt.Sprintf("listing inline policies of IAM role %q", role))
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// nameFromARN returns the role name of a role ARN (arn:aws:iam::<account>:role/<path>/<name>), or "".
func nameFromARN(s string) string {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return ""
	}
	return a.Resource[strings.LastIndex(a.Resource, "/")+1:]
}

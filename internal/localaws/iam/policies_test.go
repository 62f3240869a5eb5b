package iam

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

func TestInlinePolicies(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "fn", "", lambdaTrust)
	put := func(name, doc string) error {
		_, err := h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("fn"),
			PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		return err
	}
	for _, n := range []string{"c", "a", "b"} {
		if err := put(n, sqsPolicy); err != nil {
			t.Fatalf("PutRolePolicy %s: %v", n, err)
		}
	}

	got := must(h.client.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("a")})).get(t)
	if aws.ToString(got.RoleName) != "fn" || aws.ToString(got.PolicyName) != "a" {
		t.Errorf("GetRolePolicy = %+v", got)
	}
	if raw := aws.ToString(got.PolicyDocument); raw != encodeDocument(sqsPolicy) || decode(t, got.PolicyDocument) != sqsPolicy {
		t.Errorf("PolicyDocument = %q, want the RFC 3986 encoding of the document", raw)
	}

	// Put replaces the document.
	replacement := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`
	if err := put("a", replacement); err != nil {
		t.Fatal(err)
	}
	got = must(h.client.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("a")})).get(t)
	if decode(t, got.PolicyDocument) != replacement {
		t.Errorf("document after replace = %q", decode(t, got.PolicyDocument))
	}

	first := must(h.client.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("fn"), MaxItems: aws.Int32(2)})).get(t)
	if strings.Join(first.PolicyNames, ",") != "a,b" || !first.IsTruncated || first.Marker == nil {
		t.Fatalf("first page = %v truncated=%v marker=%v", first.PolicyNames, first.IsTruncated, first.Marker)
	}
	second := must(h.client.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("fn"), Marker: first.Marker})).get(t)
	if strings.Join(second.PolicyNames, ",") != "c" || second.IsTruncated || second.Marker != nil {
		t.Fatalf("second page = %v truncated=%v marker=%v", second.PolicyNames, second.IsTruncated, second.Marker)
	}
	_, err := h.client.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("fn"), Marker: aws.String("nope")})
	wantErr[smithy.APIError](t, err, "ValidationError", "")

	must(h.client.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("b")})).get(t)
	_, err = h.client.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("b")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role policy with name b cannot be found.")
	_, err = h.client.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("fn"), PolicyName: aws.String("b")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role policy with name b cannot be found.")

	wantErr[*types.MalformedPolicyDocumentException](t, put("bad", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`),
		"MalformedPolicyDocument", "Syntax errors in policy.")
	wantErr[*types.MalformedPolicyDocumentException](t, put("bad", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`),
		"MalformedPolicyDocument", "Policy document should not specify a principal.")
	wantErr[*types.MalformedPolicyDocumentException](t, put("bad", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`),
		"MalformedPolicyDocument", "Policy statement must contain resources.")
	wantErr[smithy.APIError](t, put("bad name", sqsPolicy), "ValidationError",
		`1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)

	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` +
		strings.Repeat("b", 6000) + `"}]}`
	if err := put("big1", big); err != nil {
		t.Fatalf("first large policy: %v", err)
	}
	wantErr[*types.LimitExceededException](t, put("big2", big), "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role fn")
	// Replacing a policy counts only its new size.
	if err := put("big1", big); err != nil {
		t.Fatalf("replacing a large policy: %v", err)
	}

	_, err = h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("nope"),
		PolicyName: aws.String("a"), PolicyDocument: aws.String(sqsPolicy)})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	_, err = h.client.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("a")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	_, err = h.client.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("a")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	_, err = h.client.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("nope")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
}

func TestAttachedPolicies(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "fn", "", lambdaTrust)
	attach := func(arn string) error {
		_, err := h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("fn"), PolicyArn: aws.String(arn)})
		return err
	}
	list := func(in *iamsdk.ListAttachedRolePoliciesInput) *iamsdk.ListAttachedRolePoliciesOutput {
		t.Helper()
		in.RoleName = aws.String("fn")
		return must(h.client.ListAttachedRolePolicies(ctx, in)).get(t)
	}
	for _, arn := range []string{basicPolicy, mskRolePath, basicPolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess"} {
		if err := attach(arn); err != nil {
			t.Fatalf("AttachRolePolicy %s: %v", arn, err)
		}
	}
	all := list(&iamsdk.ListAttachedRolePoliciesInput{})
	if len(all.AttachedPolicies) != 3 || all.IsTruncated {
		t.Fatalf("attached = %+v (attaching twice must be idempotent)", all.AttachedPolicies)
	}
	if p := all.AttachedPolicies[0]; aws.ToString(p.PolicyName) != "AWSLambdaBasicExecutionRole" || aws.ToString(p.PolicyArn) != basicPolicy {
		t.Errorf("first attached = %s %s", aws.ToString(p.PolicyName), aws.ToString(p.PolicyArn))
	}
	serviceRole := list(&iamsdk.ListAttachedRolePoliciesInput{PathPrefix: aws.String("/service-role/")})
	if len(serviceRole.AttachedPolicies) != 2 {
		t.Errorf("PathPrefix /service-role/ = %+v", serviceRole.AttachedPolicies)
	}
	page := list(&iamsdk.ListAttachedRolePoliciesInput{MaxItems: aws.Int32(2)})
	rest := list(&iamsdk.ListAttachedRolePoliciesInput{Marker: page.Marker})
	if len(page.AttachedPolicies) != 2 || !page.IsTruncated || len(rest.AttachedPolicies) != 1 || rest.IsTruncated {
		t.Errorf("pages = %d (truncated %v), %d", len(page.AttachedPolicies), page.IsTruncated, len(rest.AttachedPolicies))
	}
	_, err := h.client.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("fn"), PathPrefix: aws.String("service-role")})
	wantErr[smithy.APIError](t, err, "ValidationError", "")

	wantErr[*types.NoSuchEntityException](t, attach("arn:aws:iam::000000000000:policy/kp-custom"), "NoSuchEntity",
		"Policy arn:aws:iam::000000000000:policy/kp-custom does not exist or is not attachable.")
	wantErr[*types.InvalidInputException](t, attach("policy/AWSLambdaBasicExecutionRole"), "InvalidInput",
		"ARN policy/AWSLambdaBasicExecutionRole is not valid.")
	wantErr[smithy.APIError](t, attach("arn:aws:iam"), "ValidationError",
		"1 validation error detected: Value 'arn:aws:iam' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	_, err = h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("nope"), PolicyArn: aws.String(basicPolicy)})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")

	for i := len(all.AttachedPolicies); i < maxAttachedPerRole; i++ {
		if err := attach("arn:aws:iam::aws:policy/Filler" + strings.Repeat("X", i)); err != nil {
			t.Fatal(err)
		}
	}
	wantErr[*types.LimitExceededException](t, attach("arn:aws:iam::aws:policy/OneTooMany"), "LimitExceeded",
		"Cannot exceed quota for PoliciesPerRole: 10")

	detach := func(arn string) error {
		_, err := h.client.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("fn"), PolicyArn: aws.String(arn)})
		return err
	}
	if err := detach(mskRolePath); err != nil {
		t.Fatal(err)
	}
	wantErr[*types.NoSuchEntityException](t, detach(mskRolePath), "NoSuchEntity", "Policy "+mskRolePath+" was not found.")
	wantErr[*types.InvalidInputException](t, detach("not-an-arn-long-enough"), "InvalidInput", "ARN not-an-arn-long-enough is not valid.")
	_, err = h.client.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("nope")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
}

func TestTags(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "fn", "", lambdaTrust)
	tag := func(kv ...string) error {
		in := &iamsdk.TagRoleInput{RoleName: aws.String("fn")}
		for i := 0; i < len(kv); i += 2 {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		_, err := h.client.TagRole(ctx, in)
		return err
	}
	tagsOf := func(in *iamsdk.ListRoleTagsInput) (string, *iamsdk.ListRoleTagsOutput) {
		t.Helper()
		in.RoleName = aws.String("fn")
		out := must(h.client.ListRoleTags(ctx, in)).get(t)
		var parts []string
		for _, tg := range out.Tags {
			parts = append(parts, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(parts, ","), out
	}
	if err := tag("a", "1", "b", "2", "c", ""); err != nil {
		t.Fatal(err)
	}
	if err := tag("B", "3"); err != nil {
		t.Fatal(err)
	}
	if got, _ := tagsOf(&iamsdk.ListRoleTagsInput{}); got != "a=1,B=3,c=" {
		t.Fatalf("tags = %s (keys are case-insensitive; a new value replaces the old)", got)
	}
	first, out := tagsOf(&iamsdk.ListRoleTagsInput{MaxItems: aws.Int32(2)})
	second, out2 := tagsOf(&iamsdk.ListRoleTagsInput{Marker: out.Marker})
	if first != "a=1,B=3" || !out.IsTruncated || second != "c=" || out2.IsTruncated {
		t.Fatalf("pages = %q (%v), %q (%v)", first, out.IsTruncated, second, out2.IsTruncated)
	}
	role := must(h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("fn")})).get(t).Role
	if len(role.Tags) != 3 {
		t.Errorf("GetRole tags = %+v", role.Tags)
	}

	must(h.client.UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("fn"), TagKeys: []string{"b", "missing"}})).get(t)
	if got, _ := tagsOf(&iamsdk.ListRoleTagsInput{}); got != "a=1,c=" {
		t.Fatalf("tags after untag = %s", got)
	}

	wantErr[*types.InvalidInputException](t, tag("x", "1", "X", "2"), "InvalidInput",
		"Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	wantErr[*types.InvalidInputException](t, tag("aws:reserved", "1"), "InvalidInput", "")
	wantErr[smithy.APIError](t, tag(strings.Repeat("k", 129), "v"), "ValidationError", "")
	wantErr[smithy.APIError](t, tag("k", strings.Repeat("v", 257)), "ValidationError", "")
	var many []string
	for i := range 49 {
		many = append(many, "key"+strings.Repeat("z", i), "v")
	}
	wantErr[*types.LimitExceededException](t, tag(many...), "LimitExceeded", "")
	if got, _ := tagsOf(&iamsdk.ListRoleTagsInput{}); got != "a=1,c=" {
		t.Fatalf("a rejected TagRole changed the tags: %s", got)
	}
	_, err := h.client.UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("fn"), TagKeys: []string{"bad*key"}})
	wantErr[smithy.APIError](t, err, "ValidationError", "")

	_, err = h.client.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("nope"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	_, err = h.client.UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("nope"), TagKeys: []string{"a"}})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	_, err = h.client.ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("nope")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
}

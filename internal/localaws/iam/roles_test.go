package iam

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

func TestCreateAndGetRole(t *testing.T) {
	h := newHarness(t)
	out, err := h.client.CreateRole(ctx, &iamsdk.CreateRoleInput{
		RoleName:                 aws.String("kp-fn"),
		Path:                     aws.String("/kafkapipeline/"),
		AssumeRolePolicyDocument: aws.String(lambdaTrust),
		Description:              aws.String("function role"),
		MaxSessionDuration:       aws.Int32(7200),
		PermissionsBoundary:      aws.String(mskRolePath),
		Tags:                     []types.Tag{{Key: aws.String("kafkapipeline.io/owner"), Value: aws.String("ns/p")}},
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	r := out.Role
	if got, want := aws.ToString(r.Arn), "arn:aws:iam::000000000000:role/kafkapipeline/kp-fn"; got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
	if !regexp.MustCompile(`^AROA[A-Z0-9]{17}$`).MatchString(aws.ToString(r.RoleId)) {
		t.Errorf("RoleId = %q, want AROA + 17 uppercase alphanumerics", aws.ToString(r.RoleId))
	}
	if !r.CreateDate.Equal(h.clock.Now()) {
		t.Errorf("CreateDate = %v, want %v", r.CreateDate, h.clock.Now())
	}
	if aws.ToString(r.Path) != "/kafkapipeline/" || aws.ToString(r.Description) != "function role" ||
		aws.ToInt32(r.MaxSessionDuration) != 7200 || len(r.Tags) != 1 {
		t.Errorf("CreateRole role = %+v", r)
	}
	if decode(t, r.AssumeRolePolicyDocument) != lambdaTrust {
		t.Errorf("AssumeRolePolicyDocument = %q", aws.ToString(r.AssumeRolePolicyDocument))
	}

	got := must(h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("kp-fn")})).get(t).Role
	if aws.ToString(got.Arn) != aws.ToString(r.Arn) || aws.ToString(got.RoleId) != aws.ToString(r.RoleId) {
		t.Errorf("GetRole = %+v, want the created role", got)
	}
	if len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "kafkapipeline.io/owner" || aws.ToString(got.Tags[0].Value) != "ns/p" {
		t.Errorf("GetRole Tags = %+v", got.Tags)
	}
	if got.RoleLastUsed == nil || got.RoleLastUsed.LastUsedDate != nil {
		t.Errorf("GetRole RoleLastUsed = %+v, want empty", got.RoleLastUsed)
	}
	if got.PermissionsBoundary == nil || aws.ToString(got.PermissionsBoundary.PermissionsBoundaryArn) != mskRolePath ||
		got.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("GetRole PermissionsBoundary = %+v", got.PermissionsBoundary)
	}
	if decode(t, got.AssumeRolePolicyDocument) != lambdaTrust {
		t.Errorf("GetRole AssumeRolePolicyDocument = %q", aws.ToString(got.AssumeRolePolicyDocument))
	}

	// Role names are unique and looked up regardless of case.
	byCase := must(h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("KP-FN")})).get(t).Role
	if aws.ToString(byCase.RoleName) != "kp-fn" {
		t.Errorf("GetRole by other case = %q", aws.ToString(byCase.RoleName))
	}

	defaults := h.createRole(t, "plain", "", pipesTrust)
	if aws.ToString(defaults.Path) != "/" || aws.ToInt32(defaults.MaxSessionDuration) != 3600 ||
		aws.ToString(defaults.Arn) != "arn:aws:iam::000000000000:role/plain" {
		t.Errorf("defaults = %+v", defaults)
	}
}

func TestRoleIsGlobal(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "global", "", lambdaTrust)
	cfg := h.cfg.Copy()
	cfg.Region = "eu-west-1"
	other := iamsdk.NewFromConfig(cfg)
	got := must(other.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("global")})).get(t).Role
	if aws.ToString(got.Arn) != "arn:aws:iam::000000000000:role/global" {
		t.Fatalf("Arn from another region = %q", aws.ToString(got.Arn))
	}
}

func TestEncodeDocument(t *testing.T) {
	got := encodeDocument(`{"a": "b/c~d_e.f-g+h*"}` + "\n")
	want := "%7B%22a%22%3A%20%22b%2Fc~d_e.f-g%2Bh%2A%22%7D%0A"
	if got != want {
		t.Fatalf("encodeDocument = %q, want %q", got, want)
	}
}

func TestCreateRoleErrors(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "taken", "", lambdaTrust)
	create := func(mut func(in *iamsdk.CreateRoleInput)) error {
		in := &iamsdk.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(lambdaTrust)}
		mut(in)
		_, err := h.client.CreateRole(ctx, in)
		return err
	}

	err := create(func(in *iamsdk.CreateRoleInput) { in.RoleName = aws.String("TAKEN") })
	wantErr[*types.EntityAlreadyExistsException](t, err, "EntityAlreadyExists", "Role with name TAKEN already exists.")

	validation := []struct {
		name string
		mut  func(in *iamsdk.CreateRoleInput)
		msg  string
	}{
		{"empty name", func(in *iamsdk.CreateRoleInput) { in.RoleName = aws.String("") },
			"1 validation error detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"name too long", func(in *iamsdk.CreateRoleInput) { in.RoleName = aws.String(strings.Repeat("a", 65)) },
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"name pattern", func(in *iamsdk.CreateRoleInput) { in.RoleName = aws.String("bad name") },
			`1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"path without trailing slash", func(in *iamsdk.CreateRoleInput) { in.Path = aws.String("/x") },
			`1 validation error detected: Value '/x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"session too short", func(in *iamsdk.CreateRoleInput) { in.MaxSessionDuration = aws.Int32(100) },
			"1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"session too long", func(in *iamsdk.CreateRoleInput) { in.MaxSessionDuration = aws.Int32(43201) },
			"1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"description too long", func(in *iamsdk.CreateRoleInput) { in.Description = aws.String(strings.Repeat("d", 1001)) }, ""},
		{"empty document and bad name", func(in *iamsdk.CreateRoleInput) {
			in.RoleName, in.AssumeRolePolicyDocument = aws.String("a b"), aws.String("")
		}, "2 validation errors detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
			"Value '' at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too many tags", func(in *iamsdk.CreateRoleInput) {
			for i := range 51 {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String("k" + strings.Repeat("x", i)), Value: aws.String("v")})
			}
		}, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"tag key pattern", func(in *iamsdk.CreateRoleInput) {
			in.Tags = []types.Tag{{Key: aws.String("bad*key"), Value: aws.String("v")}}
		}, `1 validation error detected: Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"short boundary arn", func(in *iamsdk.CreateRoleInput) { in.PermissionsBoundary = aws.String("arn:x") }, ""},
	}
	for _, tt := range validation {
		t.Run(tt.name, func(t *testing.T) {
			wantErr[smithy.APIError](t, create(tt.mut), "ValidationError", tt.msg)
		})
	}

	err = create(func(in *iamsdk.CreateRoleInput) { in.AssumeRolePolicyDocument = aws.String("{not json") })
	wantErr[*types.MalformedPolicyDocumentException](t, err, "MalformedPolicyDocument", "This policy contains invalid Json")
	err = create(func(in *iamsdk.CreateRoleInput) {
		in.AssumeRolePolicyDocument = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`)
	})
	wantErr[*types.MalformedPolicyDocumentException](t, err, "MalformedPolicyDocument", "Has prohibited field Resource")

	err = create(func(in *iamsdk.CreateRoleInput) {
		services := make([]string, 120)
		for i := range services {
			services[i] = `"svc` + strings.Repeat("x", i%10) + `.amazonaws.com"`
		}
		in.AssumeRolePolicyDocument = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":[` +
			strings.Join(services, ",") + `]},"Action":"sts:AssumeRole"}]}`)
	})
	wantErr[*types.LimitExceededException](t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")

	err = create(func(in *iamsdk.CreateRoleInput) {
		in.Tags = []types.Tag{{Key: aws.String("Team"), Value: aws.String("a")}, {Key: aws.String("team"), Value: aws.String("b")}}
	})
	wantErr[*types.InvalidInputException](t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")

	err = create(func(in *iamsdk.CreateRoleInput) {
		in.PermissionsBoundary = aws.String("arn:aws:iam::000000000000:policy/missing")
	})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity",
		"Scope ARN: arn:aws:iam::000000000000:policy/missing does not exist or is not attachable.")

	err = create(func(in *iamsdk.CreateRoleInput) { in.PermissionsBoundary = aws.String("not-an-arn-but-long-enough") })
	wantErr[*types.InvalidInputException](t, err, "InvalidInput", "ARN not-an-arn-but-long-enough is not valid.")

	if _, err := h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("r1")}); err == nil {
		t.Fatal("a rejected CreateRole must not create the role")
	}
}

func TestRoleQuota(t *testing.T) {
	h := newHarness(t)
	h.svc.mu.Lock()
	for i := range maxRoles {
		name := "filler" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String()
		h.svc.roles[strings.ToLower(name)] = &role{name: name}
	}
	h.svc.mu.Unlock()
	_, err := h.client.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("one-too-many"),
		AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	wantErr[*types.LimitExceededException](t, err, "LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1000")
}

func TestGetRoleNotFound(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("missing")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name missing cannot be found.")
	_, err = h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("bad/name")})
	wantErr[smithy.APIError](t, err, "ValidationError", "")
}

func TestDeleteRole(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "doomed", "", lambdaTrust)
	must(h.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("doomed"), PolicyArn: aws.String(basicPolicy)})).get(t)
	must(h.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("doomed"),
		PolicyName: aws.String("dlq"), PolicyDocument: aws.String(sqsPolicy)})).get(t)

	_, err := h.client.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("doomed")})
	wantErr[*types.DeleteConflictException](t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	must(h.client.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("doomed"), PolicyArn: aws.String(basicPolicy)})).get(t)
	_, err = h.client.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("doomed")})
	wantErr[*types.DeleteConflictException](t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	must(h.client.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("doomed"), PolicyName: aws.String("dlq")})).get(t)
	must(h.client.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("doomed")})).get(t)

	_, err = h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("doomed")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name doomed cannot be found.")
	_, err = h.client.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("doomed")})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name doomed cannot be found.")
	// The name is free again.
	h.createRole(t, "doomed", "", lambdaTrust)
}

func TestUpdateAssumeRolePolicy(t *testing.T) {
	h := newHarness(t)
	h.createRole(t, "r", "", lambdaTrust)
	must(h.client.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"),
		PolicyDocument: aws.String(pipesTrust)})).get(t)
	got := must(h.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("r")})).get(t).Role
	if decode(t, got.AssumeRolePolicyDocument) != pipesTrust {
		t.Fatalf("trust policy after update = %q", decode(t, got.AssumeRolePolicyDocument))
	}
	_, err := h.client.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
	wantErr[*types.MalformedPolicyDocumentException](t, err, "MalformedPolicyDocument", "Missing required field Principal")
	_, err = h.client.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("nope"),
		PolicyDocument: aws.String(pipesTrust)})
	wantErr[*types.NoSuchEntityException](t, err, "NoSuchEntity", "The role with name nope cannot be found.")
}

func TestListRoles(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"kp-c", "kp-a", "kp-b"} {
		h.createRole(t, n, "/kafkapipeline/", lambdaTrust)
	}
	h.createRole(t, "other", "/", pipesTrust)

	all := must(h.client.ListRoles(ctx, &iamsdk.ListRolesInput{})).get(t)
	if len(all.Roles) != 4 || all.IsTruncated {
		t.Fatalf("ListRoles = %d roles, truncated %v", len(all.Roles), all.IsTruncated)
	}
	if all.Roles[0].Tags != nil || all.Roles[0].RoleLastUsed != nil || decode(t, all.Roles[0].AssumeRolePolicyDocument) == "" {
		t.Errorf("ListRoles item = %+v: want the trust policy but no tags or RoleLastUsed", all.Roles[0])
	}

	var names []string
	pager := iamsdk.NewListRolesPaginator(h.client, &iamsdk.ListRolesInput{PathPrefix: aws.String("/kafkapipeline/"), MaxItems: aws.Int32(2)})
	pages := 0
	for pager.HasMorePages() {
		page := must(pager.NextPage(ctx)).get(t)
		pages++
		if pages == 1 && (!page.IsTruncated || aws.ToString(page.Marker) == "") {
			t.Errorf("first page IsTruncated=%v Marker=%q", page.IsTruncated, aws.ToString(page.Marker))
		}
		for _, r := range page.Roles {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	if strings.Join(names, ",") != "kp-a,kp-b,kp-c" || pages != 2 {
		t.Fatalf("paginated names = %v in %d pages", names, pages)
	}

	_, err := h.client.ListRoles(ctx, &iamsdk.ListRolesInput{Marker: aws.String("bogus")})
	wantErr[smithy.APIError](t, err, "ValidationError", "")
	_, err = h.client.ListRoles(ctx, &iamsdk.ListRolesInput{MaxItems: aws.Int32(1001)})
	wantErr[smithy.APIError](t, err, "ValidationError",
		"1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = h.client.ListRoles(ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("kafkapipeline")})
	wantErr[smithy.APIError](t, err, "ValidationError", "")
}

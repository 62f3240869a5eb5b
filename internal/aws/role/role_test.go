package role

import (
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iam"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

var owner = tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders", UID: "uid-1"}

const (
	localCluster  = "arn:aws:kafka:us-east-1:000000000000:cluster/shared/6a5f-uuid-s1"
	localFunction = "arn:aws:lambda:us-east-1:000000000000:function:kp-ns-orders-12345678-fn"
)

// pipeRole is the Desired of a pipe's role as the controller computes it.
func pipeRole(t *testing.T) Desired {
	t.Helper()
	doc, err := PipePolicy(PipePermissions{ClusterARN: localCluster, Topic: "orders", ConsumerGroup: "kp-group",
		FunctionARN: localFunction})
	if err != nil {
		t.Fatal(err)
	}
	return Desired{Name: "kp-ns-orders-12345678-pipe-role", TrustService: ServicePipes,
		TrustConditions: SourceAccount(lawstest.AccountID), InlinePolicyName: "kafkapipeline", InlinePolicy: doc,
		Owner: owner, Tags: map[string]string{"team": "payments"}}
}

type env struct {
	srv    *server.Server
	iam    *iam.Service
	admin  *adminclient.Client
	client *iamsdk.Client
	svc    *Service
}

func newEnv(t *testing.T) env {
	t.Helper()
	emu := iam.New(iam.Config{})
	srv, cfg := lawstest.Serve(t, emu)
	client := iamsdk.NewFromConfig(cfg)
	return env{srv: srv, iam: emu, admin: adminclient.New(aws.ToString(cfg.BaseEndpoint)), client: client, svc: New(client)}
}

func (e env) writes() map[string]int64 { return adminclient.Calls(e.srv.Calls()).Writes() }

func (e env) resetCalls(t *testing.T) {
	t.Helper()
	if err := e.admin.ResetCalls(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// role reads a role as IAM holds it: the decoded trust policy, the inline policy documents by name, the
// attached policy ARNs and the tags.
func (e env) role(t *testing.T, name string) (trust string, inline map[string]string, attached []string, tagMap map[string]string) {
	t.Helper()
	ctx := context.Background()
	r, err := e.client.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatalf("GetRole %s: %v", name, err)
	}
	trust = unescape(t, aws.ToString(r.Role.AssumeRolePolicyDocument))
	tagMap = map[string]string{}
	for _, tg := range r.Role.Tags {
		tagMap[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	names, err := e.client.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	inline = map[string]string{}
	for _, n := range names.PolicyNames {
		p, err := e.client.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n)})
		if err != nil {
			t.Fatal(err)
		}
		inline[n] = unescape(t, aws.ToString(p.PolicyDocument))
	}
	att, err := e.client.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range att.AttachedPolicies {
		attached = append(attached, aws.ToString(a.PolicyArn))
	}
	return trust, inline, attached, tagMap
}

func unescape(t *testing.T, s string) string {
	t.Helper()
	d, err := url.PathUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e env) roleCount(t *testing.T) int {
	t.Helper()
	out, err := e.client.ListRoles(context.Background(), &iamsdk.ListRolesInput{})
	if err != nil {
		t.Fatalf("ListRoles: %v", err)
	}
	return len(out.Roles)
}

// createRole creates a role named like d's as someone else would, with a trust policy for Lambda, an inline
// policy of the same name with another document, and the given tags.
func (e env) createRole(t *testing.T, d Desired, tagMap map[string]string) string {
	t.Helper()
	ctx := context.Background()
	trust, err := TrustPolicy(ServiceLambda, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.client.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(d.Name), Path: aws.String(DefaultPath),
		AssumeRolePolicyDocument: aws.String(trust), Tags: iamTags(tagMap)})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	if _, err := e.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(d.Name),
		PolicyName:     aws.String(d.InlinePolicyName),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)}); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
	return aws.ToString(out.Role.Arn)
}

func TestEnsureCreatesOnceThenWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatalf("first Ensure: %v", err)
	}
	wantARN := "arn:aws:iam::000000000000:role/kafkapipeline/" + d.Name
	if !res.Created || res.Observed.ARN != wantARN || res.Observed.Path != DefaultPath {
		t.Fatalf("first Ensure result %+v, want created at %s", res, wantARN)
	}
	if w := e.writes(); !maps.Equal(w, map[string]int64{"iam:CreateRole": 1, "iam:PutRolePolicy": 1}) {
		t.Errorf("first Ensure wrote %v, want CreateRole and PutRolePolicy", w)
	}
	trust, inline, _, tg := e.role(t, d.Name)
	wantTrust, _ := TrustPolicy(ServicePipes, SourceAccount(lawstest.AccountID))
	if !EquivalentDocuments(trust, wantTrust) || !EquivalentDocuments(inline[d.InlinePolicyName], d.InlinePolicy) {
		t.Errorf("role documents: trust %s, inline %v", trust, inline)
	}
	if !maps.Equal(tg, owner.Tags("pipe-role", d.Tags)) {
		t.Errorf("tags %v", tg)
	}

	e.resetCalls(t)
	again, err := e.svc.Ensure(ctx, res.Observed.ARN, d)
	if err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if again.Created || again.Updated || again.Adopted || again.Observed.ARN != wantARN {
		t.Errorf("second Ensure result %+v, want the role untouched", again)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("second Ensure wrote %v, want nothing", w)
	}
	if n := e.roleCount(t); n != 1 {
		t.Errorf("%d roles, want 1", n)
	}
}

// TestPipeRoleGrantsWhatPipesChecks asks localaws IAM, which Pipes consults before running a pipe, whether
// the role Ensure made may do each thing a pipe from an MSK topic to a Lambda function does.
func TestPipeRoleGrantsWhatPipesChecks(t *testing.T) {
	e := newEnv(t)
	d := pipeRole(t)
	res, err := e.svc.Ensure(context.Background(), "", d)
	if err != nil {
		t.Fatal(err)
	}
	roleARN := res.Observed.ARN
	if ok, why := e.iam.RoleAssumableFrom(roleARN, ServicePipes, "arn:aws:pipes:us-east-1:000000000000:pipe/p"); !ok {
		t.Errorf("pipes cannot assume the role: %s", why)
	}
	if ok, _ := e.iam.RoleAssumable(roleARN, ServiceLambda); ok {
		t.Error("lambda can assume the pipe role")
	}
	topic := "arn:aws:kafka:us-east-1:000000000000:topic/shared/6a5f-uuid-s1/orders"
	group := "arn:aws:kafka:us-east-1:000000000000:group/shared/6a5f-uuid-s1/kp-group"
	for _, p := range [][2]string{
		{"kafka:DescribeClusterV2", localCluster}, {"kafka:GetBootstrapBrokers", localCluster},
		{"kafka-cluster:Connect", localCluster}, {"kafka-cluster:DescribeTopic", topic}, {"kafka-cluster:ReadData", topic},
		{"kafka-cluster:DescribeGroup", group}, {"kafka-cluster:AlterGroup", group},
		{"ec2:CreateNetworkInterface", "*"}, {"ec2:DescribeNetworkInterfaces", "*"}, {"ec2:DescribeVpcs", "*"},
		{"ec2:DeleteNetworkInterface", "*"}, {"ec2:DescribeSubnets", "*"}, {"ec2:DescribeSecurityGroups", "*"},
		{"lambda:InvokeFunction", localFunction},
	} {
		if !e.iam.RoleAllows(roleARN, p[0], p[1]) {
			t.Errorf("the pipe role may not %s on %s", p[0], p[1])
		}
	}
	for _, p := range [][2]string{
		{"kafka-cluster:WriteData", topic}, {"lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:x"},
		{"iam:PassRole", roleARN},
	} {
		if e.iam.RoleAllows(roleARN, p[0], p[1]) {
			t.Errorf("the pipe role may %s on %s", p[0], p[1])
		}
	}
}

func TestEnsureAdoptsAnOwnedRoleWithoutHint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	earlier := owner
	earlier.UID = "old"
	arn := e.createRole(t, d, earlier.Tags("pipe-role", nil))
	e.resetCalls(t)

	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if res.Created || !res.Adopted || !res.Updated || res.Observed.ARN != arn {
		t.Fatalf("Ensure result %+v, want the role adopted and updated", res)
	}
	want := map[string]int64{"iam:UpdateAssumeRolePolicy": 1, "iam:PutRolePolicy": 1, "iam:TagRole": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("Ensure wrote %v, want %v", w, want)
	}
	trust, inline, _, tg := e.role(t, d.Name)
	wantTrust, _ := TrustPolicy(ServicePipes, SourceAccount(lawstest.AccountID))
	if !EquivalentDocuments(trust, wantTrust) || !EquivalentDocuments(inline[d.InlinePolicyName], d.InlinePolicy) ||
		tg[tags.KeyUID] != owner.UID {
		t.Errorf("after adoption: trust %s, inline %v, tags %v", trust, inline, tg)
	}
}

func TestNotOwnedRoleIsLeftAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	arn := e.createRole(t, d, map[string]string{"team": "other"})
	trustBefore, inlineBefore, _, tagsBefore := e.role(t, d.Name)
	e.resetCalls(t)

	for _, hint := range []string{"", arn} {
		res, err := e.svc.Ensure(ctx, hint, d)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || res.Observed != nil {
			t.Errorf("Ensure of a foreign role with hint %q: %+v, %v; want Terminal NotOwned", hint, res, err)
		}
	}
	if gone, err := e.svc.Delete(ctx, "", d); !gone || err != nil {
		t.Errorf("Delete of a foreign role: gone=%v err=%v, want gone and no error", gone, err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("wrote %v to a foreign role", w)
	}
	trust, inline, _, tg := e.role(t, d.Name)
	if trust != trustBefore || !maps.Equal(inline, inlineBefore) || !maps.Equal(tg, tagsBefore) {
		t.Error("the foreign role changed")
	}
}

func TestEnsureRepairsDriftAndReportsForeignPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatal(err)
	}
	lambdaTrust, _ := TrustPolicy(ServiceLambda, nil)
	for _, err := range []error{
		call(e.client.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String(d.Name),
			PolicyDocument: aws.String(lambdaTrust)})),
		call(e.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(d.Name), PolicyName: aws.String(d.InlinePolicyName),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kafka-cluster:*","Resource":"*"}]}`)})),
		call(e.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(d.Name), PolicyName: aws.String("added-by-hand"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})),
		call(e.client.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String(d.Name), Tags: []iamtypes.Tag{
			{Key: aws.String("team"), Value: aws.String("changed")}, {Key: aws.String("extra"), Value: aws.String("x")}}})),
	} {
		if err != nil {
			t.Fatalf("changing the role out of band: %v", err)
		}
	}
	e.resetCalls(t)

	res, err = e.svc.Ensure(ctx, res.Observed.ARN, d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if !res.Updated || res.Adopted || !slices.Equal(res.Observed.OtherInlinePolicies, []string{"added-by-hand"}) {
		t.Errorf("Ensure result %+v, want updated, reporting the hand-added policy", res)
	}
	want := map[string]int64{"iam:UpdateAssumeRolePolicy": 1, "iam:PutRolePolicy": 1, "iam:TagRole": 1, "iam:UntagRole": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("Ensure wrote %v, want %v", w, want)
	}
	trust, inline, _, tg := e.role(t, d.Name)
	wantTrust, _ := TrustPolicy(ServicePipes, SourceAccount(lawstest.AccountID))
	if !EquivalentDocuments(trust, wantTrust) || !EquivalentDocuments(inline[d.InlinePolicyName], d.InlinePolicy) ||
		!maps.Equal(tg, owner.Tags("pipe-role", d.Tags)) {
		t.Errorf("after repair: trust %s, inline %v, tags %v", trust, inline, tg)
	}
	if _, ok := inline["added-by-hand"]; !ok {
		t.Error("Ensure removed an inline policy it did not write")
	}
}

func TestEnsureComparesDocumentsByMeaning(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	if _, err := e.svc.Ensure(ctx, "", d); err != nil {
		t.Fatal(err)
	}
	// The same policy written differently: statement order kept, actions reordered, whitespace added.
	reformatted := `{ "Version": "2012-10-17", "Statement": [` +
		`{"Sid":"DescribeCluster","Effect":"Allow","Action":["kafka:GetBootstrapBrokers","kafka:DescribeClusterV2"],"Resource":"` + localCluster + `"},` +
		`{"Sid":"ConnectCluster","Effect":"Allow","Action":["kafka-cluster:DescribeClusterDynamicConfiguration","kafka-cluster:Connect"],"Resource":"` + localCluster + `"},` +
		`{"Sid":"ReadTopic","Effect":"Allow","Action":["kafka-cluster:ReadData","kafka-cluster:DescribeTopic"],"Resource":"arn:aws:kafka:us-east-1:000000000000:topic/shared/6a5f-uuid-s1/orders"},` +
		`{"Sid":"UseConsumerGroup","Effect":"Allow","Action":["kafka-cluster:DescribeGroup","kafka-cluster:AlterGroup"],"Resource":"arn:aws:kafka:us-east-1:000000000000:group/shared/6a5f-uuid-s1/kp-group"},` +
		`{"Sid":"NetworkInterfaces","Effect":"Allow","Action":["ec2:DescribeVpcs","ec2:DescribeSubnets","ec2:DescribeSecurityGroups","ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface","ec2:CreateNetworkInterface"],"Resource":"*"},` +
		`{"Sid":"InvokeFunction","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["` + localFunction + `:*","` + localFunction + `"]}` +
		"]\n}"
	if _, err := e.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(d.Name),
		PolicyName: aws.String(d.InlinePolicyName), PolicyDocument: aws.String(reformatted)}); err != nil {
		t.Fatal(err)
	}
	e.resetCalls(t)
	if _, err := e.svc.Ensure(ctx, "", d); err != nil {
		t.Fatal(err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("Ensure rewrote an equivalent document: %v", w)
	}
}

func TestDeleteRemovesPoliciesThenTheRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	res, err := e.svc.Ensure(ctx, "", d)
	if err != nil {
		t.Fatal(err)
	}
	if err := call(e.client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(d.Name), PolicyName: aws.String("extra"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)})); err != nil {
		t.Fatal(err)
	}
	if err := call(e.client.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String(d.Name),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")})); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		gone, err := e.svc.Delete(ctx, res.Observed.ARN, d)
		if err != nil || !gone {
			t.Fatalf("Delete #%d: gone=%v err=%v", i+1, gone, err)
		}
	}
	if n := e.roleCount(t); n != 0 {
		t.Errorf("%d roles left", n)
	}
	if f, err := (managed{Service: e.svc, hint: res.Observed.ARN, d: d}).Find(ctx); f != nil || err != nil {
		t.Errorf("Find after Delete: %+v, %v", f, err)
	}
}

func TestDeleteConflictIsNotGoneYet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := pipeRole(t)
	if _, err := e.svc.Ensure(ctx, "", d); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.AddFault(ctx, server.Fault{Service: "iam", Operation: "DeleteRole", ErrorCode: "DeleteConflict",
		Status: 409, Count: 1, Message: "Cannot delete entity, must remove roles from instance profile first."}); err != nil {
		t.Fatal(err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); gone || err != nil {
		t.Fatalf("Delete with a conflict: gone=%v err=%v, want not gone and no error", gone, err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); !gone || err != nil {
		t.Fatalf("Delete after the conflict: gone=%v err=%v", gone, err)
	}
}

func TestEnsureRefusesAMalformedPolicy(t *testing.T) {
	e := newEnv(t)
	d := pipeRole(t)
	d.InlinePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}`
	res, err := e.svc.Ensure(context.Background(), "", d)
	term, ok := outcome.AsTerminal(err)
	if !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Fatalf("Ensure with a malformed policy: %v, want Terminal InvalidSpec", err)
	}
	var malformed *iamtypes.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Errorf("error %v does not carry MalformedPolicyDocumentException", err)
	}
	if !res.Created || res.Observed == nil {
		t.Errorf("Ensure result %+v: the role was created and must be reported with the error", res)
	}
	d.InlinePolicy = ""
	if _, err := e.svc.Ensure(context.Background(), "", d); err == nil {
		t.Error("Ensure without an inline policy succeeded")
	} else if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Errorf("Ensure without an inline policy: %v, want Terminal InvalidSpec", err)
	}
}

// racingIAM creates the role, as a concurrent reconcile would, right before forwarding CreateRole.
type racingIAM struct {
	*iamsdk.Client
	race func()
}

func (r racingIAM) CreateRole(ctx context.Context, in *iamsdk.CreateRoleInput, opts ...func(*iamsdk.Options)) (*iamsdk.CreateRoleOutput, error) {
	r.race()
	return r.Client.CreateRole(ctx, in, opts...)
}

func TestEnsureAdoptsARoleCreatedConcurrently(t *testing.T) {
	e := newEnv(t)
	d := pipeRole(t)
	svc := New(racingIAM{Client: e.client, race: func() { e.createRole(t, d, owner.Tags("pipe-role", d.Tags)) }})
	res, err := svc.Ensure(context.Background(), "", d)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if res.Created || !res.Adopted || !res.Updated {
		t.Errorf("Ensure result %+v, want the concurrently created role adopted and repaired", res)
	}
	if n := e.roleCount(t); n != 1 {
		t.Errorf("%d roles, want 1", n)
	}
}

// call drops an SDK output, keeping the error.
func call[T any](_ T, err error) error { return err }

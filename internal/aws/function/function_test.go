package function

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/iam"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/logs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/s3"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

var owner = tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders", UID: "uid-1"}

const fnName = "kp-ns-orders-12345678-fn"

// zipWith returns a zip archive holding one bootstrap file with the given content.
func zipWith(t *testing.T, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type env struct {
	srv     *server.Server
	timings *lifecycle.Timings
	admin   *adminclient.Client
	lambda  *lambdasdk.Client
	logs    *logssdk.Client
	s3      *s3sdk.Client
	iam     *iamsdk.Client
	svc     *Service
	roleARN string
	dlqARN  string
}

// newEnv serves IAM, SQS, S3, Logs and Lambda wired together as in AWS, and creates the function's role
// and dead-letter queue with this module's own services.
func newEnv(t *testing.T) env {
	t.Helper()
	tm := lawstest.Timings(t)
	iamEmu, sqsEmu, s3Emu := iam.New(iam.Config{Timings: tm}), sqs.New(sqs.Config{}), s3.New(s3.Config{})
	srv, cfg := lawstest.Serve(t, iamEmu, sqsEmu, s3Emu, logs.New(logs.Config{}),
		lambda.New(lambda.Config{Timings: tm, IAM: iamEmu, Queues: sqsEmu, Objects: s3Emu}))
	e := env{srv: srv, timings: tm, admin: adminclient.New(aws.ToString(cfg.BaseEndpoint)),
		lambda: lambdasdk.NewFromConfig(cfg), logs: logssdk.NewFromConfig(cfg), iam: iamsdk.NewFromConfig(cfg),
		s3: s3sdk.NewFromConfig(cfg, func(o *s3sdk.Options) { o.UsePathStyle = true })}
	e.svc = New(e.lambda, e.logs, testWaits())
	ctx := context.Background()
	dlq, err := queue.New(sqssdk.NewFromConfig(cfg), queue.DefaultWaits()).Ensure(ctx, "", queue.Desired{Name: "kp-ns-orders-12345678-dlq", Owner: owner})
	if err != nil {
		t.Fatalf("creating the dead-letter queue: %v", err)
	}
	e.dlqARN = dlq.Observed.ARN
	e.roleARN = e.ensureRole(t, "kp-ns-orders-12345678-fn-role", e.dlqARN)
	return e
}

// ensureRole makes a function role whose policy allows sending to dlqARN ("" for no queue permission).
func (e env) ensureRole(t *testing.T, name, dlqARN string) string {
	t.Helper()
	doc, err := role.FunctionPolicy(role.FunctionPermissions{Region: lawstest.Region, Account: lawstest.AccountID,
		FunctionName: fnName, DLQARN: dlqARN})
	if err != nil {
		t.Fatal(err)
	}
	r, err := role.New(e.iam).Ensure(context.Background(), "", role.Desired{Name: name, TrustService: role.ServiceLambda,
		InlinePolicyName: "kafkapipeline", InlinePolicy: doc, Owner: owner})
	if err != nil {
		t.Fatalf("creating role %s: %v", name, err)
	}
	return r.Observed.ARN
}

func (e env) desired(t *testing.T) Desired {
	return Desired{Name: fnName, RoleARN: e.roleARN, Runtime: "provided.al2023", Handler: "bootstrap",
		Architecture: "arm64", MemoryMB: 256, TimeoutSeconds: 60, Environment: map[string]string{"LOG_LEVEL": "info"},
		Code: Code{ZipFile: zipWith(t, "v1")}, DLQARN: e.dlqARN,
		Retry: &Retry{MaximumRetryAttempts: 2, MaximumEventAgeSeconds: 300}, Owner: owner,
		Tags: map[string]string{"team": "payments"}}
}

func (e env) writes() map[string]int64 { return adminclient.Calls(e.srv.Calls()).Writes() }

func (e env) resetCalls(t *testing.T) {
	t.Helper()
	if err := e.admin.ResetCalls(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// ensureReady calls Ensure until it stops answering Waiting, as the controller's requeues would, passing on
// the ARN it learns as the status would, and returns the last result with whether any call created the
// function. It fails the test on an error.
func ensureReady(t *testing.T, svc *Service, hint string, d Desired) (Result, bool) {
	t.Helper()
	created := false
	res := awstest.MustSettle(t, func() (Result, error) {
		res, err := svc.Ensure(context.Background(), hint, d)
		created = created || res.Created
		if res.Observed != nil {
			hint = res.Observed.ARN
		}
		return res, err
	})
	return res, created
}

// function reads a function as Lambda holds it.
func (e env) function(t *testing.T, name string) *lambdasdk.GetFunctionOutput {
	t.Helper()
	out, err := e.lambda.GetFunction(context.Background(), &lambdasdk.GetFunctionInput{FunctionName: aws.String(name)})
	if err != nil {
		t.Fatalf("GetFunction %s: %v", name, err)
	}
	return out
}

func (e env) invokeConfig(t *testing.T, name string) *lambdasdk.GetFunctionEventInvokeConfigOutput {
	t.Helper()
	out, err := e.lambda.GetFunctionEventInvokeConfig(context.Background(),
		&lambdasdk.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(name)})
	if err != nil {
		t.Fatalf("GetFunctionEventInvokeConfig %s: %v", name, err)
	}
	return out
}

// createFunction creates a function named like d's directly, as someone else would, with 128 MB and the
// given tags, and waits until it is Active.
func (e env) createFunction(t *testing.T, d Desired, tagMap map[string]string) string {
	t.Helper()
	ctx := context.Background()
	out, err := e.lambda.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String(d.Name),
		Role: aws.String(d.RoleARN), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipWith(t, "theirs")}, Tags: tagMap})
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	e.waitUntil(t, func(f *lambdasdk.GetFunctionOutput) bool {
		return f.Configuration.State == lambdatypes.StateActive &&
			f.Configuration.LastUpdateStatus != lambdatypes.LastUpdateStatusInProgress
	}, d.Name)
	return aws.ToString(out.FunctionArn)
}

// waitUntil polls GetFunction until cond holds.
func (e env) waitUntil(t *testing.T, cond func(*lambdasdk.GetFunctionOutput) bool, name string) {
	t.Helper()
	lawstest.Eventually(t, "function "+name+" to reach the expected state", func() bool { return cond(e.function(t, name)) })
}

func TestEnsureCreatesOnceThenWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.resetCalls(t)
	d := e.desired(t)
	res, created := ensureReady(t, e.svc, "", d)
	wantARN := "arn:aws:lambda:us-east-1:000000000000:function:" + fnName
	if !created || res.Observed.ARN != wantARN || res.Observed.CodeSha256 != CodeSha256(d.Code.ZipFile) {
		t.Fatalf("Ensure result %+v, want created %s with the zip's SHA-256", res, wantARN)
	}
	want := map[string]int64{"lambda:CreateFunction": 1, "lambda:PutFunctionEventInvokeConfig": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("reaching Ready wrote %v, want %v", w, want)
	}
	f := e.function(t, fnName)
	c := f.Configuration
	if aws.ToInt32(c.MemorySize) != 256 || aws.ToInt32(c.Timeout) != 60 || c.Architectures[0] != lambdatypes.ArchitectureArm64 ||
		aws.ToString(c.DeadLetterConfig.TargetArn) != e.dlqARN || c.Environment.Variables["LOG_LEVEL"] != "info" ||
		aws.ToString(c.Role) != e.roleARN {
		t.Errorf("function configuration %+v", c)
	}
	if !maps.Equal(f.Tags, owner.Tags(Component, d.Tags)) {
		t.Errorf("tags %v", f.Tags)
	}
	if ic := e.invokeConfig(t, fnName); aws.ToInt32(ic.MaximumRetryAttempts) != 2 || aws.ToInt32(ic.MaximumEventAgeInSeconds) != 300 {
		t.Errorf("invoke config retries %d, age %d", aws.ToInt32(ic.MaximumRetryAttempts), aws.ToInt32(ic.MaximumEventAgeInSeconds))
	}

	e.resetCalls(t)
	again, err := e.svc.Ensure(context.Background(), res.Observed.ARN, d)
	if err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if again.Created || again.Updated || again.Adopted {
		t.Errorf("second Ensure result %+v, want the function untouched", again)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("second Ensure wrote %v, want nothing", w)
	}
}

func TestEnsureWithTheZipsSha256GivenWritesNothingAgain(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	d.Code.Sha256 = CodeSha256(d.Code.ZipFile)
	res, created := ensureReady(t, e.svc, "", d)
	if !created || res.Observed.CodeSha256 != d.Code.Sha256 {
		t.Fatalf("Ensure result %+v, want created with SHA-256 %s", res, d.Code.Sha256)
	}
	e.resetCalls(t)
	if _, err := e.svc.Ensure(context.Background(), res.Observed.ARN, d); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("second Ensure wrote %v, want nothing", w)
	}
}

func TestEnsureReturnsTheFunctionWhileItIsPending(t *testing.T) {
	e := newEnv(t)
	lawstest.Override(t, e.timings, lifecycle.FunctionCreate, 300*time.Millisecond)
	d := e.desired(t)
	res, err := e.svc.Ensure(context.Background(), "", d)
	w, ok := outcome.AsWaiting(err)
	if !ok || w.Reason != awserr.ReasonCreating || w.After != testWaits().Pending {
		t.Fatalf("Ensure right after create: %v, want Waiting FunctionPending", err)
	}
	if !res.Created || res.Observed == nil || res.Observed.ARN == "" || res.Observed.State != "Pending" {
		t.Fatalf("Ensure result %+v, want the created function with its ARN", res)
	}
	e.resetCalls(t)
	res, created := ensureReady(t, e.svc, res.Observed.ARN, d)
	if created || res.Observed.State != "Active" {
		t.Errorf("after Pending: %+v", res)
	}
	if w := e.writes(); !maps.Equal(w, map[string]int64{"lambda:PutFunctionEventInvokeConfig": 1}) {
		t.Errorf("finishing after Pending wrote %v, want only the invoke config", w)
	}
}

func TestEnsureWaitsForIAMPropagation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)

	// A role created moments ago cannot be assumed yet.
	e.timings.SetPropagation(time.Hour)
	res, err := e.svc.Ensure(ctx, "", d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonDependencyNotReady || w.After != testWaits().Propagation {
		t.Fatalf("Ensure with an unpropagated role: %v, want Waiting WaitingForIAMPropagation", err)
	}
	if res.Observed != nil || res.Created {
		t.Errorf("Ensure result %+v, want no function", res)
	}
	e.timings.SetPropagation(0)

	// A role whose policy does not (yet) allow sending to the dead-letter queue.
	d.RoleARN = e.ensureRole(t, "kp-ns-orders-12345678-other-role", "")
	if _, err := e.svc.Ensure(ctx, "", d); err == nil {
		t.Fatal("Ensure with a role that cannot send to the DLQ succeeded")
	} else if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonDependencyNotReady {
		t.Fatalf("Ensure with a role that cannot send to the DLQ: %v, want Waiting WaitingForIAMPropagation", err)
	}
	d.RoleARN = e.roleARN
	if _, created := ensureReady(t, e.svc, "", d); !created {
		t.Error("the function was not created once the role propagated")
	}
}

func TestEnsureAdoptsAnOwnedFunctionWithoutHint(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	earlier := owner
	earlier.UID = "old"
	arn := e.createFunction(t, d, earlier.Tags(Component, nil))
	e.resetCalls(t)

	res, created := ensureReady(t, e.svc, "", d)
	if created || res.Observed.ARN != arn || !res.Updated {
		t.Fatalf("Ensure result %+v, want the existing function updated", res)
	}
	w := e.writes()
	for _, op := range []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:TagResource",
		"lambda:PutFunctionEventInvokeConfig"} {
		if w[op] != 1 {
			t.Errorf("adoption made %d %s calls, want 1 (all writes: %v)", w[op], op, w)
		}
	}
	if w["lambda:CreateFunction"] != 0 {
		t.Errorf("adoption created a function: %v", w)
	}
	f := e.function(t, fnName)
	if aws.ToString(f.Configuration.CodeSha256) != CodeSha256(d.Code.ZipFile) || f.Tags[tags.KeyUID] != owner.UID ||
		aws.ToInt32(f.Configuration.MemorySize) != 256 {
		t.Errorf("after adoption: sha %s, tags %v, memory %d", aws.ToString(f.Configuration.CodeSha256), f.Tags,
			aws.ToInt32(f.Configuration.MemorySize))
	}
}

func TestEnsureAdoptedFlag(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	res, _ := ensureReady(t, e.svc, "", d)
	if again, err := e.svc.Ensure(context.Background(), "", d); err != nil || !again.Adopted || again.Updated {
		t.Errorf("Ensure of our function without hint: %+v, %v; want adopted, no update", again, err)
	}
	if again, err := e.svc.Ensure(context.Background(), res.Observed.ARN, d); err != nil || again.Adopted {
		t.Errorf("Ensure with the hint: %+v, %v; want not adopted", again, err)
	}
}

func TestNotOwnedFunctionIsLeftAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	arn := e.createFunction(t, d, map[string]string{"team": "other"})
	if _, err := e.logs.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/" + fnName)}); err != nil {
		t.Fatal(err)
	}
	before := e.function(t, fnName)
	e.resetCalls(t)

	for _, hint := range []string{"", arn} {
		res, err := e.svc.Ensure(ctx, hint, d)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || res.Observed != nil {
			t.Errorf("Ensure of a foreign function with hint %q: %+v, %v; want Terminal NotOwned", hint, res, err)
		}
	}
	if gone, err := e.svc.Delete(ctx, "", d); !gone || err != nil {
		t.Errorf("Delete of a foreign function: gone=%v err=%v, want gone and no error", gone, err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("wrote %v to a foreign function or its log group", w)
	}
	after := e.function(t, fnName)
	if aws.ToString(after.Configuration.RevisionId) != aws.ToString(before.Configuration.RevisionId) ||
		!maps.Equal(after.Tags, before.Tags) {
		t.Error("the foreign function changed")
	}
}

func TestEnsureRepairsDrift(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	res, _ := ensureReady(t, e.svc, "", d)
	if _, err := e.lambda.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String(fnName),
		ZipFile: zipWith(t, "hand-edited")}); err != nil {
		t.Fatal(err)
	}
	e.waitUntil(t, func(f *lambdasdk.GetFunctionOutput) bool {
		return f.Configuration.LastUpdateStatus == lambdatypes.LastUpdateStatusSuccessful
	}, fnName)
	if _, err := e.lambda.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{FunctionName: aws.String(fnName),
		MemorySize: aws.Int32(1024), Environment: &lambdatypes.Environment{Variables: map[string]string{"LOG_LEVEL": "debug", "EXTRA": "1"}},
		DeadLetterConfig: &lambdatypes.DeadLetterConfig{TargetArn: aws.String("")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lambda.PutFunctionEventInvokeConfig(ctx, &lambdasdk.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String(fnName), MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String(e.dlqARN)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lambda.TagResource(ctx, &lambdasdk.TagResourceInput{Resource: aws.String(res.Observed.ARN),
		Tags: map[string]string{"team": "changed", "extra": "x"}}); err != nil {
		t.Fatal(err)
	}
	e.resetCalls(t)

	res, _ = ensureReady(t, e.svc, res.Observed.ARN, d)
	if !res.Updated {
		t.Errorf("Ensure result %+v, want updated", res)
	}
	want := map[string]int64{"lambda:UpdateFunctionCode": 1, "lambda:UpdateFunctionConfiguration": 1,
		"lambda:PutFunctionEventInvokeConfig": 1, "lambda:TagResource": 1, "lambda:UntagResource": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("repairing drift wrote %v, want %v", w, want)
	}
	f := e.function(t, fnName)
	c := f.Configuration
	if aws.ToString(c.CodeSha256) != CodeSha256(d.Code.ZipFile) || aws.ToInt32(c.MemorySize) != 256 ||
		!maps.Equal(c.Environment.Variables, d.Environment) || c.DeadLetterConfig == nil ||
		aws.ToString(c.DeadLetterConfig.TargetArn) != e.dlqARN || !maps.Equal(f.Tags, owner.Tags(Component, d.Tags)) {
		t.Errorf("after repair: %+v, tags %v", c, f.Tags)
	}
	if ic := e.invokeConfig(t, fnName); aws.ToInt32(ic.MaximumRetryAttempts) != 2 || aws.ToInt32(ic.MaximumEventAgeInSeconds) != 300 {
		t.Errorf("invoke config not repaired: retries %d, age %d", aws.ToInt32(ic.MaximumRetryAttempts),
			aws.ToInt32(ic.MaximumEventAgeInSeconds))
	} else if hasDestinations(ic.DestinationConfig) {
		t.Errorf("invoke config keeps the destination set out of band: %+v", ic.DestinationConfig)
	}
}

func TestEnsureAttachesTheFunctionToItsVPCAndRepairsTheAttachment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Lambda lets a function into a VPC only when its role may create network interfaces.
	doc, err := role.TopicAdminPolicy("arn:aws:kafka:"+lawstest.Region+":"+lawstest.AccountID+":cluster/orders/abc-1", fnName)
	if err != nil {
		t.Fatal(err)
	}
	r, err := role.New(e.iam).Ensure(ctx, "", role.Desired{Name: "kp-ns-orders-12345678-vpc-role", TrustService: role.ServiceLambda,
		InlinePolicyName: "kafkapipeline", InlinePolicy: doc, Owner: owner})
	if err != nil {
		t.Fatal(err)
	}
	d := e.desired(t)
	d.RoleARN, d.DLQARN = r.Observed.ARN, ""
	d.VPC = &VPC{SubnetIDs: []string{"subnet-0a", "subnet-0b"}, SecurityGroupIDs: []string{"sg-0c"}}
	res, _ := ensureReady(t, e.svc, "", d)
	if o := res.Observed; o.VPC == nil || !slices.Equal(o.VPC.SubnetIDs, d.VPC.SubnetIDs) ||
		!slices.Equal(o.VPC.SecurityGroupIDs, d.VPC.SecurityGroupIDs) {
		t.Fatalf("created function's VPC %+v, want %+v", o.VPC, d.VPC)
	}
	if c := e.function(t, fnName).Configuration; c.VpcConfig == nil || !slices.Equal(c.VpcConfig.SubnetIds, d.VPC.SubnetIDs) {
		t.Fatalf("Lambda has VpcConfig %+v", c.VpcConfig)
	}

	// Detached out of band: the next Ensure attaches it again with one configuration update.
	if _, err := e.lambda.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{FunctionName: aws.String(fnName),
		VpcConfig: &lambdatypes.VpcConfig{SubnetIds: []string{}, SecurityGroupIds: []string{}}}); err != nil {
		t.Fatal(err)
	}
	e.waitUntil(t, func(f *lambdasdk.GetFunctionOutput) bool {
		return f.Configuration.LastUpdateStatus == lambdatypes.LastUpdateStatusSuccessful
	}, fnName)
	e.resetCalls(t)
	res, _ = ensureReady(t, e.svc, res.Observed.ARN, d)
	if w := e.writes(); !maps.Equal(w, map[string]int64{"lambda:UpdateFunctionConfiguration": 1}) {
		t.Errorf("repairing the VPC attachment wrote %v, want one UpdateFunctionConfiguration", w)
	}
	if c := e.function(t, fnName).Configuration; c.VpcConfig == nil || !slices.Equal(c.VpcConfig.SubnetIds, d.VPC.SubnetIDs) ||
		!slices.Equal(c.VpcConfig.SecurityGroupIds, d.VPC.SecurityGroupIDs) {
		t.Errorf("after repair Lambda has VpcConfig %+v", c.VpcConfig)
	}
	e.resetCalls(t)
	if _, err := e.svc.Ensure(ctx, res.Observed.ARN, d); err != nil || len(e.writes()) != 0 {
		t.Errorf("Ensure of an attached function: %v, wrote %v", err, e.writes())
	}
}

func TestEnsureDeploysANewS3ObjectOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.s3.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("code-bucket")}); err != nil {
		t.Fatal(err)
	}
	for key, content := range map[string]string{"fn/v1.zip": "v1", "fn/v2.zip": "v2"} {
		if _, err := e.s3.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String("code-bucket"), Key: aws.String(key),
			Body: bytes.NewReader(zipWith(t, content))}); err != nil {
			t.Fatal(err)
		}
	}
	d := e.desired(t)
	d.Code = Code{S3: &S3Code{Bucket: "code-bucket", Key: "fn/v1.zip"}}
	res, _ := ensureReady(t, e.svc, "", d)
	if res.Observed.CodeSha256 != CodeSha256(zipWith(t, "v1")) || res.Observed.Tags[KeyCodeSource] == "" {
		t.Fatalf("created from S3: %+v", res.Observed)
	}

	d.Code.S3.Key = "fn/v2.zip"
	e.resetCalls(t)
	res, _ = ensureReady(t, e.svc, res.Observed.ARN, d)
	want := map[string]int64{"lambda:UpdateFunctionCode": 1, "lambda:TagResource": 1}
	if w := e.writes(); !maps.Equal(w, want) {
		t.Errorf("deploying a new S3 object wrote %v, want %v", w, want)
	}
	if got := aws.ToString(e.function(t, fnName).Configuration.CodeSha256); got != CodeSha256(zipWith(t, "v2")) {
		t.Errorf("code after the S3 change has SHA-256 %s", got)
	}
	e.resetCalls(t)
	if _, err := e.svc.Ensure(ctx, res.Observed.ARN, d); err != nil {
		t.Fatal(err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("Ensure after the S3 deploy wrote %v, want nothing", w)
	}
}

func TestImageFunctionsCannotBecomeZip(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	d.Code = Code{ImageURI: "000000000000.dkr.ecr.us-east-1.amazonaws.com/processor:1"}
	res, _ := ensureReady(t, e.svc, "", d)
	if res.Observed.PackageType != "Image" || res.Observed.ImageURI != d.Code.ImageURI {
		t.Fatalf("image function observed as %+v", res.Observed)
	}
	d.Code = Code{ZipFile: zipWith(t, "v1")}
	_, err := e.svc.Ensure(context.Background(), res.Observed.ARN, d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Errorf("Ensure turning an image function into a zip: %v, want Terminal InvalidSpec", err)
	}
}

func TestConflictingUpdateIsWaiting(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	res, _ := ensureReady(t, e.svc, "", d)
	if _, err := e.admin.AddFault(ctx, server.Fault{Service: "lambda", Operation: "UpdateFunctionConfiguration",
		ErrorCode: "ResourceConflictException", Status: 409, Count: 1,
		Message: "The operation cannot be performed at this time. An update is in progress for resource: " + res.Observed.ARN}); err != nil {
		t.Fatal(err)
	}
	d.MemoryMB = 512
	_, err := e.svc.Ensure(ctx, res.Observed.ARN, d)
	if w, ok := outcome.AsWaiting(err); !ok || w.Reason != awserr.ReasonUpdating || w.After != testWaits().Update {
		t.Fatalf("Ensure during a conflicting update: %v, want Waiting Updating", err)
	}
	if res, _ = ensureReady(t, e.svc, res.Observed.ARN, d); res.Observed.MemoryMB != 512 {
		t.Errorf("memory %d after the conflict cleared, want 512", res.Observed.MemoryMB)
	}
}

func TestEnsureRefusesInvalidParameters(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	d.MemoryMB = 64
	_, err := e.svc.Ensure(context.Background(), "", d)
	if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Fatalf("Ensure with 64 MB: %v, want Terminal InvalidSpec", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationException" {
		t.Errorf("error %v does not carry Lambda's ValidationException", err)
	}
	d = e.desired(t)
	d.Code = Code{}
	if _, err := e.svc.Ensure(context.Background(), "", d); err == nil {
		t.Error("Ensure without code succeeded")
	} else if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Errorf("Ensure without code: %v, want Terminal InvalidSpec", err)
	}
}

func TestMissingS3ObjectIsAnInvalidSpec(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.s3.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("code-bucket")}); err != nil {
		t.Fatal(err)
	}
	d := e.desired(t)
	d.Code = Code{S3: &S3Code{Bucket: "code-bucket", Key: "fn/missing.zip"}}
	e.resetCalls(t)
	res, err := e.svc.Ensure(ctx, "", d)
	term, ok := outcome.AsTerminal(err)
	if !ok || term.Reason != awserr.ReasonInvalidSpec || !strings.Contains(err.Error(), "NoSuchKey") || res.Created {
		t.Fatalf("Ensure with a missing S3 object: %+v, %v; want Terminal InvalidSpec naming NoSuchKey", res, err)
	}
	list, err := e.lambda.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{})
	if w := e.writes(); err != nil || w["lambda:CreateFunction"] != 1 || len(w) != 1 || len(list.Functions) != 0 {
		t.Errorf("writes %v, functions %+v (%v); want one refused CreateFunction and no function", w, list, err)
	}
}

func TestDeleteTwiceRemovesFunctionAndLogGroup(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	res, _ := ensureReady(t, e.svc, "", d)
	if _, err := e.logs.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/" + fnName)}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		gone, err := e.svc.Delete(ctx, res.Observed.ARN, d)
		if err != nil || !gone {
			t.Fatalf("Delete #%d: gone=%v err=%v", i+1, gone, err)
		}
	}
	if f, err := (managed{Service: e.svc, hint: res.Observed.ARN, d: d}).Find(ctx); f != nil || err != nil {
		t.Errorf("Find after Delete: %+v, %v", f, err)
	}
	_, err := e.lambda.GetFunctionEventInvokeConfig(ctx, &lambdasdk.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(fnName)})
	var nf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("invoke config after Delete: %v, want ResourceNotFoundException", err)
	}
	groups, err := e.logs.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(groups.LogGroups) != 0 {
		t.Errorf("log groups after Delete: %v, %v", groups, err)
	}
}

func TestDeleteKeepsLogsWithoutALogsClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	ensureReady(t, e.svc, "", d)
	if _, err := e.logs.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/" + fnName)}); err != nil {
		t.Fatal(err)
	}
	if gone, err := New(e.lambda, nil, testWaits()).Delete(ctx, "", d); !gone || err != nil {
		t.Fatalf("Delete: %v %v", gone, err)
	}
	groups, err := e.logs.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Errorf("log groups after Delete without a logs client: %v, %v; want the group kept", groups, err)
	}
}

func TestDeleteDuringAnUpdateIsNotGoneYet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	ensureReady(t, e.svc, "", d)
	if _, err := e.admin.AddFault(ctx, server.Fault{Service: "lambda", Operation: "DeleteFunction",
		ErrorCode: "ResourceConflictException", Status: 409, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); gone || err != nil {
		t.Fatalf("Delete with a conflict: gone=%v err=%v, want not gone, no error", gone, err)
	}
	if gone, err := e.svc.Delete(ctx, "", d); !gone || err != nil {
		t.Fatalf("Delete after the conflict: gone=%v err=%v", gone, err)
	}
}

func TestObserveExternal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.desired(t)
	arn := e.createFunction(t, d, map[string]string{"team": "other"})
	e.resetCalls(t)
	o, err := e.svc.ObserveExternal(ctx, arn)
	if err != nil || o == nil || o.ARN != arn || o.State != "Active" || o.Name != fnName {
		t.Fatalf("ObserveExternal: %+v, %v", o, err)
	}
	if w := e.writes(); len(w) != 0 {
		t.Errorf("ObserveExternal wrote %v", w)
	}
	if o, err := e.svc.ObserveExternal(ctx, "arn:aws:lambda:us-east-1:000000000000:function:missing"); o != nil || err != nil {
		t.Errorf("ObserveExternal of a missing function: %+v, %v; want nil, nil", o, err)
	}
	if _, err := e.svc.ObserveExternal(ctx, "not-an-arn"); err == nil {
		t.Error("ObserveExternal accepted a non-ARN")
	} else if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonInvalidSpec {
		t.Errorf("ObserveExternal of a non-ARN: %v, want Terminal InvalidSpec", err)
	}
}

// racingLambda creates the function, as a concurrent reconcile would, right before forwarding CreateFunction.
type racingLambda struct {
	*lambdasdk.Client
	race func()
}

func (r racingLambda) CreateFunction(ctx context.Context, in *lambdasdk.CreateFunctionInput, opts ...func(*lambdasdk.Options)) (*lambdasdk.CreateFunctionOutput, error) {
	r.race()
	return r.Client.CreateFunction(ctx, in, opts...)
}

func TestEnsureAdoptsAFunctionCreatedConcurrently(t *testing.T) {
	e := newEnv(t)
	d := e.desired(t)
	svc := New(racingLambda{Client: e.lambda, race: func() { e.createFunction(t, d, owner.Tags(Component, d.Tags)) }}, e.logs, testWaits())
	res, err := svc.Ensure(context.Background(), "", d)
	if _, waiting := outcome.AsWaiting(err); err != nil && !waiting {
		t.Fatalf("Ensure: %v", err)
	}
	if res.Created || !res.Adopted || res.Observed == nil {
		t.Errorf("Ensure result %+v, want the concurrently created function adopted", res)
	}
}

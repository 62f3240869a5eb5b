package lambda

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

func TestCreateFunctionLifecycle(t *testing.T) {
	h := newHarness(t)
	lawstest.Hold(t, h.timings, lifecycle.FunctionCreate)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\n"})
	in := createInput("kp-fn", code)
	in.Tags = map[string]string{"kafkapipeline.io/owner": "ns/p"}
	out, err := h.client.CreateFunction(ctx, in)
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	sum := sha256.Sum256(code)
	if out.State != types.StatePending || out.StateReasonCode != types.StateReasonCodeCreating ||
		aws.ToString(out.StateReason) != "The function is being created." || out.LastUpdateStatus != "" ||
		aws.ToString(out.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) || out.CodeSize != int64(len(code)) ||
		aws.ToInt32(out.Timeout) != 3 || aws.ToInt32(out.MemorySize) != 128 || aws.ToString(out.Version) != "$LATEST" ||
		len(out.Architectures) != 1 || out.Architectures[0] != types.ArchitectureX8664 || out.PackageType != types.PackageTypeZip ||
		aws.ToString(out.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:kp-fn" || aws.ToString(out.RevisionId) == "" {
		t.Fatalf("CreateFunction output = %+v", out)
	}
	if !strings.HasSuffix(aws.ToString(out.LastModified), "+0000") {
		t.Fatalf("LastModified %q is not Lambda's timestamp format", aws.ToString(out.LastModified))
	}

	_, err = h.client.CreateFunction(ctx, createInput("kp-fn", code))
	wantError[*types.ResourceConflictException](t, err, "Function already exist: kp-fn")

	// kp-fn stays Pending (its activation was scheduled an hour out); a new function activates at once.
	lawstest.Release(t, h.timings, lifecycle.FunctionCreate)
	h.mustActive(t, "kp-fn2")
	full := h.waitFunction(t, "kp-fn2", func(c *types.FunctionConfiguration) bool { return true })
	if full.Code == nil || aws.ToString(full.Code.RepositoryType) != "S3" || aws.ToString(full.Code.Location) == "" ||
		full.Configuration.LastUpdateStatus != types.LastUpdateStatusSuccessful {
		t.Fatalf("GetFunction = %+v", full)
	}

	for _, name := range []string{"kp-fn2", "arn:aws:lambda:us-east-1:000000000000:function:kp-fn2",
		"000000000000:function:kp-fn2", "kp-fn2:$LATEST"} {
		cfg, err := h.client.GetFunctionConfiguration(ctx, &lambdasdk.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil || aws.ToString(cfg.FunctionName) != "kp-fn2" {
			t.Fatalf("GetFunctionConfiguration(%s) = %+v, %v", name, cfg, err)
		}
	}
	_, err = h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("kp-fn2"), Qualifier: aws.String("7")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:kp-fn2:7")
	_, err = h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("kp-fn2:$LATEST"), Qualifier: aws.String("1")})
	wantError[*types.InvalidParameterValueException](t, err, "does not match the specified qualifier")
	_, err = h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("missing")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing")
	_, err = h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:eu-west-1:000000000000:function:kp-fn2")})
	wantError[*types.ResourceNotFoundException](t, err, "")
	tagged, err := h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("kp-fn")})
	if err != nil || tagged.Tags["kafkapipeline.io/owner"] != "ns/p" {
		t.Fatalf("GetFunction tags = %+v, %v", tagged, err)
	}
}

func TestCreateFunctionValidation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"bootstrap": "x"})
	bigEnv := map[string]string{"BIG": strings.Repeat("v", 4100)}
	cases := []struct {
		name       string
		mutate     func(*lambdasdk.CreateFunctionInput)
		validation string // ValidationException message part; else InvalidParameterValueException
		invalid    string
	}{
		{"timeout below 1", func(in *lambdasdk.CreateFunctionInput) { in.Timeout = aws.Int32(0) }, "at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1", ""},
		{"timeout above 900", func(in *lambdasdk.CreateFunctionInput) { in.Timeout = aws.Int32(901) }, "", "less than or equal to 900"},
		{"memory below 128", func(in *lambdasdk.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }, "at 'memorySize'", ""},
		{"memory above 10240", func(in *lambdasdk.CreateFunctionInput) { in.MemorySize = aws.Int32(20000) }, "", "'MemorySize' value failed to satisfy constraint"},
		{"bad name", func(in *lambdasdk.CreateFunctionInput) { in.FunctionName = aws.String("bad name!") }, "at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern", ""},
		{"long name", func(in *lambdasdk.CreateFunctionInput) { in.FunctionName = aws.String(strings.Repeat("n", 65)) }, "less than or equal to 64", ""},
		{"bad role", func(in *lambdasdk.CreateFunctionInput) { in.Role = aws.String("role") }, "at 'role'", ""},
		{"unknown runtime", func(in *lambdasdk.CreateFunctionInput) { in.Runtime = "cobol" }, "Member must satisfy enum value set", ""},
		{"retired runtime", func(in *lambdasdk.CreateFunctionInput) { in.Runtime = types.RuntimePython27 }, "", "The runtime parameter of python2.7 is no longer supported"},
		{"missing handler", func(in *lambdasdk.CreateFunctionInput) { in.Runtime, in.Handler = types.RuntimePython312, nil }, "", "Runtime and Handler are mandatory parameters"},
		{"missing runtime", func(in *lambdasdk.CreateFunctionInput) { in.Runtime = "" }, "", "Runtime and Handler are mandatory parameters"},
		{"two architectures", func(in *lambdasdk.CreateFunctionInput) {
			in.Architectures = []types.Architecture{types.ArchitectureArm64, types.ArchitectureX8664}
		}, "at 'architectures'", ""},
		{"bad architecture", func(in *lambdasdk.CreateFunctionInput) { in.Architectures = []types.Architecture{"sparc"} }, "at 'architectures'", ""},
		{"bad env key", func(in *lambdasdk.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"1BAD": "x"}}
		}, "Map keys must satisfy constraint", ""},
		{"reserved env key", func(in *lambdasdk.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
		}, "", "Reserved keys used in this request: AWS_REGION"},
		{"env over 4KB", func(in *lambdasdk.CreateFunctionInput) { in.Environment = &types.Environment{Variables: bigEnv} }, "", "exceeded the 4KB limit"},
		{"not a zip", func(in *lambdasdk.CreateFunctionInput) { in.Code.ZipFile = []byte("plain text") }, "", "Could not unzip uploaded file"},
		{"no code source", func(in *lambdasdk.CreateFunctionInput) { in.Code = &types.FunctionCode{} }, "", "Please provide a source for function code."},
		{"zip and s3", func(in *lambdasdk.CreateFunctionInput) {
			in.Code.S3Bucket, in.Code.S3Key = aws.String("bkt"), aws.String("k")
		}, "", "Please do not provide other FunctionCode parameters"},
		{"image uri on zip", func(in *lambdasdk.CreateFunctionInput) {
			in.Code.ImageUri = aws.String("000000000000.dkr.ecr.us-east-1.amazonaws.com/r:1")
		}, "", "Please don't provide ImageUri"},
		{"role not assumable", func(in *lambdasdk.CreateFunctionInput) { in.Role = aws.String("arn:aws:iam::000000000000:role/young") }, "", "The role defined for the function cannot be assumed by Lambda."},
		{"qualified name", func(in *lambdasdk.CreateFunctionInput) { in.FunctionName = aws.String("fn:1") }, "", "qualifier"},
		{"reserved tag", func(in *lambdasdk.CreateFunctionInput) { in.Tags = map[string]string{"aws:x": "1"} }, "", "reserved"},
		{"publish", func(in *lambdasdk.CreateFunctionInput) { in.Publish = true }, "", "only $LATEST exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := createInput("fn-"+strings.ReplaceAll(tc.name, " ", "-"), code)
			tc.mutate(in)
			_, err := h.client.CreateFunction(ctx, in)
			if tc.validation != "" {
				wantValidation(t, err, tc.validation)
				return
			}
			wantError[*types.InvalidParameterValueException](t, err, tc.invalid)
		})
	}
	in := createInput("custom-runtime", code)
	in.Handler = nil
	if _, err := h.client.CreateFunction(ctx, in); err != nil {
		t.Fatalf("provided.al2023 without a handler: %v", err)
	}
}

func TestCreateFunctionFromS3AndImage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"bootstrap": "s3 code"})
	if _, err := h.s3.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("code-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s3.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String("code-bucket"), Key: aws.String("fn.zip"),
		Body: strings.NewReader(string(code))}); err != nil {
		t.Fatal(err)
	}
	in := createInput("from-s3", nil)
	in.Code = &types.FunctionCode{S3Bucket: aws.String("code-bucket"), S3Key: aws.String("fn.zip"), S3ObjectVersion: aws.String("null")}
	out, err := h.client.CreateFunction(ctx, in)
	sum := sha256.Sum256(code)
	if err != nil || aws.ToString(out.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("CreateFunction from S3 = %+v, %v", out, err)
	}
	view, ok := h.svc.Function("from-s3")
	if !ok || string(view.Code) != string(code) {
		t.Fatalf("Function(from-s3) code = %d bytes, %v", len(view.Code), ok)
	}
	in.FunctionName = aws.String("missing-object")
	in.Code = &types.FunctionCode{S3Bucket: aws.String("code-bucket"), S3Key: aws.String("nope.zip")}
	_, err = h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "S3 Error Code: NoSuchKey")
	in.Code = &types.FunctionCode{S3Bucket: aws.String("code-bucket")}
	_, err = h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "S3Bucket and S3Key")

	image := "000000000000.dkr.ecr.us-east-1.amazonaws.com/processor:v1"
	img, err := h.client.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("from-image"),
		Role: aws.String(testRole), PackageType: types.PackageTypeImage, Code: &types.FunctionCode{ImageUri: aws.String(image)}})
	if err != nil || img.PackageType != types.PackageTypeImage || len(aws.ToString(img.CodeSha256)) != 64 {
		t.Fatalf("CreateFunction image = %+v, %v", img, err)
	}
	got := h.waitFunction(t, "from-image", func(c *types.FunctionConfiguration) bool { return c.State == types.StateActive })
	if aws.ToString(got.Code.RepositoryType) != "ECR" || aws.ToString(got.Code.ImageUri) != image ||
		aws.ToString(got.Code.ResolvedImageUri) != "000000000000.dkr.ecr.us-east-1.amazonaws.com/processor@sha256:"+aws.ToString(img.CodeSha256) {
		t.Fatalf("GetFunction image code = %+v", got.Code)
	}
	_, err = h.client.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("bad-image"),
		Role: aws.String(testRole), PackageType: types.PackageTypeImage, Code: &types.FunctionCode{ImageUri: aws.String("docker.io/library/alpine")}})
	wantError[*types.InvalidParameterValueException](t, err, "is not valid")
	_, err = h.client.CreateFunction(ctx, &lambdasdk.CreateFunctionInput{FunctionName: aws.String("image-runtime"),
		Role: aws.String(testRole), PackageType: types.PackageTypeImage, Runtime: types.RuntimePython312,
		Code: &types.FunctionCode{ImageUri: aws.String(image)}})
	wantError[*types.InvalidParameterValueException](t, err, "container images")
}

func TestDeadLetterConfig(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"bootstrap": "x"})
	in := createInput("dlq-fn", code)
	in.DeadLetterConfig = &types.DeadLetterConfig{TargetArn: aws.String("arn:aws:sqs:us-east-1:000000000000:absent")}
	_, err := h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "arn:aws:sqs:us-east-1:000000000000:absent")

	in.DeadLetterConfig.TargetArn = aws.String(testQueue)
	_, err = h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "The provided execution role does not have permissions to call SendMessage on SQS")

	h.iam.grant(testRole, "sqs:SendMessage", testQueue)
	out, err := h.client.CreateFunction(ctx, in)
	if err != nil || out.DeadLetterConfig == nil || aws.ToString(out.DeadLetterConfig.TargetArn) != testQueue {
		t.Fatalf("CreateFunction with DLQ = %+v, %v", out, err)
	}
	h.waitFunction(t, "dlq-fn", func(c *types.FunctionConfiguration) bool { return c.State == types.StateActive })
	if v, _ := h.svc.Function("dlq-fn"); v.DeadLetterTargetARN != testQueue {
		t.Fatalf("view DLQ = %q", v.DeadLetterTargetARN)
	}
	upd, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("dlq-fn"), DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("")}})
	if err != nil || upd.DeadLetterConfig != nil {
		t.Fatalf("removing the DLQ = %+v, %v", upd, err)
	}
	h.waitFunction(t, "dlq-fn", func(c *types.FunctionConfiguration) bool {
		return c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("dlq-fn"), DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s")}})
	wantError[*types.InvalidParameterValueException](t, err, "not a supported destination type")
}

func TestUpdateFunctionConfiguration(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	before := h.mustActive(t, "cfg-fn")
	lawstest.Hold(t, h.timings, lifecycle.FunctionUpdate)
	out, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn"), Timeout: aws.Int32(60), MemorySize: aws.Int32(512),
		Description: aws.String("processor"), Handler: aws.String("main"), Runtime: types.RuntimeProvidedal2,
		Environment: &types.Environment{Variables: map[string]string{"LOG_LEVEL": "debug"}},
		RevisionId:  before.Configuration.RevisionId})
	if err != nil {
		t.Fatalf("UpdateFunctionConfiguration: %v", err)
	}
	if out.LastUpdateStatus != types.LastUpdateStatusInProgress || aws.ToInt32(out.Timeout) != 60 ||
		aws.ToInt32(out.MemorySize) != 512 || aws.ToString(out.Description) != "processor" ||
		out.Environment.Variables["LOG_LEVEL"] != "debug" || out.Runtime != types.RuntimeProvidedal2 ||
		aws.ToString(out.RevisionId) == aws.ToString(before.Configuration.RevisionId) {
		t.Fatalf("update output = %+v", out)
	}
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn"), Timeout: aws.Int32(30)})
	wantError[*types.ResourceConflictException](t, err,
		"The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:cfg-fn")
	_, err = h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("cfg-fn"),
		ZipFile: zipOf(t, map[string]string{"bootstrap": "y"})})
	wantError[*types.ResourceConflictException](t, err, "An update is in progress")

	lawstest.Release(t, h.timings, lifecycle.FunctionUpdate)
	h.mustActive(t, "cfg-fn2")
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn2"), Timeout: aws.Int32(30), RevisionId: aws.String("stale")})
	wantError[*types.PreconditionFailedException](t, err, "The Revision Id provided does not match")
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn2"), MemorySize: aws.Int32(10241)})
	wantError[*types.InvalidParameterValueException](t, err, "10240")
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn2"), Role: aws.String("arn:aws:iam::000000000000:role/other")})
	wantError[*types.InvalidParameterValueException](t, err, "cannot be assumed by Lambda")
	noHandler := createInput("no-handler", zipOf(t, map[string]string{"bootstrap": "x"}))
	noHandler.Handler = nil
	if _, err := h.client.CreateFunction(ctx, noHandler); err != nil {
		t.Fatal(err)
	}
	h.waitFunction(t, "no-handler", func(c *types.FunctionConfiguration) bool { return c.State == types.StateActive })
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("no-handler"), Runtime: types.RuntimePython312})
	wantError[*types.InvalidParameterValueException](t, err, "Runtime and Handler are mandatory")
	_, err = h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("absent")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
	if _, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("cfg-fn2"), Environment: &types.Environment{}}); err != nil {
		t.Fatal(err)
	}
	done := h.waitFunction(t, "cfg-fn2", func(c *types.FunctionConfiguration) bool {
		return c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
	if done.Configuration.Environment == nil || len(done.Configuration.Environment.Variables) != 0 {
		t.Fatalf("environment after clearing = %+v", done.Configuration.Environment)
	}
}

func TestUpdateWhilePending(t *testing.T) {
	h := newHarness(t)
	lawstest.Hold(t, h.timings, lifecycle.FunctionCreate)
	ctx := context.Background()
	if _, err := h.client.CreateFunction(ctx, createInput("pending-fn", zipOf(t, map[string]string{"bootstrap": "x"}))); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.UpdateFunctionConfiguration(ctx, &lambdasdk.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("pending-fn"), Timeout: aws.Int32(10)})
	wantError[*types.ResourceConflictException](t, err, "An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:pending-fn")
	if state, ok := h.svc.FunctionState("arn:aws:lambda:us-east-1:000000000000:function:pending-fn:$LATEST"); !ok || state != "Pending" {
		t.Fatalf("FunctionState = %q, %v", state, ok)
	}
	// Deleting a Pending function is allowed, and its pending activation finds nothing.
	if _, err := h.client.DeleteFunction(ctx, &lambdasdk.DeleteFunctionInput{FunctionName: aws.String("pending-fn")}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateFunctionCode(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	before := h.mustActive(t, "code-fn")
	newCode := zipOf(t, map[string]string{"bootstrap": "v2"})
	sum := sha256.Sum256(newCode)
	dry, err := h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"),
		ZipFile: newCode, DryRun: true})
	if err != nil || aws.ToString(dry.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("DryRun = %+v, %v", dry, err)
	}
	if v, _ := h.svc.Function("code-fn"); v.CodeSha256 != aws.ToString(before.Configuration.CodeSha256) {
		t.Fatal("DryRun changed the code")
	}
	out, err := h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"),
		ZipFile: newCode, Architectures: []types.Architecture{types.ArchitectureArm64}, RevisionId: before.Configuration.RevisionId})
	if err != nil || aws.ToString(out.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) ||
		out.Architectures[0] != types.ArchitectureArm64 || out.LastUpdateStatus != types.LastUpdateStatusInProgress {
		t.Fatalf("UpdateFunctionCode = %+v, %v", out, err)
	}
	h.waitFunction(t, "code-fn", func(c *types.FunctionConfiguration) bool {
		return c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
	if v, _ := h.svc.Function("code-fn"); string(v.Code) != string(newCode) || v.Architectures[0] != "arm64" {
		t.Fatal("view does not show the new code")
	}
	_, err = h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"),
		ImageUri: aws.String("000000000000.dkr.ecr.us-east-1.amazonaws.com/r:1")})
	wantError[*types.InvalidParameterValueException](t, err, "packageType Zip")
	_, err = h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"),
		ZipFile: newCode, Publish: true})
	wantError[*types.InvalidParameterValueException](t, err, "only $LATEST exists")
	_, err = h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("code-fn"),
		ZipFile: newCode, RevisionId: before.Configuration.RevisionId})
	wantError[*types.PreconditionFailedException](t, err, "")
}

func TestDeleteAndListFunctions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	code := zipOf(t, map[string]string{"bootstrap": "x"})
	for _, n := range []string{"l1", "l2", "l3"} {
		if _, err := h.client.CreateFunction(ctx, createInput(n, code)); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := lambdasdk.NewListFunctionsPaginator(h.client, &lambdasdk.ListFunctionsInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range out.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if pages != 2 || strings.Join(names, ",") != "l1,l2,l3" {
		t.Fatalf("ListFunctions = %v over %d pages", names, pages)
	}
	_, err := h.client.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{Marker: aws.String("bogus")})
	wantError[*types.InvalidParameterValueException](t, err, "marker")

	_, err = h.client.DeleteFunction(ctx, &lambdasdk.DeleteFunctionInput{FunctionName: aws.String("l1"), Qualifier: aws.String("$LATEST")})
	wantError[*types.InvalidParameterValueException](t, err, "$LATEST version cannot be deleted")
	if _, err := h.client.DeleteFunction(ctx, &lambdasdk.DeleteFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:l1")}); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	_, err = h.client.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("l1")})
	wantError[*types.ResourceNotFoundException](t, err, "")
	_, err = h.client.DeleteFunction(ctx, &lambdasdk.DeleteFunctionInput{FunctionName: aws.String("l1")})
	wantError[*types.ResourceNotFoundException](t, err, "Function not found")
}

package lambda

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestCodeFromS3ObjectVersions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	bucket := aws.String("versioned-code")
	if _, err := h.s3.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s3.PutBucketVersioning(ctx, &s3sdk.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put := func(code []byte) string {
		out, err := h.s3.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: bucket, Key: aws.String("fn.zip"), Body: bytes.NewReader(code)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.VersionId)
	}
	first, second := zipOf(t, map[string]string{"bootstrap": "first"}), zipOf(t, map[string]string{"bootstrap": "second"})
	v1 := put(first)
	put(second)

	in := createInput("versioned-fn", nil)
	in.Code = &types.FunctionCode{S3Bucket: bucket, S3Key: aws.String("fn.zip"), S3ObjectVersion: aws.String(v1)}
	if _, err := h.client.CreateFunction(ctx, in); err != nil {
		t.Fatalf("CreateFunction from version %s: %v", v1, err)
	}
	if v, _ := h.svc.Function("versioned-fn"); !bytes.Equal(v.Code, first) {
		t.Errorf("the function's code is not object version %s", v1)
	}
	h.waitFunction(t, "versioned-fn", func(c *types.FunctionConfiguration) bool {
		return c.State == types.StateActive && c.LastUpdateStatus == types.LastUpdateStatusSuccessful
	})
	if _, err := h.client.UpdateFunctionCode(ctx, &lambdasdk.UpdateFunctionCodeInput{FunctionName: aws.String("versioned-fn"),
		S3Bucket: bucket, S3Key: aws.String("fn.zip")}); err != nil {
		t.Fatalf("UpdateFunctionCode to the current version: %v", err)
	}
	if v, _ := h.svc.Function("versioned-fn"); !bytes.Equal(v.Code, second) {
		t.Errorf("the updated code is not the current object version")
	}

	in.FunctionName = aws.String("unknown-version")
	in.Code.S3ObjectVersion = aws.String("3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH")
	_, err := h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err, "S3 Error Code: NoSuchVersion")
	in.FunctionName = aws.String("no-bucket")
	in.Code = &types.FunctionCode{S3Bucket: aws.String("no-such-bucket"), S3Key: aws.String("fn.zip")}
	_, err = h.client.CreateFunction(ctx, in)
	wantError[*types.InvalidParameterValueException](t, err,
		"Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist")
}

package function

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
)

// KeyCodeSource is the tag that records which S3 object a function's code came from. Lambda reports the
// SHA-256 of a zip and the URI of an image, but not the S3 object, so the operator keeps a fingerprint of
// bucket, key and version on the function to notice when the spec points elsewhere.
const KeyCodeSource = tags.Prefix + "code-source"

// CodeSha256 returns what Lambda reports as CodeSha256 for a zip archive: its SHA-256, base64-encoded.
func CodeSha256(zip []byte) string {
	sum := sha256.Sum256(zip)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// validate checks that exactly one kind of code is given.
func (c Code) validate() error {
	n := 0
	for _, set := range []bool{len(c.ZipFile) > 0, c.S3 != nil, c.ImageURI != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("exactly one of zip file, S3 object and image URI must be given, got %d", n)
	}
	if c.S3 != nil && (c.S3.Bucket == "" || c.S3.Key == "") {
		return fmt.Errorf("an S3 code location needs a bucket and a key")
	}
	if c.Sha256 != "" && len(c.ZipFile) == 0 {
		return fmt.Errorf("a code SHA-256 goes with a zip file only")
	}
	return nil
}

// zipSha256 is the CodeSha256 of the zip file: the given one, else computed.
func (c Code) zipSha256() string {
	if c.Sha256 != "" {
		return c.Sha256
	}
	return CodeSha256(c.ZipFile)
}

// packageType is the Lambda package type the code needs.
func (c Code) packageType() lambdatypes.PackageType {
	if c.ImageURI != "" {
		return lambdatypes.PackageTypeImage
	}
	return lambdatypes.PackageTypeZip
}

// s3Fingerprint is the KeyCodeSource tag value of S3 code: a hash of bucket, key and version (tag values
// are too short and too restricted for the location itself); "" for other code.
func (c Code) s3Fingerprint() string {
	if c.S3 == nil {
		return ""
	}
	sum := sha256.Sum256([]byte(c.S3.Bucket + "\x00" + c.S3.Key + "\x00" + c.S3.ObjectVersion))
	return hex.EncodeToString(sum[:16])
}

// differs reports whether the function's code is not the desired code.
func (c Code) differs(o *Observed) bool {
	switch {
	case c.ImageURI != "":
		return o.ImageURI != c.ImageURI
	case c.S3 != nil:
		return o.Tags[KeyCodeSource] != c.s3Fingerprint()
	}
	return o.CodeSha256 != c.zipSha256()
}

// functionCode is the code for CreateFunction.
func (c Code) functionCode() *lambdatypes.FunctionCode {
	fc := &lambdatypes.FunctionCode{ZipFile: c.ZipFile}
	if c.ImageURI != "" {
		fc.ImageUri = aws.String(c.ImageURI)
	}
	if c.S3 != nil {
		fc.S3Bucket, fc.S3Key = aws.String(c.S3.Bucket), aws.String(c.S3.Key)
		if c.S3.ObjectVersion != "" {
			fc.S3ObjectVersion = aws.String(c.S3.ObjectVersion)
		}
	}
	return fc
}

// updateInput is the UpdateFunctionCode request that deploys the code with the architecture.
func (c Code) updateInput(name, arch string) *lambda.UpdateFunctionCodeInput {
	fc := c.functionCode()
	return &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(name), ZipFile: fc.ZipFile, ImageUri: fc.ImageUri,
		S3Bucket: fc.S3Bucket, S3Key: fc.S3Key, S3ObjectVersion: fc.S3ObjectVersion,
		Architectures: []lambdatypes.Architecture{lambdatypes.Architecture(arch)}}
}

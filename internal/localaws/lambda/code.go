package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Code size limits: the unzipped package, and the request body of a direct upload.
const (
	maxUnzippedBytes = 262144000
	maxRequestBytes  = 70167211
)

// imageURIPattern is an Amazon ECR image reference, by tag or digest.
var imageURIPattern = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[\w.-]{1,128}|@sha256:([a-f0-9]{64}))$`)

// codeInput is the code part of CreateFunction (the Code member) and UpdateFunctionCode (top level).
type codeInput struct {
	ZipFile         []byte  `json:"ZipFile"`
	S3Bucket        *string `json:"S3Bucket"`
	S3Key           *string `json:"S3Key"`
	S3ObjectVersion *string `json:"S3ObjectVersion"`
	ImageURI        *string `json:"ImageUri"`
}

func (in codeInput) validate(v *validator, prefix string) {
	v.length(prefix+"s3Bucket", in.S3Bucket, 3, 63)
	v.pattern(prefix+"s3Bucket", in.S3Bucket, s3BucketPattern)
	v.length(prefix+"s3Key", in.S3Key, 1, 1024)
	v.length(prefix+"s3ObjectVersion", in.S3ObjectVersion, 1, 1024)
}

// checkRequestSize refuses bodies larger than Lambda accepts for a direct upload.
func checkRequestSize(c *wire.Call) *wire.Error {
	if len(c.Body) > maxRequestBytes {
		return lambdaError(http.StatusRequestEntityTooLarge, "RequestTooLargeException",
			"Request must be smaller than %d bytes for the %s operation", maxRequestBytes, c.Operation)
	}
	return nil
}

// resolveCode turns a code input into a package of the given type, reading S3 locations through the
// Objects provider and checking that zips open. The messages for mixing sources are UNCONFIRMED wording.
func (s *Service) resolveCode(in codeInput, packageType, verb string) (codePackage, *wire.Error) {
	fromZip, fromS3, fromImage := in.ZipFile != nil, in.S3Bucket != nil || in.S3Key != nil, in.ImageURI != nil
	if packageType == packageTypeImage {
		if fromZip || fromS3 {
			return codePackage{}, errInvalidParameter("Please don't provide ZipFile or S3 location when %s a function with packageType Image.", verb)
		}
		if !fromImage {
			return codePackage{}, errInvalidParameter("Please provide ImageUri when %s a function with packageType Image.", verb)
		}
		return imagePackage(*in.ImageURI)
	}
	switch {
	case fromImage:
		return codePackage{}, errInvalidParameter("Please don't provide ImageUri when %s a function with packageType Zip.", verb)
	case fromZip && fromS3:
		return codePackage{}, errInvalidParameter("Please do not provide other FunctionCode parameters when providing a ZipFile.")
	case fromZip:
		return zipPackage(in.ZipFile)
	case fromS3:
		return s.s3Package(in)
	}
	return codePackage{}, errInvalidParameter("Please provide a source for function code.")
}

func (s *Service) s3Package(in codeInput) (codePackage, *wire.Error) {
	if in.S3Bucket == nil || in.S3Key == nil {
		return codePackage{}, errInvalidParameter("Please provide both S3Bucket and S3Key for the function code.")
	}
	if s.cfg.Objects == nil {
		return codePackage{}, errInvalidParameter(
			"Error occurred while GetObject. S3 Error Code: ServiceUnavailable. S3 Error Message: localaws runs without S3")
	}
	version := ""
	if in.S3ObjectVersion != nil {
		version = *in.S3ObjectVersion
	}
	data, err := s.cfg.Objects.Object(*in.S3Bucket, *in.S3Key, version)
	if err != nil {
		code, msg := "InternalError", err.Error()
		var s3Err *wire.Error
		if errors.As(err, &s3Err) {
			code, msg = s3Err.Code, s3Err.Message
		}
		return codePackage{}, errInvalidParameter("Error occurred while GetObject. S3 Error Code: %s. S3 Error Message: %s", code, msg)
	}
	return zipPackage(data)
}

func zipPackage(data []byte) (codePackage, *wire.Error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return codePackage{}, errInvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	var unzipped uint64
	for _, f := range r.File {
		unzipped += f.UncompressedSize64
	}
	if unzipped > maxUnzippedBytes {
		return codePackage{}, errInvalidParameter("Unzipped size must be smaller than %d bytes", maxUnzippedBytes)
	}
	sum := sha256.Sum256(data)
	return codePackage{packageType: packageTypeZip, zip: data, sha256: base64.StdEncoding.EncodeToString(sum[:]),
		size: int64(len(data))}, nil
}

// imagePackage accepts an ECR image URI. Without a registry the image digest (which Lambda reports as
// CodeSha256) is the one in the URI, or else derived from the URI text.
func imagePackage(uri string) (codePackage, *wire.Error) {
	m := imageURIPattern.FindStringSubmatch(uri)
	if m == nil {
		return codePackage{}, errInvalidParameter("Source image %s is not valid. Provide a valid source image.", uri)
	}
	digest := m[3]
	if digest == "" {
		sum := sha256.Sum256([]byte(uri))
		digest = hex.EncodeToString(sum[:])
	}
	return codePackage{packageType: packageTypeImage, sha256: digest, imageURI: uri}, nil
}

// codeLocation is GetFunction's Code member.
type codeLocation struct {
	RepositoryType   string `json:"RepositoryType"`
	Location         string `json:"Location,omitempty"`
	ImageURI         string `json:"ImageUri,omitempty"`
	ResolvedImageURI string `json:"ResolvedImageUri,omitempty"`
}

// location describes where the package lives. For zips Lambda returns a presigned URL into its own
// bucket; localaws returns a URL of that form that is not served.
func (fn *function) location() codeLocation {
	if fn.code.packageType == packageTypeImage {
		repo, _, _ := strings.Cut(fn.code.imageURI, "@")
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		return codeLocation{RepositoryType: "ECR", ImageURI: fn.code.imageURI,
			ResolvedImageURI: repo + "@sha256:" + fn.code.sha256}
	}
	return codeLocation{RepositoryType: "S3", Location: "https://awslambda-" + fn.region + "-tasks.s3." + fn.region +
		".amazonaws.com/snapshots/" + strings.Split(fn.arn, ":")[4] + "/" + fn.name + "-" + fn.revisionID}
}

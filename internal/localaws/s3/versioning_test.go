package s3

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

func (h *harness) get(t *testing.T, bucketName, key, versionID string) (string, *s3sdk.GetObjectOutput, error) {
	t.Helper()
	in := &s3sdk.GetObjectInput{Bucket: aws.String(bucketName), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := h.client.GetObject(context.Background(), in)
	if err != nil {
		return "", nil, err
	}
	defer func() { _ = out.Body.Close() }()
	body, err := io.ReadAll(out.Body)
	return string(body), out, err
}

func (h *harness) put(t *testing.T, bucketName, key, body string) *s3sdk.PutObjectOutput {
	t.Helper()
	out, err := h.client.PutObject(context.Background(), &s3sdk.PutObjectInput{Bucket: aws.String(bucketName),
		Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	return out
}

func (h *harness) setVersioning(t *testing.T, bucketName string, status types.BucketVersioningStatus) {
	t.Helper()
	if _, err := h.client.PutBucketVersioning(context.Background(), &s3sdk.PutBucketVersioningInput{Bucket: aws.String(bucketName),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}}); err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
}

func TestBucketVersioning(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "versioned")
	status, err := h.client.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("versioned")})
	if err != nil || status.Status != "" {
		t.Fatalf("GetBucketVersioning of a new bucket = %+v, %v; want no status", status, err)
	}
	if out := h.put(t, "versioned", "code.zip", "unversioned"); out.VersionId != nil {
		t.Errorf("PutObject without versioning returned version %q", aws.ToString(out.VersionId))
	}

	h.setVersioning(t, "versioned", types.BucketVersioningStatusEnabled)
	status, err = h.client.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("versioned")})
	if err != nil || status.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning = %+v, %v; want Enabled", status, err)
	}
	v1 := aws.ToString(h.put(t, "versioned", "code.zip", "first").VersionId)
	v2 := aws.ToString(h.put(t, "versioned", "code.zip", "second").VersionId)
	if v1 == "" || v2 == "" || v1 == v2 || v1 == "null" {
		t.Fatalf("version ids %q and %q, want two distinct ids", v1, v2)
	}
	for _, tc := range []struct{ version, want string }{{"", "second"}, {v1, "first"}, {v2, "second"}, {"null", "unversioned"}} {
		body, out, err := h.get(t, "versioned", "code.zip", tc.version)
		if err != nil || body != tc.want {
			t.Errorf("GetObject versionId %q = %q, %v; want %q", tc.version, body, err, tc.want)
			continue
		}
		if tc.version != "" && aws.ToString(out.VersionId) != tc.version {
			t.Errorf("GetObject versionId %q answered version %q", tc.version, aws.ToString(out.VersionId))
		}
	}
	if data, err := h.svc.Object("versioned", "code.zip", v1); err != nil || string(data) != "first" {
		t.Errorf("Object(v1) = %q, %v", data, err)
	}
	_, _, err = h.get(t, "versioned", "code.zip", "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH")
	lawstest.ExpectCode(t, err, "NoSuchVersion")

	// Deleting without a version adds a delete marker: the key is gone, its versions stay.
	del, err := h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("versioned"), Key: aws.String("code.zip")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("DeleteObject = %+v, %v; want a delete marker", del, err)
	}
	_, _, err = h.get(t, "versioned", "code.zip", "")
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("GetObject after the delete marker: %v, want NoSuchKey", err)
	}
	if list, err := h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("versioned")}); err != nil || len(list.Contents) != 0 {
		t.Errorf("ListObjectsV2 after the delete marker = %+v, %v", list, err)
	}
	if body, _, err := h.get(t, "versioned", "code.zip", v1); err != nil || body != "first" {
		t.Errorf("GetObject v1 after the delete marker = %q, %v", body, err)
	}
	_, err = h.client.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String("versioned")})
	lawstest.ExpectCode(t, err, "BucketNotEmpty")

	// Suspending keeps the versions; new writes replace the null version.
	h.setVersioning(t, "versioned", types.BucketVersioningStatusSuspended)
	if out := h.put(t, "versioned", "code.zip", "suspended"); aws.ToString(out.VersionId) != "null" {
		t.Errorf("PutObject while suspended returned version %q, want null", aws.ToString(out.VersionId))
	}
	if body, _, err := h.get(t, "versioned", "code.zip", "null"); err != nil || body != "suspended" {
		t.Errorf("the null version = %q, %v; want the suspended write", body, err)
	}
	if body, _, err := h.get(t, "versioned", "code.zip", v2); err != nil || body != "second" {
		t.Errorf("v2 after suspending = %q, %v", body, err)
	}

	_, err = h.client.PutBucketVersioning(ctx, &s3sdk.PutBucketVersioningInput{Bucket: aws.String("versioned"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: "Sometimes"}})
	lawstest.ExpectCode(t, err, "MalformedXML")
	_, err = h.client.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("nope")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
}

func TestUnversionedBucketRefusesVersionIDs(t *testing.T) {
	h := newHarness(t)
	h.mustBucket(t, "plain")
	h.put(t, "plain", "k", "v")
	_, _, err := h.get(t, "plain", "k", "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH")
	lawstest.ExpectCode(t, err, "InvalidArgument")
	if body, _, err := h.get(t, "plain", "k", "null"); err != nil || body != "v" {
		t.Errorf("versionId null of an unversioned bucket = %q, %v", body, err)
	}
}

func TestListObjectVersions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "history")
	h.put(t, "history", "a", "before versioning")
	h.setVersioning(t, "history", types.BucketVersioningStatusEnabled)
	a2 := aws.ToString(h.put(t, "history", "a", "second").VersionId)
	b1 := aws.ToString(h.put(t, "history", "b", "only").VersionId)
	del, err := h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("history"), Key: aws.String("b")})
	if err != nil {
		t.Fatal(err)
	}
	marker := aws.ToString(del.VersionId)
	type entry struct {
		key, version string
		latest       bool
	}
	list := func(in *s3sdk.ListObjectVersionsInput) (versions, markers []entry, out *s3sdk.ListObjectVersionsOutput) {
		t.Helper()
		in.Bucket = aws.String("history")
		out, err := h.client.ListObjectVersions(ctx, in)
		if err != nil {
			t.Fatalf("ListObjectVersions: %v", err)
		}
		for _, v := range out.Versions {
			versions = append(versions, entry{aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest)})
		}
		for _, m := range out.DeleteMarkers {
			markers = append(markers, entry{aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest)})
		}
		return versions, markers, out
	}
	versions, markers, out := list(&s3sdk.ListObjectVersionsInput{})
	wantVersions := []entry{{"a", a2, true}, {"a", "null", false}, {"b", b1, false}}
	if !slices.Equal(versions, wantVersions) || !slices.Equal(markers, []entry{{"b", marker, true}}) || aws.ToBool(out.IsTruncated) {
		t.Fatalf("versions %v, delete markers %v (truncated %v); want %v and b's marker", versions, markers,
			aws.ToBool(out.IsTruncated), wantVersions)
	}
	// Pages of two entries, resumed from the key and version id markers.
	var all []entry
	in := &s3sdk.ListObjectVersionsInput{MaxKeys: aws.Int32(2)}
	for page := 0; ; page++ {
		v, m, out := list(in)
		all = append(append(all, v...), m...)
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		if page > 3 {
			t.Fatal("the listing does not end")
		}
		in = &s3sdk.ListObjectVersionsInput{MaxKeys: aws.Int32(2), KeyMarker: out.NextKeyMarker, VersionIdMarker: out.NextVersionIdMarker}
	}
	if len(all) != 4 {
		t.Errorf("paged listing = %v, want the 4 entries once each", all)
	}
	if v, _, _ := list(&s3sdk.ListObjectVersionsInput{Prefix: aws.String("b")}); !slices.Equal(v, []entry{{"b", b1, false}}) {
		t.Errorf("prefix b: versions %v", v)
	}
	_, err = h.client.ListObjectVersions(ctx, &s3sdk.ListObjectVersionsInput{Bucket: aws.String("nope")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
}

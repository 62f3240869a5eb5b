package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

type harness struct {
	svc      *Service
	client   *s3sdk.Client
	cfg      aws.Config
	endpoint string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	svc := New(Config{})
	_, cfg := lawstest.Serve(t, svc)
	client := s3sdk.NewFromConfig(cfg, func(o *s3sdk.Options) { o.UsePathStyle = true })
	return &harness{svc: svc, client: client, cfg: cfg, endpoint: *cfg.BaseEndpoint}
}

func (h *harness) regionClient(region string) *s3sdk.Client {
	return s3sdk.NewFromConfig(h.cfg, func(o *s3sdk.Options) { o.UsePathStyle = true; o.Region = region })
}

func (h *harness) mustBucket(t *testing.T, name string) {
	t.Helper()
	if _, err := h.client.CreateBucket(context.Background(), &s3sdk.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func (h *harness) mustPut(t *testing.T, bucketName, key, body string) {
	t.Helper()
	_, err := h.client.PutObject(context.Background(), &s3sdk.PutObjectInput{Bucket: aws.String(bucketName),
		Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucketName, key, err)
	}
}

func TestCreateBucketRules(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "code-bucket")
	// A repeat in us-east-1 succeeds (legacy behaviour); elsewhere the owner gets BucketAlreadyOwnedByYou.
	h.mustBucket(t, "code-bucket")

	eu := h.regionClient("eu-west-1")
	euCfg := &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}
	if _, err := eu.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: euCfg}); err != nil {
		t.Fatalf("CreateBucket eu-west-1: %v", err)
	}
	_, err := eu.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("eu-bucket"), CreateBucketConfiguration: euCfg})
	var owned *types.BucketAlreadyOwnedByYou
	if !errors.As(err, &owned) {
		t.Fatalf("repeat CreateBucket in eu-west-1: want BucketAlreadyOwnedByYou, got %v", err)
	}
	_, err = eu.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("no-constraint")})
	lawstest.ExpectCode(t, err, "IllegalLocationConstraintException")
	_, err = h.client.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	lawstest.ExpectCode(t, err, "InvalidBucketName")

	loc, err := eu.GetBucketLocation(ctx, &s3sdk.GetBucketLocationInput{Bucket: aws.String("eu-bucket")})
	if err != nil || loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
		t.Fatalf("GetBucketLocation = %+v, %v", loc, err)
	}
	head, err := h.client.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String("eu-bucket")})
	if err != nil || aws.ToString(head.BucketRegion) != "eu-west-1" {
		t.Fatalf("HeadBucket = %+v, %v", head, err)
	}
	_, err = h.client.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String("missing-bucket")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadBucket missing: want NotFound, got %v", err)
	}
	list, err := h.client.ListBuckets(ctx, &s3sdk.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 2 || aws.ToString(list.Buckets[0].Name) != "code-bucket" {
		t.Fatalf("ListBuckets = %+v, %v", list, err)
	}
}

func TestObjectRoundTrip(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "bucket-1")
	body := "hello lambda code"
	put, err := h.client.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip"),
		Body: strings.NewReader(body), ContentType: aws.String("application/zip"),
		Metadata: map[string]string{"Owner": "team-a"}})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	sum := md5.Sum([]byte(body))
	wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
	if aws.ToString(put.ETag) != wantETag {
		t.Fatalf("ETag = %s, want %s", aws.ToString(put.ETag), wantETag)
	}
	got, err := h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != body || aws.ToString(got.ContentType) != "application/zip" ||
		got.Metadata["owner"] != "team-a" || aws.ToString(got.ETag) != wantETag ||
		aws.ToInt64(got.ContentLength) != int64(len(body)) || got.LastModified == nil {
		t.Fatalf("GetObject = %q %+v", data, got)
	}
	head, err := h.client.HeadObject(ctx, &s3sdk.HeadObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(body)) || aws.ToString(head.ETag) != wantETag {
		t.Fatalf("HeadObject = %+v, %v", head, err)
	}
	if b, err := h.svc.Object("bucket-1", "dir/code.zip", "null"); err != nil || string(b) != body {
		t.Fatalf("Object() = %q, %v", b, err)
	}
	if _, err := h.svc.Object("bucket-1", "dir/code.zip", "v2"); err == nil {
		t.Fatal("Object() with an unknown version id found something")
	}
	_, err = h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip"),
		VersionId: aws.String("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd")})
	lawstest.ExpectCode(t, err, "InvalidArgument")

	ranged, err := h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip"),
		Range: aws.String("bytes=6-11")})
	if err != nil {
		t.Fatalf("ranged GetObject: %v", err)
	}
	part, _ := io.ReadAll(ranged.Body)
	ranged.Body.Close()
	if string(part) != "lambda" || aws.ToString(ranged.ContentRange) != fmt.Sprintf("bytes 6-11/%d", len(body)) {
		t.Fatalf("ranged GetObject = %q %s", part, aws.ToString(ranged.ContentRange))
	}
	_, err = h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip"),
		Range: aws.String("bytes=500-")})
	lawstest.ExpectCode(t, err, "InvalidRange")

	if _, err := h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	if _, err := h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")}); err != nil {
		t.Fatalf("DeleteObject of a missing key must succeed: %v", err)
	}
	_, err = h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("GetObject deleted: want NoSuchKey, got %v", err)
	}
	_, err = h.client.HeadObject(ctx, &s3sdk.HeadObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("dir/code.zip")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadObject deleted: want NotFound, got %v", err)
	}
}

func TestMissingBucket(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// GetObject and PutObject do not model NoSuchBucket, so the SDK returns it as a generic API error.
	_, err := h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("nope"), Key: aws.String("k")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
	_, err = h.client.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String("nope"), Key: aws.String("k"), Body: strings.NewReader("x")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
	var nsb *types.NoSuchBucket
	_, err = h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("nope")})
	if !errors.As(err, &nsb) {
		t.Fatalf("ListObjectsV2: want NoSuchBucket, got %v", err)
	}
	_, err = h.client.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String("nope")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
	_, err = h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("nope"), Key: aws.String("k")})
	lawstest.ExpectCode(t, err, "NoSuchBucket")
}

func TestDeleteBucket(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "full")
	h.mustPut(t, "full", "a", "1")
	_, err := h.client.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String("full")})
	lawstest.ExpectCode(t, err, "BucketNotEmpty")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusConflict {
		t.Fatalf("BucketNotEmpty status: %v", err)
	}
	if _, err := h.client.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String("full"), Key: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	if _, err := h.svc.Object("full", "a", ""); err == nil {
		t.Fatal("object survived its bucket")
	}
}

func TestSnapshotAndReset(t *testing.T) {
	h := newHarness(t)
	h.mustBucket(t, "snap")
	h.mustPut(t, "snap", "k", "v")
	doc, err := json.Marshal(h.svc.Snapshot())
	if err != nil || !strings.Contains(string(doc), `"key":"k"`) {
		t.Fatalf("Snapshot = %s, %v", doc, err)
	}
	h.svc.Reset()
	if _, err := h.svc.Object("snap", "k", ""); err == nil {
		t.Fatal("Reset kept objects")
	}
}

func TestListObjectsV2(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "lst")
	keys := []string{"a/1", "a/2", "a/b/3", "c", "d/4", "e"}
	for _, k := range keys {
		h.mustPut(t, "lst", k, k)
	}
	var all []string
	pages := 0
	p := s3sdk.NewListObjectsV2Paginator(h.client, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"), MaxKeys: aws.Int32(4)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		if int(aws.ToInt32(out.KeyCount)) != len(out.Contents) {
			t.Fatalf("KeyCount %d != %d contents", aws.ToInt32(out.KeyCount), len(out.Contents))
		}
		for _, o := range out.Contents {
			all = append(all, aws.ToString(o.Key))
		}
	}
	if pages != 2 || strings.Join(all, ",") != strings.Join(keys, ",") {
		t.Fatalf("paged listing = %v over %d pages", all, pages)
	}

	out, err := h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cp := range out.CommonPrefixes {
		got = append(got, "P:"+aws.ToString(cp.Prefix))
	}
	for _, o := range out.Contents {
		got = append(got, aws.ToString(o.Key))
	}
	if strings.Join(got, ",") != "P:a/,P:d/,c,e" || aws.ToInt32(out.KeyCount) != 4 || aws.ToBool(out.IsTruncated) {
		t.Fatalf("delimited listing = %v (KeyCount %d)", got, aws.ToInt32(out.KeyCount))
	}

	// Common prefixes count toward MaxKeys and a continuation resumes after the prefix.
	first, err := h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"),
		Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)})
	if err != nil || !aws.ToBool(first.IsTruncated) || len(first.CommonPrefixes) != 1 {
		t.Fatalf("first delimited page = %+v, %v", first, err)
	}
	second, err := h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"),
		Delimiter: aws.String("/"), MaxKeys: aws.Int32(1), ContinuationToken: first.NextContinuationToken})
	if err != nil || len(second.Contents) != 1 || aws.ToString(second.Contents[0].Key) != "c" {
		t.Fatalf("second delimited page = %+v, %v", second, err)
	}

	pre, err := h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"), Prefix: aws.String("a/"),
		StartAfter: aws.String("a/1")})
	if err != nil || len(pre.Contents) != 2 || aws.ToString(pre.Contents[0].Key) != "a/2" {
		t.Fatalf("prefix+start-after listing = %+v, %v", pre, err)
	}
	_, err = h.client.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String("lst"), ContinuationToken: aws.String("!!")})
	lawstest.ExpectCode(t, err, "InvalidArgument")

	v1, err := h.client.ListObjects(ctx, &s3sdk.ListObjectsInput{Bucket: aws.String("lst"), MaxKeys: aws.Int32(5), Marker: aws.String("a/1")})
	if err != nil || len(v1.Contents) != 5 || aws.ToBool(v1.IsTruncated) {
		t.Fatalf("ListObjects v1 = %+v, %v", v1, err)
	}
}

func TestFlexibleChecksums(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustBucket(t, "sums")
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		key := "obj-" + string(alg)
		_, err := h.client.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String(key),
			Body: bytes.NewReader([]byte("checksummed payload")), ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatalf("PutObject %s: %v", alg, err)
		}
		// The SDK validates the returned checksum against the body it reads.
		out, err := h.client.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key),
			ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatalf("GetObject %s: %v", alg, err)
		}
		if _, err := io.ReadAll(out.Body); err != nil {
			t.Fatalf("reading %s body (checksum validation): %v", alg, err)
		}
		out.Body.Close()
	}
	// CRC-64/NVME check value from its specification.
	if got := crc64.Checksum([]byte("123456789"), crc64NVME); got != 0xae8b14860a799888 {
		t.Fatalf("CRC64NVME check value = %x", got)
	}
	req, _ := http.NewRequest(http.MethodPut, h.endpoint+"/sums/bad", strings.NewReader("data"))
	signedHeaders(req)
	req.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
	resp := do(t, req)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.body, "<Code>BadDigest</Code>") {
		t.Fatalf("bad checksum: %d %s", resp.StatusCode, resp.body)
	}
}

func TestAWSChunkedUpload(t *testing.T) {
	h := newHarness(t)
	h.mustBucket(t, "chunks")
	payload := strings.Repeat("0123456789", 7)
	crc := checksumAlgorithms[0].sum([]byte(payload))
	cases := map[string]struct {
		sha  string
		body string
	}{
		"signed": {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
			fmt.Sprintf("40;chunk-signature=%s\r\n%s\r\n6;chunk-signature=%s\r\n%s\r\n0;chunk-signature=%s\r\n\r\n",
				strings.Repeat("a", 64), payload[:64], strings.Repeat("b", 64), payload[64:], strings.Repeat("c", 64))},
		"unsigned-trailer": {"STREAMING-UNSIGNED-PAYLOAD-TRAILER",
			fmt.Sprintf("46\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", payload, crc)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, h.endpoint+"/chunks/"+name, strings.NewReader(tc.body))
			signedHeaders(req)
			req.Header.Set("X-Amz-Content-Sha256", tc.sha)
			req.Header.Set("Content-Encoding", "aws-chunked")
			req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(payload)))
			if resp := do(t, req); resp.StatusCode != http.StatusOK {
				t.Fatalf("PUT: %d %s", resp.StatusCode, resp.body)
			}
			if got, err := h.svc.Object("chunks", name, ""); err != nil || string(got) != payload {
				t.Fatalf("stored %q, %v", got, err)
			}
		})
	}
	bad := fmt.Sprintf("46\r\n%s\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", payload)
	req, _ := http.NewRequest(http.MethodPut, h.endpoint+"/chunks/bad", strings.NewReader(bad))
	signedHeaders(req)
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	req.Header.Set("Content-Encoding", "aws-chunked")
	if resp := do(t, req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.body, "BadDigest") {
		t.Fatalf("bad trailer checksum: %d %s", resp.StatusCode, resp.body)
	}
	req, _ = http.NewRequest(http.MethodPut, h.endpoint+"/chunks/short", strings.NewReader("ff\r\nabc"))
	signedHeaders(req)
	req.Header.Set("Content-Encoding", "aws-chunked")
	if resp := do(t, req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.body, "IncompleteBody") {
		t.Fatalf("truncated chunk: %d %s", resp.StatusCode, resp.body)
	}
}

func TestUnsupportedRequests(t *testing.T) {
	h := newHarness(t)
	h.mustBucket(t, "bkt")
	_, err := h.client.CreateMultipartUpload(context.Background(), &s3sdk.CreateMultipartUploadInput{
		Bucket: aws.String("bkt"), Key: aws.String("k")})
	lawstest.ExpectCode(t, err, "NotImplemented")
}

// signedHeaders gives a raw request the credential scope localaws routes S3 by.
func signedHeaders(req *http.Request) {
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
}

type rawResponse struct {
	StatusCode int
	body       string
}

func do(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{StatusCode: resp.StatusCode, body: string(b)}
}

package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// checksumAlgorithm is one of S3's flexible checksum algorithms.
type checksumAlgorithm struct {
	name   string // as in the SDK's ChecksumAlgorithm enum, e.g. "CRC32"
	header string // e.g. "x-amz-checksum-crc32"
	hash   func() hash.Hash
}

// crc64NVME is the CRC-64/NVME table (reflected polynomial 0x9a6c9329ac4bc9b5); Go's crc64 applies the
// all-ones initial value and final xor that the algorithm specifies.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

var checksumAlgorithms = []checksumAlgorithm{
	{"CRC32", "x-amz-checksum-crc32", func() hash.Hash { return crc32.NewIEEE() }},
	{"CRC32C", "x-amz-checksum-crc32c", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"CRC64NVME", "x-amz-checksum-crc64nvme", func() hash.Hash { return crc64.New(crc64NVME) }},
	{"SHA1", "x-amz-checksum-sha1", sha1.New},
	{"SHA256", "x-amz-checksum-sha256", sha256.New},
}

func (a checksumAlgorithm) sum(data []byte) string {
	h := a.hash()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// verifyChecksums checks every integrity value the client sent (x-amz-content-sha256 as a hex digest,
// Content-MD5, and x-amz-checksum-* in headers or aws-chunked trailers) against the payload. It returns the
// flexible checksums to store with the object, keyed by response header name.
func verifyChecksums(h http.Header, trailers map[string]string, payload []byte) (map[string]string, *wire.Error) {
	if sha := h.Get("X-Amz-Content-Sha256"); isHexSHA256(sha) {
		sum := sha256.Sum256(payload)
		if !strings.EqualFold(sha, hex.EncodeToString(sum[:])) {
			return nil, wire.ValidationError("XAmzContentSHA256Mismatch",
				"The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
	}
	if md := h.Get("Content-MD5"); md != "" {
		want, err := base64.StdEncoding.DecodeString(md)
		if err != nil || len(want) != md5.Size {
			return nil, wire.ValidationError("InvalidDigest", "The Content-MD5 you specified was invalid.")
		}
		if got := md5.Sum(payload); string(got[:]) != string(want) {
			return nil, wire.ValidationError("BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	stored := map[string]string{}
	for _, a := range checksumAlgorithms {
		value := h.Get(a.header)
		if value == "" {
			value = trailers[a.header]
		}
		if value == "" {
			continue
		}
		if value != a.sum(payload) {
			return nil, wire.ValidationError("BadDigest",
				"The %s you specified did not match the calculated checksum.", a.name)
		}
		stored[a.header] = value
	}
	return stored, nil
}

func isHexSHA256(v string) bool {
	if len(v) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

// etagOf is S3's ETag for a single-part upload: the quoted hex MD5 of the content.
func etagOf(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

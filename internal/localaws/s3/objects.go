package s3

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// maxKeyBytes is S3's object key length limit.
const maxKeyBytes = 1024

const metaPrefix = "X-Amz-Meta-"

func (s *Service) putObject(c *wire.Call) error {
	key := c.Param("Key")
	if len(key) > maxKeyBytes {
		return wire.ValidationError("KeyTooLongError", "Your key is too long")
	}
	if c.R.Header.Get("X-Amz-Copy-Source") != "" {
		return &wire.Error{Status: http.StatusNotImplemented, Code: "NotImplemented", Server: true,
			Message: "A header you provided implies functionality that is not implemented: localaws S3 does not copy objects"}
	}
	payload, encoding, trailers, err := requestPayload(c)
	if err != nil {
		return err
	}
	checksums, err := verifyChecksums(c.R.Header, trailers, payload)
	if err != nil {
		return err
	}
	o := &object{data: payload, etag: etagOf(payload), contentType: c.R.Header.Get("Content-Type"),
		encoding: encoding, metadata: map[string]string{}, checksums: checksums, lastModified: c.Now.UTC()}
	if o.contentType == "" {
		o.contentType = "binary/octet-stream"
	}
	for name, values := range c.R.Header {
		if strings.HasPrefix(name, metaPrefix) && len(values) > 0 {
			o.metadata[strings.ToLower(name[len(metaPrefix):])] = values[0]
		}
	}
	s.mu.Lock()
	b, ok := s.buckets[c.Param("Bucket")]
	if ok {
		b.add(key, o)
		b.setVersionHeader(c, o)
	}
	s.mu.Unlock()
	if !ok {
		return errNoSuchBucket()
	}
	c.W.Header().Set("ETag", o.etag)
	for header, value := range checksums {
		c.W.Header().Set(header, value)
	}
	return c.Empty(http.StatusOK)
}

// requestPayload returns the object bytes of a PutObject body, decoding aws-chunked streaming uploads, and
// the Content-Encoding to store (without aws-chunked).
func requestPayload(c *wire.Call) (payload []byte, encoding string, trailers map[string]string, werr *wire.Error) {
	var kept []string
	chunked := strings.HasPrefix(c.R.Header.Get("X-Amz-Content-Sha256"), "STREAMING-")
	for _, e := range strings.Split(c.R.Header.Get("Content-Encoding"), ",") {
		switch e = strings.TrimSpace(e); e {
		case "":
		case "aws-chunked":
			chunked = true
		default:
			kept = append(kept, e)
		}
	}
	encoding = strings.Join(kept, ",")
	if !chunked {
		return c.Body, encoding, nil, nil
	}
	payload, trailers, err := decodeAWSChunked(c.Body)
	if err != nil {
		return nil, "", nil, wire.ValidationError("IncompleteBody", "The request body could not be decoded: %v", err)
	}
	if dl := c.R.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" {
		if n, convErr := strconv.Atoi(dl); convErr != nil || n != len(payload) {
			return nil, "", nil, wire.ValidationError("IncompleteBody",
				"You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header (%s); got %d",
				dl, len(payload))
		}
	}
	return payload, encoding, trailers, nil
}

// findObject returns the object named by the call's bucket, key and versionId, and reports its version.
func (s *Service) findObject(c *wire.Call) (*object, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return nil, errNoSuchBucket()
	}
	o, err := b.version(c.Param("Key"), c.Query("versionId"))
	if err != nil {
		return nil, err
	}
	b.setVersionHeader(c, o)
	return o, nil
}

func (s *Service) getObject(c *wire.Call) error {
	o, err := s.findObject(c)
	if err != nil {
		return err
	}
	data, status := o.data, http.StatusOK
	if spec := c.R.Header.Get("Range"); spec != "" {
		first, last, ok := parseRange(spec, len(o.data))
		if !ok {
			return wire.Errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange",
				"The requested range is not satisfiable")
		}
		data, status = o.data[first:last+1], http.StatusPartialContent
		c.W.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, len(o.data)))
	}
	writeObjectHeaders(c, o, len(data), status == http.StatusOK)
	return c.Raw(status, "", data)
}

func (s *Service) headObject(c *wire.Call) error {
	o, err := s.findObject(c)
	if err != nil {
		return err
	}
	writeObjectHeaders(c, o, len(o.data), true)
	return c.Empty(http.StatusOK)
}

// writeObjectHeaders sets the headers GetObject and HeadObject share. Flexible checksums are returned only
// for whole-object reads that asked for them with x-amz-checksum-mode: ENABLED.
func writeObjectHeaders(c *wire.Call, o *object, length int, whole bool) {
	h := c.W.Header()
	h.Set("Content-Type", o.contentType)
	h.Set("Content-Length", strconv.Itoa(length))
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.lastModified.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	if o.encoding != "" {
		h.Set("Content-Encoding", o.encoding)
	}
	for k, v := range o.metadata {
		h.Set("x-amz-meta-"+k, v)
	}
	if whole && strings.EqualFold(c.R.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") && len(o.checksums) > 0 {
		for header, value := range o.checksums {
			h.Set(header, value)
		}
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
}

// parseRange reads a single "bytes=first-last", "bytes=first-" or "bytes=-suffix" range and returns the
// inclusive byte positions within an object of size n.
func parseRange(spec string, n int) (first, last int, ok bool) {
	r, found := strings.CutPrefix(spec, "bytes=")
	if !found || strings.Contains(r, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(r, "-")
	if !found {
		return 0, 0, false
	}
	if a == "" {
		suffix, err := strconv.Atoi(b)
		if err != nil || suffix <= 0 || n == 0 {
			return 0, 0, false
		}
		return max(0, n-suffix), n - 1, true
	}
	first, err := strconv.Atoi(a)
	if err != nil || first < 0 || first >= n {
		return 0, 0, false
	}
	last = n - 1
	if b != "" {
		l, err := strconv.Atoi(b)
		if err != nil || l < first {
			return 0, 0, false
		}
		last = min(l, n-1)
	}
	return first, last, true
}

// deleteObject removes one version for good when a versionId is given; otherwise it deletes the key,
// which in a bucket with versioning adds a delete marker and keeps the versions.
func (s *Service) deleteObject(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return errNoSuchBucket()
	}
	key, versionID, h := c.Param("Key"), c.Query("versionId"), c.W.Header()
	switch {
	case versionID != "":
		if b.versioning == "" && versionID != nullVersion {
			return errInvalidArgument("Invalid version id specified")
		}
		if b.removeVersion(key, versionID) {
			h.Set("X-Amz-Delete-Marker", "true")
		}
		h.Set("X-Amz-Version-Id", versionID)
	case b.versioning == "":
		delete(b.objects, key)
	default:
		marker := &object{deleteMarker: true, lastModified: c.Now.UTC()}
		b.add(key, marker)
		h.Set("X-Amz-Delete-Marker", "true")
		h.Set("X-Amz-Version-Id", marker.versionID)
	}
	return c.Empty(http.StatusNoContent)
}

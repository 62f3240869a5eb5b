// Package s3 emulates the path-style subset of Amazon S3 that localaws needs to hold Lambda code packages:
// buckets, bucket versioning, whole-object put/get/head/delete and listing.
package s3

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Config configures the S3 service. It has no settings today; it exists so S3 is built like every other
// localaws service.
type Config struct{}

// Service is the emulated S3. Bucket names are global, as in AWS; each bucket remembers its region.
type Service struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	name    string
	region  string
	created time.Time
	// versioning is "", Enabled or Suspended.
	versioning string
	// objects holds every version of each key, oldest first; delete markers are versions too.
	objects map[string][]*object
}

type object struct {
	versionID    string
	deleteMarker bool
	data         []byte
	etag         string
	contentType  string
	encoding     string
	metadata     map[string]string
	checksums    map[string]string
	lastModified time.Time
}

// New returns an empty S3.
func New(Config) *Service {
	return &Service{buckets: map[string]*bucket{}}
}

// Name implements server.Service.
func (s *Service) Name() string { return "s3" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return wire.RestXML{} }

// Throttle implements server.Service: S3 answers SlowDown (503), which the SDK retries.
func (s *Service) Throttle() *wire.Error {
	return &wire.Error{Status: http.StatusServiceUnavailable, Code: "SlowDown", Server: true,
		Message: "Please reduce your request rate."}
}

// Reset implements server.Service.
func (s *Service) Reset() {
	s.mu.Lock()
	s.buckets = map[string]*bucket{}
	s.mu.Unlock()
}

// Object returns a copy of an object's bytes, given its version id ("" for the current version). The
// error is S3's own (*wire.Error with NoSuchBucket, NoSuchKey, NoSuchVersion, ...), for callers that report
// S3's error code, as Lambda does for function code.
func (s *Service) Object(bucketName, key, versionID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return nil, errNoSuchBucket()
	}
	o, err := b.version(key, versionID)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), o.data...), nil
}

// Resolve implements server.Service. Requests are path-style: /{Bucket} and /{Bucket}/{Key+}. The key is
// everything after the first slash following the bucket, unescaped, so keys may contain or end with "/".
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) {
	escaped := strings.TrimPrefix(c.R.URL.EscapedPath(), "/")
	rawBucket, rawKey, hasKey := strings.Cut(escaped, "/")
	bucketName, err := url.PathUnescape(rawBucket)
	if err != nil {
		return nil, wire.ValidationError("InvalidURI", "Couldn't parse the specified URI.")
	}
	key, err := url.PathUnescape(rawKey)
	if err != nil {
		return nil, wire.ValidationError("InvalidURI", "Couldn't parse the specified URI.")
	}
	c.Params = map[string]string{"Bucket": bucketName, "Key": key}
	q := c.R.URL.Query()
	op, h := s.route(c.R.Method, bucketName, hasKey && key != "", q)
	if h == nil {
		return nil, &wire.Error{Status: http.StatusNotImplemented, Code: "NotImplemented", Server: true,
			Message: "A header you provided implies functionality that is not implemented: localaws S3 does not serve " +
				c.R.Method + " " + c.R.URL.RequestURI()}
	}
	c.Operation = op
	return h, nil
}

func (s *Service) route(method, bucketName string, hasKey bool, q url.Values) (string, wire.Handler) {
	switch {
	case bucketName == "" && method == http.MethodGet:
		return "ListBuckets", s.listBuckets
	case bucketName == "":
		return "", nil
	case hasKey:
		return s.routeObject(method, q)
	default:
		return s.routeBucket(method, q)
	}
}

func (s *Service) routeBucket(method string, q url.Values) (string, wire.Handler) {
	switch method {
	case http.MethodPut:
		switch {
		case len(q) == 0:
			return "CreateBucket", s.createBucket
		case q.Has("versioning"):
			return "PutBucketVersioning", s.putBucketVersioning
		}
	case http.MethodDelete:
		if len(q) == 0 {
			return "DeleteBucket", s.deleteBucket
		}
	case http.MethodHead:
		return "HeadBucket", s.headBucket
	case http.MethodGet:
		switch {
		case q.Has("location"):
			return "GetBucketLocation", s.getBucketLocation
		case q.Has("versioning"):
			return "GetBucketVersioning", s.getBucketVersioning
		case q.Has("versions"):
			return "ListObjectVersions", s.listObjectVersions
		case q.Get("list-type") == "2":
			return "ListObjectsV2", s.listObjectsV2
		case !hasSubresource(q):
			return "ListObjects", s.listObjectsV1
		}
	}
	return "", nil
}

func (s *Service) routeObject(method string, q url.Values) (string, wire.Handler) {
	if hasSubresource(q) {
		return "", nil
	}
	switch method {
	case http.MethodPut:
		return "PutObject", s.putObject
	case http.MethodGet:
		return "GetObject", s.getObject
	case http.MethodHead:
		return "HeadObject", s.headObject
	case http.MethodDelete:
		return "DeleteObject", s.deleteObject
	}
	return "", nil
}

// plainParams are query parameters that do not select a sub-resource (acl, tagging, uploads, ...).
var plainParams = map[string]bool{
	"versionId": true, "prefix": true, "delimiter": true, "max-keys": true, "marker": true,
	"continuation-token": true, "start-after": true, "encoding-type": true, "fetch-owner": true, "list-type": true,
	"x-id": true, "response-content-type": true, "response-content-disposition": true,
	"response-content-encoding": true, "response-content-language": true, "response-expires": true,
	"response-cache-control": true,
}

func hasSubresource(q url.Values) bool {
	for k := range q {
		if !plainParams[k] && !strings.HasPrefix(k, "X-Amz-") {
			return true
		}
	}
	return false
}

// Snapshot implements server.Service.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	type objectState struct {
		Key          string    `json:"key"`
		Size         int       `json:"size"`
		ETag         string    `json:"etag"`
		ContentType  string    `json:"contentType,omitempty"`
		LastModified time.Time `json:"lastModified"`
	}
	type bucketState struct {
		Name    string        `json:"name"`
		Region  string        `json:"region"`
		Created time.Time     `json:"created"`
		Objects []objectState `json:"objects"`
	}
	out := make([]bucketState, 0, len(s.buckets))
	for _, b := range s.buckets {
		bs := bucketState{Name: b.name, Region: b.region, Created: b.created, Objects: []objectState{}}
		for _, k := range b.sortedKeys() {
			o, _ := b.latest(k)
			bs.Objects = append(bs.Objects, objectState{Key: k, Size: len(o.data), ETag: o.etag,
				ContentType: o.contentType, LastModified: o.lastModified})
		}
		out = append(out, bs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return map[string]any{"buckets": out}
}

// sortedKeys returns the keys that have a current object, in order.
func (b *bucket) sortedKeys() []string {
	var keys []string
	for _, k := range b.allKeys() {
		if _, ok := b.latest(k); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// allKeys returns every key with a version (delete markers included), in order.
func (b *bucket) allKeys() []string {
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package s3

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Bucket versioning states; a bucket whose versioning was never configured has none.
const (
	versioningEnabled   = "Enabled"
	versioningSuspended = "Suspended"
)

// nullVersion is the version id of objects written while versioning is not enabled.
const nullVersion = "null"

// newVersionID returns a version id in S3's style: 32 URL-safe characters.
func newVersionID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// latest returns a key's current object; a key whose newest version is a delete marker has none.
func (b *bucket) latest(key string) (*object, bool) {
	versions := b.objects[key]
	if len(versions) == 0 || versions[len(versions)-1].deleteMarker {
		return nil, false
	}
	return versions[len(versions)-1], true
}

// version finds a key's object by version id ("" is the current one). In a bucket whose versioning was
// never configured only "null" is a valid id (InvalidArgument otherwise, as S3 answers); elsewhere an
// unknown id is NoSuchVersion and a delete marker is refused with MethodNotAllowed.
func (b *bucket) version(key, versionID string) (*object, *wire.Error) {
	if versionID == "" {
		if o, ok := b.latest(key); ok {
			return o, nil
		}
		return nil, errNoSuchKey()
	}
	if b.versioning == "" && versionID != nullVersion {
		return nil, errInvalidArgument("Invalid version id specified")
	}
	for _, o := range b.objects[key] {
		if o.versionID == versionID {
			if o.deleteMarker {
				return nil, wire.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed",
					"The specified method is not allowed against this resource.")
			}
			return o, nil
		}
	}
	if b.versioning == "" {
		return nil, errNoSuchKey()
	}
	return nil, wire.Errorf(http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.")
}

// add stores a new version of a key (an object or a delete marker): with versioning enabled it gets a new
// version id and the older versions stay; otherwise it replaces the null version.
func (b *bucket) add(key string, o *object) {
	if b.versioning == versioningEnabled {
		o.versionID = newVersionID()
		b.objects[key] = append(b.objects[key], o)
		return
	}
	o.versionID = nullVersion
	b.removeVersion(key, nullVersion)
	b.objects[key] = append(b.objects[key], o)
}

// removeVersion deletes one version of a key for good and reports whether it was a delete marker.
func (b *bucket) removeVersion(key, versionID string) (deleteMarker bool) {
	versions := b.objects[key]
	for i, o := range versions {
		if o.versionID == versionID {
			deleteMarker = o.deleteMarker
			versions = append(versions[:i:i], versions[i+1:]...)
			break
		}
	}
	if len(versions) == 0 {
		delete(b.objects, key)
	} else {
		b.objects[key] = versions
	}
	return deleteMarker
}

// setVersionHeader reports an object's version id, which S3 does for buckets whose versioning was ever
// configured.
func (b *bucket) setVersionHeader(c *wire.Call, o *object) {
	if b.versioning != "" {
		c.W.Header().Set("X-Amz-Version-Id", o.versionID)
	}
}

// versioningConfiguration is the body of PutBucketVersioning and GetBucketVersioning.
type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	XMLNS     string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

func (s *Service) putBucketVersioning(c *wire.Call) error {
	var cfg versioningConfiguration
	if err := xml.Unmarshal(c.Body, &cfg); err != nil || (cfg.Status != versioningEnabled && cfg.Status != versioningSuspended) {
		return wire.ValidationError("MalformedXML",
			"The XML you provided was not well-formed or did not validate against our published schema")
	}
	if strings.EqualFold(cfg.MfaDelete, "Enabled") {
		return errInvalidArgument("localaws S3 does not emulate MFA delete")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return errNoSuchBucket()
	}
	b.versioning = cfg.Status
	return c.Empty(http.StatusOK)
}

func (s *Service) getBucketVersioning(c *wire.Call) error {
	b, err := s.lookupBucket(c.Param("Bucket"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	status := b.versioning
	s.mu.Unlock()
	return writeXML(c, versioningConfiguration{XMLNS: xmlns, Status: status})
}

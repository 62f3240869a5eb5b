package s3

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// xmlns is the namespace of every S3 response document.
const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// bucketNamePattern is S3's general purpose bucket naming rule: 3–63 lowercase letters, digits, dots and
// hyphens, beginning and ending with a letter or digit.
var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

var ipAddressPattern = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)

func validBucketName(name string) bool {
	return bucketNamePattern.MatchString(name) && !strings.Contains(name, "..") &&
		!ipAddressPattern.MatchString(name) && !strings.HasPrefix(name, "xn--") &&
		!strings.HasSuffix(name, "-s3alias") && !strings.HasSuffix(name, "--ol-s3")
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}

func (s *Service) createBucket(c *wire.Call) error {
	name := c.Param("Bucket")
	if !validBucketName(name) {
		return wire.ValidationError("InvalidBucketName", "The specified bucket is not valid.")
	}
	var cfg createBucketConfiguration
	if len(strings.TrimSpace(string(c.Body))) > 0 {
		if err := xml.Unmarshal(c.Body, &cfg); err != nil {
			return wire.ValidationError("MalformedXML",
				"The XML you provided was not well-formed or did not validate against our published schema")
		}
	}
	if err := checkLocationConstraint(c.Region, cfg.LocationConstraint); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.buckets[name]; ok {
		// S3 answers a repeated CreateBucket by the owner with 200 in us-east-1 (legacy behaviour) and with
		// BucketAlreadyOwnedByYou everywhere else. Every bucket here belongs to the caller's account.
		if c.Region == "us-east-1" && b.region == "us-east-1" {
			c.W.Header().Set("Location", "/"+name)
			return c.Empty(http.StatusOK)
		}
		return wire.Errorf(http.StatusConflict, "BucketAlreadyOwnedByYou",
			"Your previous request to create the named bucket succeeded and you already own it.")
	}
	s.buckets[name] = &bucket{name: name, region: c.Region, created: c.Now.UTC(), objects: map[string][]*object{}}
	c.W.Header().Set("Location", "/"+name)
	return c.Empty(http.StatusOK)
}

// checkLocationConstraint applies S3's rule that the constraint names the region the request was sent to,
// and is omitted for us-east-1.
func checkLocationConstraint(region, constraint string) *wire.Error {
	switch {
	case constraint == "" && region != "us-east-1":
		return wire.ValidationError("IllegalLocationConstraintException",
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case constraint == "us-east-1":
		return wire.ValidationError("InvalidLocationConstraint", "The specified location-constraint is not valid")
	case constraint != "" && constraint != region:
		return wire.ValidationError("IllegalLocationConstraintException",
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.",
			constraint)
	}
	return nil
}

func (s *Service) deleteBucket(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return errNoSuchBucket()
	}
	if len(b.objects) > 0 {
		return wire.Errorf(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	delete(s.buckets, b.name)
	return c.Empty(http.StatusNoContent)
}

func (s *Service) headBucket(c *wire.Call) error {
	b, err := s.lookupBucket(c.Param("Bucket"))
	if err != nil {
		return err
	}
	c.W.Header().Set("X-Amz-Bucket-Region", b.region)
	return c.Empty(http.StatusOK)
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	XMLNS   string   `xml:"xmlns,attr"`
	Value   string   `xml:",chardata"`
}

func (s *Service) getBucketLocation(c *wire.Call) error {
	b, err := s.lookupBucket(c.Param("Bucket"))
	if err != nil {
		return err
	}
	region := b.region
	if region == "us-east-1" {
		region = "" // S3 reports us-east-1 as an empty constraint.
	}
	return writeXML(c, locationConstraint{XMLNS: xmlns, Value: region})
}

type listAllMyBucketsResult struct {
	XMLName xml.Name      `xml:"ListAllMyBucketsResult"`
	XMLNS   string        `xml:"xmlns,attr"`
	Owner   owner         `xml:"Owner"`
	Buckets []bucketEntry `xml:"Buckets>Bucket"`
}

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

func (s *Service) listBuckets(c *wire.Call) error {
	s.mu.Lock()
	out := listAllMyBucketsResult{XMLNS: xmlns, Owner: owner{ID: c.AccountID}}
	for _, b := range s.buckets {
		out.Buckets = append(out.Buckets, bucketEntry{Name: b.name, CreationDate: isoTime(b.created), BucketRegion: b.region})
	}
	s.mu.Unlock()
	sort.Slice(out.Buckets, func(i, j int) bool { return out.Buckets[i].Name < out.Buckets[j].Name })
	return writeXML(c, out)
}

// lookupBucket returns the bucket or NoSuchBucket. The caller must not hold s.mu.
func (s *Service) lookupBucket(name string) (*bucket, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[name]
	if !ok {
		return nil, errNoSuchBucket()
	}
	return b, nil
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func writeXML(c *wire.Call, v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	return c.Raw(http.StatusOK, "application/xml", append([]byte(xml.Header), body...))
}

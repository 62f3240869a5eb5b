package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// maxListKeys is the most keys one ListObjects page returns.
const maxListKeys = 1000

type listEntry struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner,omitempty"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listResult is ListBucketResult for both ListObjects versions; members of the other version stay empty.
type listResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	XMLNS                 string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Marker                *string        `xml:"Marker,omitempty"`
	NextMarker            string         `xml:"NextMarker,omitempty"`
	KeyCount              *int           `xml:"KeyCount,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
}

// listQuery is what both ListObjects versions ask for.
type listQuery struct {
	prefix, delimiter string
	after             string // list only entries after this key or common prefix
	afterIsPrefix     bool   // after is a common prefix: skip every key under it
	maxKeys           int
	fetchOwner        bool
}

// listing is one page of a bucket listing.
type listing struct {
	contents  []listEntry
	prefixes  []commonPrefix
	truncated bool
	last      string // the last key or common prefix on the page
	lastIsDir bool   // last is a common prefix
}

func (s *Service) list(c *wire.Call, q listQuery) (listing, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return listing{}, errNoSuchBucket()
	}
	var out listing
	seen := map[string]bool{}
	for _, key := range b.sortedKeys() {
		if !strings.HasPrefix(key, q.prefix) || key <= q.after ||
			(q.afterIsPrefix && strings.HasPrefix(key, q.after)) {
			continue
		}
		entry, isDir := key, false
		if q.delimiter != "" {
			if i := strings.Index(key[len(q.prefix):], q.delimiter); i >= 0 {
				entry, isDir = key[:len(q.prefix)+i+len(q.delimiter)], true
			}
		}
		if isDir && seen[entry] {
			continue
		}
		if len(out.contents)+len(out.prefixes) >= q.maxKeys {
			out.truncated = true
			break
		}
		out.last, out.lastIsDir = entry, isDir
		if isDir {
			seen[entry] = true
			out.prefixes = append(out.prefixes, commonPrefix{Prefix: entry})
			continue
		}
		o, _ := b.latest(key)
		e := listEntry{Key: key, LastModified: isoTime(o.lastModified), ETag: o.etag, Size: len(o.data),
			StorageClass: "STANDARD"}
		if q.fetchOwner {
			e.Owner = &owner{ID: c.AccountID}
		}
		out.contents = append(out.contents, e)
	}
	return out, nil
}

func parseMaxKeys(c *wire.Call) (int, *wire.Error) {
	v := c.Query("max-keys")
	if v == "" {
		return maxListKeys, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errInvalidArgument("Provided max-keys not an integer or within integer range")
	}
	return min(n, maxListKeys), nil
}

func (s *Service) listObjectsV2(c *wire.Call) error {
	maxKeys, werr := parseMaxKeys(c)
	if werr != nil {
		return werr
	}
	q := listQuery{prefix: c.Query("prefix"), delimiter: c.Query("delimiter"), after: c.Query("start-after"),
		maxKeys: maxKeys, fetchOwner: c.Query("fetch-owner") == "true"}
	token := c.Query("continuation-token")
	if token != "" {
		after, isPrefix, ok := decodeToken(token)
		if !ok {
			return errInvalidArgument("The continuation token provided is incorrect")
		}
		q.after, q.afterIsPrefix = after, isPrefix
	}
	page, werr := s.list(c, q)
	if werr != nil {
		return werr
	}
	n := len(page.contents) + len(page.prefixes)
	res := listResult{XMLNS: xmlns, Name: c.Param("Bucket"), Prefix: q.prefix, KeyCount: &n, MaxKeys: maxKeys,
		Delimiter: q.delimiter, IsTruncated: page.truncated, Contents: page.contents, CommonPrefixes: page.prefixes,
		ContinuationToken: token, StartAfter: c.Query("start-after")}
	if page.truncated {
		res.NextContinuationToken = encodeToken(page.last, page.lastIsDir)
	}
	return writeList(c, res)
}

func (s *Service) listObjectsV1(c *wire.Call) error {
	maxKeys, werr := parseMaxKeys(c)
	if werr != nil {
		return werr
	}
	marker := c.Query("marker")
	q := listQuery{prefix: c.Query("prefix"), delimiter: c.Query("delimiter"), after: marker, maxKeys: maxKeys,
		fetchOwner: true}
	// A NextMarker that is a common prefix resumes after everything under it.
	q.afterIsPrefix = q.delimiter != "" && strings.HasSuffix(marker, q.delimiter)
	page, werr := s.list(c, q)
	if werr != nil {
		return werr
	}
	res := listResult{XMLNS: xmlns, Name: c.Param("Bucket"), Prefix: q.prefix, Marker: &marker, MaxKeys: maxKeys,
		Delimiter: q.delimiter, IsTruncated: page.truncated, Contents: page.contents, CommonPrefixes: page.prefixes}
	if page.truncated && q.delimiter != "" {
		// S3 returns NextMarker only with a delimiter; without one clients continue from the last key.
		res.NextMarker = page.last
	}
	return writeList(c, res)
}

// writeList applies encoding-type=url (what the AWS CLI asks for) and writes the result.
func writeList(c *wire.Call, res listResult) error {
	if et := c.Query("encoding-type"); et != "" {
		if et != "url" {
			return errInvalidArgument("Invalid Encoding Method specified in Request")
		}
		res.EncodingType = et
		enc := url.QueryEscape
		res.Prefix, res.Delimiter, res.StartAfter, res.NextMarker =
			enc(res.Prefix), enc(res.Delimiter), enc(res.StartAfter), enc(res.NextMarker)
		if res.Marker != nil {
			m := enc(*res.Marker)
			res.Marker = &m
		}
		for i := range res.Contents {
			res.Contents[i].Key = enc(res.Contents[i].Key)
		}
		for i := range res.CommonPrefixes {
			res.CommonPrefixes[i].Prefix = enc(res.CommonPrefixes[i].Prefix)
		}
	}
	return writeXML(c, res)
}

// encodeToken makes an opaque continuation token from the last entry of a page.
func encodeToken(last string, isPrefix bool) string {
	kind := "k:"
	if isPrefix {
		kind = "p:"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(kind + last))
}

func decodeToken(token string) (last string, isPrefix bool, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 2 {
		return "", false, false
	}
	switch string(raw[:2]) {
	case "k:":
		return string(raw[2:]), false, true
	case "p:":
		return string(raw[2:]), true, true
	}
	return "", false, false
}

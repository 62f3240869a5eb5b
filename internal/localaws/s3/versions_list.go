package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// versionEntry is a Version or DeleteMarker element of ListVersionsResult; S3 lists both kinds in one
// sequence, by key and then newest first.
type versionEntry struct {
	XMLName      xml.Name
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag,omitempty"`
	Size         *int   `xml:"Size,omitempty"`
	StorageClass string `xml:"StorageClass,omitempty"`
	Owner        owner  `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	XMLNS               string         `xml:"xmlns,attr"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Entries             []versionEntry // each named by its XMLName: Version or DeleteMarker
}

// listObjectVersions answers ListObjectVersions: every version and delete marker of the keys under the
// prefix, paged by key-marker and version-id-marker. Delimiters are not emulated.
func (s *Service) listObjectVersions(c *wire.Call) error {
	maxKeys, werr := parseMaxKeys(c)
	if werr != nil {
		return werr
	}
	if c.Query("delimiter") != "" {
		return &wire.Error{Status: http.StatusNotImplemented, Code: "NotImplemented", Server: true,
			Message: "A header you provided implies functionality that is not implemented: localaws S3 lists object versions without a delimiter"}
	}
	prefix, keyMarker, versionMarker := c.Query("prefix"), c.Query("key-marker"), c.Query("version-id-marker")
	if versionMarker != "" && keyMarker == "" {
		return errInvalidArgument("A version-id marker cannot be specified without a key marker.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[c.Param("Bucket")]
	if !ok {
		return errNoSuchBucket()
	}
	res := listVersionsResult{XMLNS: xmlns, Name: b.name, Prefix: prefix, KeyMarker: keyMarker,
		VersionIDMarker: versionMarker, MaxKeys: maxKeys}
	for _, key := range b.allKeys() {
		if !strings.HasPrefix(key, prefix) || key < keyMarker || (key == keyMarker && versionMarker == "") {
			continue
		}
		versions := b.objects[key]
		skipping := key == keyMarker // resume after versionMarker within the marker's key
		for i := len(versions) - 1; i >= 0; i-- {
			o := versions[i]
			if skipping {
				skipping = o.versionID != versionMarker
				continue
			}
			if len(res.Entries) >= maxKeys {
				last := res.Entries[len(res.Entries)-1]
				res.IsTruncated, res.NextKeyMarker, res.NextVersionIDMarker = true, last.Key, last.VersionID
				return writeXML(c, res)
			}
			res.Entries = append(res.Entries, o.versionEntry(key, i == len(versions)-1, c.AccountID))
		}
	}
	return writeXML(c, res)
}

// versionEntry describes one version of key in a ListObjectVersions answer.
func (o *object) versionEntry(key string, latest bool, account string) versionEntry {
	e := versionEntry{XMLName: xml.Name{Local: "Version"}, Key: key, VersionID: o.versionID, IsLatest: latest,
		LastModified: isoTime(o.lastModified), Owner: owner{ID: account}}
	if o.deleteMarker {
		e.XMLName.Local = "DeleteMarker"
		return e
	}
	size := len(o.data)
	e.ETag, e.Size, e.StorageClass = o.etag, &size, "STANDARD"
	return e
}

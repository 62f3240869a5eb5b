package ec2

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// maxTags is how many tags one EC2 resource can carry.
const maxTags = 50

// tagMap holds a resource's tags by key.
type tagMap map[string]string

// xmlTag is an EC2 Tag.
type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// render lists the tags sorted by key.
func (t tagMap) render() []xmlTag {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]xmlTag, 0, len(keys))
	for _, k := range keys {
		out = append(out, xmlTag{Key: k, Value: t[k]})
	}
	return out
}

// validateTag checks one tag as EC2 does.
func validateTag(key, value string) error {
	switch {
	case key == "":
		return errParam("Tag keys must not be empty.")
	case len([]rune(key)) > 128:
		return errParam("Tag key exceeds the maximum length of 128 characters: %s", key)
	case len([]rune(value)) > 256:
		return errParam("Tag value exceeds the maximum length of 256 characters for key %s", key)
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		return errParam("Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", key)
	}
	return nil
}

// parseTags reads Tag.N.Key/Tag.N.Value members under prefix ("Tag" or "TagSpecification.1.Tag").
func parseTags(form url.Values, prefix string) (tagMap, error) {
	out := tagMap{}
	for _, m := range wire.Members(form, prefix) {
		key, value := m.Get("Key"), m.Get("Value")
		if err := validateTag(key, value); err != nil {
			return nil, err
		}
		out[key] = value
	}
	return out, nil
}

// tagSpecifications reads the TagSpecification.N parameters of a Create* call. Every specification must
// name resourceType, the type the operation creates.
func tagSpecifications(form url.Values, resourceType string) (tagMap, error) {
	tags := tagMap{}
	for i, spec := range wire.Members(form, "TagSpecification") {
		rt := spec.Get("ResourceType")
		if rt == "" {
			return nil, errMissing("TagSpecification." + strconv.Itoa(i+1) + ".ResourceType")
		}
		if rt != resourceType {
			return nil, errParam("'%s' is not a valid taggable resource type for this operation.", rt)
		}
		spTags, err := parseTags(spec, "Tag")
		if err != nil {
			return nil, err
		}
		for k, v := range spTags {
			tags[k] = v
		}
	}
	if len(tags) > maxTags {
		return nil, errInvalid("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
	}
	return tags, nil
}

// taggedResource is one resource CreateTags, DeleteTags or DescribeTags reaches.
type taggedResource struct {
	id           string
	resourceType string
	tags         tagMap
}

// taggable finds the tags of a resource by its ID.
func (r *region) taggable(id string) (taggedResource, error) {
	prefix, _, _ := strings.Cut(id, "-")
	for _, k := range taggableKinds {
		if k.prefix != prefix {
			continue
		}
		for _, t := range r.tagged(k) {
			if t.id == id {
				return t, nil
			}
		}
		return taggedResource{}, k.notFound(id)
	}
	return taggedResource{}, errInvalid("InvalidID", "The ID '%s' is not valid", id)
}

// tagged lists the taggable resources of one kind in creation order.
func (r *region) tagged(k kind) []taggedResource {
	var metas []*meta
	switch k {
	case kindVpc:
		metas = metasOf(r.vpcs)
	case kindSubnet:
		metas = metasOf(r.subnets)
	case kindIgw:
		metas = metasOf(r.igws)
	case kindAddress:
		metas = metasOf(r.addresses)
	case kindNat:
		metas = metasOf(r.natGateways)
	case kindRouteTable:
		metas = metasOf(r.routeTables)
	case kindGroup:
		metas = metasOf(r.groups)
	case kindEndpoint:
		metas = metasOf(r.endpoints)
	case kindRule:
		for _, g := range sorted(r.groups) {
			for _, rule := range g.rules {
				metas = append(metas, &rule.meta)
			}
		}
	}
	out := make([]taggedResource, 0, len(metas))
	for _, m := range metas {
		out = append(out, taggedResource{id: m.id, resourceType: k.resourceType, tags: m.tags})
	}
	return out
}

func metasOf[T resource](m map[string]T) []*meta {
	out := make([]*meta, 0, len(m))
	for _, v := range sorted(m) {
		out = append(out, v.base())
	}
	return out
}

// resourceIDs reads the ResourceId.N list CreateTags and DeleteTags require.
func (r *region) resourceIDs(form url.Values) ([]taggedResource, error) {
	ids := wire.Strings(form, "ResourceId")
	if len(ids) == 0 {
		return nil, errMissing("ResourceId")
	}
	out := make([]taggedResource, 0, len(ids))
	for _, id := range ids {
		t, err := r.taggable(id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func createTags(c *wire.Call, r *region) error {
	targets, err := r.resourceIDs(c.Form)
	if err != nil {
		return err
	}
	tags, err := parseTags(c.Form, "Tag")
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return errMissing("Tag")
	}
	for _, t := range targets {
		merged := len(t.tags)
		for k := range tags {
			if _, ok := t.tags[k]; !ok {
				merged++
			}
		}
		if merged > maxTags {
			return errInvalid("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
		}
	}
	for _, t := range targets {
		for k, v := range tags {
			t.tags[k] = v
		}
	}
	return acknowledge(c)
}

func deleteTags(c *wire.Call, r *region) error {
	targets, err := r.resourceIDs(c.Form)
	if err != nil {
		return err
	}
	specs := wire.Members(c.Form, "Tag")
	for _, t := range targets {
		if len(specs) == 0 {
			clear(t.tags)
			continue
		}
		for _, spec := range specs {
			key := spec.Get("Key")
			value, has := t.tags[key]
			// A tag named with a value is deleted only when its value matches; without one, whatever it is.
			if has && (!spec.Has("Value") || spec.Get("Value") == value) {
				delete(t.tags, key)
			}
		}
	}
	return acknowledge(c)
}

// xmlTagDescription is an EC2 TagDescription.
type xmlTagDescription struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

var tagDescriptionFilters = filterFields[xmlTagDescription]{
	"key":           func(t xmlTagDescription) []string { return []string{t.Key} },
	"value":         func(t xmlTagDescription) []string { return []string{t.Value} },
	"resource-id":   func(t xmlTagDescription) []string { return []string{t.ResourceID} },
	"resource-type": func(t xmlTagDescription) []string { return []string{t.ResourceType} },
}

func describeTags(c *wire.Call, r *region) error {
	var all []xmlTagDescription
	for _, k := range taggableKinds {
		for _, t := range r.tagged(k) {
			for _, tag := range t.tags.render() {
				all = append(all, xmlTagDescription{ResourceID: t.id, ResourceType: t.resourceType,
					Key: tag.Key, Value: tag.Value})
			}
		}
	}
	q := query[xmlTagDescription]{fields: tagDescriptionFilters, maxResults: 1000}
	page, next, err := q.run(c, all)
	if err != nil {
		return err
	}
	return c.XML(struct {
		Tags      []xmlTagDescription `xml:"tagSet>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{page, next})
}

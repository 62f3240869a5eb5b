// Package tags builds the ownership tags the operator puts on every AWS resource it creates, and decides
// whether a resource found by name is the operator's to manage.
package tags

import (
	"slices"
	"strings"
)

// Tag keys the operator owns. User tags may not use them, nor the reserved "aws:" prefix.
const (
	Prefix       = "kafkapipeline.dev/"
	KeyClusterID = Prefix + "cluster-id"
	KeyKind      = Prefix + "kind"
	KeyNamespace = Prefix + "namespace"
	KeyName      = Prefix + "name"
	KeyUID       = Prefix + "uid"
	KeyComponent = Prefix + "component"
	KeyManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of KeyManagedBy.
	ManagedBy = "kafka-pipeline-operator"
)

// Owner identifies the Kubernetes object that owns an AWS resource.
type Owner struct {
	// ClusterID names the Kubernetes cluster (a manager flag), so several clusters can share one account.
	ClusterID string
	// Kind is the owning object's kind (KafkaCluster or KafkaPipeline).
	Kind string
	// Namespace and Name identify the owning object.
	Namespace, Name string
	// UID is the owning object's UID; a mismatch means an earlier object of the same name.
	UID string
}

// Tags returns the tags for one component of the owner's resources: the user's tags first, then the
// ownership tags, which always win. User tags with a reserved key or prefix are dropped (admission refuses
// them; this is the second line).
func (o Owner) Tags(component string, user map[string]string) map[string]string {
	out := make(map[string]string, len(user)+7)
	for k, v := range user {
		if !Reserved(k) {
			out[k] = v
		}
	}
	out[KeyClusterID] = o.ClusterID
	out[KeyKind] = o.Kind
	out[KeyNamespace] = o.Namespace
	out[KeyName] = o.Name
	out[KeyUID] = o.UID
	out[KeyComponent] = component
	out[KeyManagedBy] = ManagedBy
	return out
}

// Owns reports whether tags mark a resource as this owner's: cluster id, kind, namespace and name all match.
// The UID may differ (an earlier object of the same name); such a resource is adopted and retagged.
func (o Owner) Owns(tags map[string]string) bool {
	return tags[KeyClusterID] == o.ClusterID && tags[KeyKind] == o.Kind &&
		tags[KeyNamespace] == o.Namespace && tags[KeyName] == o.Name
}

// Reserved reports whether a tag key belongs to AWS or to the operator.
func Reserved(key string) bool {
	return strings.HasPrefix(strings.ToLower(key), "aws:") || strings.HasPrefix(key, Prefix) || key == KeyManagedBy
}

// Diff returns what to change to make current equal desired: tags to set (new or different values) and keys
// to remove (present in current, absent from desired). Keys are sorted for stable API calls.
func Diff(current, desired map[string]string) (set map[string]string, remove []string) {
	set = map[string]string{}
	for k, v := range desired {
		if cur, ok := current[k]; !ok || cur != v {
			set[k] = v
		}
	}
	for k := range current {
		if _, ok := desired[k]; !ok && !strings.HasPrefix(strings.ToLower(k), "aws:") {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	return set, remove
}

// Sync makes a resource's tags equal desired through the service's own tag calls, writing only the
// differences: set receives the tags to add or change and remove the keys to drop, each called only when
// it has something to do. changed reports whether any write succeeded.
func Sync(current, desired map[string]string, set func(map[string]string) error, remove func([]string) error) (changed bool, err error) {
	add, drop := Diff(current, desired)
	if len(add) > 0 {
		if err := set(add); err != nil {
			return false, err
		}
		changed = true
	}
	if len(drop) > 0 {
		if err := remove(drop); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// Retag makes a resource's tags, *current, equal want through its service's own tag calls, writing only the
// differences as Sync does. classify turns a failed call's error into an outcome, told what was being done
// ("tagging " or "untagging " followed by what). When no write fails, *current becomes want.
// changed reports whether any write succeeded.
func Retag(current *map[string]string, want map[string]string, what string, classify func(err error, doing string) error,
	set func(map[string]string) error, remove func([]string) error) (changed bool, err error) {
	changed, err = Sync(*current, want,
		func(add map[string]string) error { return classify(set(add), "tagging "+what) },
		func(keys []string) error { return classify(remove(keys), "untagging "+what) })
	if err == nil {
		*current = want
	}
	return changed, err
}

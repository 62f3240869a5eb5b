// Package naming computes the deterministic AWS names of everything the operator creates. A name is
// "kp-<namespace>-<name>-<hash>-<suffix>": readable, unique per (cluster id, namespace, name) through the
// hash, and within the tightest limit of the service it is used for. Only this package computes names.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Prefix starts every name, so the controller's IAM policy can be scoped to "kp-*".
const Prefix = "kp-"

// Length limits of the services (characters).
const (
	MaxMSKCluster = 64
	MaxPipe       = 64
	MaxFunction   = 64
	MaxRole       = 64
	MaxQueue      = 80
	MaxEC2Name    = 255
)

// Suffixes of the managed parts.
const (
	SuffixCluster      = "msk"
	SuffixNetwork      = "net"
	SuffixQueue        = "dlq"
	SuffixFunction     = "fn"
	SuffixFunctionRole = "fn-role"
	SuffixPipe         = "pipe"
	SuffixPipeRole     = "pipe-role"
	// SuffixTopicAdmin names a cluster's topic admin function; the controller policy scopes
	// lambda:InvokeFunction to function names ending in it.
	SuffixTopicAdmin     = "topic-admin"
	SuffixTopicAdminRole = "topic-admin-role"
)

// Name returns the name of one part of an object's resources, at most max characters, using only
// [a-z0-9-]. The same inputs always give the same name; different (clusterID, namespace, name) give
// different names even when truncation makes the readable part equal.
func Name(clusterID, namespace, name, suffix string, max int) string {
	sum := sha256.Sum256([]byte(clusterID + "/" + namespace + "/" + name))
	tail := "-" + hex.EncodeToString(sum[:])[:8] + "-" + suffix
	readable := sanitize(namespace + "-" + name)
	room := max - len(Prefix) - len(tail)
	if room < 1 {
		room = 1
	}
	if len(readable) > room {
		readable = strings.TrimRight(readable[:room], "-")
	}
	if readable == "" {
		return Prefix + tail[1:]
	}
	return Prefix + readable + tail
}

// sanitize lower-cases s and replaces every run of characters outside [a-z0-9] with one "-".
func sanitize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// ConsumerGroup returns the Kafka consumer group a pipeline uses when its spec names none: stable across
// pipe re-creation, so a replaced pipe resumes from the committed offsets.
func ConsumerGroup(clusterID, namespace, name string) string {
	return Name(clusterID, namespace, name, "group", 200)
}

package sqs

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// attrKind says how a settable queue attribute is validated.
type attrKind int

const (
	attrInt attrKind = iota
	attrBool
	attrEnum
	attrJSON
	attrText
)

// attrSpec describes one settable queue attribute.
type attrSpec struct {
	kind     attrKind
	min, max int      // attrInt range
	enum     []string // attrEnum values
	def      string   // default every queue shows ("" = absent until set)
	fifoOnly bool     // only FIFO queues accept it
	create   bool     // can be given only on CreateQueue
}

// settable lists the attributes CreateQueue and SetQueueAttributes accept.
var settable = map[string]attrSpec{
	"DelaySeconds":                  {kind: attrInt, min: 0, max: 900, def: "0"},
	"MaximumMessageSize":            {kind: attrInt, min: 1024, max: 1048576, def: "1048576"},
	"MessageRetentionPeriod":        {kind: attrInt, min: 60, max: 1209600, def: "345600"},
	"ReceiveMessageWaitTimeSeconds": {kind: attrInt, min: 0, max: 20, def: "0"},
	"VisibilityTimeout":             {kind: attrInt, min: 0, max: 43200, def: "30"},
	"KmsDataKeyReusePeriodSeconds":  {kind: attrInt, min: 60, max: 86400},
	"SqsManagedSseEnabled":          {kind: attrBool, def: "true"},
	"Policy":                        {kind: attrJSON},
	"RedrivePolicy":                 {kind: attrJSON},
	"RedriveAllowPolicy":            {kind: attrJSON},
	"KmsMasterKeyId":                {kind: attrText},
	"FifoQueue":                     {kind: attrBool, create: true},
	"ContentBasedDeduplication":     {kind: attrBool, fifoOnly: true},
	"DeduplicationScope":            {kind: attrEnum, enum: []string{"messageGroup", "queue"}, fifoOnly: true},
	"FifoThroughputLimit":           {kind: attrEnum, enum: []string{"perQueue", "perMessageGroupId"}, fifoOnly: true},
}

// readOnly lists the attributes GetQueueAttributes computes.
var readOnly = []string{"QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
	"ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp"}

// defaultAttributes returns the settable attributes a new queue starts with.
func defaultAttributes(fifo bool) map[string]string {
	out := map[string]string{}
	for name, spec := range settable {
		if spec.def != "" {
			out[name] = spec.def
		}
	}
	if fifo {
		out["FifoQueue"] = "true"
		out["ContentBasedDeduplication"] = "false"
		out["DeduplicationScope"] = "queue"
		out["FifoThroughputLimit"] = "perQueue"
	}
	return out
}

// redrivePolicy is the parsed RedrivePolicy attribute.
type redrivePolicy struct {
	DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	MaxReceiveCount     int    `json:"maxReceiveCount"`
}

// dlqLookup reports whether a queue ARN exists and whether it is FIFO.
type dlqLookup func(arn string) (exists, fifo bool)

// normalizeAttributes validates attributes for a queue and returns them in canonical form. creating allows
// create-only attributes.
func normalizeAttributes(in map[string]string, fifo, creating bool, dlq dlqLookup) (map[string]string, *wire.Error) {
	out := make(map[string]string, len(in))
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		raw := in[name]
		spec, ok := settable[name]
		if !ok || (spec.fifoOnly && !fifo) || (spec.create && !creating) {
			return nil, invalidAttributeName(name)
		}
		v, err := normalizeAttribute(name, raw, spec, fifo, dlq)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

func normalizeAttribute(name, raw string, spec attrSpec, fifo bool, dlq dlqLookup) (string, *wire.Error) {
	bad := invalidAttributeValue("Invalid value for the parameter %s.", name)
	raw = strings.TrimSpace(raw)
	switch spec.kind {
	case attrInt:
		n, err := strconv.Atoi(raw)
		if err != nil || n < spec.min || n > spec.max {
			return "", bad
		}
		return strconv.Itoa(n), nil
	case attrBool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return "", bad
		}
		return strconv.FormatBool(b), nil
	case attrEnum:
		if !slices.Contains(spec.enum, raw) {
			return "", bad
		}
		return raw, nil
	case attrJSON:
		if raw == "" {
			return "", nil // an empty policy removes it
		}
		if name == "RedrivePolicy" {
			return normalizeRedrivePolicy(raw, fifo, dlq)
		}
		if !json.Valid([]byte(raw)) {
			return "", bad
		}
		return raw, nil
	}
	return raw, nil
}

// normalizeRedrivePolicy checks a RedrivePolicy and renders it the way AWS returns it. maxReceiveCount may
// be a JSON number or a string holding one, as AWS accepts both.
func normalizeRedrivePolicy(raw string, fifo bool, dlq dlqLookup) (string, *wire.Error) {
	reason := func(why string) *wire.Error {
		return invalidAttributeValue("Value %s for parameter RedrivePolicy is invalid. Reason: %s", raw, why)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return "", reason("Redrive policy is not a valid JSON map.")
	}
	arn, _ := doc["deadLetterTargetArn"].(string)
	if arn == "" {
		return "", reason("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	var count int
	switch v := doc["maxReceiveCount"].(type) {
	case float64:
		count = int(v)
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", reason("Invalid value for maxReceiveCount: " + v + ", valid values are from 1 to 1000 both inclusive.")
		}
		count = n
	case nil:
		return "", reason("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	if count < 1 || count > 1000 {
		return "", reason("Invalid value for maxReceiveCount: " + strconv.Itoa(count) +
			", valid values are from 1 to 1000 both inclusive.")
	}
	exists, dlqFIFO := dlq(arn)
	if !exists {
		return "", reason("Dead-letter target does not exist.")
	}
	if dlqFIFO != fifo {
		return "", reason("Dead-letter queue must be same type of queue as the source.")
	}
	b, err := json.Marshal(redrivePolicy{DeadLetterTargetArn: arn, MaxReceiveCount: count})
	if err != nil {
		return "", wire.Internal(err)
	}
	return string(b), nil
}

// allAttributes returns every attribute of q as GetQueueAttributes All does.
func (q *queue) allAttributes(now time.Time) map[string]string {
	out := make(map[string]string, len(q.attrs)+len(readOnly))
	for k, v := range q.attrs {
		if v != "" {
			out[k] = v
		}
	}
	visible, notVisible, delayed := q.counts(now)
	out["QueueArn"] = q.arn
	out["ApproximateNumberOfMessages"] = strconv.Itoa(visible)
	out["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(notVisible)
	out["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(delayed)
	out["CreatedTimestamp"] = strconv.FormatInt(q.created.Unix(), 10)
	out["LastModifiedTimestamp"] = strconv.FormatInt(q.modified.Unix(), 10)
	return out
}

// selectAttributes answers GetQueueAttributes: "All" or the named attributes (absent ones are left out);
// an unknown name is InvalidAttributeName.
func (q *queue) selectAttributes(names []string, now time.Time) (map[string]string, *wire.Error) {
	all := q.allAttributes(now)
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all, nil
		}
		if _, ok := settable[n]; !ok && !slices.Contains(readOnly, n) {
			return nil, invalidAttributeName(n)
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return out, nil
}

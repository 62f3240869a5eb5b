package pipes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Patterns from the Pipes API model, anchored.
var (
	namePattern      = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)
	roleARNPattern   = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z0-9+=,.@\-_/]+$`)
	arnPattern       = regexp.MustCompile(`^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-]+):([a-z]{2,4}((-gov)|(-de)|(-iso([a-z]?)))?-[a-z]+(-\d{1})?)?:(\d{12})?:(.+)$`)
	pipeARNPattern   = regexp.MustCompile(`^arn:aws([a-z]|\-)*:([a-zA-Z0-9\-]+):([a-z]|\d|\-)*:([0-9]{12})?:(.+)$`)
	topicPattern     = regexp.MustCompile(`^[^.]([a-zA-Z0-9\-_.]+)$`)
	groupIDPattern   = regexp.MustCompile(`^[a-zA-Z0-9\-/*:_+=.@]*$`)
	secretARNPattern = regexp.MustCompile(`^arn:aws([a-z]|\-)*:secretsmanager:([a-z]{2,4}((-gov)|(-de)|(-iso([a-z]?)))?-[a-z]+(-\d{1})?):(\d{12}):secret:.+$`)
	logGroupPattern  = regexp.MustCompile(`^arn:aws([a-z]|\-)*:logs:([a-z]{2,4}((-gov)|(-de)|(-iso([a-z]?)))?-[a-z]+(-\d{1})?):(\d{12}):log-group:[\.\-_/#A-Za-z0-9]{1,512}(:\*)?$`)
	kmsKeyPattern    = regexp.MustCompile(`^[a-zA-Z0-9_\-/:]*$`)
)

// Limits from the Pipes API model.
const (
	maxNameLen          = 64
	maxDescriptionLen   = 512
	maxARNLen           = 1600
	maxTopicLen         = 249
	maxGroupIDLen       = 200
	maxBatchSize        = 10000
	maxBatchingWindow   = 300
	maxFilters          = 5
	maxPatternLen       = 4096
	maxInputTemplateLen = 8192
	maxKMSKeyLen        = 2048
	maxTags             = 50
	maxTagKeyLen        = 128
	maxTagValueLen      = 256
	maxStateReasonLen   = 512
)

var (
	requestedStates   = []string{stateRunning, stateStopped}
	startingPositions = []string{"TRIM_HORIZON", "LATEST"}
	invocationTypes   = []string{"REQUEST_RESPONSE", "FIRE_AND_FORGET"}
	logLevels         = []string{"OFF", "ERROR", "INFO", "TRACE"}
)

// otherSourceKinds and otherTargetKinds are parameter members for sources and targets other than MSK and
// Lambda; sending one for an MSK → Lambda pipe is a validation error.
var (
	otherSourceKinds = []string{"KinesisStreamParameters", "DynamoDBStreamParameters", "SqsQueueParameters",
		"ActiveMQBrokerParameters", "RabbitMQBrokerParameters", "SelfManagedKafkaParameters"}
	otherTargetKinds = []string{"StepFunctionStateMachineParameters", "KinesisStreamParameters", "EcsTaskParameters",
		"BatchJobParameters", "SqsQueueParameters", "HttpParameters", "RedshiftDataParameters",
		"SageMakerPipelineParameters", "EventBridgeEventBusParameters", "CloudWatchLogsParameters", "TimestreamParameters"}
)

// fieldError is one ValidationExceptionField.
type fieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// fieldErrors collects validation failures into one ValidationException.
type fieldErrors struct {
	list []fieldError
}

func (f *fieldErrors) add(name, format string, args ...any) {
	f.list = append(f.list, fieldError{Name: name, Message: fmt.Sprintf(format, args...)})
}

// err returns the ValidationException for the collected failures, or nil.
func (f *fieldErrors) err() *wire.Error {
	if len(f.list) == 0 {
		return nil
	}
	parts := make([]string, len(f.list))
	for i, fe := range f.list {
		parts[i] = fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", fe.Name, fe.Message)
	}
	noun := "error"
	if len(parts) > 1 {
		noun = "errors"
	}
	return wire.Errorf(http.StatusBadRequest, "ValidationException", "%d validation %s detected: %s",
		len(parts), noun, strings.Join(parts, "; ")).With("fieldList", f.list)
}

func (f *fieldErrors) length(name, v string, lo, hi int) bool {
	if len(v) < lo || len(v) > hi {
		f.add(name, "Member must have length between %d and %d", lo, hi)
		return false
	}
	return true
}

func (f *fieldErrors) pattern(name, v string, re *regexp.Regexp) {
	if !re.MatchString(v) {
		f.add(name, "Member must satisfy regular expression pattern: %s", strings.Trim(re.String(), "^$"))
	}
}

// text checks a string member's length and, when re is not nil, its pattern.
func (f *fieldErrors) text(name, v string, lo, hi int, re *regexp.Regexp) {
	if f.length(name, v, lo, hi) && re != nil {
		f.pattern(name, v, re)
	}
}

func (f *fieldErrors) required(name string, present bool) bool {
	if !present {
		f.add(name, "Member must not be null")
	}
	return present
}

func (f *fieldErrors) intRange(name string, v *int, lo, hi int) {
	if v != nil && (*v < lo || *v > hi) {
		f.add(name, "Member must have value between %d and %d", lo, hi)
	}
}

func (f *fieldErrors) enum(name, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		f.add(name, "Member must satisfy enum value set: [%s]", strings.Join(allowed, ", "))
	}
}

// decode unmarshals a raw member into v, reporting members that belong to other source or target kinds.
func (f *fieldErrors) decode(name string, raw json.RawMessage, others []string, v any) bool {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		f.add(name, "Member must be an object")
		return false
	}
	for _, k := range others {
		if _, ok := members[k]; ok {
			f.add(name+"."+k, "Member does not apply to a pipe from an Amazon MSK cluster to a Lambda function")
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		f.add(name, "Member is malformed: %v", err)
		return false
	}
	return true
}

func validateName(name string) *wire.Error {
	var f fieldErrors
	f.text("Name", name, 1, maxNameLen, namePattern)
	return f.err()
}

// common holds the members CreatePipe and UpdatePipe share, validated.
type common struct {
	targetParams *targetParameters
	logConfig    json.RawMessage
	enrichParams json.RawMessage
}

// validateCommon checks the members CreatePipe and UpdatePipe share.
func (f *fieldErrors) validateCommon(description, desired, enrichment, target, role, kms *string,
	targetRaw, enrichRaw, logRaw json.RawMessage) common {
	var out common
	if description != nil {
		f.length("Description", *description, 0, maxDescriptionLen)
	}
	if desired != nil {
		f.enum("DesiredState", *desired, requestedStates)
	}
	if enrichment != nil && *enrichment != "" {
		f.text("Enrichment", *enrichment, 0, maxARNLen, arnPattern)
	}
	if target != nil {
		f.text("Target", *target, 1, maxARNLen, arnPattern)
		if arnPattern.MatchString(*target) && !isFunctionARN(*target) {
			f.add("Target", "Member must be the ARN of a Lambda function: other targets are not supported by this endpoint")
		}
	}
	if f.required("RoleArn", role != nil) {
		f.text("RoleArn", *role, 1, maxARNLen, roleARNPattern)
	}
	if kms != nil {
		f.text("KmsKeyIdentifier", *kms, 0, maxKMSKeyLen, kmsKeyPattern)
	}
	if targetRaw != nil {
		var tp targetParameters
		if f.decode("TargetParameters", targetRaw, otherTargetKinds, &tp) {
			if tp.InputTemplate != nil {
				f.length("TargetParameters.InputTemplate", *tp.InputTemplate, 0, maxInputTemplateLen)
			}
			if lp := tp.LambdaFunctionParameters; lp != nil && lp.InvocationType != "" {
				f.enum("TargetParameters.LambdaFunctionParameters.InvocationType", lp.InvocationType, invocationTypes)
			}
			out.targetParams = &tp
		}
	}
	if enrichRaw != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(enrichRaw, &obj) != nil {
			f.add("EnrichmentParameters", "Member must be an object")
		}
		out.enrichParams = enrichRaw
	}
	if logRaw != nil {
		var lc logConfiguration
		if f.decode("LogConfiguration", logRaw, nil, &lc) {
			if f.required("LogConfiguration.Level", lc.Level != nil) {
				f.enum("LogConfiguration.Level", *lc.Level, logLevels)
			}
			if d := lc.CloudwatchLogsLogDestination; d != nil && f.required("LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn", d.LogGroupArn != nil) {
				f.text("LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn", *d.LogGroupArn, 1, maxARNLen, logGroupPattern)
			}
			for _, o := range lc.IncludeExecutionData {
				f.enum("LogConfiguration.IncludeExecutionData", o, []string{"ALL"})
			}
		}
		out.logConfig = logRaw
	}
	return out
}

func (f *fieldErrors) filterCriteria(fc *filterCriteria) {
	if fc == nil {
		return
	}
	if len(fc.Filters) > maxFilters {
		f.add("SourceParameters.FilterCriteria.Filters", "Member must have length less than or equal to %d", maxFilters)
	}
	for i, flt := range fc.Filters {
		if flt.Pattern == nil {
			continue
		}
		name := fmt.Sprintf("SourceParameters.FilterCriteria.Filters.%d.Pattern", i+1)
		var obj map[string]any
		if f.length(name, *flt.Pattern, 0, maxPatternLen) && json.Unmarshal([]byte(*flt.Pattern), &obj) != nil {
			f.add(name, "Member must be a valid event pattern (a JSON object)")
		}
	}
}

func (f *fieldErrors) batching(prefix string, size, window *int, creds *mskCredentials) {
	f.intRange(prefix+".BatchSize", size, 1, maxBatchSize)
	f.intRange(prefix+".MaximumBatchingWindowInSeconds", window, 0, maxBatchingWindow)
	if creds == nil {
		return
	}
	set := 0
	for _, v := range []string{creds.SaslScram512Auth, creds.ClientCertificateTlsAuth} {
		if v != "" {
			set++
			f.text(prefix+".Credentials", v, 1, maxARNLen, secretARNPattern)
		}
	}
	if set != 1 {
		f.add(prefix+".Credentials", "Member must set exactly one of SaslScram512Auth and ClientCertificateTlsAuth")
	}
}

// createSource checks CreatePipe's Source and SourceParameters.
func (f *fieldErrors) createSource(source *string, raw json.RawMessage) sourceParameters {
	var sp sourceParameters
	if f.required("Source", source != nil) && f.length("Source", *source, 1, maxARNLen) {
		if _, ok := parseClusterARN(*source); !ok {
			f.add("Source", "Member must be the ARN of an Amazon MSK cluster: other sources are not supported by this endpoint")
		}
	}
	if raw == nil || !f.decode("SourceParameters", raw, otherSourceKinds, &sp) {
		if raw == nil {
			f.add("SourceParameters.ManagedStreamingKafkaParameters", "Member must not be null for an Amazon MSK source")
		}
		return sp
	}
	f.filterCriteria(sp.FilterCriteria)
	m := sp.ManagedStreamingKafkaParameters
	if !f.required("SourceParameters.ManagedStreamingKafkaParameters", m != nil) {
		return sp
	}
	const prefix = "SourceParameters.ManagedStreamingKafkaParameters"
	if f.required(prefix+".TopicName", m.TopicName != "") {
		f.text(prefix+".TopicName", m.TopicName, 1, maxTopicLen, topicPattern)
	}
	if m.StartingPosition != "" {
		f.enum(prefix+".StartingPosition", m.StartingPosition, startingPositions)
	}
	if m.ConsumerGroupID != "" {
		f.text(prefix+".ConsumerGroupID", m.ConsumerGroupID, 1, maxGroupIDLen, groupIDPattern)
	}
	f.batching(prefix, m.BatchSize, m.MaximumBatchingWindowInSeconds, m.Credentials)
	return sp
}

// updateSource checks UpdatePipe's SourceParameters.
func (f *fieldErrors) updateSource(raw json.RawMessage) *updateSourceParameters {
	if raw == nil {
		return nil
	}
	var sp updateSourceParameters
	if !f.decode("SourceParameters", raw, otherSourceKinds, &sp) {
		return nil
	}
	f.filterCriteria(sp.FilterCriteria)
	if m := sp.ManagedStreamingKafkaParameters; m != nil {
		f.batching("SourceParameters.ManagedStreamingKafkaParameters", m.BatchSize, m.MaximumBatchingWindowInSeconds, m.Credentials)
	}
	return &sp
}

// tags checks tags being added to a pipe that already has existing ones.
func (f *fieldErrors) tags(name string, tags, existing map[string]string) {
	merged := len(existing)
	for k, v := range tags {
		if _, ok := existing[k]; !ok {
			merged++
		}
		f.length(name+".key", k, 1, maxTagKeyLen)
		f.length(name+"."+k, v, 0, maxTagValueLen)
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			f.add(name+".key", "Tag keys must not start with the reserved prefix aws:")
		}
	}
	if merged > maxTags {
		f.add(name, "A pipe can have at most %d tags; this request would give it %d", maxTags, merged)
	}
}

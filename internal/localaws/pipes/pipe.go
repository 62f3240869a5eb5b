package pipes

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Pipe states (PipeState) and desired states (RequestedPipeState[DescribeResponse]).
const (
	stateRunning      = "RUNNING"
	stateStopped      = "STOPPED"
	stateCreating     = "CREATING"
	stateUpdating     = "UPDATING"
	stateDeleting     = "DELETING"
	stateStarting     = "STARTING"
	stateStopping     = "STOPPING"
	stateCreateFailed = "CREATE_FAILED"
	stateUpdateFailed = "UPDATE_FAILED"
	stateStartFailed  = "START_FAILED"
	desiredDeleted    = "DELETED"
)

// pipeStates lists every PipeState value, for validating the ListPipes CurrentState filter.
var pipeStates = []string{"RUNNING", "STOPPED", "CREATING", "UPDATING", "DELETING", "STARTING", "STOPPING",
	"CREATE_FAILED", "UPDATE_FAILED", "START_FAILED", "STOP_FAILED", "DELETE_FAILED", "CREATE_ROLLBACK_FAILED",
	"DELETE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_FAILED"}

// transitional reports whether a pipe in state is in the middle of a change, which Update, Start, Stop and
// Delete refuse with ConflictException.
func transitional(state string) bool {
	switch state {
	case stateCreating, stateUpdating, stateDeleting, stateStarting, stateStopping:
		return true
	}
	return false
}

// Source defaults. BatchSize 100 is documented; the default batching window and starting position for MSK
// sources are UNCONFIRMED (0 s, and LATEST as the console suggests).
const (
	defaultBatchSize        = 100
	defaultBatchingWindow   = 0
	defaultStartingPosition = "LATEST"
	defaultInvocationType   = "REQUEST_RESPONSE"
)

// pipe is one pipe. Fields are guarded by Service.mu.
type pipe struct {
	name, arn, region string
	description       string
	desired, current  string
	stateReason       string
	source            string
	sourceParams      sourceParameters // ManagedStreamingKafkaParameters is never nil
	enrichment        string
	enrichmentParams  json.RawMessage
	target            string
	targetParams      *targetParameters
	roleARN           string
	tags              map[string]string
	created, modified time.Time
	logConfig         json.RawMessage
	kmsKey            string
	// groupID is the consumer group the pipe uses when ConsumerGroupID is not given: a UUID derived from
	// the ARN and creation time, so it is stable for the pipe and new for a re-created pipe of the same
	// name (as on AWS, which does not show it).
	groupID string
	// gen counts transitions; a scheduled completion applies only if no later one started.
	gen int
}

// PipeView is a copy of a pipe with what the data plane needs.
type PipeView struct {
	// Name and ARN identify the pipe.
	Name, ARN string
	// SourceClusterARN is the MSK cluster the pipe reads.
	SourceClusterARN string
	// Topic is the Kafka topic.
	Topic string
	// StartingPosition is TRIM_HORIZON or LATEST (the default when not given).
	StartingPosition string
	// BatchSize is the maximum number of records per invocation.
	BatchSize int
	// MaximumBatchingWindowInSeconds is how long to gather records before invoking.
	MaximumBatchingWindowInSeconds int
	// ConsumerGroupID is the Kafka consumer group: the one given, or the pipe's own default.
	ConsumerGroupID string
	// FilterPatterns are the event patterns of the source's FilterCriteria.
	FilterPatterns []string
	// TargetARN is the Lambda function.
	TargetARN string
	// InvocationType is REQUEST_RESPONSE (the default) or FIRE_AND_FORGET.
	InvocationType string
	// InputTemplate transforms each event when set.
	InputTemplate string
	// RoleARN is the execution role.
	RoleARN string
	// CurrentState and DesiredState are the pipe's states.
	CurrentState, DesiredState string
}

func pipeARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:pipes:%s:%s:pipe/%s", region, account, name)
}

func defaultGroupID(arn string, created time.Time) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("%s@%d", arn, created.UnixNano()))).String()
}

func (p *pipe) msk() *mskParameters { return p.sourceParams.ManagedStreamingKafkaParameters }

func (p *pipe) view() PipeView {
	m := p.msk()
	v := PipeView{
		Name: p.name, ARN: p.arn, SourceClusterARN: p.source, Topic: m.TopicName,
		StartingPosition: orDefault(m.StartingPosition, defaultStartingPosition),
		BatchSize:        intOr(m.BatchSize, defaultBatchSize), MaximumBatchingWindowInSeconds: intOr(m.MaximumBatchingWindowInSeconds, defaultBatchingWindow),
		ConsumerGroupID: orDefault(m.ConsumerGroupID, p.groupID), TargetARN: p.target, InvocationType: defaultInvocationType,
		RoleARN: p.roleARN, CurrentState: p.current, DesiredState: p.desired,
	}
	if fc := p.sourceParams.FilterCriteria; fc != nil {
		for _, f := range fc.Filters {
			if f.Pattern != nil {
				v.FilterPatterns = append(v.FilterPatterns, *f.Pattern)
			}
		}
	}
	if tp := p.targetParams; tp != nil {
		if tp.LambdaFunctionParameters != nil && tp.LambdaFunctionParameters.InvocationType != "" {
			v.InvocationType = tp.LambdaFunctionParameters.InvocationType
		}
		if tp.InputTemplate != nil {
			v.InputTemplate = *tp.InputTemplate
		}
	}
	return v
}

func (p *pipe) stateResponse() stateResponse {
	return stateResponse{Arn: p.arn, Name: p.name, DesiredState: p.desired, CurrentState: p.current,
		CreationTime: epochSeconds(p.created), LastModifiedTime: epochSeconds(p.modified)}
}

func (p *pipe) describe() describeResponse {
	src := p.sourceParams
	m := *p.msk()
	// DescribePipe reports the batch size and batching window in force, defaults included.
	m.BatchSize = intPtr(intOr(m.BatchSize, defaultBatchSize))
	m.MaximumBatchingWindowInSeconds = intPtr(intOr(m.MaximumBatchingWindowInSeconds, defaultBatchingWindow))
	src.ManagedStreamingKafkaParameters = &m
	return describeResponse{
		Arn: p.arn, Name: p.name, Description: p.description, DesiredState: p.desired, CurrentState: p.current,
		StateReason: p.stateReason, Source: p.source, SourceParameters: src, Enrichment: p.enrichment,
		EnrichmentParameters: p.enrichmentParams, Target: p.target, TargetParameters: p.targetParams,
		RoleArn: p.roleARN, Tags: maps.Clone(p.tags), CreationTime: epochSeconds(p.created),
		LastModifiedTime: epochSeconds(p.modified), LogConfiguration: p.logConfig, KmsKeyIdentifier: p.kmsKey,
	}
}

func (p *pipe) listEntry() listEntry {
	return listEntry{Name: p.name, Arn: p.arn, DesiredState: p.desired, CurrentState: p.current,
		StateReason: p.stateReason, CreationTime: epochSeconds(p.created), LastModifiedTime: epochSeconds(p.modified),
		Source: p.source, Target: p.target, Enrichment: p.enrichment}
}

// mskCluster splits an MSK cluster ARN arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> into the
// parts topic and group ARNs are built from.
type mskCluster struct {
	prefix, name, id string // prefix is "arn:aws:kafka:<region>:<account>:"
}

func parseClusterARN(arn string) (mskCluster, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kafka" {
		return mskCluster{}, false
	}
	res := strings.Split(parts[5], "/")
	if len(res) != 3 || res[0] != "cluster" || res[1] == "" || res[2] == "" {
		return mskCluster{}, false
	}
	return mskCluster{prefix: strings.Join(parts[:5], ":") + ":", name: res[1], id: res[2]}, true
}

func (c mskCluster) topicARN(topic string) string {
	return c.prefix + "topic/" + c.name + "/" + c.id + "/" + topic
}

func (c mskCluster) groupARN(group string) string {
	return c.prefix + "group/" + c.name + "/" + c.id + "/" + group
}

// isFunctionARN reports whether arn names a Lambda function (optionally qualified).
func isFunctionARN(arn string) bool {
	parts := strings.Split(arn, ":")
	return (len(parts) == 7 || len(parts) == 8) && parts[0] == "arn" && parts[2] == "lambda" &&
		parts[5] == "function" && parts[6] != ""
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intOr(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

func intPtr(v int) *int { return &v }

package pipes

import (
	"encoding/json"
	"strconv"
	"time"
)

// epochSeconds marshals a time as the JSON number of seconds since the epoch (with milliseconds), the
// restJson1 timestamp format.
type epochSeconds time.Time

// MarshalJSON implements json.Marshaler.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

// sourceParameters is PipeSourceParameters restricted to an MSK source.
type sourceParameters struct {
	FilterCriteria                  *filterCriteria `json:"FilterCriteria,omitempty"`
	ManagedStreamingKafkaParameters *mskParameters  `json:"ManagedStreamingKafkaParameters,omitempty"`
}

// updateSourceParameters is UpdatePipeSourceParameters restricted to an MSK source.
type updateSourceParameters struct {
	FilterCriteria                  *filterCriteria      `json:"FilterCriteria,omitempty"`
	ManagedStreamingKafkaParameters *updateMSKParameters `json:"ManagedStreamingKafkaParameters,omitempty"`
}

type filterCriteria struct {
	Filters []filter `json:"Filters"`
}

type filter struct {
	Pattern *string `json:"Pattern,omitempty"`
}

// mskParameters is PipeSourceManagedStreamingKafkaParameters.
type mskParameters struct {
	TopicName                      string          `json:"TopicName"`
	StartingPosition               string          `json:"StartingPosition,omitempty"`
	BatchSize                      *int            `json:"BatchSize,omitempty"`
	MaximumBatchingWindowInSeconds *int            `json:"MaximumBatchingWindowInSeconds,omitempty"`
	ConsumerGroupID                string          `json:"ConsumerGroupID,omitempty"`
	Credentials                    *mskCredentials `json:"Credentials,omitempty"`
}

// updateMSKParameters is UpdatePipeSourceManagedStreamingKafkaParameters: TopicName, StartingPosition and
// ConsumerGroupID are not members, so they cannot change.
type updateMSKParameters struct {
	BatchSize                      *int            `json:"BatchSize,omitempty"`
	MaximumBatchingWindowInSeconds *int            `json:"MaximumBatchingWindowInSeconds,omitempty"`
	Credentials                    *mskCredentials `json:"Credentials,omitempty"`
}

// mskCredentials is the MSKAccessCredentials union.
type mskCredentials struct {
	SaslScram512Auth         string `json:"SaslScram512Auth,omitempty"`
	ClientCertificateTlsAuth string `json:"ClientCertificateTlsAuth,omitempty"`
}

// targetParameters is PipeTargetParameters restricted to a Lambda target.
type targetParameters struct {
	InputTemplate            *string           `json:"InputTemplate,omitempty"`
	LambdaFunctionParameters *lambdaParameters `json:"LambdaFunctionParameters,omitempty"`
}

type lambdaParameters struct {
	InvocationType string `json:"InvocationType,omitempty"`
}

// logConfiguration is PipeLogConfigurationParameters: Level and the CloudWatch Logs destination are
// checked, the whole object is kept as sent and echoed by DescribePipe.
type logConfiguration struct {
	Level                        *string `json:"Level"`
	CloudwatchLogsLogDestination *struct {
		LogGroupArn *string `json:"LogGroupArn"`
	} `json:"CloudwatchLogsLogDestination"`
	IncludeExecutionData []string `json:"IncludeExecutionData"`
}

type createRequest struct {
	Description          *string           `json:"Description"`
	DesiredState         *string           `json:"DesiredState"`
	Source               *string           `json:"Source"`
	SourceParameters     json.RawMessage   `json:"SourceParameters"`
	Enrichment           *string           `json:"Enrichment"`
	EnrichmentParameters json.RawMessage   `json:"EnrichmentParameters"`
	Target               *string           `json:"Target"`
	TargetParameters     json.RawMessage   `json:"TargetParameters"`
	RoleArn              *string           `json:"RoleArn"`
	Tags                 map[string]string `json:"Tags"`
	LogConfiguration     json.RawMessage   `json:"LogConfiguration"`
	KmsKeyIdentifier     *string           `json:"KmsKeyIdentifier"`
}

type updateRequest struct {
	Description          *string         `json:"Description"`
	DesiredState         *string         `json:"DesiredState"`
	SourceParameters     json.RawMessage `json:"SourceParameters"`
	Enrichment           *string         `json:"Enrichment"`
	EnrichmentParameters json.RawMessage `json:"EnrichmentParameters"`
	Target               *string         `json:"Target"`
	TargetParameters     json.RawMessage `json:"TargetParameters"`
	RoleArn              *string         `json:"RoleArn"`
	LogConfiguration     json.RawMessage `json:"LogConfiguration"`
	KmsKeyIdentifier     *string         `json:"KmsKeyIdentifier"`
}

// stateResponse is the output of CreatePipe, UpdatePipe, DeletePipe, StartPipe and StopPipe.
type stateResponse struct {
	Arn              string       `json:"Arn"`
	Name             string       `json:"Name"`
	DesiredState     string       `json:"DesiredState"`
	CurrentState     string       `json:"CurrentState"`
	CreationTime     epochSeconds `json:"CreationTime"`
	LastModifiedTime epochSeconds `json:"LastModifiedTime"`
}

// describeResponse is DescribePipe's output.
type describeResponse struct {
	Arn                  string            `json:"Arn"`
	Name                 string            `json:"Name"`
	Description          string            `json:"Description,omitempty"`
	DesiredState         string            `json:"DesiredState"`
	CurrentState         string            `json:"CurrentState"`
	StateReason          string            `json:"StateReason,omitempty"`
	Source               string            `json:"Source"`
	SourceParameters     sourceParameters  `json:"SourceParameters"`
	Enrichment           string            `json:"Enrichment,omitempty"`
	EnrichmentParameters json.RawMessage   `json:"EnrichmentParameters,omitempty"`
	Target               string            `json:"Target"`
	TargetParameters     *targetParameters `json:"TargetParameters,omitempty"`
	RoleArn              string            `json:"RoleArn"`
	Tags                 map[string]string `json:"Tags,omitempty"`
	CreationTime         epochSeconds      `json:"CreationTime"`
	LastModifiedTime     epochSeconds      `json:"LastModifiedTime"`
	LogConfiguration     json.RawMessage   `json:"LogConfiguration,omitempty"`
	KmsKeyIdentifier     string            `json:"KmsKeyIdentifier,omitempty"`
}

// listEntry is the Pipe shape of ListPipes.
type listEntry struct {
	Name             string       `json:"Name"`
	Arn              string       `json:"Arn"`
	DesiredState     string       `json:"DesiredState"`
	CurrentState     string       `json:"CurrentState"`
	StateReason      string       `json:"StateReason,omitempty"`
	CreationTime     epochSeconds `json:"CreationTime"`
	LastModifiedTime epochSeconds `json:"LastModifiedTime"`
	Source           string       `json:"Source"`
	Target           string       `json:"Target"`
	Enrichment       string       `json:"Enrichment,omitempty"`
}

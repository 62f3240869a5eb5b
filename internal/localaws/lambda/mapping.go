package lambda

import (
	"maps"
	"time"
)

// Event source mapping states.
const (
	stateCreating  = "Creating"
	stateEnabling  = "Enabling"
	stateEnabled   = "Enabled"
	stateDisabling = "Disabling"
	stateDisabled  = "Disabled"
	stateUpdating  = "Updating"
	stateDeleting  = "Deleting"
)

// Event source mapping defaults for Kafka sources.
const (
	defaultBatchSize   = 100
	defaultKafkaWindow = 500 * time.Millisecond
)

type filter struct {
	Pattern *string `json:"Pattern,omitempty"`
}

type filterCriteria struct {
	Filters []filter `json:"Filters"`
}

type kafkaConfig struct {
	ConsumerGroupID *string `json:"ConsumerGroupId,omitempty"`
}

// mapping is one Kafka event source mapping.
type mapping struct {
	seq               int64
	uuid, arn, region string
	eventSourceARN    string
	functionName      string
	functionARN       string // as reported: qualified when the mapping was made with a qualifier
	topic             string
	startingPosition  string
	startingTimestamp *float64
	batchSize         int
	window            *int
	enabled           bool
	filters           *filterCriteria
	onFailure         string
	consumerGroupID   string
	state             string
	lastModified      time.Time
	gen               int
	tags              map[string]string
}

// mappingOut is the EventSourceMappingConfiguration shape.
type mappingOut struct {
	UUID                                string             `json:"UUID"`
	StartingPosition                    string             `json:"StartingPosition"`
	StartingPositionTimestamp           *float64           `json:"StartingPositionTimestamp,omitempty"`
	BatchSize                           int                `json:"BatchSize"`
	MaximumBatchingWindowInSeconds      int                `json:"MaximumBatchingWindowInSeconds"`
	EventSourceArn                      string             `json:"EventSourceArn"`
	FilterCriteria                      *filterCriteria    `json:"FilterCriteria,omitempty"`
	FunctionArn                         string             `json:"FunctionArn"`
	LastModified                        float64            `json:"LastModified"`
	LastProcessingResult                string             `json:"LastProcessingResult"`
	State                               string             `json:"State"`
	StateTransitionReason               string             `json:"StateTransitionReason"`
	DestinationConfig                   *destinationConfig `json:"DestinationConfig,omitempty"`
	Topics                              []string           `json:"Topics"`
	AmazonManagedKafkaEventSourceConfig kafkaConfig        `json:"AmazonManagedKafkaEventSourceConfig"`
	EventSourceMappingArn               string             `json:"EventSourceMappingArn"`
}

func (m *mapping) output() mappingOut {
	group := m.consumerGroupID
	out := mappingOut{UUID: m.uuid, StartingPosition: m.startingPosition, StartingPositionTimestamp: m.startingTimestamp,
		BatchSize: m.batchSize, EventSourceArn: m.eventSourceARN, FilterCriteria: m.filters, FunctionArn: m.functionARN,
		LastModified: epochSeconds(m.lastModified), LastProcessingResult: "No records processed", State: m.state,
		StateTransitionReason: "USER_INITIATED", Topics: []string{m.topic},
		AmazonManagedKafkaEventSourceConfig: kafkaConfig{ConsumerGroupID: &group}, EventSourceMappingArn: m.arn}
	if m.window != nil {
		// UNCONFIRMED: with no window set Lambda batches for 500 ms, which the integer member cannot show, so
		// it is reported as 0.
		out.MaximumBatchingWindowInSeconds = *m.window
	}
	if m.onFailure != "" {
		target := m.onFailure
		out.DestinationConfig = &destinationConfig{OnFailure: &destination{Destination: &target}}
	}
	return out
}

// MappingView is a copy of an event source mapping for the data plane.
type MappingView struct {
	// UUID identifies the mapping.
	UUID string
	// ARN is the mapping's ARN.
	ARN string
	// Region is the mapping's region.
	Region string
	// EventSourceARN is the MSK cluster ARN.
	EventSourceARN string
	// FunctionARN is the function invoked (qualified when the mapping names a qualifier).
	FunctionARN string
	// Topic is the Kafka topic consumed.
	Topic string
	// StartingPosition is TRIM_HORIZON, LATEST or AT_TIMESTAMP.
	StartingPosition string
	// StartingPositionTimestamp is set for AT_TIMESTAMP.
	StartingPositionTimestamp time.Time
	// BatchSize is the most records per invocation.
	BatchSize int
	// MaximumBatchingWindow is how long records are gathered before an invocation (500 ms by default).
	MaximumBatchingWindow time.Duration
	// ConsumerGroupID is the Kafka consumer group (the UUID unless one was given).
	ConsumerGroupID string
	// FilterPatterns are the event filter patterns (records matching none are dropped when any are set).
	FilterPatterns []string
	// OnFailureDestination is the OnFailure destination ("" when none).
	OnFailureDestination string
	// Enabled is whether the mapping should consume.
	Enabled bool
	// State is the mapping's state.
	State string
	// Tags are the mapping's tags.
	Tags map[string]string
}

func (m *mapping) view() MappingView {
	v := MappingView{UUID: m.uuid, ARN: m.arn, Region: m.region, EventSourceARN: m.eventSourceARN,
		FunctionARN: m.functionARN, Topic: m.topic, StartingPosition: m.startingPosition, BatchSize: m.batchSize,
		MaximumBatchingWindow: defaultKafkaWindow, ConsumerGroupID: m.consumerGroupID,
		OnFailureDestination: m.onFailure, Enabled: m.enabled, State: m.state, Tags: maps.Clone(m.tags)}
	if m.startingTimestamp != nil {
		v.StartingPositionTimestamp = time.UnixMilli(int64(*m.startingTimestamp * 1000)).UTC()
	}
	if m.window != nil {
		v.MaximumBatchingWindow = time.Duration(*m.window) * time.Second
	}
	if m.filters != nil {
		for _, f := range m.filters.Filters {
			if f.Pattern != nil {
				v.FilterPatterns = append(v.FilterPatterns, *f.Pattern)
			}
		}
	}
	return v
}

// transitional reports whether the mapping is between states, when it refuses updates and deletion.
func (m *mapping) transitional() bool {
	return m.state != stateEnabled && m.state != stateDisabled
}

// runMapping queues Run for the runner with the mapping as it is now. s.mu must be held.
func (s *Service) runMapping(m *mapping) {
	if s.cfg.Mappings == nil {
		return
	}
	view, runner := m.view(), s.cfg.Mappings
	s.notify.enqueue(func() { runner.Run(view) })
}

// stopMapping queues Stop for the runner. s.mu must be held.
func (s *Service) stopMapping(m *mapping) {
	if s.cfg.Mappings == nil {
		return
	}
	id, runner := m.uuid, s.cfg.Mappings
	s.notify.enqueue(func() { runner.Stop(id) })
}

// settle completes the transition started at generation gen: Creating/Updating/Enabling/Disabling end in
// Enabled or Disabled, Deleting removes the mapping.
func (s *Service) settle(m *mapping, gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs, ok := s.regions[m.region]
	if !ok || rs.mappings[m.uuid] != m || m.gen != gen {
		return
	}
	switch m.state {
	case stateDeleting:
		delete(rs.mappings, m.uuid)
	case stateCreating, stateUpdating, stateEnabling, stateDisabling:
		m.state = stateDisabled
		if m.enabled {
			m.state = stateEnabled
			s.runMapping(m)
		}
	}
}

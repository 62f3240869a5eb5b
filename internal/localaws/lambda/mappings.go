package lambda

import (
	"maps"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

var startingPositions = []string{"TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"}

// mappingRequest is the body of CreateEventSourceMapping and UpdateEventSourceMapping. EventSourceArn,
// Topics and StartingPosition(Timestamp) exist only in the create request; an update carrying them is
// refused, as they cannot change.
type mappingRequest struct {
	FunctionName                        *string            `json:"FunctionName"`
	EventSourceArn                      *string            `json:"EventSourceArn"`
	Topics                              []string           `json:"Topics"`
	StartingPosition                    *string            `json:"StartingPosition"`
	StartingPositionTimestamp           *float64           `json:"StartingPositionTimestamp"`
	BatchSize                           *int               `json:"BatchSize"`
	MaximumBatchingWindowInSeconds      *int               `json:"MaximumBatchingWindowInSeconds"`
	Enabled                             *bool              `json:"Enabled"`
	FilterCriteria                      *filterCriteria    `json:"FilterCriteria"`
	DestinationConfig                   *destinationConfig `json:"DestinationConfig"`
	AmazonManagedKafkaEventSourceConfig *kafkaConfig       `json:"AmazonManagedKafkaEventSourceConfig"`
	Tags                                map[string]string  `json:"Tags"`
}

func (in *mappingRequest) onFailure() *string {
	if in.DestinationConfig == nil || in.DestinationConfig.OnFailure == nil {
		return nil
	}
	if in.DestinationConfig.OnFailure.Destination == nil {
		empty := ""
		return &empty
	}
	return in.DestinationConfig.OnFailure.Destination
}

func (in *mappingRequest) consumerGroup() *string {
	if in.AmazonManagedKafkaEventSourceConfig == nil {
		return nil
	}
	return in.AmazonManagedKafkaEventSourceConfig.ConsumerGroupID
}

// validate checks the model constraints of the members both requests share.
func (in *mappingRequest) validate(v *validator) {
	v.length("functionName", in.FunctionName, 1, 256)
	v.pattern("functionName", in.FunctionName, namespacedNamePattern)
	v.intRange("batchSize", in.BatchSize, 1, 10000)
	v.intRange("maximumBatchingWindowInSeconds", in.MaximumBatchingWindowInSeconds, 0, 300)
	v.length("destinationConfig.onFailure.destination", in.onFailure(), 0, 350)
	v.pattern("destinationConfig.onFailure.destination", in.onFailure(), destinationPattern)
	v.length("amazonManagedKafkaEventSourceConfig.consumerGroupId", in.consumerGroup(), 1, 200)
	v.pattern("amazonManagedKafkaEventSourceConfig.consumerGroupId", in.consumerGroup(), consumerGroupPattern)
	if in.FilterCriteria != nil {
		for _, f := range in.FilterCriteria.Filters {
			v.length("filterCriteria.filters.member.pattern", f.Pattern, 0, 4096)
		}
	}
}

// validateCreate checks a create request and returns the topic.
func (in *mappingRequest) validateCreate() (string, *wire.Error) {
	var v validator
	v.required("functionName", in.FunctionName != nil)
	in.validate(&v)
	v.pattern("eventSourceArn", in.EventSourceArn, arnPattern)
	if in.Topics != nil && len(in.Topics) != 1 {
		v.add("Value '[%s]' at 'topics' failed to satisfy constraint: Member must have length less than or equal to 1 and greater than or equal to 1",
			strings.Join(in.Topics, ", "))
	}
	for i := range in.Topics {
		v.length("topics.member", &in.Topics[i], 1, 249)
		v.pattern("topics.member", &in.Topics[i], topicPattern)
	}
	v.enum("startingPosition", in.StartingPosition, startingPositions)
	if err := v.err(); err != nil {
		return "", err
	}
	// Only Amazon MSK sources are emulated; the wording of these refusals is UNCONFIRMED.
	switch {
	case in.EventSourceArn == nil:
		return "", errInvalidParameter("localaws supports only Amazon MSK event sources: EventSourceArn is required.")
	case strings.Split(*in.EventSourceArn, ":")[2] != "kafka":
		return "", errInvalidParameter("localaws supports only Amazon MSK event sources, not %s.", *in.EventSourceArn)
	case in.Topics == nil:
		return "", errInvalidParameter("Topics must be specified for an Amazon MSK event source.")
	case in.StartingPosition == nil:
		return "", errInvalidParameter("StartingPosition is required for an Amazon MSK event source.")
	case *in.StartingPosition == "AT_TIMESTAMP" && in.StartingPositionTimestamp == nil:
		return "", errInvalidParameter("StartingPositionTimestamp must be provided with StartingPosition AT_TIMESTAMP.")
	case *in.StartingPosition != "AT_TIMESTAMP" && in.StartingPositionTimestamp != nil:
		return "", errInvalidParameter("StartingPositionTimestamp can only be provided with StartingPosition AT_TIMESTAMP.")
	}
	if err := checkTags(in.Tags); err != nil {
		return "", err
	}
	return in.Topics[0], nil
}

// mappingFunction resolves a mapping's FunctionName: the function, and the ARN the mapping reports.
// s.mu must be held.
func (s *Service) mappingFunction(c *wire.Call, name string) (*function, string, *wire.Error) {
	fn, qualifier, err := s.lookupFunction(c, name, "")
	if err != nil {
		return nil, "", err
	}
	if qualifier != "" {
		return fn, fn.arn + ":" + qualifier, nil
	}
	return fn, fn.arn, nil
}

func errDuplicateMapping(source, function, id string) *wire.Error {
	return errConflict("The event source arn (\" %s \") and function (\" %s \") provided mapping already exists. Please update or delete the existing mapping with UUID %s",
		source, function, id)
}

func (s *Service) createMapping(c *wire.Call) error {
	var in mappingRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	topic, werr := in.validateCreate()
	if werr != nil {
		return werr
	}
	s.mu.Lock()
	fn, _, werr := s.mappingFunction(c, *in.FunctionName)
	role := ""
	if werr == nil {
		role = fn.role
	}
	s.mu.Unlock()
	if werr != nil {
		return werr
	}
	if s.cfg.Clusters != nil {
		if _, ok := s.cfg.Clusters.ClusterState(*in.EventSourceArn); !ok {
			// UNCONFIRMED wording.
			return errInvalidParameter("The specified MSK cluster %s does not exist.", *in.EventSourceArn)
		}
	}
	if d := in.onFailure(); d != nil && *d != "" {
		if err := s.checkDestination(mappingDestinationUse, role, *d); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, fnARN, werr := s.mappingFunction(c, *in.FunctionName)
	if werr != nil {
		return werr
	}
	rs := s.region(c.Region)
	for _, other := range rs.mappings {
		// UNCONFIRMED: for Kafka the duplicate key includes the topic.
		if other.functionName == fn.name && other.eventSourceARN == *in.EventSourceArn && other.topic == topic {
			return errDuplicateMapping(other.eventSourceARN, fn.name, other.uuid)
		}
	}
	id := uuid.NewString()
	m := &mapping{seq: s.nextSeq(), uuid: id, region: c.Region,
		arn:            "arn:aws:lambda:" + c.Region + ":" + c.AccountID + ":event-source-mapping:" + id,
		eventSourceARN: *in.EventSourceArn, functionName: fn.name, functionARN: fnARN, topic: topic,
		startingPosition: *in.StartingPosition, startingTimestamp: in.StartingPositionTimestamp,
		batchSize: defaultBatchSize, enabled: true, consumerGroupID: id, state: stateCreating,
		lastModified: c.Now, tags: maps.Clone(in.Tags)}
	if g := in.consumerGroup(); g != nil {
		m.consumerGroupID = *g
	}
	if m.tags == nil {
		m.tags = map[string]string{}
	}
	m.apply(&in)
	rs.mappings[id] = m
	s.transition(m, stateCreating, lifecycle.MappingCreate)
	return c.JSON(http.StatusAccepted, m.output())
}

// apply copies the updatable members that were sent.
func (m *mapping) apply(in *mappingRequest) {
	if in.BatchSize != nil {
		m.batchSize = *in.BatchSize
	}
	if in.MaximumBatchingWindowInSeconds != nil {
		w := *in.MaximumBatchingWindowInSeconds
		m.window = &w
	}
	if in.Enabled != nil {
		m.enabled = *in.Enabled
	}
	if in.FilterCriteria != nil {
		m.filters = in.FilterCriteria
		if len(in.FilterCriteria.Filters) == 0 {
			m.filters = nil // an empty filter list removes filtering
		}
	}
	if d := in.onFailure(); d != nil {
		m.onFailure = *d
	}
}

// transition puts m into a transitional state and schedules its end. s.mu must be held.
func (s *Service) transition(m *mapping, state string, kind lifecycle.Kind) {
	m.state = state
	m.gen++
	gen := m.gen
	s.cfg.Timings.After(kind, func() { s.settle(m, gen) })
}

// lookupMapping finds a mapping of the caller's region. s.mu must be held.
func (s *Service) lookupMapping(c *wire.Call) (*mapping, *wire.Error) {
	m, ok := s.region(c.Region).mappings[c.Param("UUID")]
	if !ok {
		return nil, errNotFound("The resource you requested does not exist.")
	}
	return m, nil
}

func (s *Service) getMapping(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.lookupMapping(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m.output())
}

// refuseCreateOnly refuses members that only CreateEventSourceMapping accepts.
func (in *mappingRequest) refuseCreateOnly(current *mapping) *wire.Error {
	switch {
	case in.EventSourceArn != nil:
		return errInvalidParameter("EventSourceArn cannot be updated. Create a new event source mapping instead.")
	case in.Topics != nil:
		return errInvalidParameter("Topics cannot be updated. Create a new event source mapping instead.")
	case in.StartingPosition != nil || in.StartingPositionTimestamp != nil:
		return errInvalidParameter("StartingPosition cannot be updated. Create a new event source mapping instead.")
	case in.Tags != nil:
		return errInvalidParameter("Tags cannot be updated here. Use TagResource instead.")
	}
	if g := in.consumerGroup(); g != nil && *g != current.consumerGroupID {
		return errInvalidParameter("ConsumerGroupId cannot be updated. Create a new event source mapping instead.")
	}
	return nil
}

func (s *Service) updateMapping(c *wire.Call) error {
	var in mappingRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	var v validator
	in.validate(&v)
	if err := v.err(); err != nil {
		return err
	}
	role, werr := s.updateTargetRole(c, &in)
	if werr != nil {
		return werr
	}
	if d := in.onFailure(); d != nil && *d != "" {
		if err := s.checkDestination(mappingDestinationUse, role, *d); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, werr := s.lookupMapping(c)
	if werr != nil {
		return werr
	}
	if err := in.refuseCreateOnly(m); err != nil {
		return err
	}
	if m.transitional() {
		return errInUse("Cannot update the event source mapping because it is in use.")
	}
	if in.FunctionName != nil {
		fn, fnARN, err := s.mappingFunction(c, *in.FunctionName)
		if err != nil {
			return err
		}
		m.functionName, m.functionARN = fn.name, fnARN
	}
	wasEnabled := m.state == stateEnabled
	m.apply(&in)
	m.lastModified = c.Now
	if wasEnabled {
		s.stopMapping(m)
	}
	next := stateUpdating
	switch {
	case wasEnabled && !m.enabled:
		next = stateDisabling
	case !wasEnabled && m.enabled:
		next = stateEnabling
	}
	s.transition(m, next, lifecycle.MappingUpdate)
	return c.JSON(http.StatusAccepted, m.output())
}

// updateTargetRole returns the execution role of the function an update leaves the mapping pointing at,
// for destination checks.
func (s *Service) updateTargetRole(c *wire.Call, in *mappingRequest) (string, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.lookupMapping(c)
	if err != nil {
		return "", err
	}
	name := m.functionARN
	if in.FunctionName != nil {
		name = *in.FunctionName
	}
	fn, _, err := s.mappingFunction(c, name)
	if err != nil {
		return "", err
	}
	return fn.role, nil
}

func (s *Service) deleteMapping(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.lookupMapping(c)
	if err != nil {
		return err
	}
	if m.transitional() {
		return errInUse("Cannot delete the event source mapping because it is in use.")
	}
	if m.state == stateEnabled {
		s.stopMapping(m)
	}
	m.lastModified = c.Now
	s.transition(m, stateDeleting, lifecycle.MappingDelete)
	return c.JSON(http.StatusAccepted, m.output())
}

type listMappingsResponse struct {
	EventSourceMappings []mappingOut `json:"EventSourceMappings"`
	NextMarker          string       `json:"NextMarker,omitempty"`
}

func (s *Service) listMappings(c *wire.Call) error {
	marker, maxItems, werr := pageParams(c, 10000)
	if werr != nil {
		return werr
	}
	source, name := c.Query("EventSourceArn"), c.Query("FunctionName")
	var v validator
	if source != "" {
		v.pattern("eventSourceArn", &source, arnPattern)
	}
	if name != "" {
		v.pattern("functionName", &name, namespacedNamePattern)
	}
	if err := v.err(); err != nil {
		return err
	}
	ref, _ := parseFunctionRef(name)
	s.mu.Lock()
	var matched []*mapping
	for _, m := range sortedMappings(s.region(c.Region)) {
		if (source == "" || m.eventSourceARN == source) && (name == "" || m.functionName == ref.name) {
			matched = append(matched, m)
		}
	}
	page, next, ok := wire.Page(matched, marker, maxItems, 100)
	out := listMappingsResponse{EventSourceMappings: make([]mappingOut, 0, len(page)), NextMarker: next}
	for _, m := range page {
		out.EventSourceMappings = append(out.EventSourceMappings, m.output())
	}
	s.mu.Unlock()
	if !ok {
		return errInvalidParameter("Invalid marker: %s", marker)
	}
	return c.JSON(http.StatusOK, out)
}

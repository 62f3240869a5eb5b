package lambda

import (
	"net/http"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Asynchronous invocation defaults.
const (
	defaultMaxRetryAttempts = 2
	defaultMaxEventAge      = 21600
)

type destination struct {
	Destination *string `json:"Destination,omitempty"`
}

type destinationConfig struct {
	OnSuccess *destination `json:"OnSuccess,omitempty"`
	OnFailure *destination `json:"OnFailure,omitempty"`
}

// eventInvokeConfig is a function's asynchronous invocation configuration; nil members were not set.
type eventInvokeConfig struct {
	maxRetryAttempts *int
	maxEventAge      *int
	onSuccess        string
	onFailure        string
	lastModified     time.Time
}

type eventInvokeConfigRequest struct {
	MaximumRetryAttempts     *int               `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int               `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        *destinationConfig `json:"DestinationConfig"`
}

type eventInvokeConfigOut struct {
	LastModified             float64           `json:"LastModified"`
	FunctionArn              string            `json:"FunctionArn"`
	MaximumRetryAttempts     *int              `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int              `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        destinationConfig `json:"DestinationConfig"`
}

func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (e *eventInvokeConfig) output(qualifiedARN string) eventInvokeConfigOut {
	out := eventInvokeConfigOut{LastModified: epochSeconds(e.lastModified), FunctionArn: qualifiedARN,
		MaximumRetryAttempts: e.maxRetryAttempts, MaximumEventAgeInSeconds: e.maxEventAge,
		DestinationConfig: destinationConfig{OnSuccess: &destination{}, OnFailure: &destination{}}}
	if e.onSuccess != "" {
		out.DestinationConfig.OnSuccess.Destination = &e.onSuccess
	}
	if e.onFailure != "" {
		out.DestinationConfig.OnFailure.Destination = &e.onFailure
	}
	return out
}

// destinations returns the destinations the request sets ("" clears one) and whether each was sent.
func (in eventInvokeConfigRequest) destinations() (onSuccess, onFailure *string) {
	if in.DestinationConfig == nil {
		return nil, nil
	}
	pick := func(d *destination) *string {
		if d == nil {
			return nil
		}
		if d.Destination == nil {
			empty := ""
			return &empty
		}
		return d.Destination
	}
	return pick(in.DestinationConfig.OnSuccess), pick(in.DestinationConfig.OnFailure)
}

func (in eventInvokeConfigRequest) validate() *wire.Error {
	var v validator
	v.intRange("maximumRetryAttempts", in.MaximumRetryAttempts, 0, 2)
	v.intRange("maximumEventAgeInSeconds", in.MaximumEventAgeInSeconds, 60, 21600)
	onSuccess, onFailure := in.destinations()
	v.length("destinationConfig.onSuccess.destination", onSuccess, 0, 350)
	v.pattern("destinationConfig.onSuccess.destination", onSuccess, destinationPattern)
	v.length("destinationConfig.onFailure.destination", onFailure, 0, 350)
	v.pattern("destinationConfig.onFailure.destination", onFailure, destinationPattern)
	return v.err()
}

// invokeConfigFunction finds the function of an event-invoke-config request and its qualified ARN.
// s.mu must be held.
func (s *Service) invokeConfigFunction(c *wire.Call) (*function, string, *wire.Error) {
	fn, _, err := s.lookupFunction(c, c.Param("FunctionName"), c.Query("Qualifier"))
	if err != nil {
		return nil, "", err
	}
	return fn, fn.arn + ":" + latest, nil
}

func errNoInvokeConfig(qualifiedARN string) *wire.Error {
	return errNotFound("The function %s doesn't have an EventInvokeConfig", qualifiedARN)
}

func (s *Service) putEventInvokeConfig(c *wire.Call) error {
	return s.writeEventInvokeConfig(c, false)
}

func (s *Service) updateEventInvokeConfig(c *wire.Call) error {
	return s.writeEventInvokeConfig(c, true)
}

// writeEventInvokeConfig implements Put (replace everything; omitted members are unset) and Update (merge
// the members sent into the existing configuration, which must exist; UNCONFIRMED whether AWS creates one).
func (s *Service) writeEventInvokeConfig(c *wire.Call, merge bool) error {
	var in eventInvokeConfigRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if err := in.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	fn, _, err := s.invokeConfigFunction(c)
	role := ""
	if err == nil {
		role = fn.role
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	onSuccess, onFailure := in.destinations()
	for _, d := range []*string{onSuccess, onFailure} {
		if d != nil && *d != "" {
			if err := s.checkDestination(invokeDestinationUse, role, *d); err != nil {
				return err
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, qualified, err := s.invokeConfigFunction(c)
	if err != nil {
		return err
	}
	next := &eventInvokeConfig{}
	if merge {
		if fn.invokeConfig == nil {
			return errNoInvokeConfig(qualified)
		}
		copied := *fn.invokeConfig
		next = &copied
	}
	if in.MaximumRetryAttempts != nil || !merge {
		next.maxRetryAttempts = in.MaximumRetryAttempts
	}
	if in.MaximumEventAgeInSeconds != nil || !merge {
		next.maxEventAge = in.MaximumEventAgeInSeconds
	}
	if onSuccess != nil || !merge {
		next.onSuccess = deref(onSuccess)
	}
	if onFailure != nil || !merge {
		next.onFailure = deref(onFailure)
	}
	next.lastModified = c.Now
	fn.invokeConfig = next
	return c.JSON(http.StatusOK, next.output(qualified))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Service) getEventInvokeConfig(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, qualified, err := s.invokeConfigFunction(c)
	if err != nil {
		return err
	}
	if fn.invokeConfig == nil {
		return errNoInvokeConfig(qualified)
	}
	return c.JSON(http.StatusOK, fn.invokeConfig.output(qualified))
}

func (s *Service) deleteEventInvokeConfig(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, qualified, err := s.invokeConfigFunction(c)
	if err != nil {
		return err
	}
	if fn.invokeConfig == nil {
		return errNoInvokeConfig(qualified)
	}
	fn.invokeConfig = nil
	return c.Empty(http.StatusNoContent)
}

type listEventInvokeConfigsResponse struct {
	FunctionEventInvokeConfigs []eventInvokeConfigOut `json:"FunctionEventInvokeConfigs"`
	NextMarker                 string                 `json:"NextMarker,omitempty"`
}

// listEventInvokeConfigs lists the configurations of every version and alias of a function: localaws has
// only $LATEST, so the list holds its configuration if it has one.
func (s *Service) listEventInvokeConfigs(c *wire.Call) error {
	marker, maxItems, err := pageParams(c, 50)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, qualified, err := s.invokeConfigFunction(c)
	if err != nil {
		return err
	}
	var configs []eventInvokeConfigOut
	if fn.invokeConfig != nil {
		configs = append(configs, fn.invokeConfig.output(qualified))
	}
	page, next, ok := wire.Page(configs, marker, maxItems, 50)
	if !ok {
		return errInvalidParameter("Invalid marker: %s", marker)
	}
	return c.JSON(http.StatusOK, listEventInvokeConfigsResponse{FunctionEventInvokeConfigs: append([]eventInvokeConfigOut{}, page...),
		NextMarker: next})
}

// EventInvokeConfigView is a function's asynchronous invocation configuration with defaults applied.
type EventInvokeConfigView struct {
	// FunctionARN is the qualified ARN the configuration applies to (…:function:name:$LATEST).
	FunctionARN string
	// MaximumRetryAttempts is how often a failed event is retried (0–2, default 2).
	MaximumRetryAttempts int
	// MaximumEventAge is how long an event may wait before it is discarded (default 6 h).
	MaximumEventAge time.Duration
	// OnSuccess is the success destination ARN ("" when none).
	OnSuccess string
	// OnFailure is the failure destination ARN ("" when none).
	OnFailure string
}

// EventInvokeConfig returns the asynchronous invocation configuration of a function, given its name or
// (qualified or unqualified) ARN; ok is false when the function or its configuration does not exist.
func (s *Service) EventInvokeConfig(functionARN string) (EventInvokeConfigView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, ok := s.findFunction(functionARN)
	if !ok || fn.invokeConfig == nil {
		return EventInvokeConfigView{}, false
	}
	e := fn.invokeConfig
	view := EventInvokeConfigView{FunctionARN: fn.arn + ":" + latest, MaximumRetryAttempts: defaultMaxRetryAttempts,
		MaximumEventAge: defaultMaxEventAge * time.Second, OnSuccess: e.onSuccess, OnFailure: e.onFailure}
	if e.maxRetryAttempts != nil {
		view.MaximumRetryAttempts = *e.maxRetryAttempts
	}
	if e.maxEventAge != nil {
		view.MaximumEventAge = time.Duration(*e.maxEventAge) * time.Second
	}
	return view, true
}

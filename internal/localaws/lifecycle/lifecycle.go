// Package lifecycle decides how long localaws's asynchronous transitions take (an MSK cluster CREATING →
// ACTIVE, a pipe CREATING → RUNNING, ...) and how long a new IAM role takes to propagate. Durations come from
// a named profile plus per-kind overrides, and can be changed while the server runs.
package lifecycle

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Kind names one asynchronous transition.
type Kind string

// The transitions localaws simulates.
const (
	ClusterCreate    Kind = "cluster.create"    // MSK CREATING → ACTIVE
	ClusterDelete    Kind = "cluster.delete"    // MSK DELETING → gone
	PipeCreate       Kind = "pipe.create"       // CREATING → RUNNING/STOPPED/CREATE_FAILED
	PipeUpdate       Kind = "pipe.update"       // UPDATING → RUNNING/STOPPED/UPDATE_FAILED
	PipeStart        Kind = "pipe.start"        // STARTING → RUNNING
	PipeStop         Kind = "pipe.stop"         // STOPPING → STOPPED
	PipeDelete       Kind = "pipe.delete"       // DELETING → gone
	FunctionCreate   Kind = "function.create"   // State Pending → Active
	FunctionUpdate   Kind = "function.update"   // LastUpdateStatus InProgress → Successful
	MappingCreate    Kind = "mapping.create"    // Creating → Enabled/Disabled
	MappingUpdate    Kind = "mapping.update"    // Updating/Enabling/Disabling → Enabled/Disabled
	MappingDelete    Kind = "mapping.delete"    // Deleting → gone
	NatGatewayCreate Kind = "natgateway.create" // pending → available
	NatGatewayDelete Kind = "natgateway.delete" // deleting → deleted
	// VpcEndpointCreate is an interface VPC endpoint pending → available.
	VpcEndpointCreate Kind = "vpcendpoint.create"
)

// Kinds lists every transition, in a stable order.
var Kinds = []Kind{ClusterCreate, ClusterDelete, PipeCreate, PipeUpdate, PipeStart, PipeStop, PipeDelete,
	FunctionCreate, FunctionUpdate, MappingCreate, MappingUpdate, MappingDelete, NatGatewayCreate, NatGatewayDelete,
	VpcEndpointCreate}

// Profile is a named set of transition durations.
type Profile struct {
	// Name identifies the profile ("instant", "fast", "realistic").
	Name string
	// Delays gives the duration of each transition; a missing kind takes no time.
	Delays map[Kind]time.Duration
}

// Profiles are the built-in profiles: instant (no delays, for unit tests), fast (about 1–3 s, the default)
// and realistic (the minutes AWS takes).
var Profiles = map[string]Profile{
	"instant": {Name: "instant", Delays: map[Kind]time.Duration{}},
	"fast": {Name: "fast", Delays: map[Kind]time.Duration{
		ClusterCreate: 3 * time.Second, ClusterDelete: 2 * time.Second,
		PipeCreate: 2 * time.Second, PipeUpdate: time.Second, PipeStart: time.Second, PipeStop: time.Second,
		PipeDelete:     time.Second,
		FunctionCreate: time.Second, FunctionUpdate: time.Second,
		MappingCreate: 2 * time.Second, MappingUpdate: time.Second, MappingDelete: time.Second,
		NatGatewayCreate: 2 * time.Second, NatGatewayDelete: time.Second,
		VpcEndpointCreate: time.Second,
	}},
	"realistic": {Name: "realistic", Delays: map[Kind]time.Duration{
		ClusterCreate: 5 * time.Minute, ClusterDelete: 3 * time.Minute,
		PipeCreate: 3 * time.Minute, PipeUpdate: time.Minute, PipeStart: time.Minute, PipeStop: time.Minute,
		PipeDelete:     time.Minute,
		FunctionCreate: 5 * time.Second, FunctionUpdate: 5 * time.Second,
		MappingCreate: 2 * time.Minute, MappingUpdate: time.Minute, MappingDelete: time.Minute,
		NatGatewayCreate: 2 * time.Minute, NatGatewayDelete: time.Minute,
		VpcEndpointCreate: 2 * time.Minute,
	}},
}

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "fast"

// Timings holds the durations in force. It is safe for concurrent use and changes apply to transitions
// that start afterwards.
type Timings struct {
	mu          sync.RWMutex
	profile     Profile
	overrides   map[Kind]time.Duration
	propagation time.Duration
}

// NewTimings returns Timings for the named profile ("" means DefaultProfile).
func NewTimings(profile string) (*Timings, error) {
	t := &Timings{overrides: map[Kind]time.Duration{}}
	if err := t.SetProfile(profile); err != nil {
		return nil, err
	}
	return t, nil
}

// DefaultTimings returns Timings for DefaultProfile, for services whose configuration names none.
func DefaultTimings() *Timings {
	t, _ := NewTimings(DefaultProfile) // DefaultProfile is one of Profiles
	return t
}

// SetProfile switches to a named profile, keeping per-kind overrides.
func (t *Timings) SetProfile(name string) error {
	if name == "" {
		name = DefaultProfile
	}
	p, ok := Profiles[name]
	if !ok {
		return fmt.Errorf("unknown delay profile %q (want one of instant, fast, realistic)", name)
	}
	t.mu.Lock()
	t.profile = p
	t.mu.Unlock()
	return nil
}

// SetOverride makes kind take d whatever the profile says. A negative d removes the override.
func (t *Timings) SetOverride(kind Kind, d time.Duration) error {
	if !kind.valid() {
		return fmt.Errorf("unknown transition kind %q", kind)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if d < 0 {
		delete(t.overrides, kind)
	} else {
		t.overrides[kind] = d
	}
	return nil
}

// SetPropagation sets how long a new IAM role (or policy) takes before services may use it.
func (t *Timings) SetPropagation(d time.Duration) {
	t.mu.Lock()
	t.propagation = d
	t.mu.Unlock()
}

// Propagation returns the IAM propagation delay.
func (t *Timings) Propagation() time.Duration {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.propagation
}

// Delay returns how long a transition of kind takes now.
func (t *Timings) Delay(kind Kind) time.Duration {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if d, ok := t.overrides[kind]; ok {
		return d
	}
	return t.profile.Delays[kind]
}

// After runs fn once the transition of kind has taken its time, on its own goroutine. fn must take the
// owning service's lock itself and check that the resource is still in the state the transition started
// from (it may have been deleted or changed meanwhile).
func (t *Timings) After(kind Kind, fn func()) {
	time.AfterFunc(t.Delay(kind), fn)
}

// Settings is a serialisable view of the durations in force.
type Settings struct {
	// Profile is the active profile name.
	Profile string `json:"profile"`
	// Overrides are per-kind durations that replace the profile's.
	Overrides map[Kind]string `json:"overrides,omitempty"`
	// Propagation is the IAM propagation delay.
	Propagation string `json:"propagationDelay"`
	// Effective is the duration each kind takes now.
	Effective map[Kind]string `json:"effective"`
}

// Settings reports the durations in force.
func (t *Timings) Settings() Settings {
	t.mu.RLock()
	s := Settings{Profile: t.profile.Name, Propagation: t.propagation.String(),
		Overrides: map[Kind]string{}, Effective: map[Kind]string{}}
	for k, d := range t.overrides {
		s.Overrides[k] = d.String()
	}
	t.mu.RUnlock()
	for _, k := range Kinds {
		s.Effective[k] = t.Delay(k).String()
	}
	return s
}

func (k Kind) valid() bool {
	return slices.Contains(Kinds, k)
}

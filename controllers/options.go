package controllers

import "time"

// Options are the settings of both reconcilers. They are passed in at construction (Setup) and never
// changed afterwards.
type Options struct {
	// ClusterID names this Kubernetes cluster in ownership tags, so several clusters can share an account.
	ClusterID string
	// ResyncPeriod is how often a Ready object is re-read from AWS to catch drift (jittered; objects may
	// override it with spec.resyncPeriod). Between resyncs a part already Ready for the object's generation
	// is not read again.
	ResyncPeriod time.Duration
	// MaxConcurrentReconciles is the number of objects of one kind reconciled at once.
	MaxConcurrentReconciles int
	// IAMPropagation is how long a new or changed role is given before services are asked to assume it.
	IAMPropagation time.Duration
	// Timings are the controllers' waits; zero fields take DefaultTimings' values.
	Timings Timings
}

// Timings are how long the controllers wait before looking at an object again. The AWS-side waits (a
// resource in transition) come from the AWS layer's outcomes.
type Timings struct {
	// Blocked is the wait after access denied or an exhausted quota, which an administrator fixes outside
	// the object.
	Blocked time.Duration
	// StalledFirst is the first look at a Stalled object after it stalled; each further look waits as long
	// as the object has been stalled (doubling), up to StalledMax. An owned pipe in a FAILED state is
	// replaced on the same backoff.
	StalledFirst time.Duration
	// StalledMax caps the wait between looks at a Stalled object.
	StalledMax time.Duration
	// ExternalPoll is how often something that only someone else can create is looked for again (a topic
	// with topic.create false).
	ExternalPoll time.Duration
	// DeletePoll is how often a deletion in progress is looked at again.
	DeletePoll time.Duration
	// InUsePoll is how often a KafkaCluster whose deletion waits for its pipelines looks again.
	InUsePoll time.Duration
}

// DefaultTimings are the waits for AWS.
func DefaultTimings() Timings {
	return Timings{Blocked: 5 * time.Minute, StalledFirst: 30 * time.Second, StalledMax: 10 * time.Minute,
		ExternalPoll: 30 * time.Second, DeletePoll: 5 * time.Second, InUsePoll: 10 * time.Second}
}

// withDefaults fills the zero fields of o.Timings.
func (o Options) withDefaults() Options {
	d, t := DefaultTimings(), &o.Timings
	for _, f := range []struct{ v, def *time.Duration }{{&t.Blocked, &d.Blocked}, {&t.StalledFirst, &d.StalledFirst},
		{&t.StalledMax, &d.StalledMax}, {&t.ExternalPoll, &d.ExternalPoll}, {&t.DeletePoll, &d.DeletePoll},
		{&t.InUsePoll, &d.InUsePoll}} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return o
}

// stalledWait is how long a Stalled object (or a failed resource) waits for its next look, given how long
// it has been stalled: as long again, between StalledFirst and StalledMax.
func (t Timings) stalledWait(stalledFor time.Duration) time.Duration {
	return min(max(stalledFor, t.StalledFirst), t.StalledMax)
}

package controllers

import (
	"reflect"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/network"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
)

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
	// AWSWaits are the AWS layer's waits; zero fields take DefaultAWSWaits' values.
	AWSWaits AWSWaits
}

// AWSWaits are the waits the AWS layer's outcomes ask for (a resource in transition, a role propagating),
// one set per package, given to its services when they are constructed. A part that keeps waiting in the
// same state is looked at less often (Timings.WaitMax).
type AWSWaits struct {
	// Cluster are the MSK cluster's waits.
	Cluster cluster.Waits
	// Network are the network's waits.
	Network network.Waits
	// Queue are the dead-letter queue's waits.
	Queue queue.Waits
	// Function are the Lambda function's waits.
	Function function.Waits
	// Pipe are the pipe's waits.
	Pipe pipe.Waits
	// Mapping are the event source mapping's waits.
	Mapping esm.Waits
	// Topics are the waits of the topic clients (kafka.Admin, the topic admin function's client); whoever
	// builds Setup.Topics gives them to it.
	Topics kafka.Waits
}

// DefaultAWSWaits are the AWS layer's waits for AWS, each package's DefaultWaits.
func DefaultAWSWaits() AWSWaits {
	return AWSWaits{Cluster: cluster.DefaultWaits(), Network: network.DefaultWaits(), Queue: queue.DefaultWaits(),
		Function: function.DefaultWaits(), Pipe: pipe.DefaultWaits(), Mapping: esm.DefaultWaits(),
		Topics: kafka.DefaultWaits()}
}

// UniformAWSWaits returns AWS layer waits that are all d: for local stacks such as localaws, whose
// transitions take about a second.
func UniformAWSWaits(d time.Duration) AWSWaits {
	var w AWSWaits
	eachDuration(reflect.ValueOf(&w).Elem(), reflect.ValueOf(w), func(v *time.Duration, _ time.Duration) { *v = d })
	return w
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
	// ExternalPoll is how long to wait before looking again for something that only someone else can
	// create (a topic with topic.create false); later looks back off up to WaitMax.
	ExternalPoll time.Duration
	// DeletePoll is how long to wait before looking again at a deletion in progress; later looks back off
	// up to WaitMax.
	DeletePoll time.Duration
	// InUsePoll is how long a KafkaCluster whose deletion waits for its pipelines waits before looking
	// again; later looks back off up to WaitMax.
	InUsePoll time.Duration
	// WaitMax caps the backoff of a part that keeps waiting in the same state (status and reason: a pipe
	// CREATING, a function Pending, a deletion in progress): its first look waits as long as the outcome
	// asks, each further look as long again as the part has been in that state, up to WaitMax (or the
	// outcome's own wait when that is longer).
	WaitMax time.Duration
}

// DefaultTimings are the waits for AWS.
func DefaultTimings() Timings {
	return Timings{Blocked: 5 * time.Minute, StalledFirst: 30 * time.Second, StalledMax: 10 * time.Minute,
		ExternalPoll: 30 * time.Second, DeletePoll: 5 * time.Second, InUsePoll: 10 * time.Second,
		WaitMax: time.Minute}
}

// withDefaults fills the zero fields of o.Timings and o.AWSWaits.
func (o Options) withDefaults() Options {
	fill := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	eachDuration(reflect.ValueOf(&o.Timings).Elem(), reflect.ValueOf(DefaultTimings()), fill)
	eachDuration(reflect.ValueOf(&o.AWSWaits).Elem(), reflect.ValueOf(DefaultAWSWaits()), fill)
	return o
}

// eachDuration calls do with every time.Duration field of the struct v (in nested structs too) and the same
// field of def, a value of v's type.
func eachDuration(v, def reflect.Value, do func(v *time.Duration, def time.Duration)) {
	for i := range v.NumField() {
		f := v.Field(i)
		if d, ok := f.Addr().Interface().(*time.Duration); ok {
			do(d, def.Field(i).Interface().(time.Duration))
		} else if f.Kind() == reflect.Struct {
			eachDuration(f, def.Field(i), do)
		}
	}
}

// stalledWait is how long a Stalled object (or a failed resource) waits for its next look, given how long
// it has been stalled: as long again, between StalledFirst and StalledMax.
func (t Timings) stalledWait(stalledFor time.Duration) time.Duration {
	return min(max(stalledFor, t.StalledFirst), t.StalledMax)
}

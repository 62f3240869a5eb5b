package controllers

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/topicadmin"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
)

// unitPipeline is a pipeline of the original stack's shape, with the status its earlier parts recorded.
func unitPipeline() *v1alpha1.KafkaPipeline {
	kp := newPipeline("ns", "p", "shared")
	kp.UID = "uid-1"
	kp.Spec.Source = v1alpha1.Source{StartingPosition: v1alpha1.StartingPositionLatest, BatchSize: 10}
	kp.Spec.Target.Function.Managed.MemoryMB, kp.Spec.Target.Function.Managed.TimeoutSeconds = 512, 300
	kp.Spec.DeadLetterQueue = v1alpha1.DeadLetterQueue{Enabled: ptr.To(true), MessageRetentionSeconds: 1209600}
	kp.Status.Cluster.ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/c/u-s1"
	kp.Status.Cluster.BootstrapBrokers = "b-1:9098,b-2:9098"
	kp.Status.DeadLetterQueue.ARN = "arn:aws:sqs:us-east-1:123456789012:q"
	kp.Status.Function.ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
	kp.Status.Roles.Pipe = "arn:aws:iam::123456789012:role/kafkapipeline/pipe"
	return kp
}

func unitParts(kp *v1alpha1.KafkaPipeline) *pipelineParts {
	r := &KafkaPipelineReconciler{Setup: Setup{Options: Options{ClusterID: "c1"}.withDefaults(),
		BuiltinCode: func(string) ([]byte, error) { return []byte("zip"), nil }}}
	return &pipelineParts{r: r, kp: kp, aws: &awsapi.Clients{Region: "us-east-1", AccountID: "123456789012"},
		region: "us-east-1", regionKnown: true}
}

// shape is a part table as "Condition<-Dep,Dep" strings, with "*" for parts that delete something.
func shape(parts []part) []string {
	var out []string
	for _, p := range parts {
		s := p.condition
		if len(p.deps) > 0 {
			deps := slices.Clone(p.deps)
			slices.Sort(deps)
			s += "<-" + strings.Join(deps, ",")
		}
		if p.delete != nil {
			s += "*"
		}
		out = append(out, s)
	}
	return out
}

func TestPipelinePartsTable(t *testing.T) {
	cases := []struct {
		name   string
		change func(*v1alpha1.KafkaPipeline)
		known  bool
		want   []string
	}{
		{name: "original stack", known: true, want: []string{"ClusterReady", "TopicReady<-ClusterReady",
			"DeadLetterQueueReady*", "FunctionRoleReady<-DeadLetterQueueReady*",
			"FunctionReady<-DeadLetterQueueReady,FunctionRoleReady*", "PipeRoleReady<-ClusterReady,FunctionReady*",
			"PipeReady<-FunctionReady,PipeRoleReady,TopicReady*"}},
		{name: "event source mapping", known: true, change: func(kp *v1alpha1.KafkaPipeline) {
			kp.Spec.Delivery = v1alpha1.DeliveryEventSourceMapping
		}, want: []string{"ClusterReady", "TopicReady<-ClusterReady", "DeadLetterQueueReady*",
			"FunctionRoleReady<-ClusterReady,DeadLetterQueueReady*", "FunctionReady<-DeadLetterQueueReady,FunctionRoleReady*",
			"EventSourceMappingReady<-FunctionReady,TopicReady*"}},
		{name: "existing function and queue", known: true, change: func(kp *v1alpha1.KafkaPipeline) {
			kp.Spec.Target.Function = v1alpha1.Function{ARN: "arn:aws:lambda:us-east-1:123456789012:function:theirs"}
			kp.Spec.DeadLetterQueue.ARN = "arn:aws:sqs:us-east-1:123456789012:theirs"
		}, want: []string{"ClusterReady", "TopicReady<-ClusterReady", "DeadLetterQueueReady",
			"FunctionReady<-DeadLetterQueueReady", "PipeRoleReady<-ClusterReady,FunctionReady*",
			"PipeReady<-FunctionReady,PipeRoleReady,TopicReady*"}},
		{name: "no dead-letter queue, region waiting on the KafkaCluster", change: func(kp *v1alpha1.KafkaPipeline) {
			kp.Spec.DeadLetterQueue.Enabled = ptr.To(false)
		}, want: []string{"ClusterReady", "TopicReady<-ClusterReady", "FunctionRoleReady<-ClusterReady*",
			"FunctionReady<-ClusterReady,FunctionRoleReady*", "PipeRoleReady<-ClusterReady,FunctionReady*",
			"PipeReady<-ClusterReady,FunctionReady,PipeRoleReady,TopicReady*"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kp := unitPipeline()
			if tc.change != nil {
				tc.change(kp)
			}
			p := unitParts(kp)
			p.regionKnown = tc.known
			if got := shape(p.list()); !slices.Equal(got, tc.want) {
				t.Errorf("parts =\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
}

func TestListingPartsChangesNothing(t *testing.T) {
	kp := unitPipeline()
	kp.Spec.Delivery = v1alpha1.DeliveryEventSourceMapping
	kp.Status.Pipe.ARN = "arn:aws:pipes:us-east-1:123456789012:pipe/p"
	before := kp.DeepCopy()
	p := unitParts(kp)
	p.list()
	if kp.Status.Pipe.ARN != before.Status.Pipe.ARN {
		t.Fatal("list must not change the status")
	}
	p.clearUnused()
	if kp.Status.Pipe.ARN != "" || kp.Status.Roles.Pipe != "" {
		t.Errorf("clearUnused kept the pipe's status with mapping delivery: %+v", kp.Status)
	}
}

func TestClusterPartsTable(t *testing.T) {
	kc := newCluster("ns", "shared")
	kc.Spec.TopicAdministration = v1alpha1.TopicAdministrationDirect
	p := &clusterParts{r: &KafkaClusterReconciler{Setup: Setup{Options: Options{ClusterID: "c1"}}}, kc: kc,
		aws: &awsapi.Clients{Region: "us-east-1", AccountID: "123456789012"}}
	if got, want := shape(p.list()), []string{"NetworkReady*", "ClusterReady<-NetworkReady*"}; !slices.Equal(got, want) {
		t.Errorf("network.create, Direct: parts = %v, want %v", got, want)
	}
	kc.Spec.Network = v1alpha1.Network{SubnetIDs: []string{"subnet-1", "subnet-2"}, SecurityGroupIDs: []string{"sg-1"}}
	if got, want := shape(p.list()), []string{"NetworkReady", "ClusterReady<-NetworkReady*"}; !slices.Equal(got, want) {
		t.Errorf("a network brought: parts = %v, want %v (never deleted)", got, want)
	}
	kc.Status.SubnetIDs, kc.Status.SecurityGroupIDs = []string{"subnet-1", "subnet-2"}, []string{"sg-1"}
	d := p.clusterDesired()
	if d.Name != naming.Name("c1", "ns", "shared", naming.SuffixCluster, naming.MaxMSKCluster) ||
		!slices.Equal(d.SubnetIDs, kc.Status.SubnetIDs) || d.Owner.Kind != "KafkaCluster" {
		t.Errorf("clusterDesired = %+v", d)
	}

	kc.Spec.TopicAdministration = ""
	want := []string{"NetworkReady", "ClusterReady<-NetworkReady*", "TopicAdminRoleReady<-ClusterReady*",
		"TopicAdminReady<-ClusterReady,TopicAdminRoleReady*"}
	if got := shape(p.list()); !slices.Equal(got, want) {
		t.Errorf("topic administration by default: parts = %v, want %v (the function is deleted first)", got, want)
	}
	var types []string
	for _, pt := range p.list() {
		types = append(types, pt.condition)
	}
	if !slices.Equal(types, kc.StepConditionTypes()) {
		t.Errorf("parts %v, but StepConditionTypes %v", types, kc.StepConditionTypes())
	}
}

func TestTopicAdminDesiredState(t *testing.T) {
	kc := newCluster("ns", "shared")
	kc.UID = "uid-9"
	kc.Status.BootstrapBrokers = "b-1:9098,b-2:9098"
	kc.Status.SubnetIDs, kc.Status.SecurityGroupIDs = []string{"subnet-1", "subnet-2"}, []string{"sg-1"}
	kc.Status.TopicAdmin.RoleARN = "arn:aws:iam::123456789012:role/kafkapipeline/admin"
	r := &KafkaClusterReconciler{Setup: Setup{Options: Options{ClusterID: "c1"},
		BuiltinCode: func(string) ([]byte, error) { return []byte("zip"), nil }}}
	p := &clusterParts{r: r, kc: kc, aws: &awsapi.Clients{Region: "us-east-1", AccountID: "123456789012"}}
	d, err := p.topicAdminDesired()
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != naming.Name("c1", "ns", "shared", naming.SuffixTopicAdmin, naming.MaxFunction) ||
		d.RoleARN != kc.Status.TopicAdmin.RoleARN || d.Runtime != "provided.al2023" || d.Handler != "bootstrap" ||
		d.TimeoutSeconds < 30 || d.MemoryMB != 128 || string(d.Code.ZipFile) != "zip" || d.DLQARN != "" || d.Retry != nil ||
		d.Owner.Kind != "KafkaCluster" || d.Owner.UID != "uid-9" || d.Tags["team"] != "streaming" {
		t.Errorf("topicAdminDesired = %+v", d)
	}
	if d.VPC == nil || !slices.Equal(d.VPC.SubnetIDs, kc.Status.SubnetIDs) || !slices.Equal(d.VPC.SecurityGroupIDs, kc.Status.SecurityGroupIDs) {
		t.Errorf("the function is attached to %+v, want the cluster's subnets and groups", d.VPC)
	}
	wantEnv := map[string]string{"KP_MODE": "topic-admin", "KP_BOOTSTRAP_BROKERS": "b-1:9098,b-2:9098"}
	if !maps.Equal(d.Environment, wantEnv) {
		t.Errorf("environment without a CA file = %v, want %v", d.Environment, wantEnv)
	}
	r.KafkaCAFile = "/etc/localaws/ca.pem"
	d, _ = p.topicAdminDesired()
	if d.Environment["KP_KAFKA_CA_FILE"] != "/etc/localaws/ca.pem" {
		t.Errorf("environment with the manager's CA file = %v", d.Environment)
	}

	kc.Spec.TopicAdministration = v1alpha1.TopicAdministrationDirect
	p.clearUnused()
	if kc.Status.TopicAdmin != (v1alpha1.TopicAdminStatus{}) {
		t.Errorf("clearUnused kept the topic admin status with Direct: %+v", kc.Status.TopicAdmin)
	}
}

func TestPipelineDesiredStates(t *testing.T) {
	kp := unitPipeline()
	p := unitParts(kp)
	if q := p.queueDesired(); q.Name != naming.Name("c1", "ns", "p", naming.SuffixQueue, naming.MaxQueue) ||
		q.RetentionSeconds != 1209600 || q.Owner.UID != "uid-1" || q.Tags["team"] != "streaming" {
		t.Errorf("queueDesired = %+v", q)
	}

	pd := p.pipeDesired()
	if pd.DesiredState != "RUNNING" || pd.BatchSize != 10 || pd.SourceClusterARN != kp.Status.Cluster.ARN ||
		pd.TargetFunctionARN != kp.Status.Function.ARN || pd.RoleARN != kp.Status.Roles.Pipe ||
		pd.InvocationType != "FIRE_AND_FORGET" || pd.ConsumerGroupID != naming.ConsumerGroup("c1", "ns", "p") {
		t.Errorf("pipeDesired = %+v", pd)
	}
	kp.Spec.Suspend = true
	if p.pipeDesired().DesiredState != "STOPPED" || p.mappingDesired().Enabled {
		t.Error("spec.suspend stops the pipe and disables the mapping")
	}

	fd, err := p.functionDesired()
	if err != nil {
		t.Fatal(err)
	}
	if fd.MemoryMB != 512 || fd.TimeoutSeconds != 300 || fd.Runtime != "provided.al2023" || fd.Handler != "bootstrap" ||
		string(fd.Code.ZipFile) != "zip" || fd.Retry.MaximumRetryAttempts != 2 || fd.DLQARN != kp.Status.DeadLetterQueue.ARN {
		t.Errorf("functionDesired (builtin) = %+v", fd)
	}
	kp.Spec.Target.Function.Managed.Code = v1alpha1.FunctionCode{ImageURI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/p:1"}
	if fd, _ := p.functionDesired(); fd.Code.ImageURI == "" || fd.Runtime != "" || fd.Handler != "" {
		t.Errorf("functionDesired (image) = %+v", fd)
	}

	req := p.topicRequest()
	if req.MustExist || req.Partitions != 3 || req.Name != "test-topic" || len(req.Brokers) != 2 {
		t.Errorf("topicRequest (create) = %+v", req)
	}
	kp.Spec.Topic.Create = ptr.To(false)
	if req := p.topicRequest(); !req.MustExist || req.Partitions != 0 {
		t.Errorf("topicRequest (create: false) = %+v", req)
	}
}

func TestStalledWaitDoublesToTheCap(t *testing.T) {
	tm := DefaultTimings()
	for _, c := range []struct{ stalled, want string }{{"0s", "30s"}, {"45s", "45s"}, {"4m", "4m0s"}, {"1h", "10m0s"}} {
		d, _ := time.ParseDuration(c.stalled)
		if got := tm.stalledWait(d).String(); got != c.want {
			t.Errorf("stalledWait(%s) = %s, want %s", c.stalled, got, c.want)
		}
	}
}

func TestTopicsGoThroughTheClustersAdminFunctionWhenItHasOne(t *testing.T) {
	kp := unitPipeline()
	p := unitParts(kp)
	p.r.Topics = &kafka.Admin{}
	if got, _ := p.topics(); got != p.r.Topics {
		t.Errorf("without a topic admin function the topic is administered by %T, want the direct path", got)
	}
	kp.Status.Cluster.TopicAdminFunction = "kp-ns-shared-1a2b3c4d-topic-admin"
	got, through := p.topics()
	if c, ok := got.(*topicadmin.Client); !ok || c.Function != kp.Status.Cluster.TopicAdminFunction {
		t.Errorf("with a topic admin function the topic is administered by %#v, want a topicadmin.Client of it", got)
	}
	if !strings.Contains(through, kp.Status.Cluster.TopicAdminFunction) {
		t.Errorf("the condition message does not name the function: %q", through)
	}
}

// unreadableIAM fails the test on any IAM call.
type unreadableIAM struct {
	awsapi.IAMAPI
	t *testing.T
}

func (u unreadableIAM) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	u.t.Helper()
	u.t.Fatal("the role was read from IAM")
	return nil, errors.New("unreachable")
}

func TestAPropagatedRoleIsReadyWithoutReadingIAM(t *testing.T) {
	kp := unitPipeline()
	kp.Generation = 2
	waiting := metav1.Condition{Type: v1alpha1.ConditionPipeRoleReady, Status: metav1.ConditionFalse,
		Reason: v1alpha1.ReasonWaitingForIAMPropagation, ObservedGeneration: 2}
	kp.Status.Conditions = []metav1.Condition{waiting}
	p := unitParts(kp)
	p.r.states, p.r.Options.IAMPropagation = newStateClock(), 10*time.Second
	p.aws.IAM = unreadableIAM{t: t}
	state := stateOf(waiting.Status, waiting.Reason)
	p.r.states.look(kp.UID, waiting.Type, state, time.Now().Add(-p.r.Options.IAMPropagation), 0, time.Minute)
	res, err := p.pipeRolePart().ensure(context.Background())
	if err != nil || !strings.Contains(res.message, kp.Status.Roles.Pipe) {
		t.Fatalf("ensure = %+v, %v; want Ready naming %s", res, err, kp.Status.Roles.Pipe)
	}

	// A role that has waited less, or was written for another generation, is read again.
	for name, mutate := range map[string]func(){
		"not given IAMPropagation yet": func() {
			p.r.states.forget(kp.UID)
			p.r.states.look(kp.UID, waiting.Type, state, time.Now(), 0, time.Minute)
		},
		"another generation":           func() { kp.Generation = 3 },
		"unknown since when (restart)": func() { p.r.states.forget(kp.UID) },
	} {
		p.r.states.look(kp.UID, waiting.Type, state, time.Now().Add(-time.Hour), 0, time.Minute)
		mutate()
		if p.roleOwner().propagated(ownedRole{condition: waiting.Type, arn: &kp.Status.Roles.Pipe}) {
			t.Errorf("%s: propagated, want the role read", name)
		}
		kp.Generation = 2
	}
}

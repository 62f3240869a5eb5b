package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/cluster"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/esm"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/pipe"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/queue"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// dependencyPoll is how often a pipeline looks again at a KafkaCluster that is not ready.
var dependencyPoll = 15 * time.Second

// rolePath is the IAM path of every role the operator creates, so its own policy can be scoped to it.
const rolePath = "/kafkapipeline/"

// resolvedCluster is the MSK cluster a pipeline reads from.
type resolvedCluster struct {
	// object is the KafkaCluster named by spec.cluster.name (nil for an ARN reference or when missing).
	object *v1alpha1.KafkaCluster
	// region is where the cluster, and so the pipeline's resources, live.
	region string
}

func (p *pipelineParts) name(suffix string, limit int) string {
	return naming.Name(p.r.Options.ClusterID, p.kp.Namespace, p.kp.Name, suffix, limit)
}

// resolveRegion reads the referenced KafkaCluster (a Kubernetes read, no AWS call) to learn the region:
// spec.region, else the cluster's, else the manager default.
func (p *pipelineParts) resolveRegion(ctx context.Context) error {
	region := p.kp.Spec.Region
	if ref := p.kp.Spec.Cluster; ref.Name != "" {
		kc := &v1alpha1.KafkaCluster{}
		err := p.r.Get(ctx, client.ObjectKey{Namespace: p.kp.Namespace, Name: ref.Name}, kc)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("reading KafkaCluster %s: %w", ref.Name, err)
		default:
			p.cluster.object = kc
			if region == "" {
				region = kc.Spec.Region
			}
		}
	} else if region == "" {
		region = arnRegion(ref.ARN)
	}
	p.cluster.region = region
	cl, err := p.r.AWS.For(ctx, region)
	if err != nil {
		return err
	}
	p.aws = cl
	return nil
}

func (p *pipelineParts) steps(ctx context.Context, checkpoint func(context.Context) error) ([]step, error) {
	if err := p.resolveRegion(ctx); err != nil {
		return nil, err
	}
	kp := p.kp
	steps := []step{
		{condition: v1alpha1.ConditionClusterReady, run: p.ensureCluster},
		{condition: v1alpha1.ConditionTopicReady, deps: []string{v1alpha1.ConditionClusterReady}, run: p.ensureTopic},
	}
	var fnDeps []string
	if kp.DeadLetterQueueEnabled() {
		steps = append(steps, step{condition: v1alpha1.ConditionDeadLetterQueueReady,
			run: func(ctx context.Context) (string, error) { return p.ensureQueue(ctx, checkpoint) }})
		fnDeps = append(fnDeps, v1alpha1.ConditionDeadLetterQueueReady)
	} else {
		kp.Status.DeadLetterQueue = v1alpha1.DeadLetterQueueStatus{}
	}
	if kp.ManagesFunction() {
		roleDeps := append([]string{}, fnDeps...)
		if !kp.UsesPipe() {
			roleDeps = append(roleDeps, v1alpha1.ConditionClusterReady)
		}
		steps = append(steps, step{condition: v1alpha1.ConditionFunctionRoleReady, deps: roleDeps,
			run: func(ctx context.Context) (string, error) { return p.ensureFunctionRole(ctx, checkpoint) }})
		fnDeps = append(fnDeps, v1alpha1.ConditionFunctionRoleReady)
	} else {
		kp.Status.Roles.Function = ""
	}
	steps = append(steps, step{condition: v1alpha1.ConditionFunctionReady, deps: fnDeps,
		run: func(ctx context.Context) (string, error) { return p.ensureFunction(ctx, checkpoint) }})
	if kp.UsesPipe() {
		kp.Status.EventSourceMapping = v1alpha1.EventSourceMappingStatus{}
		steps = append(steps,
			step{condition: v1alpha1.ConditionPipeRoleReady,
				deps: []string{v1alpha1.ConditionClusterReady, v1alpha1.ConditionFunctionReady},
				run:  func(ctx context.Context) (string, error) { return p.ensurePipeRole(ctx, checkpoint) }},
			step{condition: v1alpha1.ConditionPipeReady,
				deps: []string{v1alpha1.ConditionTopicReady, v1alpha1.ConditionFunctionReady, v1alpha1.ConditionPipeRoleReady},
				run:  func(ctx context.Context) (string, error) { return p.ensurePipe(ctx, checkpoint) }})
	} else {
		kp.Status.Pipe, kp.Status.Roles.Pipe = v1alpha1.PipeStatus{}, ""
		steps = append(steps, step{condition: v1alpha1.ConditionEventSourceMappingReady,
			deps: []string{v1alpha1.ConditionTopicReady, v1alpha1.ConditionFunctionReady},
			run:  func(ctx context.Context) (string, error) { return p.ensureMapping(ctx, checkpoint) }})
	}
	return steps, nil
}

// ensureCluster resolves the cluster: a KafkaCluster that must be Ready, or an external ARN that is only
// read.
func (p *pipelineParts) ensureCluster(ctx context.Context) (string, error) {
	ref, st := p.kp.Spec.Cluster, &p.kp.Status.Cluster
	if ref.ARN != "" {
		o, err := cluster.New(p.aws.Kafka).ObserveExternal(ctx, ref.ARN)
		if err != nil {
			return "", err
		}
		st.ARN, st.BootstrapBrokers = o.ARN, o.BootstrapBrokers
		return "using the existing cluster " + o.ARN, nil
	}
	kc := p.cluster.object
	if kc == nil {
		return "", outcome.Wait(dependencyPoll, v1alpha1.ReasonDependencyNotReady,
			"KafkaCluster %s does not exist in namespace %s", ref.Name, p.kp.Namespace)
	}
	if msg := clusterNotReady(kc); msg != "" {
		return "", outcome.Wait(dependencyPoll, v1alpha1.ReasonDependencyNotReady, "KafkaCluster %s %s", ref.Name, msg)
	}
	st.ARN, st.BootstrapBrokers = kc.Status.ARN, kc.Status.BootstrapBrokers
	return "KafkaCluster " + kc.Name + " is ready: " + kc.Status.ARN, nil
}

func (p *pipelineParts) ensureTopic(ctx context.Context) (string, error) {
	t := p.kp.Spec.Topic
	if !p.kp.CreatesTopic() {
		p.kp.Status.Topic = v1alpha1.TopicStatus{Name: t.Name}
		return "topic " + t.Name + " is not managed (topic.create is false)", nil
	}
	state, err := p.r.Topics.Ensure(ctx, kafka.TopicRequest{
		Brokers: strings.Split(p.kp.Status.Cluster.BootstrapBrokers, ","), Region: p.kp.Spec.Region, Name: t.Name, Partitions: t.Partitions, Config: t.Config})
	if err != nil {
		return "", err
	}
	p.kp.Status.Topic = v1alpha1.TopicStatus{Name: state.Name, Partitions: state.Partitions}
	return fmt.Sprintf("topic %s has %d partitions", state.Name, state.Partitions), nil
}

func (p *pipelineParts) queueDesired() queue.Desired {
	return queue.Desired{Name: p.name(naming.SuffixQueue, naming.MaxQueue),
		RetentionSeconds: p.kp.Spec.DeadLetterQueue.MessageRetentionSeconds, Owner: p.owner(), Tags: p.kp.Spec.Tags}
}

func (p *pipelineParts) ensureQueue(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	svc, st := queue.New(p.aws.SQS), &p.kp.Status.DeadLetterQueue
	if arn := p.kp.Spec.DeadLetterQueue.ARN; arn != "" {
		o, err := svc.ObserveExternal(ctx, arn)
		if err != nil {
			return "", err
		}
		if o == nil {
			return "", missingExternal("SQS queue", arn)
		}
		st.ARN, st.URL = o.ARN, o.URL
		return "using the existing queue " + o.ARN, nil
	}
	res, err := svc.Ensure(ctx, st.URL, p.queueDesired())
	if err := converged(ctx, p.r.Recorder, p.kp, "dead-letter queue", res, err, checkpoint, func(o *queue.Observed) {
		st.ARN, st.URL = o.ARN, o.URL
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("queue %s keeps messages %d s", st.ARN, res.Observed.RetentionSeconds), nil
}

func (p *pipelineParts) functionName() string {
	if p.kp.ManagesFunction() {
		return p.name(naming.SuffixFunction, naming.MaxFunction)
	}
	return functionNameOf(p.kp.Spec.Target.Function.ARN)
}

// kafkaPermissions are the Kafka resources a reader of this pipeline's topic needs.
func (p *pipelineParts) kafkaPermissions() role.PipePermissions {
	return role.PipePermissions{ClusterARN: p.kp.Status.Cluster.ARN, Topic: p.kp.Spec.Topic.Name,
		ConsumerGroup: p.consumerGroup(), FunctionARN: p.kp.Status.Function.ARN}
}

func (p *pipelineParts) consumerGroup() string {
	if g := p.kp.Spec.Source.ConsumerGroupID; g != "" {
		return g
	}
	return naming.ConsumerGroup(p.r.Options.ClusterID, p.kp.Namespace, p.kp.Name)
}

func (p *pipelineParts) functionRoleDesired() (role.Desired, error) {
	perms := role.FunctionPermissions{Region: p.aws.Region, Account: p.aws.AccountID, FunctionName: p.functionName(),
		DLQARN: p.kp.Status.DeadLetterQueue.ARN}
	if !p.kp.UsesPipe() {
		kafkaPerms := p.kafkaPermissions()
		perms.ESM = &kafkaPerms
	}
	doc, err := role.FunctionPolicy(perms)
	if err != nil {
		return role.Desired{}, err
	}
	return role.Desired{Name: p.name(naming.SuffixFunctionRole, naming.MaxRole), Path: rolePath,
		TrustService: "lambda.amazonaws.com", InlinePolicyName: "kafka-pipeline-function", InlinePolicy: doc,
		Owner: p.owner(), Tags: p.kp.Spec.Tags}, nil
}

func (p *pipelineParts) pipeRoleDesired() (role.Desired, error) {
	doc, err := role.PipePolicy(p.kafkaPermissions())
	if err != nil {
		return role.Desired{}, err
	}
	return role.Desired{Name: p.name(naming.SuffixPipeRole, naming.MaxRole), Path: rolePath,
		TrustService: "pipes.amazonaws.com", TrustConditions: role.SourceAccount(p.aws.AccountID),
		InlinePolicyName: "kafka-pipeline-pipe", InlinePolicy: doc, Owner: p.owner(), Tags: p.kp.Spec.Tags}, nil
}

func (p *pipelineParts) ensureFunctionRole(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	d, err := p.functionRoleDesired()
	if err != nil {
		return "", err
	}
	arn, err := p.ensureRole(ctx, p.kp.Status.Roles.Function, d, "function role", checkpoint,
		func(arn string) { p.kp.Status.Roles.Function = arn })
	if err != nil {
		return "", err
	}
	return "role " + arn + " allows logging and sending to the dead-letter queue", nil
}

func (p *pipelineParts) ensurePipeRole(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	d, err := p.pipeRoleDesired()
	if err != nil {
		return "", err
	}
	arn, err := p.ensureRole(ctx, p.kp.Status.Roles.Pipe, d, "pipe role", checkpoint,
		func(arn string) { p.kp.Status.Roles.Pipe = arn })
	if err != nil {
		return "", err
	}
	return "role " + arn + " allows reading the topic and invoking the function", nil
}

// ensureRole converges one role and then waits out IAM propagation after any change to it, so the
// services that assume it next do not see a role that is not there yet.
func (p *pipelineParts) ensureRole(ctx context.Context, hint string, d role.Desired, what string,
	checkpoint func(context.Context) error, setARN func(string)) (string, error) {
	res, err := role.New(p.aws.IAM).Ensure(ctx, hint, d)
	if err := converged(ctx, p.r.Recorder, p.kp, what, res, err, checkpoint, func(o *role.Observed) { setARN(o.ARN) }); err != nil {
		return "", err
	}
	if (res.Created || res.Updated) && p.r.IAMPropagation > 0 {
		return "", outcome.Wait(p.r.IAMPropagation, "WaitingForIAMPropagation",
			"%s %s changed; giving IAM %s to propagate it", what, res.Observed.ARN, p.r.IAMPropagation)
	}
	return res.Observed.ARN, nil
}

func (p *pipelineParts) functionDesired() (function.Desired, error) {
	mf, kp := p.kp.Spec.Target.Function.Managed, p.kp
	d := function.Desired{Name: p.functionName(), RoleARN: kp.Status.Roles.Function, Runtime: mf.EffectiveRuntime(),
		Handler: mf.EffectiveHandler(), Architecture: string(mf.Architecture), MemoryMB: mf.MemoryMB,
		TimeoutSeconds: mf.TimeoutSeconds, Environment: mf.Environment, DLQARN: kp.Status.DeadLetterQueue.ARN,
		Retry: &function.Retry{MaximumEventAgeSeconds: kp.Spec.RetryPolicy.MaximumEventAgeSeconds},
		Owner: p.owner(), Tags: kp.Spec.Tags}
	if n := kp.Spec.RetryPolicy.MaximumRetryAttempts; n != nil {
		d.Retry.MaximumRetryAttempts = *n
	} else {
		d.Retry.MaximumRetryAttempts = 2
	}
	switch code := mf.Code; {
	case code.Builtin != nil:
		zip, err := p.r.BuiltinCode(string(mf.Architecture))
		if err != nil {
			return d, outcome.Fail(v1alpha1.ReasonInvalidSpec, fmt.Errorf("built-in processor code: %w", err))
		}
		d.Code.ZipFile = zip
		if p.r.BuiltinCodeSHA256 != nil {
			if d.Code.Sha256, err = p.r.BuiltinCodeSHA256(string(mf.Architecture)); err != nil {
				return d, outcome.Fail(v1alpha1.ReasonInvalidSpec, fmt.Errorf("built-in processor code: %w", err))
			}
		}
	case code.S3 != nil:
		d.Code.S3 = &function.S3Code{Bucket: code.S3.Bucket, Key: code.S3.Key, ObjectVersion: code.S3.ObjectVersion}
	default:
		d.Code.ImageURI = code.ImageURI
		d.Runtime, d.Handler = "", ""
	}
	return d, nil
}

func (p *pipelineParts) ensureFunction(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	svc, st := function.New(p.aws.Lambda, p.aws.Logs), &p.kp.Status.Function
	if arn := p.kp.Spec.Target.Function.ARN; arn != "" {
		o, err := svc.ObserveExternal(ctx, arn)
		if err != nil {
			return "", err
		}
		if o == nil {
			return "", missingExternal("Lambda function", arn)
		}
		*st = v1alpha1.FunctionStatus{ARN: o.ARN, Name: o.Name, CodeSha256: o.CodeSha256, State: o.State}
		return "using the existing function " + o.ARN, nil
	}
	d, err := p.functionDesired()
	if err != nil {
		return "", err
	}
	res, err := svc.Ensure(ctx, st.ARN, d)
	if err := converged(ctx, p.r.Recorder, p.kp, "function", res, err, checkpoint, func(o *function.Observed) {
		*st = v1alpha1.FunctionStatus{ARN: o.ARN, Name: o.Name, CodeSha256: o.CodeSha256, State: o.State}
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("function %s is %s with code %s", st.Name, st.State, st.CodeSha256), nil
}

func (p *pipelineParts) pipeDesired() pipe.Desired {
	kp := p.kp
	state := "RUNNING"
	if kp.Spec.Suspend {
		state = "STOPPED"
	}
	return pipe.Desired{Name: p.name(naming.SuffixPipe, naming.MaxPipe), RoleARN: kp.Status.Roles.Pipe,
		SourceClusterARN: kp.Status.Cluster.ARN, Topic: kp.Spec.Topic.Name,
		StartingPosition: string(kp.Spec.Source.StartingPosition), BatchSize: kp.Spec.Source.BatchSize,
		MaximumBatchingWindowSeconds: kp.Spec.Source.MaximumBatchingWindowSeconds, ConsumerGroupID: p.consumerGroup(),
		TargetFunctionARN: kp.Status.Function.ARN, InvocationType: string(kp.EffectiveInvocationType()),
		DesiredState: state, Owner: p.owner(), Tags: kp.Spec.Tags}
}

func (p *pipelineParts) ensurePipe(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	st := &p.kp.Status.Pipe
	res, err := pipe.New(p.aws.Pipes).Ensure(ctx, st.ARN, p.pipeDesired())
	if err := converged(ctx, p.r.Recorder, p.kp, "pipe", res, err, checkpoint, func(o *pipe.Observed) {
		*st = v1alpha1.PipeStatus{ARN: o.ARN, Name: o.Name, CurrentState: o.CurrentState, DesiredState: o.DesiredState,
			StateReason: o.StateReason}
	}); err != nil {
		return "", err
	}
	if p.kp.Spec.Suspend {
		return "pipe " + st.Name + " is STOPPED as spec.suspend asks", nil
	}
	return "pipe " + st.Name + " is RUNNING", nil
}

func (p *pipelineParts) mappingDesired() esm.Desired {
	kp := p.kp
	return esm.Desired{FunctionName: kp.Status.Function.ARN, ClusterARN: kp.Status.Cluster.ARN, Topic: kp.Spec.Topic.Name,
		StartingPosition: string(kp.Spec.Source.StartingPosition), BatchSize: kp.Spec.Source.BatchSize,
		MaximumBatchingWindowSeconds: kp.Spec.Source.MaximumBatchingWindowSeconds, ConsumerGroupID: p.consumerGroup(),
		Enabled: !kp.Spec.Suspend, OnFailureDestination: kp.Status.DeadLetterQueue.ARN, Owner: p.owner(), Tags: kp.Spec.Tags}
}

func (p *pipelineParts) ensureMapping(ctx context.Context, checkpoint func(context.Context) error) (string, error) {
	st := &p.kp.Status.EventSourceMapping
	res, err := esm.New(p.aws.Lambda).Ensure(ctx, st.UUID, p.mappingDesired())
	if err := converged(ctx, p.r.Recorder, p.kp, "event source mapping", res, err, checkpoint, func(o *esm.Observed) {
		*st = v1alpha1.EventSourceMappingStatus{UUID: o.UUID, State: o.State}
	}); err != nil {
		return "", err
	}
	return "event source mapping " + st.UUID + " is " + st.State, nil
}

// deleteSteps removes the owned parts in the reverse of the create order. The topic is never deleted: Kafka
// topics carry no ownership tags, may be shared, and go with their cluster.
func (p *pipelineParts) deleteSteps(ctx context.Context) ([]deleteStep, error) {
	if err := p.resolveRegion(ctx); err != nil {
		return nil, err
	}
	kp := p.kp
	var steps []deleteStep
	if kp.UsesPipe() {
		steps = append(steps,
			deleteStep{condition: v1alpha1.ConditionPipeReady, delete: func(ctx context.Context) (bool, error) {
				return pipe.New(p.aws.Pipes).Delete(ctx, kp.Status.Pipe.ARN, p.pipeDesired())
			}},
			deleteStep{condition: v1alpha1.ConditionPipeRoleReady, delete: func(ctx context.Context) (bool, error) {
				return role.New(p.aws.IAM).Delete(ctx, kp.Status.Roles.Pipe, role.Desired{
					Name: p.name(naming.SuffixPipeRole, naming.MaxRole), Path: rolePath, Owner: p.owner()})
			}})
	} else {
		steps = append(steps, deleteStep{condition: v1alpha1.ConditionEventSourceMappingReady,
			delete: func(ctx context.Context) (bool, error) {
				return esm.New(p.aws.Lambda).Delete(ctx, kp.Status.EventSourceMapping.UUID, p.mappingDesired())
			}})
	}
	if kp.ManagesFunction() {
		steps = append(steps,
			deleteStep{condition: v1alpha1.ConditionFunctionReady, delete: func(ctx context.Context) (bool, error) {
				return function.New(p.aws.Lambda, p.aws.Logs).Delete(ctx, kp.Status.Function.ARN, function.Desired{
					Name: p.functionName(), Owner: p.owner()})
			}},
			deleteStep{condition: v1alpha1.ConditionFunctionRoleReady, delete: func(ctx context.Context) (bool, error) {
				return role.New(p.aws.IAM).Delete(ctx, kp.Status.Roles.Function, role.Desired{
					Name: p.name(naming.SuffixFunctionRole, naming.MaxRole), Path: rolePath, Owner: p.owner()})
			}})
	}
	if kp.CreatesDeadLetterQueue() {
		steps = append(steps, deleteStep{condition: v1alpha1.ConditionDeadLetterQueueReady,
			delete: func(ctx context.Context) (bool, error) {
				return queue.New(p.aws.SQS).Delete(ctx, kp.Status.DeadLetterQueue.URL, p.queueDesired())
			}})
	}
	return steps, nil
}

// clusterNotReady says why a KafkaCluster cannot be used yet, or "" when it is Ready for its current spec.
func clusterNotReady(kc *v1alpha1.KafkaCluster) string {
	ready := conditions.Get(kc.Status.Conditions, v1alpha1.ConditionReady)
	switch {
	case !kc.DeletionTimestamp.IsZero():
		return "is being deleted"
	case kc.Status.ObservedGeneration != kc.Generation:
		return "has changes that are not reconciled yet"
	case ready == nil:
		return "is not ready yet"
	case ready.Status != metav1.ConditionTrue:
		return "is not ready: " + ready.Message
	}
	return ""
}

// missingExternal reports an existing resource named in the spec that AWS does not have: someone must
// create it or fix the spec, so it is looked at again slowly.
func missingExternal(what, arn string) error {
	return outcome.Block("NotFound", fmt.Errorf("the %s %s named in the spec does not exist", what, arn))
}

// arnRegion returns the region field of an ARN ("" when s is not an ARN).
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

// functionNameOf returns the function name of a (possibly qualified) Lambda function ARN.
func functionNameOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) >= 7 {
		return parts[6]
	}
	return arn
}

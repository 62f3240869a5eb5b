package controllers

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// testDelays give localaws's asynchronous transitions short but real durations.
var testDelays = map[lifecycle.Kind]time.Duration{
	lifecycle.ClusterCreate: 600 * time.Millisecond, lifecycle.ClusterDelete: 300 * time.Millisecond,
	lifecycle.PipeCreate: 300 * time.Millisecond, lifecycle.PipeUpdate: 200 * time.Millisecond,
	lifecycle.PipeStart: 200 * time.Millisecond, lifecycle.PipeStop: 200 * time.Millisecond,
	lifecycle.PipeDelete: 200 * time.Millisecond, lifecycle.FunctionCreate: 200 * time.Millisecond,
	lifecycle.FunctionUpdate: 200 * time.Millisecond, lifecycle.NatGatewayCreate: 400 * time.Millisecond,
	lifecycle.NatGatewayDelete: 200 * time.Millisecond,
}

// testTimings are the controllers' waits scaled to the test delays: a blocked or stalled object is looked at
// again within seconds.
var testTimings = Timings{Blocked: time.Second, StalledFirst: time.Second, StalledMax: 4 * time.Second,
	ExternalPoll: 200 * time.Millisecond, DeletePoll: 200 * time.Millisecond, InUsePoll: 200 * time.Millisecond,
	WaitMax: 2 * time.Second}

// testPoll is the AWS layer's waits in the tests (they are seconds to minutes against AWS).
const testPoll = 200 * time.Millisecond

const (
	waitTimeout = 90 * time.Second
	poll        = 100 * time.Millisecond
)

var ctx = context.Background()

// newCluster is a KafkaCluster with a network of its own whose topics the manager administers directly, as
// most scenarios need no more (and so start no function process); topicadmin_test.go covers the default,
// the topic admin function.
func newCluster(namespace, name string) *v1alpha1.KafkaCluster {
	return &v1alpha1.KafkaCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.KafkaClusterSpec{
			TopicAdministration: v1alpha1.TopicAdministrationDirect,
			Network: v1alpha1.Network{Create: &v1alpha1.NetworkCreate{CIDR: "10.10.0.0/16",
				AvailabilityZones: []string{"us-east-1a", "us-east-1c"}}},
			Tags: v1alpha1.Tags{"team": "streaming"},
		},
	}
}

func newPipeline(namespace, name, clusterName string) *v1alpha1.KafkaPipeline {
	return &v1alpha1.KafkaPipeline{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.KafkaPipelineSpec{
			Cluster: v1alpha1.ClusterReference{Name: clusterName},
			Topic:   v1alpha1.Topic{Name: "test-topic"},
			Target: v1alpha1.Target{Function: v1alpha1.Function{Managed: &v1alpha1.ManagedFunction{
				Code: v1alpha1.FunctionCode{Builtin: &v1alpha1.BuiltinCode{}}}}},
			Tags: v1alpha1.Tags{"team": "streaming"},
		},
	}
}

// conditionsOf reads an object's current conditions.
func conditionsOf(obj client.Object) []metav1.Condition {
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	return obj.(interface{ GetConditions() []metav1.Condition }).GetConditions()
}

// waitForCondition waits until the object's condition has the status (and reason, when given).
func waitForCondition(obj client.Object, condType string, want metav1.ConditionStatus, reason string) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		c := conditions.Get(obj.(interface{ GetConditions() []metav1.Condition }).GetConditions(), condType)
		g.Expect(c).NotTo(BeNil(), "condition %s missing", condType)
		g.Expect(c.Status).To(Equal(want), "%s: %s: %s", condType, c.Reason, c.Message)
		if reason != "" {
			g.Expect(c.Reason).To(Equal(reason), "%s: %s", condType, c.Message)
		}
		g.Expect(c.ObservedGeneration).To(Equal(obj.GetGeneration()))
	}).WithTimeout(waitTimeout).WithPolling(poll).Should(Succeed())
}

// waitDeleting waits until a KafkaCluster's deletion is held at one part: its condition is Deleting with a
// message that contains want (for example the pipelines it waits for).
func waitDeleting(kc *v1alpha1.KafkaCluster, condType, want string) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kc), kc)).To(Succeed())
		c := conditions.Get(kc.Status.Conditions, condType)
		g.Expect(c).NotTo(BeNil(), "condition %s missing", condType)
		g.Expect(c.Reason).To(Equal(v1alpha1.ReasonDeleting), "%s: %s", condType, c.Message)
		g.Expect(c.Message).To(ContainSubstring(want))
	}).WithTimeout(waitTimeout).WithPolling(poll).Should(Succeed())
}

func waitReady(obj client.Object) {
	GinkgoHelper()
	waitForCondition(obj, conditions.Ready, metav1.ConditionTrue, "")
}

// waitGone waits until the object no longer exists (its finalizer was removed).
func waitGone(obj client.Object) {
	GinkgoHelper()
	Eventually(func() bool {
		err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		return client.IgnoreNotFound(err) == nil && err != nil
	}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeTrue())
}

// kstatus computes the object's kstatus status, as Flux, Argo CD's gitops-engine and kpt do.
func kstatus(obj client.Object) status.Status {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	Expect(err).NotTo(HaveOccurred())
	res, err := status.Compute(&unstructured.Unstructured{Object: m})
	Expect(err).NotTo(HaveOccurred())
	return res.Status
}

// partName is the deterministic AWS name of one part of an object.
func partName(obj client.Object, suffix string, limit int) string {
	return naming.Name(testClusterID, obj.GetNamespace(), obj.GetName(), suffix, limit)
}

// sdk clients with every operation, for assertions the operator's narrow interfaces do not cover.
func pipesClient() *pipes.Client   { return pipes.NewFromConfig(awsCfg) }
func lambdaClient() *lambda.Client { return lambda.NewFromConfig(awsCfg) }
func sqsClient() *sqs.Client       { return sqs.NewFromConfig(awsCfg) }
func iamClient() *iam.Client       { return iam.NewFromConfig(awsCfg) }

// rolePolicy returns a role's decoded inline policy document.
func rolePolicy(roleName, policyName string) string {
	GinkgoHelper()
	out, err := iamClient().GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(policyName)})
	Expect(err).NotTo(HaveOccurred())
	doc, err := url.QueryUnescape(aws.ToString(out.PolicyDocument))
	Expect(err).NotTo(HaveOccurred())
	return doc
}

// writesSince returns the state-changing AWS calls counted since the counters were reset.
func writes() map[string]int64 {
	GinkgoHelper()
	calls, err := admin.Calls(ctx)
	Expect(err).NotTo(HaveOccurred())
	return calls.Writes()
}

// callsTotal returns how many AWS calls were counted since the counters were reset.
func callsTotal() int64 {
	GinkgoHelper()
	calls, err := admin.Calls(ctx)
	Expect(err).NotTo(HaveOccurred())
	return calls.Total()
}

// touch asks for a reconcile now through the reconcile-request annotation.
func touch(obj client.Object) {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	patch := client.MergeFrom(obj.DeepCopyObject().(client.Object))
	ann := obj.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[v1alpha1.ReconcileRequestAnnotation] = fmt.Sprint(time.Now().UnixNano())
	obj.SetAnnotations(ann)
	Expect(k8s.Patch(ctx, obj, patch)).To(Succeed())
}

// ownedLeft lists the AWS resources that still carry the ownership tags of objects in a namespace, across
// every service the operator writes to.
func ownedLeft(namespace string) []string {
	GinkgoHelper()
	var left []string
	owned := func(kind, name string, tags map[string]string) {
		if tags["kafkapipeline.dev/namespace"] == namespace {
			left = append(left, kind+" "+name)
		}
	}
	pl, err := pipesClient().ListPipes(ctx, &pipes.ListPipesInput{})
	Expect(err).NotTo(HaveOccurred())
	for _, p := range pl.Pipes {
		t, err := pipesClient().ListTagsForResource(ctx, &pipes.ListTagsForResourceInput{ResourceArn: p.Arn})
		Expect(err).NotTo(HaveOccurred())
		owned("pipe", aws.ToString(p.Name), t.Tags)
	}
	fl, err := lambdaClient().ListFunctions(ctx, &lambda.ListFunctionsInput{})
	Expect(err).NotTo(HaveOccurred())
	for _, f := range fl.Functions {
		t, err := lambdaClient().ListTags(ctx, &lambda.ListTagsInput{Resource: f.FunctionArn})
		Expect(err).NotTo(HaveOccurred())
		owned("function", aws.ToString(f.FunctionName), t.Tags)
	}
	ql, err := sqsClient().ListQueues(ctx, &sqs.ListQueuesInput{})
	Expect(err).NotTo(HaveOccurred())
	for _, u := range ql.QueueUrls {
		t, err := sqsClient().ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(u)})
		Expect(err).NotTo(HaveOccurred())
		owned("queue", u, t.Tags)
	}
	rl, err := iamClient().ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/kafkapipeline/")})
	Expect(err).NotTo(HaveOccurred())
	for _, r := range rl.Roles {
		t, err := iamClient().ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: r.RoleName})
		Expect(err).NotTo(HaveOccurred())
		m := map[string]string{}
		for _, tag := range t.Tags {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		owned("role", aws.ToString(r.RoleName), m)
	}
	cl, err := kafkaClient().ListClustersV2(ctx, &kafkasdk.ListClustersV2Input{})
	Expect(err).NotTo(HaveOccurred())
	for _, c := range cl.ClusterInfoList {
		owned("cluster", aws.ToString(c.ClusterName), c.Tags)
	}
	byTag := []ec2types.Filter{{Name: aws.String("tag:kafkapipeline.dev/namespace"), Values: []string{namespace}}}
	vpcs, err := ec2Client().DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: byTag})
	Expect(err).NotTo(HaveOccurred())
	for _, v := range vpcs.Vpcs {
		left = append(left, "vpc "+aws.ToString(v.VpcId))
	}
	subnets, err := ec2Client().DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: byTag})
	Expect(err).NotTo(HaveOccurred())
	for _, s := range subnets.Subnets {
		left = append(left, "subnet "+aws.ToString(s.SubnetId))
	}
	nats, err := ec2Client().DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: append(byTag,
		ec2types.Filter{Name: aws.String("state"), Values: []string{"pending", "available", "deleting"}})})
	Expect(err).NotTo(HaveOccurred())
	for _, n := range nats.NatGateways {
		left = append(left, "nat-gateway "+aws.ToString(n.NatGatewayId))
	}
	eips, err := ec2Client().DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: byTag})
	Expect(err).NotTo(HaveOccurred())
	for _, a := range eips.Addresses {
		left = append(left, "address "+aws.ToString(a.AllocationId))
	}
	return left
}

func kafkaClient() *kafkasdk.Client { return kafkasdk.NewFromConfig(awsCfg) }
func ec2Client() *ec2.Client        { return ec2.NewFromConfig(awsCfg) }

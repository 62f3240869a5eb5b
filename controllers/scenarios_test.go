package controllers

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// readyCluster creates a KafkaCluster with its own network in a new namespace and waits until it is Ready.
func readyCluster(prefix string) (string, *v1alpha1.KafkaCluster) {
	GinkgoHelper()
	ns := createNamespace(prefix)
	kc := newCluster(ns, "shared")
	Expect(k8s.Create(ctx, kc)).To(Succeed())
	waitReady(kc)
	return ns, kc
}

// countCalls returns how many calls of one operation localaws has counted since the last reset.
func countCalls(service, operation string) int64 {
	GinkgoHelper()
	calls, err := admin.Calls(ctx)
	Expect(err).NotTo(HaveOccurred())
	return calls.Count(service, operation)
}

var _ = Describe("KafkaPipeline identity", func() {
	It("leaves no duplicate after lost status writes and a manager restart mid-create", func() {
		ns, kc := readyCluster("restart")
		kp := newPipeline(ns, "p", kc.Name)
		failStatusPatches.Store(3) // the first status writes after creates are lost
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, v1alpha1.ConditionFunctionReady, metav1.ConditionTrue, "")

		// Restart with every status ARN forgotten, as if the manager died before writing any of them.
		stopManager()
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
		patch := client.MergeFrom(kp.DeepCopy())
		kp.Status = v1alpha1.KafkaPipelineStatus{}
		Expect(k8s.Status().Patch(ctx, kp, patch)).To(Succeed())
		startManager(time.Hour)
		waitReady(kp)

		Expect(countOwned(ns)).To(Equal(map[string]int{"pipe": 1, "function": 1, "queue": 1, "role": 2, "cluster": 1}))
		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		waitGone(kp)
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})

	It("refuses a same-named resource it does not own, and never touches it", func() {
		ns, kc := readyCluster("notowned")
		kp := newPipeline(ns, "p", kc.Name)
		queueName := naming.Name(testClusterID, ns, "p", naming.SuffixQueue, naming.MaxQueue)
		q, err := sqsClient().CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queueName),
			Tags: map[string]string{"owner": "someone-else"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(k8s.Create(ctx, kp)).To(Succeed())

		waitForCondition(kp, conditions.Stalled, metav1.ConditionTrue, "NotOwned")
		c := conditions.Get(conditionsOf(kp), v1alpha1.ConditionDeadLetterQueueReady)
		Expect(c.Reason).To(Equal("NotOwned"))
		Expect(c.Message).To(ContainSubstring(queueName))
		Expect(kstatus(kp)).To(Equal(status.FailedStatus))
		waitEvent(kp, "Warning "+v1alpha1.ReasonNotOwned, 1)

		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		waitGone(kp)
		tags, err := sqsClient().ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: q.QueueUrl})
		Expect(err).NotTo(HaveOccurred(), "the foreign queue must survive the pipeline's deletion")
		Expect(tags.Tags).To(Equal(map[string]string{"owner": "someone-else"}))
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})
})

var _ = Describe("KafkaCluster with AWS-side errors", func() {
	It("stalls InvalidSpec with AWS's message on a subnet that does not exist, creating nothing", func() {
		ns := createNamespace("badsubnet")
		kc := &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "byo"},
			Spec: v1alpha1.KafkaClusterSpec{Network: v1alpha1.Network{
				SubnetIDs: []string{"subnet-0000000a", "subnet-0000000b"}, SecurityGroupIDs: []string{"sg-0000000a"}}}}
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		waitForCondition(kc, conditions.Stalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		c := conditions.Get(conditionsOf(kc), v1alpha1.ConditionNetworkReady)
		Expect(c.Message).To(ContainSubstring("subnet-0000000a"))
		Expect(c.Message).To(ContainSubstring("do not exist"))
		Expect(kstatus(kc)).To(Equal(status.FailedStatus))
		// A stalled object is looked at again on a slow backoff (1 s, then as long again as it has been
		// stalled, in these tests), not in a loop.
		looks := countCalls("ec2", "DescribeSubnets")
		Consistently(func() int64 { return countCalls("ec2", "DescribeSubnets") }).
			WithTimeout(3 * time.Second).WithPolling(200 * time.Millisecond).Should(BeNumerically("<=", looks+3))
		Expect(writes()).To(BeEmpty())
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})
})

var _ = Describe("KafkaPipeline deletion policy", func() {
	It("leaves the AWS resources when the policy is Retain", func() {
		ns, kc := readyCluster("retain")
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.DeletionPolicy = v1alpha1.DeletionPolicyRetain
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		waitGone(kp)
		_, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String(kp.Status.Pipe.Name)})
		Expect(err).NotTo(HaveOccurred(), "a retained pipe stays")
		_, err = lambdaClient().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(kp.Status.Function.Name)})
		Expect(err).NotTo(HaveOccurred(), "a retained function stays")
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})
})

var _ = Describe("KafkaPipeline with an event source mapping", func() {
	It("delivers through a Lambda event source mapping with the DLQ as its failure destination", func() {
		ns, kc := readyCluster("esm")
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.Delivery = v1alpha1.DeliveryEventSourceMapping
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		Expect(conditions.Get(conditionsOf(kp), v1alpha1.ConditionPipeReady)).To(BeNil())
		Expect(kp.Status.DeliveryState).To(Equal("Enabled"), "the State column shows the mapping's state")
		m, err := lambdaClient().GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(kp.Status.EventSourceMapping.UUID)})
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Topics).To(Equal([]string{"test-topic"}))
		Expect(aws.ToString(m.EventSourceArn)).To(Equal(kc.Status.ARN))
		Expect(aws.ToInt32(m.BatchSize)).To(BeEquivalentTo(10))
		Expect(aws.ToString(m.DestinationConfig.OnFailure.Destination)).To(Equal(kp.Status.DeadLetterQueue.ARN))
		fnRole := rolePolicy(partName(kp, naming.SuffixFunctionRole, naming.MaxRole), "kafka-pipeline-function")
		Expect(fnRole).To(ContainSubstring(`"kafka-cluster:ReadData"`))
		Expect(fnRole).To(ContainSubstring(strings.Replace(kc.Status.ARN, ":cluster/", ":topic/", 1) + "/test-topic"))

		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		waitGone(kp)
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
		Expect(ownedLeft(ns)).To(BeEmpty())
	})
})

// countOwned counts the resources left per kind for a namespace's objects.
func countOwned(namespace string) map[string]int {
	GinkgoHelper()
	out := map[string]int{}
	for _, r := range ownedLeft(namespace) {
		kind, _, _ := strings.Cut(r, " ")
		switch kind {
		case "vpc", "subnet", "nat-gateway", "address":
			continue // the cluster's network
		}
		out[kind]++
	}
	return out
}

// createWithSlowIAM creates, on a ready cluster in a namespace of its own (both returned), a pipeline that delivers to an existing function
// while localaws makes a new role wait delay before it may be assumed (reset when the spec ends).
func createWithSlowIAM(prefix, delay string) (string, *v1alpha1.KafkaCluster, *v1alpha1.KafkaPipeline) {
	GinkgoHelper()
	ns, kc := readyCluster(prefix)
	fnARN := externalFunction(ns)
	_, err := admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: ptr.To(delay)})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		_, err := admin.SetConfig(ctx, server.ConfigPatch{PropagationDelay: ptr.To("0s")})
		Expect(err).NotTo(HaveOccurred())
	})
	kp := newPipeline(ns, "p", kc.Name)
	kp.Spec.Target.Function = v1alpha1.Function{ARN: fnARN}
	Expect(k8s.Create(ctx, kp)).To(Succeed())
	return ns, kc, kp
}

var _ = Describe("KafkaPipeline whose pipe AWS fails", func() {
	It("stalls with the pipe's StateReason and replaces it on a slow backoff", func() {
		// From now on a new role takes an hour to become assumable: the pipe's role will be refused.
		_, kc, kp := createWithSlowIAM("pipefail", "1h")

		waitForCondition(kp, conditions.Stalled, metav1.ConditionTrue, "")
		c := conditions.Get(conditionsOf(kp), v1alpha1.ConditionPipeReady)
		Expect(c.Reason).To(Equal(v1alpha1.ReasonProvisioningFailed))
		Expect(c.Message).To(ContainSubstring("CREATE_FAILED"))
		Expect(c.Message).To(ContainSubstring("assume"))
		Expect(kp.Status.Pipe.CurrentState).To(Equal("CREATE_FAILED"))
		Expect(kstatus(kp)).To(Equal(status.FailedStatus))
		// Replaced with backoff (1 s, 2 s, 4 s in these tests), not in a loop.
		Eventually(func() int32 {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
			return kp.Status.Pipe.Replacements
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeNumerically(">=", 1))
		creates := countCalls("pipes", "CreatePipe")
		Consistently(func() int64 { return countCalls("pipes", "CreatePipe") }).
			WithTimeout(3 * time.Second).WithPolling(200 * time.Millisecond).Should(BeNumerically("<=", creates+2))

		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		waitGone(kp)
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})
})

// externalFunction creates a function outside the operator (its role already propagated) and returns its ARN.
func externalFunction(ns string) string {
	GinkgoHelper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := iamClient().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(ns + "-ext"), AssumeRolePolicyDocument: aws.String(trust)})
	Expect(err).NotTo(HaveOccurred())
	zip, err := builtin.Zip("x86_64")
	Expect(err).NotTo(HaveOccurred())
	fn, err := lambdaClient().CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(ns + "-ext"),
		Role: role.Role.Arn, Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: zip}})
	Expect(err).NotTo(HaveOccurred())
	return aws.ToString(fn.FunctionArn)
}

var _ = Describe("KafkaPipeline topic", func() {
	It("creates the topic, grows its partitions, and leaves an unmanaged topic alone", func() {
		ns, kc := readyCluster("topic")
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.Topic.Config = map[string]string{"retention.ms": "86400000"}
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		arn, brokers := kp.Status.Cluster.ARN, kp.Status.Cluster.BootstrapBrokers
		Expect(partitions(arn, brokers, "test-topic")).To(Equal(3))

		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
		patch := client.MergeFrom(kp.DeepCopy())
		kp.Spec.Topic.Partitions = 6
		Expect(k8s.Patch(ctx, kp, patch)).To(Succeed())
		Eventually(func() int32 {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
			return kp.Status.Topic.Partitions
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeEquivalentTo(6))
		Expect(partitions(arn, brokers, "test-topic")).To(Equal(6))

		other := newPipeline(ns, "unmanaged", kc.Name)
		other.Spec.Topic = v1alpha1.Topic{Name: "test-topic", Create: ptr.To(false)}
		Expect(k8s.Create(ctx, other)).To(Succeed())
		waitReady(other)
		Expect(conditions.Get(conditionsOf(other), v1alpha1.ConditionTopicReady).Message).To(ContainSubstring("not managed"))
		Expect(other.Status.Topic.Partitions).To(BeEquivalentTo(6))

		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		Expect(k8s.Delete(ctx, other)).To(Succeed())
		waitGone(kp)
		waitGone(other)
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kc)
	})
})

// partitions returns a topic's partition count (0 when it does not exist), asked with a new client so no
// cached metadata answers.
func partitions(clusterARN, bootstrap, topic string) int {
	GinkgoHelper()
	cl, err := kgo.NewClient(append(local.KafkaClientOpts(clusterARN), kgo.SeedBrokers(strings.Split(bootstrap, ",")...))...)
	Expect(err).NotTo(HaveOccurred())
	defer cl.Close()
	details, err := kadm.NewClient(cl).ListTopics(ctx, topic)
	Expect(err).NotTo(HaveOccurred())
	td, ok := details[topic]
	if !ok || td.Err != nil {
		return 0
	}
	return len(td.Partitions)
}

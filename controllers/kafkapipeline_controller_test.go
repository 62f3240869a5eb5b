package controllers

import (
	"time"

	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	pipestypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

func createNamespace(prefix string) string {
	GinkgoHelper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	Expect(k8s.Create(ctx, ns)).To(Succeed())
	return ns.Name
}

var _ = Describe("KafkaPipeline", Ordered, func() {
	var (
		ns string
		kc *v1alpha1.KafkaCluster
		kp *v1alpha1.KafkaPipeline
	)

	BeforeAll(func() {
		ns = createNamespace("original")
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		kc = newCluster(ns, "shared")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		kp = newPipeline(ns, "test-pipeline", "shared")
		Expect(k8s.Create(ctx, kp)).To(Succeed())
	})

	It("builds the original stack and becomes Ready", func() {
		waitReady(kc)
		waitReady(kp)
		calls := callsTotal()
		AddReportEntry("AWS calls from create to Ready (cluster with network, and pipeline)", calls)
		GinkgoWriter.Printf("AWS calls to reach Ready: %d (writes %v)\n", calls, writes())

		Expect(kstatus(kp)).To(Equal(status.CurrentStatus))
		Expect(kstatus(kc)).To(Equal(status.CurrentStatus))
		for _, t := range []string{v1alpha1.ConditionClusterReady, v1alpha1.ConditionTopicReady,
			v1alpha1.ConditionDeadLetterQueueReady, v1alpha1.ConditionFunctionRoleReady, v1alpha1.ConditionFunctionReady,
			v1alpha1.ConditionPipeRoleReady, v1alpha1.ConditionPipeReady} {
			Expect(conditions.IsTrue(conditionsOf(kp), t)).To(BeTrue(), t)
		}
		Expect(kp.Status.Topic.Partitions).To(BeEquivalentTo(3))
		Expect(kc.Status.Network).NotTo(BeNil())
		Expect(kc.Status.SubnetIDs).To(HaveLen(2))
		Expect(kp.Status.Cluster.BootstrapBrokers).To(ContainSubstring("127.0.0.1:"))
	})

	It("configured every part as asked", func() {
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
		p, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String(kp.Status.Pipe.Name)})
		Expect(err).NotTo(HaveOccurred())
		src := p.SourceParameters.ManagedStreamingKafkaParameters
		Expect(aws.ToInt32(src.BatchSize)).To(BeEquivalentTo(10))
		Expect(src.StartingPosition).To(Equal(pipestypes.MSKStartPositionLatest))
		Expect(aws.ToString(src.TopicName)).To(Equal("test-topic"))
		Expect(p.TargetParameters.LambdaFunctionParameters.InvocationType).To(Equal(pipestypes.PipeTargetInvocationTypeFireAndForget))
		Expect(aws.ToString(p.Source)).To(Equal(kc.Status.ARN))
		Expect(aws.ToString(p.Target)).To(Equal(kp.Status.Function.ARN))
		Expect(p.Tags).To(HaveKeyWithValue("kafkapipeline.dev/name", "test-pipeline"))
		Expect(p.Tags).To(HaveKeyWithValue("team", "streaming"))

		eic, err := lambdaClient().GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{
			FunctionName: aws.String(kp.Status.Function.Name)})
		Expect(err).NotTo(HaveOccurred())
		Expect(aws.ToInt32(eic.MaximumRetryAttempts)).To(BeEquivalentTo(2))
		Expect(aws.ToInt32(eic.MaximumEventAgeInSeconds)).To(BeEquivalentTo(300))

		fn, err := lambdaClient().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(kp.Status.Function.Name)})
		Expect(err).NotTo(HaveOccurred())
		Expect(aws.ToString(fn.Configuration.DeadLetterConfig.TargetArn)).To(Equal(kp.Status.DeadLetterQueue.ARN))
		Expect(string(fn.Configuration.Runtime)).To(Equal("provided.al2023"))
		Expect(aws.ToString(fn.Configuration.CodeSha256)).To(Equal(kp.Status.Function.CodeSha256))

		attrs, err := sqsClient().GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(kp.Status.DeadLetterQueue.URL),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameMessageRetentionPeriod}})
		Expect(err).NotTo(HaveOccurred())
		Expect(attrs.Attributes).To(HaveKeyWithValue("MessageRetentionPeriod", "1209600"))

		pipeRole := rolePolicy(partName(kp, naming.SuffixPipeRole, naming.MaxRole), "kafka-pipeline-pipe")
		topicARN := strings.Replace(kc.Status.ARN, ":cluster/", ":topic/", 1) + "/test-topic"
		Expect(pipeRole).To(ContainSubstring(topicARN))
		Expect(pipeRole).To(ContainSubstring(`"lambda:InvokeFunction"`))
		Expect(pipeRole).To(ContainSubstring(kp.Status.Function.ARN))
		Expect(pipeRole).NotTo(MatchRegexp(`"Action":\s*"\*"|"[a-z-]+:\*"`), "no wildcard actions")
		fnRole := rolePolicy(partName(kp, naming.SuffixFunctionRole, naming.MaxRole), "kafka-pipeline-function")
		Expect(fnRole).To(ContainSubstring(`"sqs:SendMessage"`))
		Expect(fnRole).To(ContainSubstring(kp.Status.DeadLetterQueue.ARN))
	})

	It("makes no AWS writes when reconciling a Ready object again", func() {
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		touch(kp)
		Eventually(func() int64 {
			calls, err := admin.Calls(ctx)
			Expect(err).NotTo(HaveOccurred())
			return calls.Count("pipes", "DescribePipe")
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeNumerically(">=", 1))
		waitReady(kp)
		Expect(writes()).To(BeEmpty())
		AddReportEntry("AWS calls per resync of a Ready pipeline", callsTotal())
		GinkgoWriter.Printf("AWS calls per resync of a Ready pipeline: %d\n", callsTotal())
	})

	It("updates only the pipe when the batch size changes", func() {
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
		patch := client.MergeFrom(kp.DeepCopy())
		kp.Spec.Source.BatchSize = 50
		Expect(k8s.Patch(ctx, kp, patch)).To(Succeed())
		Eventually(func() int32 {
			p, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String(kp.Status.Pipe.Name)})
			Expect(err).NotTo(HaveOccurred())
			return aws.ToInt32(p.SourceParameters.ManagedStreamingKafkaParameters.BatchSize)
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeEquivalentTo(50))
		waitReady(kp)
		Expect(writes()).To(Equal(map[string]int64{"pipes:UpdatePipe": 1}))
	})

	It("repairs a pipe changed and one deleted out of band on the next resync", func() {
		name := aws.String(kp.Status.Pipe.Name)
		_, err := pipesClient().UpdatePipe(ctx, &pipes.UpdatePipeInput{Name: name, RoleArn: aws.String(kp.Status.Roles.Pipe),
			SourceParameters: &pipestypes.UpdatePipeSourceParameters{ManagedStreamingKafkaParameters: &pipestypes.UpdatePipeSourceManagedStreamingKafkaParameters{
				BatchSize: aws.Int32(7)}}})
		Expect(err).NotTo(HaveOccurred())
		restartManager(time.Second)
		Eventually(func() int32 {
			p, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: name})
			Expect(err).NotTo(HaveOccurred())
			return aws.ToInt32(p.SourceParameters.ManagedStreamingKafkaParameters.BatchSize)
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(BeEquivalentTo(50))

		waitForPipeState(name, "RUNNING")
		_, err = pipesClient().DeletePipe(ctx, &pipes.DeletePipeInput{Name: name})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() string {
			p, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: name})
			if err != nil {
				return ""
			}
			return aws.ToString(p.Arn) + " " + string(p.CurrentState)
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(HaveSuffix(" RUNNING"))
		restartManager(time.Hour)
		waitReady(kp)
	})

	It("stops the pipe when suspended and starts it again", func() {
		setSuspend(kp, true)
		waitForPipeState(aws.String(kp.Status.Pipe.Name), "STOPPED")
		waitReady(kp)
		setSuspend(kp, false)
		waitForPipeState(aws.String(kp.Status.Pipe.Name), "RUNNING")
		waitReady(kp)
	})

	It("deletes every owned part, pipeline first, then the cluster and its network", func() {
		pipeName, fnName := kp.Status.Pipe.Name, kp.Status.Function.Name
		queueURL := kp.Status.DeadLetterQueue.URL
		Expect(k8s.Delete(ctx, kp)).To(Succeed())
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitGone(kp)
		waitGone(kc)
		_, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String(pipeName)})
		Expect(err).To(HaveOccurred())
		_, err = lambdaClient().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fnName)})
		Expect(err).To(HaveOccurred())
		_, err = sqsClient().GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL)})
		Expect(err).To(HaveOccurred())
		Expect(ownedLeft(ns)).To(BeEmpty())
	})
})

// restartManager stops the running manager and starts a new one with the given resync period.
func restartManager(resync time.Duration) {
	stopManager()
	startManager(resync)
}

func setSuspend(kp *v1alpha1.KafkaPipeline, suspend bool) {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
	patch := client.MergeFrom(kp.DeepCopy())
	kp.Spec.Suspend = suspend
	Expect(k8s.Patch(ctx, kp, patch)).To(Succeed())
}

func waitForPipeState(name *string, state string) {
	GinkgoHelper()
	Eventually(func() string {
		p, err := pipesClient().DescribePipe(ctx, &pipes.DescribePipeInput{Name: name})
		if err != nil {
			return err.Error()
		}
		return string(p.CurrentState)
	}).WithTimeout(waitTimeout).WithPolling(poll).Should(Equal(state))
}

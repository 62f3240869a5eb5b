package controllers

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

// quietFor checks that localaws counts no AWS call at all for a while.
func quietFor(d time.Duration, why string) {
	GinkgoHelper()
	Expect(admin.ResetCalls(ctx)).To(Succeed())
	Consistently(callsTotal).WithTimeout(d).WithPolling(200*time.Millisecond).Should(BeZero(), why)
}

var _ = Describe("The region rule", func() {
	It("stalls InvalidSpec before creating anything when spec.region differs from the KafkaCluster's", func() {
		ns, kc := readyCluster("region")
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.Region = "us-west-2" // the cluster is in the manager's default region, us-east-1
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, conditions.Stalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		c := conditions.Get(conditionsOf(kp), v1alpha1.ConditionClusterReady)
		Expect(c.Message).To(ContainSubstring("us-east-1"))
		Expect(kstatus(kp)).To(Equal(status.FailedStatus))
		Expect(writes()).To(BeEmpty(), "nothing may be created in the wrong region")
		deleteAll(kp, kc)
	})
})

var _ = Describe("A topic the operator does not create", func() {
	It("waits with TopicNotFound until someone creates the topic", func() {
		ns, kc := readyCluster("nocreate")
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.Topic = v1alpha1.Topic{Name: "made-later", Create: ptr.To(false)}
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, v1alpha1.ConditionTopicReady, metav1.ConditionFalse, v1alpha1.ReasonTopicNotFound)
		Expect(conditions.IsTrue(conditionsOf(kp), conditions.Ready)).To(BeFalse())
		Expect(kstatus(kp)).To(Equal(status.InProgressStatus))
		Expect(partitions(kc.Status.ARN, kc.Status.BootstrapBrokers, "made-later")).To(Equal(0), "create: false must not create the topic")
		waitEvent(kp, "Warning "+v1alpha1.ReasonTopicNotFound, 1)

		cl, err := kgo.NewClient(append(local.KafkaClientOpts(kc.Status.ARN), kgo.SeedBrokers(strings.Split(kc.Status.BootstrapBrokers, ",")...))...)
		Expect(err).NotTo(HaveOccurred())
		defer cl.Close()
		_, err = kadm.NewClient(cl).CreateTopic(ctx, 2, -1, nil, "made-later")
		Expect(err).NotTo(HaveOccurred())
		waitReady(kp)
		Expect(kp.Status.Topic.Partitions).To(BeEquivalentTo(2))
		deleteAll(kp, kc)
	})
})

var _ = Describe("Deleting a KafkaCluster", func() {
	It("waits for the pipelines that use it by ARN, in any namespace", func() {
		_, kc := readyCluster("byarn")
		other := createNamespace("byarn-user")
		kp := newPipeline(other, "p", "")
		kp.Spec.Cluster = v1alpha1.ClusterReference{ARN: kc.Status.ARN}
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)

		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitDeleting(kc, v1alpha1.ConditionClusterReady, other+"/p")
		Consistently(func() error { return k8s.Get(ctx, client.ObjectKeyFromObject(kc), kc) }).
			WithTimeout(2 * time.Second).WithPolling(poll).Should(Succeed())
		Expect(conditions.IsTrue(conditionsOf(kp), conditions.Ready)).To(BeTrue())

		deleteAll(kp)
		waitGone(kc)
	})

	It("goes on as soon as its last pipeline is gone, not at its next look", func() {
		// With an hour between looks at a cluster in use, only the pipeline's deletion can wake it.
		slow := testTimings
		slow.InUsePoll, slow.WaitMax = time.Hour, time.Hour
		stopManager()
		startManagerWith(time.Hour, slow)
		DeferCleanup(func() { stopManager(); startManager(time.Hour) })

		ns, kc := readyCluster("lastuser")
		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		Expect(k8s.Delete(ctx, kc)).To(Succeed())
		waitDeleting(kc, v1alpha1.ConditionClusterReady, "waiting for the KafkaPipelines that use this cluster")

		deleteAll(kp)
		waitGone(kc)
	})
})

var _ = Describe("Waiting", func() {
	It("costs no AWS call while the KafkaCluster does not exist, and wakes when it is created", func() {
		ns := createNamespace("waitfree")
		Expect(admin.ResetCalls(ctx)).To(Succeed())
		kp := newPipeline(ns, "p", "shared")
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, v1alpha1.ConditionClusterReady, metav1.ConditionFalse, v1alpha1.ReasonDependencyNotReady)
		Consistently(callsTotal).WithTimeout(3*time.Second).WithPolling(200*time.Millisecond).Should(BeZero(),
			"waiting for a KafkaCluster object costs no AWS call")
		kc := newCluster(ns, "shared")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		waitReady(kp)
		deleteAll(kp, kc)
	})

	It("reads only the part in transition, and nothing on metadata-only changes", func() {
		ns, kc := readyCluster("onepart")
		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)

		Expect(admin.ResetCalls(ctx)).To(Succeed())
		setBatchSize(kp, 25)
		waitForCondition(kp, v1alpha1.ConditionPipeReady, metav1.ConditionTrue, "")
		waitReady(kp)
		// The new generation reads every part once; while the pipe is updating only the pipe is read again.
		calls, err := admin.Calls(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(calls.Count("iam", "GetRole")).To(BeEquivalentTo(2), "each role read once")
		Expect(calls.Count("sqs", "GetQueueAttributes")).To(BeNumerically("<=", 1), "the queue read once")
		Expect(calls.Count("lambda", "GetFunction")).To(BeNumerically("<=", 1), "the function read once")
		Expect(calls.Count("pipes", "DescribePipe")).To(BeNumerically(">=", 2), "the pipe read until it is RUNNING")
		Expect(calls.Count("pipes", "UpdatePipe")).To(BeEquivalentTo(1))

		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
		patch := client.MergeFrom(kp.DeepCopy())
		kp.Labels = map[string]string{"team": "streaming"}
		kp.Annotations = map[string]string{"note": "metadata only"}
		Expect(k8s.Patch(ctx, kp, patch)).To(Succeed())
		quietFor(2*time.Second, "metadata-only changes trigger no AWS reads")

		touch(kp)
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
			g.Expect(kp.Status.LastHandledReconcileAt).To(Equal(kp.Annotations[v1alpha1.ReconcileRequestAnnotation]))
		}).WithTimeout(waitTimeout).WithPolling(poll).Should(Succeed())
		Expect(countCalls("pipes", "DescribePipe")).To(BeNumerically(">=", 1), "a requested reconcile reads every part")
		Expect(countCalls("iam", "GetRole")).To(BeNumerically(">=", 2))
		Expect(writes()).To(BeEmpty())
		deleteAll(kp, kc)
	})
})

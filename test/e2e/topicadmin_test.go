package e2e

import (
	"context"
	"net"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// The proof: the manager has no network path to the brokers, yet topics are created and grown and
// records flow, because the topic admin function does the Kafka work from inside the VPC.
var _ = Describe("Topic administration behind the VPC boundary", func() {
	It("creates and grows the topic through the topic admin function while the manager cannot reach the brokers, and delivers a record", func() {
		Expect(stack.Client.Get(suiteCtx, client.ObjectKeyFromObject(shared), shared)).To(Succeed())
		Expect(shared.Spec.TopicAdministration).To(Equal(v1alpha1.TopicAdministrationFunction), "the default")
		Expect(shared.Status.TopicAdmin.FunctionName).NotTo(BeEmpty())

		By("failing to open a TCP connection to any broker from this process, where the manager runs")
		brokers := strings.Split(shared.Status.BootstrapBrokers, ",")
		Expect(brokers).NotTo(BeEmpty())
		for _, b := range brokers {
			conn, err := net.DialTimeout("tcp", b, 5*time.Second)
			if err == nil {
				_ = conn.Close()
			}
			Expect(err).To(HaveOccurred(), "the manager's network reached broker %s", b)
		}

		By("creating the topic with its partitions through the function")
		kp := createReady(pipelineSpec("admin"))
		Expect(kp.Status.Cluster.TopicAdminFunction).To(Equal(shared.Status.TopicAdmin.FunctionName))
		Expect(kp.Status.Topic.Partitions).To(BeEquivalentTo(3))
		Expect(partitionsSeenInVPC(timeout(30*time.Second), kp)).To(Equal(3))

		By("delivering a record to the function")
		hello := produce(kp, `{"message": "through the VPC"}`)
		Eventually(countsOf(kp, hello...)).WithContext(timeout(time.Minute)).Should(Equal([]int{1}))

		By("growing the topic")
		update(kp, func(s *v1alpha1.KafkaPipelineSpec) { s.Topic.Partitions = 5 })
		Expect(kp.Status.Topic.Partitions).To(BeEquivalentTo(5))
		Expect(partitionsSeenInVPC(timeout(30*time.Second), kp)).To(Equal(5))
		Expect(kp.Status.Cluster.TopicAdminFunction).NotTo(BeEmpty())

		By("delivering a record written to a new partition: the pipe's consumer finds it on its next metadata refresh")
		grown, err := stack.ProduceTo(timeout(30*time.Second), kp, 4, []byte(`{"message": "in a new partition"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(grown[0].Partition).To(BeEquivalentTo(4))
		Eventually(countsOf(kp, grown...)).WithContext(timeout(time.Minute)).Should(Equal([]int{1}))
	})
})

// partitionsSeenInVPC is the partition count of the pipeline's topic as a Kafka client inside the cluster's
// VPC sees it (localaws's KafkaClientOpts dial from there).
func partitionsSeenInVPC(ctx context.Context, kp *v1alpha1.KafkaPipeline) (int, error) {
	cl, err := kgo.NewClient(append(stack.Local.KafkaClientOpts(kp.Status.Cluster.ARN),
		kgo.SeedBrokers(strings.Split(kp.Status.Cluster.BootstrapBrokers, ",")...))...)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	topics, err := kadm.NewClient(cl).ListTopics(ctx, kp.Spec.Topic.Name)
	if err != nil {
		return 0, err
	}
	return len(topics[kp.Spec.Topic.Name].Partitions), topics[kp.Spec.Topic.Name].Err
}

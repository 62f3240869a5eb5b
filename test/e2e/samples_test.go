package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// The demo's story, with assertions: config/samples applied with kubectl as a user would.
var _ = Describe("The original stack from config/samples", func() {
	It("delivers a record, sends a failing one to the dead-letter queue after two retries, and leaves nothing in AWS once deleted", func() {
		cluster := &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: "default"}}
		kp := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: "test-pipeline", Namespace: "default"}}
		kubectl("apply", "-n", "default", "-k", "config/samples")
		DeferCleanup(func() {
			kubectl("delete", "-n", "default", "-k", "config/samples", "--ignore-not-found", "--wait=false")
			waitGone(cluster, kp)
		})

		By("waiting until both objects are Ready")
		Expect(stack.WaitReady(timeout(3*time.Minute), report, cluster, kp)).To(Succeed())
		Expect(kp.Spec.Region).To(Equal("ap-northeast-1"))
		Expect(kp.Status.Pipe.CurrentState).To(Equal("RUNNING"))
		Expect(kp.Status.Function.State).To(Equal("Active"))
		Expect(kp.Status.Cluster.BootstrapBrokers).NotTo(BeEmpty())
		Expect(kp.Status.Cluster.ARN).To(Equal(cluster.Status.ARN))
		_, err := stack.WaitConsuming(timeout(time.Minute), kp)
		Expect(err).NotTo(HaveOccurred())

		By("producing a record with AWS_MSK_IAM and reading the processor's log line from CloudWatch Logs")
		hello := produce(kp, `{"message": "Hello Kafka"}`)[0]
		Eventually(func(ctx context.Context) ([]devstack.ProcessedRecord, error) {
			records, err := processed(ctx, kp)
			return onlyOf(records, hello), err
		}).WithContext(timeout(time.Minute)).Should(ConsistOf(HaveField("Content", MatchJSON(`{"message": "Hello Kafka"}`))))

		By("making the function fail, producing again, and finding the event in the dead-letter queue")
		update(kp, setFail(true))
		failed := produce(kp, `{"message": "Hello Kafka"}`)[0]
		msg := deadLetter(kp, func(body string) bool { return devstack.Carries(body, failed) })
		Expect(attribute(msg, "RequestID")).NotTo(BeEmpty())
		Expect(attribute(msg, "ErrorCode")).To(Equal("200"))
		Expect(aws.ToString(msg.MessageAttributes["ErrorCode"].DataType)).To(Equal("Number"))
		Expect(attribute(msg, "ErrorMessage")).To(ContainSubstring("PROCESSOR_FAIL"))
		var event []map[string]any
		Expect(json.Unmarshal([]byte(aws.ToString(msg.Body)), &event)).To(Succeed(), "the body is the Pipes event, unchanged")
		Expect(event).To(ContainElement(And(HaveKeyWithValue("eventSource", "aws:kafka"),
			HaveKeyWithValue("eventSourceArn", kp.Status.Cluster.ARN), HaveKeyWithValue("topic", "test-topic"))))

		By("counting the attempts in the function's log: the first and two retries")
		Eventually(countsOf(kp, failed)).WithContext(timeout(30 * time.Second)).Should(Equal([]int{3}))
		Consistently(countsOf(kp, failed)).WithContext(timeout(10 * time.Second)).WithTimeout(2 * time.Second).Should(Equal([]int{3}))

		By("deleting both objects and checking that nothing is left in AWS")
		kubectl("delete", "-n", "default", "-k", "config/samples", "--wait=false")
		Expect(stack.WaitGone(timeout(readyTimeout), report, cluster, kp)).To(Succeed())
		left, err := stack.Leftovers(timeout(30*time.Second), "ap-northeast-1")
		Expect(err).NotTo(HaveOccurred())
		Expect(ofSamples(left)).To(BeEmpty())
	})
})

// kubectl runs bin/k8s/kubectl against the stack and fails the spec when it fails.
func kubectl(args ...string) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(suiteCtx, time.Minute)
	defer cancel()
	out, err := stack.Kubectl(ctx, args...).CombinedOutput()
	GinkgoWriter.Printf("$ %s\n%s", stack.KubectlLine(args...), out)
	Expect(err).NotTo(HaveOccurred(), string(out))
}

// onlyOf keeps the log lines of one produced record.
func onlyOf(records []devstack.ProcessedRecord, p devstack.Produced) []devstack.ProcessedRecord {
	var out []devstack.ProcessedRecord
	for _, r := range records {
		if r.Is(p) {
			out = append(out, r)
		}
	}
	return out
}

// ofSamples drops the IAM roles (which are global) of the suite's other pipelines, which may still exist
// while this spec runs; every other kind of resource in the samples' region belongs to the samples.
func ofSamples(rs []devstack.Resource) []devstack.Resource {
	var out []devstack.Resource
	for _, r := range rs {
		if r.Kind != "iam role" || strings.Contains(r.ID, "/kp-default-") {
			out = append(out, r)
		}
	}
	return out
}

package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/streams"
)

var _ = Describe("Delivery", func() {
	It("REQUEST_RESPONSE blocks on a failing function and retries, then processes every record once it recovers", func() {
		kp := pipelineSpec("request-response")
		kp.Spec.Target.InvocationType = v1alpha1.InvocationTypeRequestResponse
		createReady(failing(kp))
		produced := produce(kp, numbered(12)...)
		first := firstPerPartition(produced)

		By("retrying the first batch of each partition, and nothing after it")
		Eventually(countsOf(kp, first...)).WithContext(timeout(time.Minute)).Should(HaveEach(BeNumerically(">=", 2)))
		records, err := processed(timeout(30*time.Second), kp)
		Expect(err).NotTo(HaveOccurred())
		for _, r := range records {
			Expect(r.Offset).To(BeNumerically("<", offsetOf(first, r.Partition)+int64(kp.Spec.Source.BatchSize)),
				"partition %d is blocked at its first batch", r.Partition)
		}
		Expect(stack.Lag(timeout(30*time.Second), kp)).To(BeEquivalentTo(len(produced)), "nothing is committed")
		msgs, err := stack.Receive(timeout(30*time.Second), region(kp), kp.Status.DeadLetterQueue.URL)
		Expect(err).NotTo(HaveOccurred())
		Expect(msgs).To(BeEmpty(), "a synchronous invocation never involves the dead-letter queue")

		By("letting the function succeed: every record is processed at least once and committed")
		update(kp, setFail(false))
		Eventually(countsOf(kp, produced...)).WithContext(timeout(time.Minute)).Should(HaveEach(BeNumerically(">=", 1)))
		Eventually(func(ctx context.Context) (int64, error) { return stack.Lag(ctx, kp) }).
			WithContext(timeout(time.Minute)).Should(BeZero())
	})

	It("suspends: nothing is consumed while suspended, and consumption resumes from the committed offsets", func() {
		kp := createReady(pipelineSpec("suspend"))
		before := produce(kp, `{"phase": "before"}`)
		Eventually(countsOf(kp, before...)).WithContext(timeout(time.Minute)).Should(Equal([]int{1}))

		update(kp, func(s *v1alpha1.KafkaPipelineSpec) { s.Suspend = true })
		Expect(kp.Status.Pipe.CurrentState).To(Equal("STOPPED"))
		during := produce(kp, `{"phase": "during"}`)
		Consistently(countsOf(kp, during...)).WithContext(timeout(30 * time.Second)).WithTimeout(3 * time.Second).
			Should(Equal([]int{0}))

		update(kp, func(s *v1alpha1.KafkaPipelineSpec) { s.Suspend = false })
		Expect(kp.Status.Pipe.CurrentState).To(Equal("RUNNING"))
		Eventually(countsOf(kp, during...)).WithContext(timeout(time.Minute)).Should(Equal([]int{1}))
		Expect(countsOf(kp, before...)(timeout(30*time.Second))).To(Equal([]int{1}), "the record before the suspension is not read again")
	})

	It("delivers through an event source mapping, and sends the failed batch's record to the dead-letter queue as its OnFailure destination", func() {
		kp := pipelineSpec("mapping")
		kp.Spec.Delivery = v1alpha1.DeliveryEventSourceMapping
		createReady(kp)
		Expect(kp.Status.EventSourceMapping.State).To(Equal("Enabled"))
		ok := produce(kp, `{"via": "mapping"}`)
		Eventually(countsOf(kp, ok...)).WithContext(timeout(time.Minute)).Should(Equal([]int{1}))

		update(kp, setFail(true))
		failed := produce(kp, `{"via": "mapping", "fails": true}`)[0]
		msg := deadLetter(kp, func(body string) bool { return spans(body, failed) })
		rec := decode(aws.ToString(msg.Body))
		Expect(rec).To(HaveKeyWithValue("requestContext", And(
			HaveKeyWithValue("condition", "RetryAttemptsExhausted"),
			HaveKeyWithValue("functionArn", kp.Status.Function.ARN),
			HaveKeyWithValue("approximateInvokeCount", BeEquivalentTo(streams.DefaultMappingAttempts)))))
		Expect(rec).To(HaveKeyWithValue("responseContext", HaveKeyWithValue("functionError", "Unhandled")))
		Expect(rec).To(HaveKeyWithValue("KafkaBatchInfo", HaveKeyWithValue("eventSourceArn", kp.Status.Cluster.ARN)))
		Eventually(countsOf(kp, failed)).WithContext(timeout(30 * time.Second)).Should(Equal([]int{streams.DefaultMappingAttempts}))
	})

	It("drops an event older than maximumEventAgeSeconds to the dead-letter queue without retrying it", func() {
		kp := pipelineSpec("event-age")
		retries(2, 60)(&kp.Spec)
		createReady(failing(kp))
		old := produce(kp, `{"ages": "out"}`)[0]
		msg := deadLetter(kp, func(body string) bool { return devstack.Carries(body, old) })
		Expect(attribute(msg, "ErrorMessage")).To(ContainSubstring("PROCESSOR_FAIL"))
		// The first retry comes a (scaled) minute after the first attempt: the event is then 60 (scaled)
		// seconds old, too old for another attempt although two retries are allowed.
		Eventually(countsOf(kp, old)).WithContext(timeout(30 * time.Second)).Should(Equal([]int{1}))
		Consistently(countsOf(kp, old)).WithContext(timeout(30 * time.Second)).WithTimeout(2 * time.Second).Should(Equal([]int{1}))
	})
})

// firstPerPartition keeps the first produced record of each partition.
func firstPerPartition(ps []devstack.Produced) []devstack.Produced {
	seen := map[int32]bool{}
	var out []devstack.Produced
	for _, p := range ps {
		if !seen[p.Partition] {
			seen[p.Partition] = true
			out = append(out, p)
		}
	}
	return out
}

// offsetOf is the offset of the record of a partition among ps.
func offsetOf(ps []devstack.Produced, partition int32) int64 {
	for _, p := range ps {
		if p.Partition == partition {
			return p.Offset
		}
	}
	Fail("no record produced to partition " + strconv.Itoa(int(partition)))
	return 0
}

// spans reports whether an event source mapping's OnFailure record covers the produced record p.
func spans(body string, p devstack.Produced) bool {
	var rec struct {
		KafkaBatchInfo struct {
			RecordsInfo map[string]struct {
				FirstRecordOffset string `json:"firstRecordOffset"`
				LastRecordOffset  string `json:"lastRecordOffset"`
			} `json:"recordsInfo"`
		} `json:"KafkaBatchInfo"`
	}
	if json.Unmarshal([]byte(body), &rec) != nil {
		return false
	}
	span, ok := rec.KafkaBatchInfo.RecordsInfo[p.Topic+"-"+strconv.Itoa(int(p.Partition))]
	if !ok {
		return false
	}
	first, err1 := strconv.ParseInt(span.FirstRecordOffset, 10, 64)
	last, err2 := strconv.ParseInt(span.LastRecordOffset, 10, 64)
	return err1 == nil && err2 == nil && first <= p.Offset && p.Offset <= last
}

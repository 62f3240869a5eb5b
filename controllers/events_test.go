package controllers

import (
	"bytes"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
	"github.com/kafkapipeline/kafka-pipeline-operator/lambda/builtin"
)

// eventsOf counts the events recorded about obj by "Type Reason" (for example "Warning InvalidSpec"),
// counting every occurrence of a series.
func eventsOf(obj client.Object) map[string]int {
	GinkgoHelper()
	var list eventsv1.EventList
	Expect(k8s.List(ctx, &list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	out := map[string]int{}
	for _, e := range list.Items {
		if e.Regarding.UID != obj.GetUID() {
			continue
		}
		n := 1
		if e.Series != nil {
			n = int(e.Series.Count)
		}
		out[e.Type+" "+e.Reason] += n
	}
	return out
}

// waitEvent waits until obj has exactly n occurrences of an event ("Warning InvalidSpec") and checks that
// no more arrive for a while: events are sent once per transition, not once per look.
func waitEvent(obj client.Object, event string, n int) {
	GinkgoHelper()
	Eventually(func() int { return eventsOf(obj)[event] }).WithTimeout(waitTimeout).WithPolling(poll).Should(Equal(n),
		"event %q", event)
	Consistently(func() int { return eventsOf(obj)[event] }).WithTimeout(2*time.Second).WithPolling(poll).Should(Equal(n),
		"event %q must be sent once per transition", event)
}

// s3Client returns an S3 client on localaws (path-style, as localaws serves S3).
func s3Client() *s3.Client {
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
}

var _ = Describe("Events and failure classes", func() {
	It("sends each part's ready event once, also for parts that were not ready first", func() {
		ns := createNamespace("events")
		kp := newPipeline(ns, "p", "shared")
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, v1alpha1.ConditionClusterReady, metav1.ConditionFalse, "")
		kc := newCluster(ns, "shared")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		waitReady(kp)
		for _, part := range []string{v1alpha1.ConditionClusterReady, v1alpha1.ConditionTopicReady,
			v1alpha1.ConditionPipeRoleReady, v1alpha1.ConditionPipeReady, v1alpha1.ConditionFunctionReady} {
			waitEvent(kp, "Normal "+part, 1)
		}
		waitEvent(kp, "Normal Ready", 1)
		waitEvent(kc, "Normal "+v1alpha1.ConditionClusterReady, 1)
		waitEvent(kc, "Normal Created", 2) // the network and the cluster
		deleteAll(kp, kc)
	})

	It("stalls InvalidSpec on a missing S3 key, warns once, and heals when the object is uploaded", func() {
		ns, kc := readyCluster("s3late")
		bucket := ns + "-code"
		_, err := s3Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		Expect(err).NotTo(HaveOccurred())
		kp := newPipeline(ns, "p", kc.Name)
		kp.Spec.Target.Function.Managed.Code = v1alpha1.FunctionCode{S3: &v1alpha1.S3Code{Bucket: bucket, Key: "code.zip"}}
		Expect(k8s.Create(ctx, kp)).To(Succeed())

		waitForCondition(kp, conditions.Stalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSpec)
		c := conditions.Get(conditionsOf(kp), v1alpha1.ConditionFunctionReady)
		Expect(c.Reason).To(Equal(v1alpha1.ReasonInvalidSpec))
		Expect(c.Message).To(ContainSubstring("NoSuchKey"))
		Expect(kstatus(kp)).To(Equal(status.FailedStatus))
		waitEvent(kp, "Warning "+v1alpha1.ReasonInvalidSpec, 1)

		zip, err := builtin.Zip("x86_64")
		Expect(err).NotTo(HaveOccurred())
		_, err = s3Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("code.zip"),
			Body: bytes.NewReader(zip)})
		Expect(err).NotTo(HaveOccurred())
		waitReady(kp) // no edit, no annotation: the slow look finds the object
		deleteAll(kp, kc)
	})

	It("warns once when access is denied on an update, and heals when access is restored", func() {
		ns, kc := readyCluster("denied")
		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitReady(kp)
		f, err := admin.AddFault(ctx, server.Fault{Service: "pipes", Operation: "UpdatePipe",
			ErrorCode: "AccessDeniedException", Status: 403})
		Expect(err).NotTo(HaveOccurred())
		setBatchSize(kp, 20)
		waitForCondition(kp, v1alpha1.ConditionPipeReady, metav1.ConditionFalse, v1alpha1.ReasonAccessDenied)
		waitEvent(kp, "Warning "+v1alpha1.ReasonAccessDenied, 1)
		Expect(admin.RemoveFault(ctx, f.ID)).To(Succeed())
		waitReady(kp)
		deleteAll(kp, kc)
	})

	It("warns once when a quota stops a create, and heals when the quota allows it", func() {
		ns, kc := readyCluster("quota")
		f, err := admin.AddFault(ctx, server.Fault{Service: "sqs", Operation: "CreateQueue", ErrorCode: "OverLimit",
			Status: 403})
		Expect(err).NotTo(HaveOccurred())
		kp := newPipeline(ns, "p", kc.Name)
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, v1alpha1.ConditionDeadLetterQueueReady, metav1.ConditionFalse, v1alpha1.ReasonQuotaExceeded)
		waitEvent(kp, "Warning "+v1alpha1.ReasonQuotaExceeded, 1)
		Expect(admin.RemoveFault(ctx, f.ID)).To(Succeed())
		waitReady(kp)
		deleteAll(kp, kc)
	})

	It("stalls ClusterNotFound on a cluster ARN that does not exist, never Progressing forever", func() {
		ns := createNamespace("noarn")
		kp := newPipeline(ns, "p", "")
		kp.Spec.Cluster = v1alpha1.ClusterReference{ARN: "arn:aws:kafka:us-east-1:000000000000:cluster/missing/0e0e0e0e-0e0e-0e0e-0e0e-0e0e0e0e0e0e-s1"}
		Expect(k8s.Create(ctx, kp)).To(Succeed())
		waitForCondition(kp, conditions.Stalled, metav1.ConditionTrue, v1alpha1.ReasonClusterNotFound)
		Expect(kstatus(kp)).To(Equal(status.FailedStatus))
		waitEvent(kp, "Warning "+v1alpha1.ReasonClusterNotFound, 1)
		deleteAll(kp)
	})
})

var _ = Describe("Replacing a failed pipe", func() {
	It("replaces a pipe that failed on a role IAM had not propagated yet, with a Warning and a count", func() {
		// New roles take 3 s to become assumable; the manager gives IAM only 500 ms.
		ns, kc, kp := createWithSlowIAM("iamslow", "3s")
		waitForCondition(kp, v1alpha1.ConditionPipeReady, metav1.ConditionFalse, v1alpha1.ReasonProvisioningFailed)
		waitReady(kp)
		Expect(kp.Status.Pipe.Replacements).To(BeNumerically(">=", 1))
		Expect(kp.Status.Pipe.CurrentState).To(Equal("RUNNING"))
		Expect(eventsOf(kp)).To(HaveKey("Warning " + v1alpha1.ReasonProvisioningFailed))
		Expect(eventsOf(kp)).To(HaveKey("Warning Replacing"))
		Expect(countOwned(ns)).To(HaveKeyWithValue("pipe", 1))
		deleteAll(kp, kc)
	})
})

// setBatchSize changes a pipeline's batch size (a change only the pipe sees).
func setBatchSize(kp *v1alpha1.KafkaPipeline, n int32) {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(kp), kp)).To(Succeed())
	patch := client.MergeFrom(kp.DeepCopy())
	kp.Spec.Source.BatchSize = n
	Expect(k8s.Patch(ctx, kp, patch)).To(Succeed())
}

// deleteAll deletes the objects in order, each waited for until it is gone.
func deleteAll(objs ...client.Object) {
	GinkgoHelper()
	for _, o := range objs {
		Expect(k8s.Delete(ctx, o)).To(Succeed())
		waitGone(o)
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// readyTimeout bounds how long a pipeline may take to become Ready (function, roles, pipe or mapping).
const readyTimeout = 2 * time.Minute

// pipelineSpec is a pipeline on the shared cluster reading its own topic (named after the pipeline) from
// the oldest record, so nothing produced after it is Ready can be missed, with the built-in processor.
func pipelineSpec(name string) *v1alpha1.KafkaPipeline {
	return &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.KafkaPipelineSpec{
			Cluster: v1alpha1.ClusterReference{Name: shared.Name},
			Topic:   v1alpha1.Topic{Name: name, Partitions: 3},
			Source:  v1alpha1.Source{StartingPosition: v1alpha1.StartingPositionTrimHorizon, BatchSize: 5},
			Target: v1alpha1.Target{Function: v1alpha1.Function{Managed: &v1alpha1.ManagedFunction{
				Code: v1alpha1.FunctionCode{Builtin: &v1alpha1.BuiltinCode{}}, TimeoutSeconds: 10}}},
		}}
}

// createReady creates a pipeline, waits until it is Ready, and deletes it (waiting until it is gone) when
// the spec ends.
func createReady(kp *v1alpha1.KafkaPipeline) *v1alpha1.KafkaPipeline {
	GinkgoHelper()
	Expect(stack.Client.Create(suiteCtx, kp)).To(Succeed())
	DeferCleanup(func() {
		Expect(client.IgnoreNotFound(stack.Client.Delete(suiteCtx, kp))).To(Succeed())
		waitGone(kp)
	})
	Expect(stack.WaitReady(timeout(readyTimeout), report, kp)).To(Succeed())
	return kp
}

// waitGone waits until the objects are deleted. It may run in a DeferCleanup callback.
func waitGone(objs ...client.Object) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(suiteCtx, readyTimeout)
	defer cancel()
	Expect(stack.WaitGone(ctx, report, objs...)).To(Succeed())
}

// update changes a pipeline's spec with a merge patch and waits until it is Ready for the new generation.
func update(kp *v1alpha1.KafkaPipeline, change func(*v1alpha1.KafkaPipelineSpec)) {
	GinkgoHelper()
	before := kp.DeepCopy()
	change(&kp.Spec)
	Expect(stack.Client.Patch(suiteCtx, kp, client.MergeFrom(before))).To(Succeed())
	Expect(stack.WaitReady(timeout(readyTimeout), report, kp)).To(Succeed())
}

// setFail turns the built-in processor's forced failure on or off.
func setFail(fail bool) func(*v1alpha1.KafkaPipelineSpec) {
	return func(s *v1alpha1.KafkaPipelineSpec) {
		env := map[string]string{}
		for k, v := range s.Target.Function.Managed.Environment {
			env[k] = v
		}
		if fail {
			env["PROCESSOR_FAIL"] = "true"
		} else {
			delete(env, "PROCESSOR_FAIL")
		}
		s.Target.Function.Managed.Environment = env
	}
}

// failing makes a new pipeline's function fail every invocation.
func failing(kp *v1alpha1.KafkaPipeline) *v1alpha1.KafkaPipeline {
	setFail(true)(&kp.Spec)
	return kp
}

// produce writes values to a pipeline's topic through its bootstrap brokers with AWS_MSK_IAM.
func produce(kp *v1alpha1.KafkaPipeline, values ...string) []devstack.Produced {
	GinkgoHelper()
	raw := make([][]byte, len(values))
	for i, v := range values {
		raw[i] = []byte(v)
	}
	out, err := stack.Produce(timeout(30*time.Second), kp, raw...)
	Expect(err).NotTo(HaveOccurred())
	return out
}

// numbered returns n JSON values {"n": i}.
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`{"n": %d}`, i)
	}
	return out
}

// processed reads the records a pipeline's function logged.
func processed(ctx context.Context, kp *v1alpha1.KafkaPipeline) ([]devstack.ProcessedRecord, error) {
	lines, err := stack.FunctionLog(ctx, region(kp), kp.Status.Function.Name)
	return devstack.ProcessedRecords(lines), err
}

// countsOf returns a function polling how many invocations each produced record was part of.
func countsOf(kp *v1alpha1.KafkaPipeline, ps ...devstack.Produced) func(context.Context) ([]int, error) {
	return func(ctx context.Context) ([]int, error) {
		records, err := processed(ctx, kp)
		if err != nil {
			return nil, err
		}
		out := make([]int, len(ps))
		for i, p := range ps {
			out[i] = devstack.Count(records, p)
		}
		return out, nil
	}
}

// deadLetter waits for a message in a pipeline's dead-letter queue whose body satisfies match, and
// returns it.
func deadLetter(kp *v1alpha1.KafkaPipeline, match func(body string) bool) sqstypes.Message {
	GinkgoHelper()
	var found sqstypes.Message
	Eventually(func(ctx context.Context) (bool, error) {
		msgs, err := stack.Receive(ctx, region(kp), kp.Status.DeadLetterQueue.URL)
		for _, m := range msgs {
			if match(aws.ToString(m.Body)) {
				found = m
				return true, nil
			}
		}
		return false, err
	}).WithContext(timeout(2*time.Minute)).Should(BeTrue(), "no matching message in %s", kp.Status.DeadLetterQueue.URL)
	return found
}

// attribute is a message attribute's string value.
func attribute(m sqstypes.Message, name string) string {
	return aws.ToString(m.MessageAttributes[name].StringValue)
}

// region is a pipeline's region.
func region(kp *v1alpha1.KafkaPipeline) string {
	if kp.Spec.Region != "" {
		return kp.Spec.Region
	}
	return stack.Region
}

// decode parses a JSON document.
func decode(doc string) map[string]any {
	GinkgoHelper()
	var out map[string]any
	Expect(json.Unmarshal([]byte(doc), &out)).To(Succeed(), doc)
	return out
}

// retries sets a pipeline's asynchronous retry policy.
func retries(attempts, maxAgeSeconds int32) func(*v1alpha1.KafkaPipelineSpec) {
	return func(s *v1alpha1.KafkaPipelineSpec) {
		s.RetryPolicy = v1alpha1.RetryPolicy{MaximumRetryAttempts: ptr.To(attempts), MaximumEventAgeSeconds: maxAgeSeconds}
	}
}

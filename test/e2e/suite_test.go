// Package e2e runs the whole operator on one machine — kube-apiserver and etcd, localaws with its Kafka
// brokers and Lambda data plane, and the manager, through internal/devstack — and checks what users see:
// records produced to a topic reach the function, failures go where the spec says, suspend and resume,
// other runtimes and other Kafka clients work, and deleting the objects leaves nothing behind.
package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

var (
	stack *devstack.Stack
	// suiteCtx lives as long as the suite; the stack runs under it.
	suiteCtx  context.Context
	stopSuite context.CancelFunc
	// shared is the KafkaCluster every pipeline outside the original stack reads from.
	shared *v1alpha1.KafkaCluster
)

// ns is the namespace of the suite's own objects (the original stack uses default, as config/samples does).
const ns = "e2e"

func TestE2E(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver, etcd and kubectl into bin/k8s")
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(90 * time.Second)
	SetDefaultEventuallyPollingInterval(250 * time.Millisecond)
	RunSpecs(t, "End-to-end Suite")
}

var _ = BeforeSuite(func() {
	suiteCtx, stopSuite = context.WithCancel(context.Background())
	var err error
	// The brokers are reachable only from inside their cluster's VPC, as on AWS: the manager (this process)
	// administers topics through each cluster's topic admin function, and the suite's own clients dial from
	// inside the VPC. The brokers also accept plaintext (the debugging opt-in) for the kcat check; everything
	// else speaks TLS and IAM as with MSK.
	stack, err = devstack.Start(suiteCtx, devstack.Options{AWSAddr: "127.0.0.1:0", DataDir: GinkgoT().TempDir(),
		Kubeconfig: filepath.Join(GinkgoT().TempDir(), "kubeconfig"), Log: GinkgoWriter, KafkaPlaintext: true,
		VPCBoundary: true})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(stack.Stop()).To(Succeed())
		stopSuite()
	})

	Expect(stack.Client.Create(suiteCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	shared = &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: ns},
		Spec: v1alpha1.KafkaClusterSpec{Network: v1alpha1.Network{Create: &v1alpha1.NetworkCreate{
			CIDR: "10.20.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}}}}
	start := time.Now()
	Expect(stack.Client.Create(suiteCtx, shared)).To(Succeed())
	Expect(stack.WaitReady(timeout(2*time.Minute), report, shared)).To(Succeed())
	GinkgoWriter.Printf("KafkaCluster %s (topic administration %s) Ready after %s\n", shared.Name,
		shared.Spec.TopicAdministration, time.Since(start).Round(10*time.Millisecond))
})

// timeout is a context for one wait, ended with the spec (not for DeferCleanup callbacks, which cannot
// register cleanups of their own).
func timeout(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(suiteCtx, d)
	DeferCleanup(cancel)
	return ctx
}

// report logs condition transitions to the spec's output.
func report(t devstack.Transition) { GinkgoWriter.Println(t.String()) }

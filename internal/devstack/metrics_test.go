package devstack

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// readmeMetrics returns the metric names the README's metrics paragraph lists.
func readmeMetrics(t *testing.T, root string) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, para, ok := strings.Cut(string(readme), "\nMetrics (on ")
	if !ok {
		t.Fatal(`the README has no paragraph starting "Metrics (on "`)
	}
	para, _, _ = strings.Cut(para, "\n\n")
	names := regexp.MustCompile(`\bkafkapipeline_[a-z_]+`).FindAllString(para, -1)
	if len(names) == 0 {
		t.Fatalf("the README's metrics paragraph names no kafkapipeline_ metric:\n%s", para)
	}
	return names
}

// TestMetricsEndpointServesTheREADMEsMetrics runs the stack as `make dev` does, with metrics served, has a
// KafkaCluster reconciled, and scrapes the endpoint for every metric the README lists and for
// controller-runtime's own.
func TestMetricsEndpointServesTheREADMEsMetrics(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver, etcd and kubectl into bin/k8s")
	}
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	names := readmeMetrics(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{AWSAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", Profile: "instant",
		Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"), Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	if !strings.HasPrefix(s.MetricsURL, "http://127.0.0.1:") || strings.HasSuffix(s.MetricsURL, ":0/metrics") {
		t.Fatalf("MetricsURL = %q, want the bound address on 127.0.0.1", s.MetricsURL)
	}

	kc := &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: "metrics", Namespace: "default"},
		Spec: v1alpha1.KafkaClusterSpec{Network: v1alpha1.Network{Create: &v1alpha1.NetworkCreate{
			CIDR: "10.30.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}}}}
	if err := s.Client.Create(ctx, kc); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(ctx, nil, kc); err != nil {
		t.Fatal(err)
	}
	families, err := ScrapeMetrics(ctx, s.MetricsURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(names, "controller_runtime_reconcile_total") {
		if f := families[name]; f == nil || len(f.GetMetric()) == 0 {
			t.Errorf("%s serves no %s", s.MetricsURL, name)
		}
	}

	if err := s.Client.Delete(ctx, kc); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitGone(ctx, nil, kc); err != nil {
		t.Fatal(err)
	}
}

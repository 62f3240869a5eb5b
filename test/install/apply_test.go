package install

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
)

// warnings collects the API server's warnings (Pod Security's among them).
type warnings struct {
	mu   sync.Mutex
	list []string
}

// HandleWarningHeaderWithContext implements rest.WarningHandlerWithContext.
func (w *warnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}

// startAPIServer starts etcd and kube-apiserver from KUBEBUILDER_ASSETS, skipping the test without them.
func startAPIServer(t *testing.T) *rest.Config {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s")
	}
	env := &envtest.Environment{ControlPlaneStartTimeout: time.Minute, ControlPlaneStopTimeout: time.Minute}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting kube-apiserver and etcd: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping kube-apiserver and etcd: %v", err)
		}
	})
	return cfg
}

// applyAll applies objs server-side as one field manager, CRDs first, waiting for each CRD to be served.
func applyAll(ctx context.Context, t *testing.T, c client.Client, manager string, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		obj := o.DeepCopy()
		if err := c.Patch(ctx, obj, client.Apply, client.FieldOwner(manager), client.ForceOwnership); err != nil {
			t.Fatalf("applying %s %s server-side: %v", o.GetKind(), o.GetName(), err)
		}
		if o.GetKind() == "CustomResourceDefinition" {
			waitEstablished(ctx, t, c, o.GetName())
		}
	}
}

// waitEstablished waits until the API server serves a CRD.
func waitEstablished(ctx context.Context, t *testing.T, c client.Client, name string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		crd := &unstructured.Unstructured{}
		crd.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
		if err := c.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
			return false, err
		}
		conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		for _, cond := range conds {
			if m, ok := cond.(map[string]any); ok && m["type"] == string(apiextensionsv1.Established) && m["status"] == "True" {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("CRD %s is not established: %v", name, err)
	}
}

// TestBothInstallsApplyServerSide applies the chart's manifests and config/default server-side to a real
// API server, into namespaces that enforce and warn on the restricted Pod Security profile, and checks that
// the server accepts every object without a warning (the PodSecurity admission plugin warns about
// Deployments whose pods it would refuse).
func TestBothInstallsApplyServerSide(t *testing.T) {
	cfg := rest.CopyConfig(startAPIServer(t))
	heard := &warnings{}
	cfg.WarningHandlerWithContext = heard
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	chartNS := "chart-install"
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: chartNS, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted"}}}); err != nil {
		t.Fatal(err)
	}
	// The ServiceMonitor and PrometheusRule need the Prometheus Operator's CRDs, which are not installed here.
	chart, _, err := manifests.RenderChart(chartDir, manifests.Release{Name: release, Namespace: chartNS,
		Values: map[string]any{"metrics": map[string]any{"dashboard": map[string]any{"enabled": true}}}})
	if err != nil {
		t.Fatal(err)
	}
	applyAll(ctx, t, c, "helm", chart)

	// config/default creates its namespace with enforce=restricted; warn is added here before its Deployment.
	kust := kustomize(t, "default")
	for _, o := range kust {
		if o.GetKind() == "Namespace" {
			labels := o.GetLabels()
			labels["pod-security.kubernetes.io/warn"] = "restricted"
			o.SetLabels(labels)
		}
	}
	applyAll(ctx, t, c, "kustomize", kust)

	for _, objs := range [][]*unstructured.Unstructured{chart, kust} {
		for _, o := range objs {
			got := &unstructured.Unstructured{}
			got.SetGroupVersionKind(o.GroupVersionKind())
			if err := c.Get(ctx, client.ObjectKeyFromObject(o), got); err != nil {
				t.Errorf("%s %s is not on the server: %v", o.GetKind(), o.GetName(), err)
			}
		}
	}
	if len(chart) < 10 || len(kust) < 10 {
		t.Errorf("applied %d chart and %d kustomize objects; want the whole install", len(chart), len(kust))
	}
	if w := podSecurityWarnings(heard); len(w) > 0 {
		t.Errorf("the API server warned: %s", strings.Join(w, "\n"))
	}

	// The warnings are heard: the same Deployment allowing privilege escalation draws one (dry run).
	control := manifests.OfKind(chart, "Deployment")[0].DeepCopy()
	unstructured.RemoveNestedField(control.Object, "spec", "template", "spec", "containers")
	containers, _, _ := unstructured.NestedSlice(manifests.OfKind(chart, "Deployment")[0].Object, "spec", "template", "spec", "containers")
	unstructured.RemoveNestedField(containers[0].(map[string]any), "securityContext", "allowPrivilegeEscalation")
	if err := unstructured.SetNestedSlice(control.Object, containers, "spec", "template", "spec", "containers"); err != nil {
		t.Fatal(err)
	}
	// As the same field manager, so that leaving the field out removes it.
	if err := c.Patch(ctx, control, client.Apply, client.FieldOwner("helm"), client.ForceOwnership, client.DryRunAll); err != nil {
		t.Fatalf("dry-run apply of the control Deployment: %v", err)
	}
	if w := podSecurityWarnings(heard); len(w) == 0 || !strings.Contains(strings.Join(w, " "), "allowPrivilegeEscalation") {
		t.Errorf("a Deployment allowing privilege escalation drew no Pod Security warning (%v): the check above proves nothing", w)
	}
}

// podSecurityWarnings are the PodSecurity admission plugin's warnings among those heard.
func podSecurityWarnings(heard *warnings) []string {
	var out []string
	for _, w := range heard.all() {
		if strings.Contains(w, "PodSecurity") {
			out = append(out, w)
		}
	}
	return out
}

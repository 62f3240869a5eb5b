// Package install checks what users install: the Helm chart (linted and rendered with Helm's Go SDK) and the
// kustomize bases in config/, against each other, against the restricted Pod Security profile, applied
// server-side to a real API server, and the shipped RBAC by running the manager with its service account's
// identity.
package install

import (
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests/manifeststest"
)

const (
	// namespace is where both installs put the manager.
	namespace = "kafka-pipeline-system"
	// release is the Helm release name of the tests; the chart's objects are named after it.
	release = "kafka-pipeline-operator"
)

// root is the repository root, two levels up from this package.
var root = filepath.Join("..", "..")

// chartDir is the chart under test.
var chartDir = filepath.Join(root, "charts", "kafka-pipeline-operator")

// renderChart renders the chart with values as `helm install --dry-run` would.
func renderChart(t *testing.T, values map[string]any) []*unstructured.Unstructured {
	t.Helper()
	objs, _, err := manifests.RenderChart(chartDir, manifests.Release{Name: release, Namespace: namespace, Values: values})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// kustomize builds a config/ base with bin/kustomize, skipping the test when it is not built.
func kustomize(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return manifeststest.Kustomize(t, root, filepath.Join(root, "config", dir))
}

// find converts the object of kind and name into into, failing the test when there is none.
var find = manifeststest.Find

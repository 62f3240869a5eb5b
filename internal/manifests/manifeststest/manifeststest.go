// Package manifeststest gives tests the install manifests: kustomize builds with the repository's
// bin/kustomize, skipping the test when it is not built, and typed lookups, failing the test.
package manifeststest

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
)

// Kustomize builds dir with root's bin/kustomize, skipping the test when it is missing.
func Kustomize(t testing.TB, root, dir string) []*unstructured.Unstructured {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(root, "bin", "kustomize"))
	if err != nil {
		t.Fatalf("locating kustomize: %v", err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("bin/kustomize is missing (run `make kustomize`): %v", err)
	}
	objs, err := manifests.Kustomize(bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// Find converts the object of kind and name into into, failing the test when there is none.
func Find(t testing.TB, objs []*unstructured.Unstructured, kind, name string, into any) {
	t.Helper()
	if err := manifests.Find(objs, kind, name, into); err != nil {
		t.Fatal(err)
	}
}

/*
Copyright 2026 The kafka-pipeline-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// testNamespace is where every test object is created.
const testNamespace = "default"

// k8s is the client of the envtest API server; nil when KUBEBUILDER_ASSETS is unset.
var k8s client.Client

// TestMain starts one envtest control plane with the generated CRDs for every test in the package.
func TestMain(m *testing.M) {
	os.Exit(runWithEnvtest(m))
}

func runWithEnvtest(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return m.Run()
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting envtest: %v\n", err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
		}
	}()
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		fmt.Fprintf(os.Stderr, "building scheme: %v\n", err)
		return 1
	}
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		fmt.Fprintf(os.Stderr, "building client: %v\n", err)
		return 1
	}
	return m.Run()
}

// needEnvtest skips the test when no envtest control plane is running.
func needEnvtest(t *testing.T) client.Client {
	t.Helper()
	if k8s == nil {
		t.Skip("KUBEBUILDER_ASSETS is unset: these tests need kube-apiserver and etcd (run `make test`, or set KUBEBUILDER_ASSETS=$PWD/bin/k8s)")
	}
	return k8s
}

// loadSample reads a manifest from config/samples as an unstructured object named name in testNamespace.
func loadSample(t *testing.T, file, name string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "samples", file))
	if err != nil {
		t.Fatalf("reading sample %s: %v", file, err)
	}
	return decodeYAML(t, data, name)
}

// decodeYAML turns a YAML manifest into an unstructured object named name in testNamespace.
func decodeYAML(t *testing.T, data []byte, name string) *unstructured.Unstructured {
	t.Helper()
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("converting YAML: %v", err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(js); err != nil {
		t.Fatalf("decoding manifest: %v", err)
	}
	obj.SetName(name)
	obj.SetNamespace(testNamespace)
	return obj
}

// clusterSample and pipelineSample load the two samples under a test-specific name.
func clusterSample(t *testing.T, name string) *unstructured.Unstructured {
	return loadSample(t, "streaming_v1alpha1_kafkacluster.yaml", name)
}

func pipelineSample(t *testing.T, name string) *unstructured.Unstructured {
	return loadSample(t, "streaming_v1alpha1_kafkapipeline.yaml", name)
}

// objectName turns a test case name into a valid, unique object name.
func objectName(prefix, caseName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(caseName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	name := strings.Trim(prefix+"-"+b.String(), "-")
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	return name
}

// mutation changes a manifest before it is sent to the API server.
type mutation func(t *testing.T, obj map[string]any)

// set returns a mutation setting the field at the dotted path to value.
func set(path string, value any) mutation {
	return func(t *testing.T, obj map[string]any) {
		t.Helper()
		if err := unstructured.SetNestedField(obj, value, strings.Split(path, ".")...); err != nil {
			t.Fatalf("setting %s: %v", path, err)
		}
	}
}

// del returns a mutation removing the field at the dotted path.
func del(path string) mutation {
	return func(_ *testing.T, obj map[string]any) {
		unstructured.RemoveNestedField(obj, strings.Split(path, ".")...)
	}
}

// all combines mutations, applied in order.
func all(ms ...mutation) mutation {
	return func(t *testing.T, obj map[string]any) {
		t.Helper()
		for _, m := range ms {
			m(t, obj)
		}
	}
}

// expectInvalid asserts that err is an Invalid API error whose message contains want.
func expectInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the API server accepted the object; want it refused with %q", want)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("got error %v; want an Invalid error containing %q", err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("got error\n  %v\nwant it to contain\n  %q", err, want)
	}
	t.Logf("refused as expected: %v", err)
}

// create sends obj to the API server and registers its deletion at the end of the test.
func create(t *testing.T, c client.Client, obj *unstructured.Unstructured) error {
	t.Helper()
	err := c.Create(context.Background(), obj)
	if err == nil {
		t.Cleanup(func() {
			if err := c.Delete(context.Background(), obj); err != nil && !apierrors.IsNotFound(err) {
				t.Errorf("deleting %s: %v", obj.GetName(), err)
			}
		})
	}
	return err
}

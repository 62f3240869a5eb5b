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
	"os"
	"path/filepath"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// TestEveryFieldIsDocumented checks that every field of the generated CRDs has a description, which is what
// `kubectl explain` shows.
func TestEveryFieldIsDocumented(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) != 2 {
		t.Fatalf("want the two generated CRDs, found %v (%v); run `make manifests`", files, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(data, &crd); err != nil {
			t.Fatalf("decoding %s: %v", file, err)
		}
		for _, v := range crd.Spec.Versions {
			checkDescriptions(t, crd.Spec.Names.Kind, *v.Schema.OpenAPIV3Schema)
		}
	}
}

func checkDescriptions(t *testing.T, path string, s apiextensionsv1.JSONSchemaProps) {
	t.Helper()
	for name, p := range s.Properties {
		if name == "metadata" || name == "conditions" {
			continue // standard Kubernetes types, documented upstream
		}
		field := path + "." + name
		if p.Description == "" {
			t.Errorf("%s has no description", field)
		}
		checkDescriptions(t, field, p)
		if p.Items != nil && p.Items.Schema != nil {
			checkDescriptions(t, field+"[]", *p.Items.Schema)
		}
	}
}

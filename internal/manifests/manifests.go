// Package manifests renders the operator's install manifests the way users do — `kustomize build` of a
// config/ base, and the Helm chart through Helm's own Go SDK — into objects that tests inspect and apply.
package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Decode reads a stream of YAML or JSON documents into objects, skipping empty documents.
func Decode(r io.Reader) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	for {
		obj := &unstructured.Unstructured{}
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decoding manifests: %w", err)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// Kustomize runs `kustomize build dir` with the kustomize binary and returns the objects.
func Kustomize(kustomize, dir string) ([]*unstructured.Unstructured, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(kustomize, "build", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w\n%s", dir, err, stderr.String())
	}
	return Decode(&stdout)
}

// Release names a Helm release.
type Release struct {
	// Name is the release name.
	Name string
	// Namespace is the release namespace.
	Namespace string
	// Values override the chart's values.yaml.
	Values map[string]any
}

// KubeVersion is the Kubernetes version charts are rendered for: the one envtest runs (bin/k8s).
var KubeVersion = chartutil.KubeVersion{Version: "v1.37.2", Major: "1", Minor: "37"}

// RenderChart renders the chart in dir as `helm install --dry-run=client --include-crds` does: values are
// checked against values.schema.json, and templates see KubeVersion. It returns the objects in the order
// Helm would install them, CRDs first, and the release notes.
func RenderChart(dir string, rel Release) ([]*unstructured.Unstructured, string, error) {
	chrt, err := loader.Load(dir)
	if err != nil {
		return nil, "", fmt.Errorf("loading the chart %s: %w", dir, err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.DryRun, install.ClientOnly, install.IncludeCRDs, install.Replace = true, true, true, true
	install.ReleaseName, install.Namespace = rel.Name, rel.Namespace
	kv := KubeVersion
	install.KubeVersion = &kv
	values := rel.Values
	if values == nil {
		values = map[string]any{}
	}
	r, err := install.Run(chrt, values)
	if err != nil {
		return nil, "", fmt.Errorf("rendering the chart %s: %w", dir, err)
	}
	objs, err := Decode(strings.NewReader(r.Manifest))
	if err != nil {
		return nil, "", err
	}
	return objs, r.Info.Notes, nil
}

// Find converts the object of kind and name into into.
func Find(objs []*unstructured.Unstructured, kind, name string, into any) error {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, into); err != nil {
				return fmt.Errorf("converting %s %s: %w", kind, name, err)
			}
			return nil
		}
	}
	return fmt.Errorf("no %s %s among the manifests", kind, name)
}

// OfKind returns the objects of kind.
func OfKind(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

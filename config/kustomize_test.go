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

// Package config_test builds the kustomize bases with bin/kustomize and checks what they install.
package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests/manifeststest"
)

const namespace = "kafka-pipeline-system"

// build runs `bin/kustomize build dir`, skipping the test when kustomize is not built.
func build(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return manifeststest.Kustomize(t, "..", dir)
}

// find converts the object of kind and name into into.
var find = manifeststest.Find

func TestDefaultInstallsAHardenedManager(t *testing.T) {
	objs := build(t, "default")

	var dep appsv1.Deployment
	find(t, objs, "Deployment", "kafka-pipeline-controller-manager", &dep)
	if dep.Namespace != namespace {
		t.Errorf("Deployment namespace = %q; want %q", dep.Namespace, namespace)
	}
	pod := dep.Spec.Template.Spec
	if pod.ServiceAccountName != "kafka-pipeline-controller-manager" {
		t.Errorf("service account = %q", pod.ServiceAccountName)
	}
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context = %+v; want runAsNonRoot and seccomp RuntimeDefault", psc)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("containers = %d; want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatalf("manager container has no security context")
	case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
		t.Errorf("container runAsNonRoot is not true")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Errorf("container readOnlyRootFilesystem is not true")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Errorf("container allowPrivilegeEscalation is not false")
	case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0:
		t.Errorf("container capabilities = %+v; want drop ALL, add none", sc.Capabilities)
	case sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
		t.Errorf("container seccomp profile is not RuntimeDefault")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() ||
		c.Resources.Limits.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources = %+v; want cpu and memory requests and limits", c.Resources)
	}
	for _, arg := range []string{"--leader-elect", "--region=$(AWS_REGION)", "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081"} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("args %v lack %s", c.Args, arg)
		}
	}
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "AWS_REGION" && e.Value != "" }) {
		t.Errorf("env lacks AWS_REGION")
	}
	for _, p := range []struct {
		probe *corev1.Probe
		path  string
	}{{c.LivenessProbe, "/healthz"}, {c.ReadinessProbe, "/readyz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port.String() != "health" {
			t.Errorf("probe for %s = %+v; want an HTTP GET on the health port", p.path, p.probe)
		}
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["metrics"] != 8080 || ports["health"] != 8081 {
		t.Errorf("container ports = %v; want metrics 8080 and health 8081", ports)
	}

	var sa corev1.ServiceAccount
	find(t, objs, "ServiceAccount", "kafka-pipeline-controller-manager", &sa)
	if _, ok := sa.Annotations["eks.amazonaws.com/role-arn"]; !ok {
		t.Errorf("service account lacks the eks.amazonaws.com/role-arn annotation")
	}
}

func TestDefaultPutsEverythingInItsNamespaceAndBindsTheServiceAccount(t *testing.T) {
	objs := build(t, "default")
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
		switch o.GetKind() {
		case "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding":
			if o.GetKind() == "Namespace" && o.GetName() != namespace {
				t.Errorf("Namespace %q; want %q", o.GetName(), namespace)
			}
		default:
			if o.GetNamespace() != namespace {
				t.Errorf("%s %s is in namespace %q; want %q", o.GetKind(), o.GetName(), o.GetNamespace(), namespace)
			}
		}
	}
	if kinds["CustomResourceDefinition"] != 2 || kinds["Deployment"] != 1 || kinds["Namespace"] != 1 {
		t.Errorf("object kinds = %v; want both CRDs, one Deployment and its Namespace", kinds)
	}

	var crb rbacv1.ClusterRoleBinding
	find(t, objs, "ClusterRoleBinding", "kafka-pipeline-manager-rolebinding", &crb)
	wantSubject := rbacv1.Subject{Kind: "ServiceAccount", Name: "kafka-pipeline-controller-manager", Namespace: namespace}
	if crb.RoleRef.Name != "kafka-pipeline-manager-role" || !slices.Contains(crb.Subjects, wantSubject) {
		t.Errorf("manager binding = %+v; want kafka-pipeline-manager-role bound to %+v", crb, wantSubject)
	}
	var rb rbacv1.RoleBinding
	find(t, objs, "RoleBinding", "kafka-pipeline-leader-election-rolebinding", &rb)
	if rb.RoleRef.Name != "kafka-pipeline-leader-election-role" || !slices.Contains(rb.Subjects, wantSubject) {
		t.Errorf("leader election binding = %+v", rb)
	}
	var le rbacv1.Role
	find(t, objs, "Role", "kafka-pipeline-leader-election-role", &le)
	if !slices.ContainsFunc(le.Rules, func(r rbacv1.PolicyRule) bool {
		return slices.Contains(r.APIGroups, "coordination.k8s.io") && slices.Contains(r.Resources, "leases")
	}) {
		t.Errorf("leader election role does not grant leases")
	}
}

func TestManagerRoleIsLeastPrivilege(t *testing.T) {
	objs := build(t, "default")
	var role rbacv1.ClusterRole
	find(t, objs, "ClusterRole", "kafka-pipeline-manager-role", &role)
	allowed := map[string][]string{
		"kafkaclusters":             {"get", "list", "watch", "update", "patch"},
		"kafkapipelines":            {"get", "list", "watch", "update", "patch"},
		"kafkaclusters/status":      {"get", "update", "patch"},
		"kafkapipelines/status":     {"get", "update", "patch"},
		"kafkaclusters/finalizers":  {"update"},
		"kafkapipelines/finalizers": {"update"},
		"events":                    {"create", "patch"},
	}
	granted := map[string]bool{}
	for _, r := range role.Rules {
		for _, res := range r.Resources {
			granted[res] = true
			for _, verb := range r.Verbs {
				if !slices.Contains(allowed[res], verb) {
					t.Errorf("manager role grants %s on %s (groups %v)", verb, res, r.APIGroups)
				}
			}
		}
	}
	for res := range allowed {
		if !granted[res] {
			t.Errorf("manager role grants nothing on %s", res)
		}
	}
}

func TestSamplesBuild(t *testing.T) {
	objs := build(t, "samples")
	var names []string
	for _, o := range objs {
		names = append(names, o.GetKind()+"/"+o.GetName())
	}
	want := []string{"KafkaCluster/shared", "KafkaPipeline/test-pipeline"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("samples = %v; want %v", names, want)
	}
}

func TestArgoCDComponentAddsTheHealthCheckForBothKinds(t *testing.T) {
	component, err := filepath.Abs("argocd")
	if err != nil {
		t.Fatalf("locating the component: %v", err)
	}
	dir := t.TempDir()
	rel, err := filepath.Rel(dir, component) // kustomize refuses absolute component paths
	if err != nil {
		t.Fatalf("locating the component from %s: %v", dir, err)
	}
	files := map[string]string{
		"argocd-cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  url: https://argocd.example.com\n",
		"kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: argocd\nresources:\n- argocd-cm.yaml\n" +
			"components:\n- " + rel + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatalf("writing %s: %v", name, err)
		}
	}
	script, err := os.ReadFile(filepath.Join("argocd", "health.lua"))
	if err != nil {
		t.Fatalf("reading health.lua: %v", err)
	}
	var cm corev1.ConfigMap
	find(t, build(t, dir), "ConfigMap", "argocd-cm", &cm)
	if cm.Data["url"] == "" {
		t.Errorf("the component dropped the existing argocd-cm settings")
	}
	for _, kind := range []string{"KafkaCluster", "KafkaPipeline"} {
		key := "resource.customizations.health.streaming.kafkapipeline.dev_" + kind
		if strings.TrimSpace(cm.Data[key]) != strings.TrimSpace(string(script)) {
			t.Errorf("argocd-cm %s is not health.lua", key)
		}
	}
}

func TestMonitoringBuildsTheAlertsScrapeAndDashboard(t *testing.T) {
	objs := build(t, "monitoring")
	var cm corev1.ConfigMap
	find(t, objs, "ConfigMap", "kafka-pipeline-grafana-dashboard", &cm)
	dashboard, err := os.ReadFile(filepath.Join("monitoring", "grafana_dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cm.Namespace != namespace || cm.Labels["grafana_dashboard"] != "1" || cm.Data["grafana_dashboard.json"] != string(dashboard) {
		t.Errorf("the dashboard ConfigMap is not grafana_dashboard.json labelled grafana_dashboard=1 in %s", namespace)
	}
	var rule, monitor unstructured.Unstructured
	find(t, objs, "PrometheusRule", "kafka-pipeline-alerts", &rule)
	find(t, objs, "ServiceMonitor", "kafka-pipeline-controller-manager-metrics", &monitor)
	var svc corev1.Service
	find(t, build(t, "default"), "Service", "kafka-pipeline-controller-manager-metrics", &svc)
	selector, _, _ := unstructured.NestedStringMap(monitor.Object, "spec", "selector", "matchLabels")
	for k, v := range selector {
		if svc.Labels[k] != v {
			t.Errorf("the ServiceMonitor selects %s=%s, which the metrics Service lacks", k, v)
		}
	}
	if rule.GetNamespace() != namespace || monitor.GetNamespace() != namespace {
		t.Errorf("monitoring objects are outside %s", namespace)
	}
}

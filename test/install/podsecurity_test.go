package install

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// restricted is the latest restricted Pod Security profile.
var restricted = psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}

// violations evaluates a Deployment's pod template against the restricted profile with the evaluator the
// PodSecurity admission plugin uses, and returns what it forbids.
func violations(t *testing.T, dep *appsv1.Deployment) []string {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatalf("creating the Pod Security evaluator: %v", err)
	}
	var out []string
	for _, r := range evaluator.EvaluatePod(restricted, &dep.Spec.Template.ObjectMeta, &dep.Spec.Template.Spec) {
		if !r.Allowed {
			out = append(out, fmt.Sprintf("%s: %s", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return out
}

// deployments converts every Deployment of the manifests, failing when there is none.
func deployments(t *testing.T, objs []*unstructured.Unstructured) []*appsv1.Deployment {
	t.Helper()
	var out []*appsv1.Deployment
	for _, o := range objs {
		switch o.GetKind() {
		case "Deployment":
			dep := &appsv1.Deployment{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, dep); err != nil {
				t.Fatalf("converting Deployment %s: %v", o.GetName(), err)
			}
			out = append(out, dep)
		case "Pod", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob":
			t.Errorf("%s %s is not checked against Pod Security: extend this test", o.GetKind(), o.GetName())
		}
	}
	if len(out) == 0 {
		t.Fatalf("the manifests hold no Deployment")
	}
	return out
}

func TestEveryDeploymentIsRestricted(t *testing.T) {
	for name, objs := range map[string][]*unstructured.Unstructured{
		"kustomize config/default": kustomize(t, "default"),
		"helm, default values":     renderChart(t, nil),
		"helm, everything on":      renderChart(t, allOn),
	} {
		for _, dep := range deployments(t, objs) {
			if v := violations(t, dep); len(v) > 0 {
				t.Errorf("%s: Deployment %s breaks Pod Security %s:\n  %s", name, dep.Name, restricted.Level, strings.Join(v, "\n  "))
			}
		}
	}
}

// TestTheCheckCatchesEachMissingField proves the check above has teeth: the chart's Deployment with one
// securityContext field taken away is refused, for each field the restricted profile needs.
func TestTheCheckCatchesEachMissingField(t *testing.T) {
	base := deployments(t, renderChart(t, nil))[0]
	for field, remove := range map[string]func(pod *corev1.PodSpec){
		"allowPrivilegeEscalation": func(p *corev1.PodSpec) { p.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil },
		"capabilities.drop":        func(p *corev1.PodSpec) { p.Containers[0].SecurityContext.Capabilities = nil },
		"runAsNonRoot": func(p *corev1.PodSpec) {
			p.SecurityContext.RunAsNonRoot, p.Containers[0].SecurityContext.RunAsNonRoot = nil, nil
		},
		"seccompProfile": func(p *corev1.PodSpec) {
			p.SecurityContext.SeccompProfile, p.Containers[0].SecurityContext.SeccompProfile = nil, nil
		},
	} {
		dep := base.DeepCopy()
		remove(&dep.Spec.Template.Spec)
		if v := violations(t, dep); len(v) == 0 {
			t.Errorf("without %s the Deployment still passes: the check proves nothing", field)
		}
	}
}

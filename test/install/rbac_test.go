package install

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// forbidden records the requests the API server refused with 403, and ends a context at the first.
type forbidden struct {
	mu       sync.Mutex
	requests []string
	first    context.CancelCauseFunc
}

func (f *forbidden) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err == nil && resp.StatusCode == http.StatusForbidden {
			f.mu.Lock()
			f.requests = append(f.requests, req.Method+" "+req.URL.Path)
			f.mu.Unlock()
			f.first(fmt.Errorf("the manager was forbidden %s %s", req.Method, req.URL.Path))
		}
		return resp, err
	})
}

func (f *forbidden) all() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// rbacOf returns the Namespace, ServiceAccount and RBAC objects of an install, and the service account.
func rbacOf(objs []*unstructured.Unstructured) (rbac []*unstructured.Unstructured, serviceAccount string) {
	for _, o := range objs {
		switch o.GetKind() {
		case "ServiceAccount":
			serviceAccount = o.GetName()
			rbac = append(rbac, o)
		case "Namespace", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
			rbac = append(rbac, o)
		}
	}
	return rbac, serviceAccount
}

// TestTheManagerRunsWithTheShippedRBAC runs both controllers as the operator's service account
// (impersonated, with the groups a service account token carries), with only the RBAC an install ships, and
// leader election on in the install's namespace: a pipeline must become Ready and be deleted again without
// the API server refusing the manager anything. A verb missing from the RBAC fails the test at the first
// refused request.
func TestTheManagerRunsWithTheShippedRBAC(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver, etcd and kubectl into bin/k8s")
	}
	installs := map[string]func(t *testing.T) []*unstructured.Unstructured{
		"kustomize config/default": func(t *testing.T) []*unstructured.Unstructured { return kustomize(t, "default") },
		"helm chart": func(t *testing.T) []*unstructured.Unstructured {
			ns := &unstructured.Unstructured{}
			ns.SetAPIVersion("v1")
			ns.SetKind("Namespace")
			ns.SetName(namespace)
			return append([]*unstructured.Unstructured{ns}, renderChart(t, nil)...)
		},
	}
	for name, objs := range installs {
		t.Run(name, func(t *testing.T) {
			rbac, sa := rbacOf(objs(t))
			if sa == "" {
				t.Fatal("the install has no ServiceAccount")
			}
			runAs(t, rbac, sa)
		})
	}
}

// runAs starts the local stack with the manager impersonating service account sa in namespace after rbac
// is applied, and takes config/samples to Ready and away again.
func runAs(t *testing.T, rbac []*unstructured.Unstructured, sa string) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	refused := &forbidden{first: cancel}
	stack, err := devstack.Start(ctx, devstack.Options{Root: must(filepath.Abs(root)), AWSAddr: "127.0.0.1:0",
		Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"), Log: newStackLog(t),
		BeforeManager: func(ctx context.Context, s *devstack.Stack) error {
			applyAll(ctx, t, s.Client, "install", rbac)
			return nil
		},
		ManagerREST: func(cfg *rest.Config) {
			cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + namespace + ":" + sa,
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"}}
			cfg.WrapTransport = refused.wrap
		},
		LeaderElectionNamespace: namespace,
	})
	if err != nil {
		t.Fatalf("starting the stack: %v (refused: %v)", err, refused.all())
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stopping the stack: %v", err)
		}
	}()

	// fatal ends the test with what failed, the first refusal that cut it short, and every refusal.
	fatal := func(what string, err error) {
		t.Helper()
		t.Fatalf("%s: %v (%v; refused: %v)", what, err, context.Cause(ctx), refused.all())
	}
	samples := kustomize(t, "samples")
	for _, o := range samples {
		o.SetNamespace("default")
	}
	for _, o := range samples {
		if err := stack.Client.Patch(ctx, o, client.Apply, client.FieldOwner("user")); err != nil {
			fatal("applying "+o.GetName(), err)
		}
	}
	cluster := &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: "default"}}
	pipeline := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: "test-pipeline", Namespace: "default"}}
	wait, stop := context.WithTimeout(ctx, 3*time.Minute)
	defer stop()
	if err := stack.WaitReady(wait, nil, cluster, pipeline); err != nil {
		fatal("config/samples", err)
	}
	checkMonitoringSelectsRealSeries(t)
	for _, o := range []client.Object{pipeline, cluster} {
		if err := stack.Client.Delete(ctx, o); err != nil {
			fatal("deleting "+o.GetName(), err)
		}
	}
	if err := stack.WaitGone(wait, nil, cluster, pipeline); err != nil {
		fatal("config/samples", err)
	}
	if r := refused.all(); len(r) > 0 {
		t.Errorf("the API server refused the manager: %s", strings.Join(r, ", "))
	}
}

// must returns v, panicking on err (for values that cannot fail in a checkout).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// stackLog keeps the stack's logs and shows them when the test fails. It outlives the test (the stack
// sets controller-runtime's global logger), so it never writes to the test after it ends.
type stackLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newStackLog(t *testing.T) *stackLog {
	l := &stackLog{}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Logf("the stack's log:\n%s", l.buf.String())
		}
	})
	return l
}

func (l *stackLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// TestUserRolesAggregateIntoViewAndEdit binds people to the built-in view and edit ClusterRoles — with the
// operator's user roles aggregated into them, as kube-controller-manager's aggregation controller would
// (the test API server runs no controller manager, so the test computes the aggregation from the
// aggregationRule selectors and the roles' labels) — and checks, as those people, that a viewer can read but
// not write and an editor can write.
func TestUserRolesAggregateIntoViewAndEdit(t *testing.T) {
	cfg := startAPIServer(t)
	admin, err := client.New(cfg, client.Options{Scheme: devstack.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for name, objs := range map[string][]*unstructured.Unstructured{
		"kustomize": kustomize(t, "default"), "helm": renderChart(t, nil)} {
		t.Run(name, func(t *testing.T) {
			var crds, roles []*unstructured.Unstructured
			for _, o := range objs {
				switch {
				case o.GetKind() == "CustomResourceDefinition":
					crds = append(crds, o)
				case o.GetKind() == "ClusterRole" && o.GetLabels()["rbac.authorization.k8s.io/aggregate-to-view"]+
					o.GetLabels()["rbac.authorization.k8s.io/aggregate-to-edit"] != "":
					roles = append(roles, o)
				}
			}
			if len(crds) != 2 || len(roles) != 2 {
				t.Fatalf("found %d CRDs and %d user roles; want 2 and 2", len(crds), len(roles))
			}
			applyAll(ctx, t, admin, name, append(crds, roles...))
			aggregate(ctx, t, admin)
			checkUserRoles(ctx, t, cfg, admin, "team-"+name)
			for _, r := range roles { // the other install's roles are checked alone
				if err := admin.Delete(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			aggregate(ctx, t, admin)
		})
	}
}

// checkUserRoles binds vera to view and eddie to edit in namespace team and checks what each may do there.
func checkUserRoles(ctx context.Context, t *testing.T, cfg *rest.Config, admin client.Client, team string) {
	createNamespace(ctx, t, admin, team)
	for _, o := range []client.Object{
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "viewers", Namespace: team},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "vera"}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: team},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "eddie"}}},
	} {
		if err := admin.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	as := func(user string) client.Client {
		c := rest.CopyConfig(cfg)
		c.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: []string{"system:authenticated"}}
		cl, err := client.New(c, client.Options{Scheme: devstack.Scheme})
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	vera, eddie := as("vera"), as("eddie")
	var pipelineObj, clusterObj *unstructured.Unstructured
	for _, o := range kustomize(t, "samples") {
		o.SetNamespace(team)
		if o.GetKind() == "KafkaPipeline" {
			pipelineObj = o
		} else {
			clusterObj = o
		}
	}
	pipeline := func() *unstructured.Unstructured { return pipelineObj.DeepCopy() }

	check := func(what string, err error, allowed bool) {
		t.Helper()
		switch {
		case allowed && err != nil:
			t.Errorf("%s: %v; want it allowed", what, err)
		case !allowed && !apierrors.IsForbidden(err):
			t.Errorf("%s: %v; want it forbidden", what, err)
		}
	}
	check("vera creates a pipeline", vera.Create(ctx, pipeline()), false)
	check("eddie creates a pipeline", eddie.Create(ctx, pipeline()), true)
	check("eddie creates a cluster", eddie.Create(ctx, clusterObj.DeepCopy()), true)
	check("vera reads the pipeline", vera.Get(ctx, client.ObjectKeyFromObject(pipelineObj), pipeline()), true)
	check("vera lists clusters", vera.List(ctx, &v1alpha1.KafkaClusterList{}, client.InNamespace(team)), true)
	check("vera lists pipelines elsewhere", vera.List(ctx, &v1alpha1.KafkaPipelineList{}, client.InNamespace("default")), false)
	patch := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"suspend":true}}`))
	check("vera suspends the pipeline", vera.Patch(ctx, pipeline(), patch), false)
	check("eddie suspends the pipeline", eddie.Patch(ctx, pipeline(), patch), true)
	status := client.RawPatch(types.MergePatchType, []byte(`{"status":{"observedGeneration":1}}`))
	check("eddie writes the pipeline's status", eddie.Status().Patch(ctx, pipeline(), status), false)
	check("vera deletes the pipeline", vera.Delete(ctx, pipeline()), false)
	check("eddie deletes the pipeline", eddie.Delete(ctx, pipeline()), true)
}

// createNamespace creates a namespace unless it exists.
func createNamespace(ctx context.Context, t *testing.T, c client.Client, name string) {
	t.Helper()
	err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// aggregate does what kube-controller-manager's ClusterRole aggregation controller does: every ClusterRole
// with an aggregationRule gets the rules of the ClusterRoles its selectors match, until nothing changes (view
// is aggregated into edit, and edit into admin).
func aggregate(ctx context.Context, t *testing.T, c client.Client) {
	t.Helper()
	for round := 0; ; round++ {
		if round == 5 {
			t.Fatal("the ClusterRole aggregation does not settle")
		}
		var roles rbacv1.ClusterRoleList
		if err := c.List(ctx, &roles); err != nil {
			t.Fatal(err)
		}
		changed, aggregated := false, 0
		for i := range roles.Items {
			role := &roles.Items[i]
			if role.AggregationRule == nil {
				continue
			}
			aggregated++
			rules := aggregatedRules(ctx, t, c, role)
			if equality.Semantic.DeepEqual(rules, role.Rules) {
				continue
			}
			role.Rules, changed = rules, true
			if err := c.Update(ctx, role); err != nil {
				t.Fatalf("aggregating into %s: %v", role.Name, err)
			}
		}
		if aggregated < 3 {
			t.Fatalf("found %d aggregated ClusterRoles; want at least admin, edit and view", aggregated)
		}
		if !changed {
			return
		}
	}
}

// aggregatedRules are the rules of the ClusterRoles role's aggregationRule selects, in name order.
func aggregatedRules(ctx context.Context, t *testing.T, c client.Client, role *rbacv1.ClusterRole) []rbacv1.PolicyRule {
	t.Helper()
	var rules []rbacv1.PolicyRule
	for _, sel := range role.AggregationRule.ClusterRoleSelectors {
		selector, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			t.Fatal(err)
		}
		var matched rbacv1.ClusterRoleList
		if err := c.List(ctx, &matched, client.MatchingLabelsSelector{Selector: selector}); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(matched.Items, func(a, b rbacv1.ClusterRole) int { return strings.Compare(a.Name, b.Name) })
		for _, m := range matched.Items {
			if m.Name != role.Name {
				rules = append(rules, m.Rules...)
			}
		}
	}
	return rules
}

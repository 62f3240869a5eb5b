package devstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// Scheme knows the built-in Kubernetes types and the operator's.
var Scheme = newScheme()

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(v1alpha1.AddToScheme(s))
	return s
}

// startKubernetes starts etcd and kube-apiserver from the assets directory with the operator's CRDs, and writes an
// admin kubeconfig for kubectl.
func (s *Stack) startKubernetes(opts Options) error {
	bins := opts.Assets
	for _, name := range []string{"etcd", "kube-apiserver", "kubectl"} {
		if _, err := os.Stat(filepath.Join(bins, name)); err != nil {
			return fmt.Errorf("%s is missing from %s: run `make k8s-bins` first", name, bins)
		}
	}
	// The binaries are named explicitly: a KUBEBUILDER_ASSETS pointing elsewhere would otherwise win over
	// BinaryAssetsDirectory, and these are the ones the stack documents and kubectl comes from.
	env := &envtest.Environment{
		BinaryAssetsDirectory: bins,
		CRDDirectoryPaths:     []string{filepath.Join(opts.Root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		UseExistingCluster:    ptr.To(false),
		// A busy two-core machine can take longer than the 20 s default to bring etcd and the API up.
		ControlPlaneStartTimeout: time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
		ControlPlane: envtest.ControlPlane{
			APIServer:   &envtest.APIServer{Path: filepath.Join(bins, "kube-apiserver")},
			Etcd:        &envtest.Etcd{Path: filepath.Join(bins, "etcd")},
			KubectlPath: filepath.Join(bins, "kubectl"),
		},
	}
	if _, err := env.Start(); err != nil {
		return fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	s.env = env
	admin, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding the admin user: %w", err)
	}
	s.REST = admin.Config()
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		return fmt.Errorf("building the admin kubeconfig: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(opts.Kubeconfig), 0o700); err != nil {
		return fmt.Errorf("creating the kubeconfig's directory: %w", err)
	}
	if err := os.WriteFile(opts.Kubeconfig, kubeconfig, 0o600); err != nil {
		return fmt.Errorf("writing the kubeconfig: %w", err)
	}
	if s.Client, err = client.New(s.REST, client.Options{Scheme: Scheme}); err != nil {
		return fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	return nil
}

// Kubectl returns a kubectl command from bin/k8s using the stack's kubeconfig, run in the repository root.
func (s *Stack) Kubectl(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.KubectlPath, append([]string{"--kubeconfig", s.Kubeconfig}, args...)...)
	cmd.Dir = s.Root
	return cmd
}

// KubectlLine is the command line of Kubectl(args...) as a user would type it in the repository root.
func (s *Stack) KubectlLine(args ...string) string {
	words := append([]string{s.rel(s.KubectlPath), "--kubeconfig", s.rel(s.Kubeconfig)}, args...)
	for i, w := range words {
		if strings.ContainsAny(w, " \"'{}$*") {
			words[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return strings.Join(words, " ")
}

// rel returns path relative to the repository root when it lies inside it.
func (s *Stack) rel(path string) string {
	if r, err := filepath.Rel(s.Root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

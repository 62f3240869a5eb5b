// Package image runs the manager image as a cluster would: in a container (podman), as a non-root user, on
// a read-only root filesystem, against a kube-apiserver and localaws on the host (internal/devstack without
// its in-process manager). It applies config/samples, waits for both objects to be Ready, deletes them and
// checks that nothing is left in AWS. `make test-image` builds the image and runs this with IMAGE set.
package image

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// nonRoot is the image's user and group.
const nonRoot = "65532"

// maxProcs caps the container's process (thread) limit: the manager runs a few dozen threads, and some
// hosts refuse a container a limit above about 32k whatever the caller's own limit is.
const maxProcs = 4096

// region is the samples' region.
const region = "ap-northeast-1"

// podmanGlobal are podman's options for any host: runc and cgroupfs also work where cgroups are hybrid
// (crun refuses them) and no systemd runs.
var podmanGlobal = []string{"--runtime", "runc", "--cgroup-manager=cgroupfs"}

func TestImageReconcilesThePipelineToReady(t *testing.T) {
	image := os.Getenv("IMAGE")
	if image == "" {
		t.Skip("IMAGE is not set: run `make test-image`, which builds the image and runs this test on it")
	}
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatal("podman is not installed: `make podman` installs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := devstack.Start(ctx, devstack.Options{AWSAddr: "127.0.0.1:0", Profile: "instant", WithoutManager: true,
		Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"), Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})

	started := time.Now()
	c := runManager(ctx, t, s, image)
	c.assertHardened(t)
	health := "http://" + c.probeAddr + "/readyz"
	if err := poll(ctx, func() error { return get(ctx, health) }); err != nil {
		t.Fatalf("the manager never became ready at %s: %v", health, err)
	}
	t.Logf("manager ready after %s", time.Since(started).Round(time.Millisecond))

	if out, err := s.Kubectl(ctx, "apply", "-n", "default", "-k", "config/samples").CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply -k config/samples: %v\n%s", err, out)
	}
	cluster := &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: "default"}}
	pipeline := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: "test-pipeline", Namespace: "default"}}
	report := func(tr devstack.Transition) { t.Log(tr.String()) }
	applied := time.Now()
	if err := s.WaitReady(ctx, report, cluster, pipeline); err != nil {
		t.Fatal(err)
	}
	t.Logf("KafkaCluster and KafkaPipeline Ready %s after apply", time.Since(applied).Round(time.Millisecond))
	c.assertRunning(ctx, t)
	c.assertReadyMetric(ctx, t, pipeline)

	if out, err := s.Kubectl(ctx, "delete", "-n", "default", "-k", "config/samples", "--wait=false").CombinedOutput(); err != nil {
		t.Fatalf("kubectl delete -k config/samples: %v\n%s", err, out)
	}
	deleted := time.Now()
	if err := s.WaitGone(ctx, report, cluster, pipeline); err != nil {
		t.Fatal(err)
	}
	t.Logf("both deleted %s after kubectl delete", time.Since(deleted).Round(time.Millisecond))
	left, err := s.Leftovers(ctx, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Fatalf("left in AWS after deleting the samples: %v", left)
	}
	c.assertRunning(ctx, t)
}

// container is the manager running in podman.
type container struct {
	name                   string
	probeAddr, metricsAddr string
}

// runManager starts the image with host networking, read-only, as its own user, pointed at the stack by a
// kubeconfig mounted read-only and the standard AWS variables. The container is removed at the end of the
// test, its log printed first when the test failed.
func runManager(ctx context.Context, t *testing.T, s *devstack.Stack, image string) *container {
	t.Helper()
	kubeconfig, err := os.ReadFile(s.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	// The image's user must read it; the stack writes it for its owner only.
	mounted := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(mounted, kubeconfig, 0o644); err != nil {
		t.Fatal(err)
	}
	// The brokers' certificates chain to localaws's CA, which the manager trusts besides the system's roots.
	// It is mounted at its path on the host: the manager passes that path to the topic admin functions,
	// which localaws runs on the host.
	ca := filepath.Join(t.TempDir(), "kafka-ca.pem")
	if err := os.WriteFile(ca, s.Local.KafkaCA, 0o644); err != nil {
		t.Fatal(err)
	}
	c := &container{name: fmt.Sprintf("kafka-pipeline-image-test-%d", os.Getpid()),
		probeAddr: freeAddr(t), metricsAddr: freeAddr(t)}
	args := []string{"run", "--detach", "--name", c.name, "--network", "host", "--read-only",
		"--ulimit", "nofile=" + limit(t, unix.RLIMIT_NOFILE, 0), "--ulimit", "nproc=" + limit(t, unix.RLIMIT_NPROC, maxProcs),
		"--volume", mounted + ":/etc/kubeconfig:ro",
		"--volume", ca + ":" + ca + ":ro",
		"--env", "AWS_CA_BUNDLE=" + ca,
		"--env", "KUBECONFIG=/etc/kubeconfig",
		"--env", "AWS_ENDPOINT_URL=" + s.Endpoint,
		"--env", "AWS_ACCESS_KEY_ID=test", "--env", "AWS_SECRET_ACCESS_KEY=test",
		image,
		"--region=" + s.Region, "--cluster-id=image-test", "--iam-propagation-delay=1s",
		"--metrics-bind-address=" + c.metricsAddr, "--health-probe-bind-address=" + c.probeAddr}
	// Registered first: a failed run can leave a created container behind.
	t.Cleanup(func() {
		// The test's context may be over; cleaning up gets its own.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if t.Failed() {
			out, _ := podman(ctx, "logs", c.name)
			t.Logf("the manager's log:\n%s", out)
		}
		if out, err := podman(ctx, "rm", "--force", "--ignore", "--time", "10", c.name); err != nil {
			t.Errorf("podman rm: %v\n%s", err, out)
		}
	})
	if out, err := podman(ctx, args...); err != nil {
		t.Fatalf("podman run: %v\n%s", err, out)
	}
	return c
}

// assertHardened checks, from the host, that the manager's process runs as the non-root user and sees its
// root filesystem mounted read-only.
func (c *container) assertHardened(t *testing.T) {
	t.Helper()
	pid := c.inspect(context.Background(), t, "{{.State.Pid}}")
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		t.Fatalf("reading the manager's process status: %v", err)
	}
	for _, id := range []string{"Uid", "Gid"} {
		// Real, effective, saved and filesystem IDs.
		want := strings.TrimSpace(strings.Repeat(nonRoot+" ", 4))
		if got := field(string(status), id+":"); got != want {
			t.Errorf("the manager's %s are %q, want %q", id, got, want)
		}
	}
	mounts, err := os.ReadFile("/proc/" + pid + "/mountinfo")
	if err != nil {
		t.Fatalf("reading the manager's mounts: %v", err)
	}
	root := ""
	for line := range strings.Lines(string(mounts)) {
		// Fields: mount ID, parent ID, major:minor, root, mount point, mount options, ...
		if f := strings.Fields(line); len(f) > 5 && f[4] == "/" {
			root = f[5]
		}
	}
	if !strings.HasPrefix(root+",", "ro,") {
		t.Errorf("the manager's root filesystem is mounted %q, want read-only (ro)", root)
	}
}

// assertRunning checks that the manager is still running: it never exited or restarted.
func (c *container) assertRunning(ctx context.Context, t *testing.T) {
	t.Helper()
	if got := c.inspect(ctx, t, "{{.State.Status}} {{.RestartCount}}"); got != "running 0" {
		t.Fatalf("the manager's container is %q, want running with no restart", got)
	}
}

// assertReadyMetric checks, from the host, that the manager's metrics report the pipeline Ready.
func (c *container) assertReadyMetric(ctx context.Context, t *testing.T, p *v1alpha1.KafkaPipeline) {
	t.Helper()
	families, err := devstack.ScrapeMetrics(ctx, "http://"+c.metricsAddr+"/metrics")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"kind": "KafkaPipeline", "namespace": p.Namespace, "name": p.Name,
		"type": v1alpha1.ConditionReady, "status": string(metav1.ConditionTrue)}
	for _, m := range families["kafkapipeline_condition"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if fmt.Sprint(labels) == fmt.Sprint(want) && m.GetGauge().GetValue() == 1 {
			return
		}
	}
	t.Errorf("the manager's metrics have no kafkapipeline_condition%v = 1", want)
}

// inspect returns a podman inspect template's value for the container.
func (c *container) inspect(ctx context.Context, t *testing.T, format string) string {
	t.Helper()
	out, err := podman(ctx, "inspect", "--format", format, c.name)
	if err != nil {
		t.Fatalf("podman inspect: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// podman runs podman with the global options and returns its combined output.
func podman(ctx context.Context, args ...string) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "podman", append(append([]string{}, podmanGlobal...), args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// limit is a resource limit for podman's --ulimit, as soft and hard limit: this process's soft limit, at
// most upTo when that is not zero. Containers may not raise limits on every host, and podman's default
// would raise them.
func limit(t *testing.T, resource int, upTo uint64) string {
	t.Helper()
	var l unix.Rlimit
	if err := unix.Getrlimit(resource, &l); err != nil {
		t.Fatalf("reading resource limit %d: %v", resource, err)
	}
	v := l.Cur
	if upTo > 0 {
		v = min(v, upTo)
	}
	s := strconv.FormatUint(v, 10)
	if v == unix.RLIM_INFINITY {
		s = "-1"
	}
	return s + ":" + s
}

// freeAddr returns a 127.0.0.1 address with a port free at the time of the call.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// field returns the value of the line starting with key in a /proc status file, tabs made single spaces.
func field(status, key string) string {
	for line := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(line, key); ok {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// get returns nil when url answers 200 OK.
func get(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// poll calls try every quarter second until it returns nil or ctx ends, and returns its last error then.
func poll(ctx context.Context, try func() error) error {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

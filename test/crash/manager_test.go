package crash

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// Manager settings: waits short enough for localaws's transitions of a few hundred milliseconds, a resync
// that never comes during the test, and plaintext Kafka (the local brokers have no TLS).
const (
	clusterID      = "crash"
	transitionPoll = "200ms"
	iamPropagation = "200ms"
	resyncPeriod   = "1h"
	// stopTimeout bounds a graceful stop (SIGTERM): the manager finishes its reconciles first.
	stopTimeout = time.Minute
	// logTail is how many lines of the manager's log a failing test prints.
	logTail = 80
)

// buildManager builds cmd/manager, with the built-in processor's zips embedded, into dir.
func buildManager(t *testing.T, root, dir string) string {
	t.Helper()
	for _, arch := range []string{"amd64", "arm64"} {
		if _, err := os.Stat(filepath.Join(root, "lambda", "builtin", "dist", "processor-"+arch+".zip")); err != nil {
			t.Fatalf("the built-in processor's zip is missing (%v): run `make lambda-zips` (hack/build-processor.sh) first", err)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is not on PATH: %v", err)
	}
	bin := filepath.Join(dir, "manager")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/manager")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/manager: %v\n%s", err, out)
	}
	return bin
}

// manager runs the manager binary as its own process, again and again, appending its output to one log.
type manager struct {
	t      *testing.T
	bin    string
	args   []string
	env    []string
	log    *os.File
	starts int
	cmd    *exec.Cmd
	// exited is closed when the running process has exited; err is then its exit error.
	exited chan struct{}
	err    error
}

// newManager prepares a manager process against the stack's Kubernetes API and localaws. It is killed, if
// still running, when the test ends, and its log's tail is printed if the test failed.
func newManager(t *testing.T, bin string, stack *devstack.Stack) *manager {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), "manager.log"))
	if err != nil {
		t.Fatalf("creating the manager's log: %v", err)
	}
	// The brokers' certificates chain to localaws's CA, which the manager trusts besides the system's roots.
	ca := filepath.Join(t.TempDir(), "kafka-ca.pem")
	if err := os.WriteFile(ca, stack.Local.KafkaCA, 0o600); err != nil {
		t.Fatalf("writing localaws's CA: %v", err)
	}
	m := &manager{t: t, bin: bin, log: log,
		args: []string{"--region", stack.Region, "--cluster-id", clusterID, "--kafka-ca-bundle", ca,
			"--transition-poll", transitionPoll, "--iam-propagation-delay", iamPropagation,
			"--resync-period", resyncPeriod, "--metrics-bind-address", "0", "--health-probe-bind-address", "0"},
		// Only what the manager needs, so no AWS or Kubernetes configuration of the machine leaks in.
		env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "KUBECONFIG=" + stack.Kubeconfig,
			"AWS_ENDPOINT_URL=" + stack.Endpoint, "AWS_REGION=" + stack.Region,
			"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true"},
	}
	t.Cleanup(func() {
		if m.running() {
			m.kill()
		}
		if t.Failed() {
			m.printTail()
		}
		_ = log.Close()
	})
	return m
}

// start starts a new manager process.
func (m *manager) start() {
	m.t.Helper()
	if m.running() {
		m.t.Fatal("starting the manager while it runs")
	}
	m.starts++
	fmt.Fprintf(m.log, "=== manager start %d\n", m.starts)
	cmd := exec.Command(m.bin, m.args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = m.env, m.log, m.log
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("starting the manager: %v", err)
	}
	m.cmd, m.exited, m.err = cmd, make(chan struct{}), nil
	go func() {
		m.err = cmd.Wait()
		close(m.exited)
	}()
}

func (m *manager) running() bool {
	if m.cmd == nil {
		return false
	}
	select {
	case <-m.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits until the process is gone: nothing it had in flight is finished.
func (m *manager) kill() {
	m.t.Helper()
	fmt.Fprintf(m.log, "=== SIGKILL\n")
	if err := m.cmd.Process.Signal(syscall.SIGKILL); err != nil && m.running() {
		m.t.Fatalf("killing the manager: %v", err)
	}
	<-m.exited
}

// stop sends SIGTERM and waits until the manager has finished its reconciles and exited cleanly. A manager
// that gets the signal before it has set up its handler (before it started anything) is ended by it.
func (m *manager) stop() {
	m.t.Helper()
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		m.t.Fatalf("stopping the manager: %v", err)
	}
	select {
	case <-m.exited:
		if m.err != nil && !endedBy(m.err, syscall.SIGTERM) {
			m.t.Fatalf("the manager exited with %v on SIGTERM", m.err)
		}
	case <-time.After(stopTimeout):
		m.kill()
		m.t.Fatalf("the manager did not stop within %s of SIGTERM", stopTimeout)
	}
}

// endedBy reports whether a process's exit error says the signal ended it.
func endedBy(err error, sig syscall.Signal) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	status, ok := exit.Sys().(syscall.WaitStatus)
	return ok && status.Signaled() && status.Signal() == sig
}

// startup matches the lines every start of the manager logs.
var startup = regexp.MustCompile(`"msg":"Starting (EventSource|Controller|workers)"`)

// printTail logs the last lines of the manager's log but the startup lines.
func (m *manager) printTail() {
	f, err := os.Open(m.log.Name())
	if err != nil {
		m.t.Logf("reading the manager's log: %v", err)
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		if startup.MatchString(sc.Text()) {
			continue
		}
		lines = append(lines, sc.Text())
		if len(lines) > logTail {
			lines = lines[1:]
		}
	}
	m.t.Logf("the manager's log, last %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
}

package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// sandbox is one function instance: a Runtime API server and the process serving invocations through it.
type sandbox struct {
	rt      *Runtime
	fn      lambda.FunctionView
	stream  string
	srv     *http.Server
	out     *logPipe
	pid     int
	started time.Time

	queue     chan *invocation // the invocation handed to the next GET /next
	ready     chan struct{}    // closed at the first GET /next (init done)
	readyOnce sync.Once
	exited    chan struct{} // closed when the process has exited (or never started)

	mu          sync.Mutex
	exitErr     error
	initFailure *outcome // set by POST /init/error or a failed start
	initTime    time.Duration
	current     *invocation // the invocation in progress
	served      int         // invocations handed out
	idleGen     int         // changes whenever the sandbox enters or leaves the idle list; guarded by the pool's mu

	log sandboxLog
}

// invocation is one run of the function on a sandbox.
type invocation struct {
	id       string
	payload  []byte
	traceID  string
	timeout  time.Duration
	deadline time.Time     // set when the runtime takes the invocation
	start    time.Time     // likewise
	pulled   chan struct{} // closed when the runtime takes it
	done     chan outcome  // receives the result once
	finished bool          // guarded by the sandbox's mu
}

func newInvocation(id string, payload []byte, timeout time.Duration) *invocation {
	if len(payload) == 0 {
		// Lambda hands an invocation without payload to the function as an empty JSON object (UNCONFIRMED
		// for every runtime; this is what python handlers observe).
		payload = []byte("{}")
	}
	return &invocation{id: id, payload: payload, timeout: timeout, traceID: traceID(),
		pulled: make(chan struct{}), done: make(chan outcome, 1)}
}

// startSandbox starts a Runtime API server and the function's process. A process that cannot be started is
// an init failure of the returned sandbox (as on Lambda, the invocation reports it); an error means
// localaws itself failed.
func (r *Runtime) startSandbox(fn lambda.FunctionView) (*sandbox, error) {
	taskRoot, err := r.code.taskRoot(fn.Code)
	if err != nil {
		return nil, apiError(http.StatusBadGateway, "InvalidZipFileException", "Lambda was unable to unzip the deployment package of %s: %v", fn.ARN, err)
	}
	runtimeDir, err := r.code.runtimeDir()
	if err != nil {
		return nil, errService("preparing the runtime of %s: %v", fn.ARN, err)
	}
	place, err := r.placementOf(fn)
	if err != nil {
		return nil, errService("placing %s: %v", fn.ARN, err)
	}
	ln, err := place.listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errService("opening the Runtime API of %s: %v", fn.ARN, err)
	}
	if fn.Region == "" {
		fn.Region = r.cfg.Region
	}
	now := time.Now()
	sb := &sandbox{rt: r, fn: fn, stream: logStreamName(now), started: now, queue: make(chan *invocation, 1),
		ready: make(chan struct{}), exited: make(chan struct{})}
	sb.log.init(r.cfg.Logs, fn, sb.stream)
	// Connections cut by a killed process are expected: the server's error log is discarded.
	sb.srv = &http.Server{Handler: sb.runtimeAPI(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = sb.srv.Serve(ln) }()

	launch, _ := launcherFor(fn.Runtime)
	path, args := launch.command(r, taskRoot, runtimeDir)
	env := sandboxEnv{fn: fn, endpoint: r.cfg.Endpoint, runtimeAPI: ln.Addr().String(),
		logStream: sb.stream, taskRoot: taskRoot, runtimeDir: runtimeDir}
	if !launch.managed && !exists(path) {
		sb.failStart(errorDoc{ErrorType: "Runtime.InvalidEntrypoint",
			ErrorMessage: "Couldn't find valid bootstrap(s): [" + path + "]"})
		return sb, nil
	}
	pipe, w, err := newLogPipe(sb.log.line)
	if err != nil {
		_ = sb.srv.Close()
		return nil, errService("starting %s: %v", fn.ARN, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = taskRoot, env.environment(), w, w
	cmd.SysProcAttr = sysProcAttr()
	startErr := place.start(cmd)
	_ = w.Close()
	sb.out = pipe
	go pipe.run()
	if startErr != nil {
		sb.failStart(errorDoc{ErrorType: "Runtime.InvalidEntrypoint", ErrorMessage: startErr.Error()})
		return sb, nil
	}
	sb.pid = cmd.Process.Pid
	go sb.wait(cmd)
	return sb, nil
}

// failStart makes a sandbox whose process never ran: its first invocation reports doc.
func (sb *sandbox) failStart(doc errorDoc) {
	res := failed(doc)
	sb.mu.Lock()
	sb.initFailure = &res
	sb.exitErr = errors.New(doc.ErrorMessage)
	sb.mu.Unlock()
	close(sb.exited)
	_ = sb.srv.Close()
}

// wait reaps the process, kills whatever else is left in its process group, and closes the Runtime API. The
// process's last output is read before the exit is announced, so it comes before the END and REPORT lines
// the invocation that sees the exit writes.
func (sb *sandbox) wait(cmd *exec.Cmd) {
	err := cmd.Wait()
	_ = syscall.Kill(-sb.pid, syscall.SIGKILL)
	sb.out.drain()
	sb.mu.Lock()
	sb.exitErr = err
	sb.mu.Unlock()
	close(sb.exited)
	_ = sb.srv.Close()
	sb.log.flush()
}

// kill stops the process group; wait observes the exit.
func (sb *sandbox) kill() {
	if sb.pid > 0 {
		_ = syscall.Kill(-sb.pid, syscall.SIGKILL)
	}
}

// alive reports whether the process still runs.
func (sb *sandbox) alive() bool {
	select {
	case <-sb.exited:
		return false
	default:
		return true
	}
}

// markReady records the end of the init phase at the runtime's first GET /next.
func (sb *sandbox) markReady() {
	sb.readyOnce.Do(func() {
		sb.mu.Lock()
		sb.initTime = time.Since(sb.started)
		sb.mu.Unlock()
		close(sb.ready)
	})
}

// begin hands an invocation to the runtime: its deadline starts now.
func (sb *sandbox) begin(inv *invocation) {
	now := time.Now()
	sb.drainOutput()
	sb.mu.Lock()
	inv.start, inv.deadline = now, now.Add(inv.timeout)
	sb.current = inv
	sb.served++
	sb.mu.Unlock()
	sb.log.start(inv)
	close(inv.pulled)
}

// running returns the invocation in progress if id names it and it has no result yet.
func (sb *sandbox) running(id string) (*invocation, bool) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.current == nil || sb.current.id != id || sb.current.finished {
		return nil, false
	}
	return sb.current, true
}

// finish delivers an invocation's result once.
func (sb *sandbox) finish(inv *invocation, out outcome) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if inv.finished {
		return
	}
	inv.finished = true
	inv.done <- out
}

// drainOutput hands on what the process has written so far.
func (sb *sandbox) drainOutput() {
	if sb.out != nil {
		sb.out.drain()
	}
}

// invoke runs an invocation. retry is true when a sandbox that had served before died before taking the
// invocation: nothing ran, so the caller runs it on another instance.
func (sb *sandbox) invoke(inv *invocation) (out outcome, retry bool) {
	sb.mu.Lock()
	warm := sb.served > 0
	sb.mu.Unlock()
	sb.queue <- inv
	initLimit := time.NewTimer(sb.rt.cfg.InitTimeout)
	defer initLimit.Stop()
	select {
	case <-inv.pulled:
	case <-sb.exited:
		if warm {
			return outcome{}, true
		}
		return sb.end(inv, sb.initFailed(inv)), false
	case <-initLimit.C:
		sb.kill()
		return sb.end(inv, timedOut(inv, sb.rt.cfg.InitTimeout)), false
	}
	deadline := time.NewTimer(time.Until(inv.deadline))
	defer deadline.Stop()
	select {
	case res := <-inv.done:
		return sb.end(inv, res), false
	case <-sb.exited:
		select {
		case res := <-inv.done:
			return sb.end(inv, res), false
		default:
		}
		return sb.end(inv, sb.exitFailure(inv)), false
	case <-deadline.C:
		sb.log.sampleMemory(sb.pid)
		sb.kill()
		return sb.end(inv, timedOut(inv, inv.timeout)), false
	}
}

// end writes the invocation's closing log lines and attaches the log tail.
func (sb *sandbox) end(inv *invocation, out outcome) outcome {
	sb.drainOutput()
	sb.mu.Lock()
	cold := sb.served <= 1
	initTime := sb.initTime
	sb.current = nil
	sb.mu.Unlock()
	if !cold {
		initTime = 0
	}
	if sb.alive() {
		sb.log.sampleMemory(sb.pid)
	}
	out.logTail = sb.log.end(inv, out, initTime)
	return out
}

// initFailed is the outcome of a process that exited before taking its first invocation.
func (sb *sandbox) initFailed(inv *invocation) outcome {
	sb.mu.Lock()
	reported := sb.initFailure
	sb.mu.Unlock()
	if reported != nil {
		res := *reported
		res.status = "error"
		return res
	}
	return sb.exitFailure(inv)
}

// exitFailure is the outcome of a process that exited without reporting a result.
func (sb *sandbox) exitFailure(inv *invocation) outcome {
	sb.mu.Lock()
	exitErr := sb.exitErr
	sb.mu.Unlock()
	msg := "Runtime exited without providing a reason"
	if exitErr != nil {
		msg = "Runtime exited with error: " + exitErr.Error()
	}
	res := failed(newErrorDoc(inv.id, "Runtime.ExitError", "%s", msg))
	res.status = "error"
	return res
}

// timedOut is the outcome of an invocation killed at its deadline. The document is what Lambda's newer
// runtimes return ("Sandbox.Timedout" with the request id prefix).
func timedOut(inv *invocation, limit time.Duration) outcome {
	res := failed(newErrorDoc(inv.id, "Sandbox.Timedout", "Task timed out after %.2f seconds", limit.Seconds()))
	res.status = "timeout"
	return res
}

// logStreamName is the name Lambda gives an instance's log stream: the date, the version and 32 hex digits.
func logStreamName(now time.Time) string {
	return now.UTC().Format("2006/01/02") + "/[$LATEST]" + randomHex(16)
}

// traceID returns an X-Ray trace header for an invocation (not sampled).
func traceID() string {
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), randomHex(12), randomHex(8))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

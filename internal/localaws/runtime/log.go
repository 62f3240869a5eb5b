package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/logs"
)

// maxLogTail is how much of an invocation's log the Invoke API returns with LogType Tail.
const maxLogTail = 4096

// sandboxLog collects one sandbox's log stream: the process's lines and Lambda's START/END/REPORT lines,
// in order. Events are stored in CloudWatch Logs at the end of every invocation and when the process exits.
type sandboxLog struct {
	sink     Logs
	group    string // log group ARN, so the group lands in the function's region
	stream   string
	memory   int
	provided bool // custom runtimes bill their init phase
	// json is set for the JSON log format, where Lambda writes its system log lines as JSON events;
	// quiet hides them (a SystemLogLevel of WARN, as they are INFO events).
	json, quiet bool

	mu      sync.Mutex
	pending []logs.Event
	lines   []string // the current invocation's lines, for the tail
	peakMB  int
}

func (l *sandboxLog) init(sink Logs, fn lambda.FunctionView, stream string) {
	l.sink, l.stream, l.memory = sink, stream, fn.MemorySize
	l.provided = strings.HasPrefix(fn.Runtime, "provided")
	l.json, l.quiet = fn.LogFormat == "JSON", fn.SystemLogLevel == "WARN"
	l.group = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", fn.Region, accountOf(fn.ARN), functionLogGroup(fn))
}

// line records one line of the process's output.
func (l *sandboxLog) line(msg string) {
	l.mu.Lock()
	l.addLocked(msg)
	l.mu.Unlock()
}

func (l *sandboxLog) addLocked(msg string) {
	l.pending = append(l.pending, logs.Event{Timestamp: time.Now().UnixMilli(), Message: msg})
	if l.lines != nil {
		l.lines = append(l.lines, msg)
	}
}

// start writes the START line and begins collecting the invocation's tail.
func (l *sandboxLog) start(inv *invocation) {
	l.mu.Lock()
	l.lines = []string{}
	switch {
	case !l.json:
		l.addLocked("START RequestId: " + inv.id + " Version: $LATEST")
	case !l.quiet:
		l.addLocked(platformEvent("platform.start", map[string]string{"requestId": inv.id, "version": "$LATEST"}))
	}
	l.mu.Unlock()
}

// end writes the failure line (if any), END and REPORT, stores the events and returns the base64 tail.
func (l *sandboxLog) end(inv *invocation, out outcome, initTime time.Duration) string {
	if inv.start.IsZero() {
		inv.start = time.Now()
		l.start(inv)
	}
	duration := time.Since(inv.start)
	l.mu.Lock()
	switch {
	case l.json && !l.quiet:
		l.addLocked(l.platformReport(inv.id, duration, initTime, out))
	case l.json:
	default:
		switch out.status {
		case "timeout":
			l.addLocked(time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + " " + inv.id + " " +
				strings.TrimPrefix(out.errorMessage, "RequestId: "+inv.id+" Error: "))
		case "error":
			l.addLocked(out.errorMessage + "\n" + out.errorType)
		}
		l.addLocked("END RequestId: " + inv.id)
		l.addLocked(l.report(inv.id, duration, initTime, out))
	}
	tail := strings.Join(l.lines, "\n") + "\n"
	l.lines = nil
	l.mu.Unlock()
	l.flush()
	if len(tail) > maxLogTail {
		tail = tail[len(tail)-maxLogTail:]
	}
	return base64.StdEncoding.EncodeToString([]byte(tail))
}

// report formats the REPORT line as Lambda writes it. l.mu must be held.
func (l *sandboxLog) report(id string, duration, initTime time.Duration, out outcome) string {
	var b bytes.Buffer
	billed := ceilMillis(duration)
	if l.provided {
		billed += ceilMillis(initTime)
	}
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		id, millis(duration), billed, l.memory, l.peakMB)
	if initTime > 0 {
		fmt.Fprintf(&b, "Init Duration: %.2f ms\t", millis(initTime))
	}
	switch out.status {
	case "timeout":
		b.WriteString("Status: timeout")
	case "error":
		fmt.Fprintf(&b, "Status: error\tError Type: %s", out.errorType)
	}
	return b.String()
}

// reportMetrics are the metrics of a platform.report event.
type reportMetrics struct {
	DurationMs       float64 `json:"durationMs"`
	BilledDurationMs int64   `json:"billedDurationMs"`
	MemorySizeMB     int     `json:"memorySizeMB"`
	MaxMemoryUsedMB  int     `json:"maxMemoryUsedMB"`
	InitDurationMs   float64 `json:"initDurationMs,omitempty"`
}

// platformReport is the REPORT line in the JSON log format: a platform.report event with the metrics and
// the status ("success", "error" with the error type, or "timeout"). l.mu must be held.
func (l *sandboxLog) platformReport(id string, duration, initTime time.Duration, out outcome) string {
	billed := ceilMillis(duration)
	if l.provided {
		billed += ceilMillis(initTime)
	}
	record := map[string]any{"requestId": id, "status": "success", "metrics": reportMetrics{DurationMs: millis(duration),
		BilledDurationMs: billed, MemorySizeMB: l.memory, MaxMemoryUsedMB: l.peakMB, InitDurationMs: millis(initTime)}}
	if out.status != "" {
		record["status"] = out.status
	}
	if out.status == "error" {
		record["errorType"] = out.errorType
	}
	return platformEvent("platform.report", record)
}

// platformEvent formats a system log event of the JSON log format: its time, type and record.
func platformEvent(kind string, record any) string {
	b, _ := json.Marshal(struct {
		Time   string `json:"time"`
		Type   string `json:"type"`
		Record any    `json:"record"`
	}{time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), kind, record})
	return string(b)
}

// sampleMemory records the process's peak resident memory while it still runs.
func (l *sandboxLog) sampleMemory(pid int) {
	if pid <= 0 {
		return
	}
	mb := peakRSSMB(pid)
	l.mu.Lock()
	l.peakMB = max(l.peakMB, mb)
	l.mu.Unlock()
}

// flush stores the pending events.
func (l *sandboxLog) flush() {
	l.mu.Lock()
	events := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(events) == 0 || l.sink == nil {
		return
	}
	// A failure to store logs must not fail the invocation; CloudWatch Logs only refuses invalid names.
	_ = l.sink.Append(l.group, l.stream, events)
}

// peakRSSMB reads a process's peak resident set size (VmHWM) in MB, rounded up; 0 when unknown.
func peakRSSMB(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return 0
			}
			return (kb + 1023) / 1024
		}
	}
	return 0
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ceilMillis(d time.Duration) int64 { return int64(math.Ceil(millis(d))) }

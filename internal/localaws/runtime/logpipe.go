package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// maxLogLine is the longest line kept as one log event (CloudWatch's event size limit less its overhead).
const maxLogLine = 256*1024 - 26

// logPipe reads a process's combined stdout and stderr and hands it on line by line. Reads happen under mu
// in both the reading goroutine and drain, so after drain returns every byte the process wrote before the
// call has been handed on: that keeps handler output between Lambda's START and END lines.
type logPipe struct {
	r       *os.File
	line    func(string)
	mu      sync.Mutex
	partial []byte
	buf     []byte
	done    chan struct{}
}

// newLogPipe returns the pipe and the write end to give the process.
func newLogPipe(line func(string)) (*logPipe, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("creating the output pipe: %w", err)
	}
	return &logPipe{r: r, line: line, buf: make([]byte, 64*1024), done: make(chan struct{})}, w, nil
}

// run reads until every writer has closed the pipe, then hands on a final unterminated line.
func (p *logPipe) run() {
	defer close(p.done)
	defer func() { _ = p.r.Close() }()
	raw, err := p.r.SyscallConn()
	if err != nil {
		return
	}
	for {
		var eof bool
		err := raw.Read(func(fd uintptr) bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			n, err := p.readOnce(fd)
			if errors.Is(err, syscall.EAGAIN) {
				return false
			}
			eof = n == 0 || err != nil
			return true
		})
		if err != nil || eof {
			break
		}
	}
	p.mu.Lock()
	p.flushPartial()
	p.mu.Unlock()
}

// drain hands on everything the process has written so far, including an unterminated last line.
func (p *logPipe) drain() {
	raw, err := p.r.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		p.mu.Lock()
		defer p.mu.Unlock()
		for {
			if n, err := p.readOnce(fd); n == 0 || err != nil {
				break
			}
		}
		p.flushPartial()
	})
}

// readOnce reads what is available without blocking and emits the complete lines. p.mu must be held.
func (p *logPipe) readOnce(fd uintptr) (int, error) {
	n, err := syscall.Read(int(fd), p.buf)
	if n <= 0 {
		return 0, err
	}
	data := append(p.partial, p.buf[:n]...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		p.emit(data[:i])
		data = data[i+1:]
	}
	p.partial = append(p.partial[:0], data...)
	for len(p.partial) > maxLogLine {
		p.emit(p.partial[:maxLogLine])
		p.partial = append(p.partial[:0], p.partial[maxLogLine:]...)
	}
	return n, nil
}

func (p *logPipe) flushPartial() {
	if len(p.partial) > 0 {
		p.emit(p.partial)
		p.partial = p.partial[:0]
	}
}

func (p *logPipe) emit(line []byte) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > maxLogLine {
		line = line[:maxLogLine]
	}
	p.line(string(line))
}

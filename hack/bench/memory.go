package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// localawsPackages prefix the functions whose heap is the emulator's, not the manager's, although both live
// in this process: localaws itself, and franz-go, whose clients and brokers at rest are localaws's data
// plane (a consumer per running pipe or mapping, on goroutines of their own, and the brokers). The
// manager's topic admin also uses franz-go, but closes its client after each call.
var localawsPackages = []string{"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws",
	"github.com/twmb/franz-go/"}

// Memory is the process's memory after a garbage collection.
type Memory struct {
	// HeapAlloc is the live heap (runtime.MemStats.HeapAlloc) and Sys what the Go runtime got from the OS.
	HeapAlloc uint64 `json:"heapAllocBytes"`
	Sys       uint64 `json:"sysBytes"`
	// HeapLocalAWS is the share of HeapAlloc allocated under localawsPackages (estimated from the heap
	// profile's samples), and HeapOther the rest: the manager (controllers, informer caches, AWS SDK
	// clients, metrics) and the benchmark's own client and cache.
	HeapLocalAWS int64 `json:"heapLocalawsBytes"`
	HeapOther    int64 `json:"heapOtherBytes"`
	// RSS is the process's resident set (VmRSS) and PeakRSS its high-water mark (VmHWM).
	RSS     uint64 `json:"rssBytes"`
	PeakRSS uint64 `json:"peakRssBytes"`
	// Goroutines is the number of goroutines.
	Goroutines int `json:"goroutines"`
}

// readMemory collects garbage and reads the process's memory. The heap profile describes the heap as of
// the last completed collection but one, so it collects twice.
func readMemory() (Memory, error) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapAlloc: ms.HeapAlloc, Sys: ms.Sys, Goroutines: runtime.NumGoroutine()}
	var err error
	if m.HeapLocalAWS, m.HeapOther, err = splitHeap(ms.HeapAlloc); err != nil {
		return m, err
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m, fmt.Errorf("reading the process's memory: %w", err)
	}
	m.RSS, m.PeakRSS = procStatusKB(status, "VmRSS")*1024, procStatusKB(status, "VmHWM")*1024
	return m, nil
}

// procStatusKB returns a "Name:   123 kB" field of /proc/<pid>/status, in kB (0 when absent).
func procStatusKB(status []byte, name string) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || key != name {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			return 0
		}
		n, _ := strconv.ParseUint(fields[0], 10, 64)
		return n
	}
	return 0
}

// splitHeap reads the live heap profile and splits heap bytes between allocations made under localaws's
// packages and the rest, in the proportion of the profile's samples.
func splitHeap(heap uint64) (localaws, other int64, err error) {
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		return 0, 0, fmt.Errorf("writing the heap profile: %w", err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		return 0, 0, fmt.Errorf("reading the heap profile: %w", err)
	}
	localaws, other = attributeHeap(p)
	if sampled := localaws + other; sampled > 0 {
		localaws = int64(float64(heap) * float64(localaws) / float64(sampled))
		other = int64(heap) - localaws
	}
	return localaws, other, nil
}

// attributeHeap sums a heap profile's in-use bytes by whether a localaws function is on the allocating
// stack.
func attributeHeap(p *profile.Profile) (localaws, other int64) {
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == "inuse_space" {
			idx = i
		}
	}
	if idx < 0 {
		return 0, 0
	}
	for _, s := range p.Sample {
		if underLocalAWS(s) {
			localaws += s.Value[idx]
		} else {
			other += s.Value[idx]
		}
	}
	return localaws, other
}

func underLocalAWS(s *profile.Sample) bool {
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			for _, prefix := range localawsPackages {
				if strings.HasPrefix(line.Function.Name, prefix) {
					return true
				}
			}
		}
	}
	return false
}

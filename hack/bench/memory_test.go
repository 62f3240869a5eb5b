package main

import (
	"testing"

	"github.com/google/pprof/profile"
)

func TestProcStatusKB(t *testing.T) {
	status := []byte("Name:\tbench\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n")
	if got := procStatusKB(status, "VmRSS"); got != 102400 {
		t.Errorf("VmRSS = %d, want 102400", got)
	}
	if got := procStatusKB(status, "VmHWM"); got != 204800 {
		t.Errorf("VmHWM = %d, want 204800", got)
	}
	if got := procStatusKB(status, "VmSwap"); got != 0 {
		t.Errorf("a missing field = %d, want 0", got)
	}
}

func TestAttributeHeap(t *testing.T) {
	fn := func(name string) *profile.Location {
		return &profile.Location{Line: []profile.Line{{Function: &profile.Function{Name: name}}}}
	}
	handler := fn(localawsPackages[0] + "/lambda.(*Service).createFunction")
	consumer := fn("github.com/twmb/franz-go/pkg/kgo.(*broker).loadConnection")
	decode := fn("encoding/json.(*decodeState).literalStore")
	informer := fn("k8s.io/client-go/tools/cache.(*Reflector).watch")
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "alloc_objects"}, {Type: "alloc_space"}, {Type: "inuse_objects"}, {Type: "inuse_space"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{decode, handler}, Value: []int64{1, 999, 1, 3000}},
			{Location: []*profile.Location{informer}, Value: []int64{1, 999, 1, 1000}},
			{Location: []*profile.Location{decode}, Value: []int64{1, 999, 1, 500}},
			{Location: []*profile.Location{consumer}, Value: []int64{1, 999, 1, 200}},
		},
	}
	localaws, other := attributeHeap(p)
	if localaws != 3200 || other != 1500 {
		t.Errorf("attributeHeap = %d, %d, want 3200, 1500", localaws, other)
	}
	if l, o := attributeHeap(&profile.Profile{SampleType: []*profile.ValueType{{Type: "cpu"}}}); l != 0 || o != 0 {
		t.Errorf("a profile without inuse_space gave %d, %d", l, o)
	}
}

func TestSplitHeapAddsUpToTheHeap(t *testing.T) {
	localaws, other, err := splitHeap(10 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if localaws < 0 || other < 0 || (localaws+other != 10<<20 && localaws+other != 0) {
		t.Errorf("splitHeap = %d + %d, want a split of %d", localaws, other, 10<<20)
	}
}

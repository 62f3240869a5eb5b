package devstack

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestFindRootFromAPackageDirectory(t *testing.T) {
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Dir(filepath.Dir(wd)); root != want {
		t.Fatalf("FindRoot() = %s, want %s", root, want)
	}
	if _, err := os.Stat(filepath.Join(root, "config", "crd", "bases")); err != nil {
		t.Fatalf("the root has no CRDs: %v", err)
	}
}

func TestOptionDefaults(t *testing.T) {
	o, err := Options{Root: "/repo"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Root: "/repo", Assets: "/repo/bin/k8s", AWSAddr: "127.0.0.1:4566", Region: "us-east-1",
		Profile: "fast", TimeScale: 0.05, Kubeconfig: "/repo/.dev/kubeconfig", ClusterID: "dev", Poll: time.Second,
		IAMPropagation: time.Second, ResyncPeriod: 10 * time.Minute, MaxConcurrentReconciles: 4}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("defaults = %+v, want %+v", o, want)
	}
	kept := Options{Root: "/r", Assets: "/a", AWSAddr: "127.0.0.1:0", Region: "eu-west-1", Profile: "instant",
		TimeScale: 1, Kubeconfig: "/k", ClusterID: "c", Poll: time.Minute, IAMPropagation: time.Hour,
		ResyncPeriod: time.Hour, MaxConcurrentReconciles: 16}
	if o, _ := kept.withDefaults(); !reflect.DeepEqual(o, kept) {
		t.Fatalf("withDefaults changed set options: %+v", o)
	}
}

func TestProcessedRecordsPicksRecordLines(t *testing.T) {
	lines := []LogLine{
		{Message: "START RequestId: 1 Version: $LATEST"},
		{Message: `{"level":"INFO","msg":"record","topic":"t","partition":1,"offset":7,"content":{"a":1}}`},
		{Message: `{"level":"ERROR","msg":"record not processed","topic":"t","partition":1,"offset":8}`},
		{Message: `{"msg":"record","topic":"t","partition":1,"offset":7,"content":"text"}`},
		{Message: "not json"},
	}
	got := ProcessedRecords(lines)
	if len(got) != 2 || string(got[0].Content) != `{"a":1}` || got[0].Line.Message != lines[1].Message ||
		string(got[1].Content) != `"text"` {
		t.Fatalf("ProcessedRecords = %+v", got)
	}
	if n := Count(got, Produced{Topic: "t", Partition: 1, Offset: 7}); n != 2 {
		t.Fatalf("Count = %d, want 2", n)
	}
	for _, other := range []Produced{{Topic: "u", Partition: 1, Offset: 7}, {Topic: "t", Partition: 2, Offset: 7},
		{Topic: "t", Partition: 1, Offset: 8}} {
		if n := Count(got, other); n != 0 {
			t.Fatalf("Count(%+v) = %d, want 0", other, n)
		}
	}
}

func TestCarriesFindsARecordInEitherEventShape(t *testing.T) {
	p := Produced{Topic: "t", Partition: 2, Offset: 5}
	for name, tc := range map[string]struct {
		event string
		want  bool
	}{
		"pipes event":                 {`[{"topic":"t","partition":2,"offset":4},{"topic":"t","partition":2,"offset":5}]`, true},
		"pipes event, string numbers": {`[{"topic":"t","partition":"2","offset":"5"}]`, true},
		"mapping event":               {`{"records":{"t-2":[{"topic":"t","partition":2,"offset":5}]}}`, true},
		"other offset":                {`[{"topic":"t","partition":2,"offset":6}]`, false},
		"other topic":                 {`[{"topic":"u","partition":2,"offset":5}]`, false},
		"not an event":                {`hello`, false},
	} {
		if got := Carries(tc.event, p); got != tc.want {
			t.Errorf("%s: Carries = %v, want %v", name, got, tc.want)
		}
	}
}

func TestKubectlLineIsRelativeAndQuoted(t *testing.T) {
	s := &Stack{Root: "/repo", KubectlPath: "/repo/bin/k8s/kubectl", Kubeconfig: "/repo/.dev/kubeconfig"}
	got := s.KubectlLine("patch", "kafkapipelines", "p", "--type", "merge", "-p", `{"spec":{"suspend":true}}`)
	want := `bin/k8s/kubectl --kubeconfig .dev/kubeconfig patch kafkapipelines p --type merge -p '{"spec":{"suspend":true}}'`
	if got != want {
		t.Fatalf("KubectlLine =\n%s\nwant\n%s", got, want)
	}
	s.Kubeconfig = "/tmp/x/kubeconfig"
	if got := s.KubectlLine("get", "pods"); got != "bin/k8s/kubectl --kubeconfig /tmp/x/kubeconfig get pods" {
		t.Fatalf("KubectlLine = %s", got)
	}
}

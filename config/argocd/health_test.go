/*
Copyright 2026 The kafka-pipeline-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package argocd_test runs the Argo CD health check on status fixtures of both kinds.
package argocd_test

import (
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

func TestHealthCheck(t *testing.T) {
	script, err := os.ReadFile("health.lua")
	if err != nil {
		t.Fatalf("reading health.lua: %v", err)
	}
	// kstatus is what kstatus (cli-utils, as Flux uses it) computes for the same object. It agrees with the
	// health check except in two places where the health check is stricter: the Ready condition must be current
	// too, and an object without any status yet is Progressing (kstatus calls it Current).
	cases := []struct {
		fixture         string
		status, message string
		kstatus         kstatus.Status
	}{
		{"kafkacluster-ready.yaml", "Healthy", "2 of 2 ready", kstatus.CurrentStatus},
		{"kafkacluster-stalled.yaml", "Degraded", "MSK cluster default-shared-1a2b3c4d exists but is not tagged as owned by this KafkaCluster; delete or rename it", kstatus.FailedStatus},
		{"kafkacluster-progressing.yaml", "Progressing", "1 of 2 ready: MSK cluster is CREATING", kstatus.InProgressStatus},
		{"kafkacluster-stale-generation.yaml", "Progressing", "Waiting for the controller to observe generation 3", kstatus.InProgressStatus},
		{"kafkacluster-no-status.yaml", "Progressing", "Waiting for the controller to report status", kstatus.CurrentStatus},
		{"kafkapipeline-ready.yaml", "Healthy", "7 of 7 ready", kstatus.CurrentStatus},
		{"kafkapipeline-stalled.yaml", "Degraded", "pipe is CREATE_FAILED: Connection error. Your VPC must be able to connect to pipes.", kstatus.FailedStatus},
		{"kafkapipeline-progressing.yaml", "Progressing", "0 of 7 ready: KafkaCluster shared is not ready", kstatus.InProgressStatus},
		{"kafkapipeline-stale-generation.yaml", "Progressing", "Waiting for the controller to observe generation 5", kstatus.InProgressStatus},
		{"kafkapipeline-stale-ready-condition.yaml", "Progressing", "Waiting for the controller to observe generation 3", kstatus.CurrentStatus},
		{"kafkapipeline-no-status.yaml", "Progressing", "Waiting for the controller to report status", kstatus.CurrentStatus},
		{"kafkapipeline-suspended.yaml", "Suspended", "Delivery is suspended (spec.suspend: true)", kstatus.CurrentStatus},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			obj := loadFixture(t, tc.fixture)
			status, message := runHealth(t, string(script), obj)
			if status != tc.status || message != tc.message {
				t.Errorf("health = %s %q; want %s %q", status, message, tc.status, tc.message)
			}
			res, err := kstatus.Compute(&unstructured.Unstructured{Object: obj})
			if err != nil {
				t.Fatalf("computing kstatus: %v", err)
			}
			if res.Status != tc.kstatus {
				t.Errorf("kstatus = %s (%s); want %s", res.Status, res.Message, tc.kstatus)
			}
		})
	}
}

// loadFixture reads a testdata manifest, checking that it is a valid object of its kind.
func loadFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("converting fixture to JSON: %v", err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		t.Fatalf("decoding fixture: %v", err)
	}
	obj := u.Object
	var typed any
	switch obj["kind"] {
	case "KafkaCluster":
		typed = &v1alpha1.KafkaCluster{}
	case "KafkaPipeline":
		typed = &v1alpha1.KafkaPipeline{}
	default:
		t.Fatalf("fixture kind %v is neither KafkaCluster nor KafkaPipeline", obj["kind"])
	}
	if err := yaml.UnmarshalStrict(data, typed); err != nil {
		t.Fatalf("fixture does not match the API types: %v", err)
	}
	return obj
}

// runHealth runs the health script the way Argo CD does: with the object as the global obj, in a state with only
// the base, table, string and math libraries, reading the returned table's status and message.
func runHealth(t *testing.T, script string, obj map[string]any) (status, message string) {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		t.Fatalf("running health.lua: %v", err)
	}
	result, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("health.lua returned %s; want a table", L.Get(-1).Type())
	}
	return result.RawGetString("status").String(), result.RawGetString("message").String()
}

// toLua converts a decoded JSON value into Lua values: objects and arrays become tables (arrays 1-indexed).
func toLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case map[string]any:
		t := L.NewTable()
		for k, e := range v {
			t.RawSetString(k, toLua(L, e))
		}
		return t
	case []any:
		t := L.NewTable()
		for _, e := range v {
			t.Append(toLua(L, e))
		}
		return t
	case string:
		return lua.LString(v)
	case int64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	default:
		return lua.LNil
	}
}

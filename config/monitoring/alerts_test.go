// Package monitoring_test checks the alerts and the dashboard of config/monitoring with Prometheus's own
// packages: the rule file parser, the PromQL parser, and the rule manager evaluating the alerts over the
// series of alerts_test.yaml (promtool's unit test format) with the PromQL engine.
package monitoring_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	"sigs.k8s.io/yaml"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
)

// unitTests is promtool's rule unit test file, the parts these tests use.
type unitTests struct {
	RuleFiles          []string       `json:"rule_files"`
	EvaluationInterval model.Duration `json:"evaluation_interval"`
	Tests              []struct {
		Name        string         `json:"name"`
		Interval    model.Duration `json:"interval"`
		InputSeries []struct {
			Series string `json:"series"`
			Values string `json:"values"`
		} `json:"input_series"`
		AlertRuleTests []struct {
			EvalTime  model.Duration `json:"eval_time"`
			Alertname string         `json:"alertname"`
			ExpAlerts []struct {
				ExpLabels      map[string]string `json:"exp_labels"`
				ExpAnnotations map[string]string `json:"exp_annotations"`
			} `json:"exp_alerts"`
		} `json:"alert_rule_test"`
	} `json:"tests"`
}

// promqlParser is the parser Prometheus uses without feature flags.
var promqlParser = parser.NewParser(parser.Options{})

// ruleDir writes the rule groups and the unit test file into a directory, as promtool expects them.
func ruleDir(t *testing.T) (dir string, tests unitTests) {
	t.Helper()
	groups, err := manifests.RuleGroups(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("alerts_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(raw, &tests); err != nil {
		t.Fatalf("decoding alerts_test.yaml: %v", err)
	}
	dir = t.TempDir()
	if len(tests.RuleFiles) != 1 {
		t.Fatalf("alerts_test.yaml names %d rule files; want the one made from %s", len(tests.RuleFiles), manifests.RuleFile)
	}
	for name, content := range map[string][]byte{tests.RuleFiles[0]: groups, "alerts_test.yaml": raw} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, tests
}

func TestRulesParse(t *testing.T) {
	groups, err := manifests.RuleGroups(".")
	if err != nil {
		t.Fatal(err)
	}
	parsed, errs := rulefmt.Parse(groups, false, model.UTF8Validation, promqlParser, promslog.NewNopLogger())
	if len(errs) > 0 {
		t.Fatalf("the alert rules do not parse: %v", errs)
	}
	var alerts []string
	for _, g := range parsed.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
		}
	}
	want := []string{"KafkaPipelineStalled", "KafkaPipelineNotReady", "KafkaPipelineAWSThrottling", "KafkaPipelineReconcileErrors"}
	if !slices.Equal(alerts, want) {
		t.Errorf("alerts = %v; want %v", alerts, want)
	}
}

func TestDashboardAndAlertExpressionsParse(t *testing.T) {
	exprs, err := manifests.MonitoringExprs(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(exprs) < 15 {
		t.Fatalf("found %d expressions; want the dashboard's and the alerts'", len(exprs))
	}
	for _, e := range exprs {
		if _, err := promqlParser.ParseExpr(e.Query); err != nil {
			t.Errorf("%s: %q does not parse: %v", e.Source, e.Query, err)
		}
	}
}

// TestAlerts runs alerts_test.yaml as promtool does: the series are appended minute by minute, the rule
// groups are evaluated at every evaluation_interval, and at each eval_time the firing alerts of alertname
// must be exactly exp_alerts, labels and expanded annotations alike.
func TestAlerts(t *testing.T) {
	dir, tests := ruleDir(t)
	interval := time.Duration(tests.EvaluationInterval)
	for _, tg := range tests.Tests {
		t.Run(tg.Name, func(t *testing.T) {
			var load strings.Builder
			fmt.Fprintf(&load, "load %s\n", tg.Interval)
			for _, s := range tg.InputSeries {
				fmt.Fprintf(&load, "  %s %s\n", s.Series, s.Values)
			}
			suite, err := promqltest.NewLazyLoader(load.String(), promqltest.LazyLoaderOpts{
				EnableAtModifier: true, EnableNegativeOffset: true, Parser: promqlParser})
			if err != nil {
				t.Fatalf("loading the input series: %v", err)
			}
			t.Cleanup(func() { _ = suite.Close() })
			mgr := rules.NewManager(&rules.ManagerOptions{
				QueryFunc:    rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
				AppendableV2: suite.Storage(),
				Context:      context.Background(),
				NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
				Logger:       promslog.NewNopLogger(),
				Parser:       promqlParser,
			})
			groups, errs := mgr.LoadGroups(interval, labels.EmptyLabels(), "", nil, false, filepath.Join(dir, tests.RuleFiles[0]))
			if len(errs) > 0 {
				t.Fatalf("loading the rules: %v", errs)
			}
			byTime := map[time.Duration][]int{}
			var last time.Duration
			for i, at := range tg.AlertRuleTests {
				byTime[time.Duration(at.EvalTime)] = append(byTime[time.Duration(at.EvalTime)], i)
				last = max(last, time.Duration(at.EvalTime))
			}
			start := time.Unix(0, 0).UTC()
			for at := time.Duration(0); at <= last; at += interval {
				suite.WithSamplesTill(start.Add(at), func(err error) {
					if err != nil {
						t.Fatalf("appending the series up to %s: %v", at, err)
					}
					for _, g := range groups {
						g.Eval(suite.Context(), start.Add(at))
						for _, r := range g.Rules() {
							if r.LastError() != nil {
								t.Fatalf("%s at %s: %v", r.Name(), at, r.LastError())
							}
						}
					}
				})
				for _, i := range byTime[at] {
					at := tg.AlertRuleTests[i]
					got := firing(groups, at.Alertname)
					var want []string
					for _, a := range at.ExpAlerts {
						l := maps.Clone(a.ExpLabels)
						l["alertname"] = at.Alertname
						want = append(want, describe(l, a.ExpAnnotations))
					}
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("%s at %s:\n  firing %q\n  want   %q", at.Alertname, time.Duration(at.EvalTime), got, want)
					}
				}
			}
		})
	}
}

// firing describes the firing alerts of the alerting rule named name, sorted.
func firing(groups map[string]*rules.Group, name string) []string {
	var out []string
	for _, g := range groups {
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok || ar.Name() != name {
				continue
			}
			for _, a := range ar.ActiveAlerts() {
				if a.State == rules.StateFiring {
					out = append(out, describe(a.Labels.Map(), a.Annotations.Map()))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// describe renders an alert's labels and annotations in one comparable line.
func describe(l, annotations map[string]string) string {
	return labels.FromMap(l).String() + " " + labels.FromMap(annotations).String()
}

// TestAlertsWithPromtool runs the same file through promtool itself when it is built (`make promtool`).
func TestAlertsWithPromtool(t *testing.T) {
	promtool, err := filepath.Abs(filepath.Join("..", "..", "bin", "promtool"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(promtool); err != nil {
		t.Skipf("bin/promtool is missing (run `make promtool`): %v", err)
	}
	dir, tests := ruleDir(t)
	for _, args := range [][]string{{"check", "rules", tests.RuleFiles[0]}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

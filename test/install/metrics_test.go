package install

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
)

// checkMonitoringSelectsRealSeries checks every series selector of the dashboard and the alerts against the
// metrics the manager of this process exports (controller-runtime's registry, after a pipeline became
// Ready): each must select at least one series, so a renamed metric or label value breaks the test. The
// local stack's AWS clients carry no call-metrics middleware, so for the AWS call metrics only the names
// are checked, against internal/aws's.
func checkMonitoringSelectsRealSeries(t *testing.T) {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatalf("gathering the manager's metrics: %v", err)
	}
	series := map[string][]map[string]string{} // by series name, as PromQL sees it
	for _, f := range families {
		for _, m := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			for _, name := range seriesNames(f) {
				series[name] = append(series[name], l)
			}
		}
	}
	aws := map[string]bool{awsapi.MetricCalls: true, awsapi.MetricDuration + "_bucket": true,
		awsapi.MetricDuration + "_sum": true, awsapi.MetricDuration + "_count": true}

	exprs, err := manifests.MonitoringExprs(filepath.Join(root, "config", "monitoring"))
	if err != nil {
		t.Fatal(err)
	}
	p := parser.NewParser(parser.Options{})
	for _, e := range exprs {
		expr, err := p.ParseExpr(e.Query)
		if err != nil {
			t.Errorf("%s: %v", e.Source, err)
			continue
		}
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			vs, ok := node.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			switch {
			case aws[vs.Name]:
			case len(series[vs.Name]) == 0:
				t.Errorf("%s: the manager exports no %s", e.Source, vs.Name)
			case !selectsAny(vs.LabelMatchers, vs.Name, series[vs.Name]) && !selectsAny(notTransient(vs.LabelMatchers), vs.Name, series[vs.Name]):
				t.Errorf("%s: %s selects none of the manager's series", e.Source, vs)
			}
			return nil
		})
	}
}

// notTransient drops a matcher of the Stalled or Reconciling condition type: those conditions, and so their
// series, exist only while an object is stalled or in progress, and the run is over, every object Ready.
func notTransient(matchers []*labels.Matcher) []*labels.Matcher {
	return slices.DeleteFunc(slices.Clone(matchers), func(m *labels.Matcher) bool {
		return m.Name == "type" && m.Type == labels.MatchEqual &&
			(m.Value == v1alpha1.ConditionStalled || m.Value == v1alpha1.ConditionReconciling)
	})
}

// seriesNames are the names a metric family's series have in PromQL.
func seriesNames(f *dto.MetricFamily) []string {
	if f.GetType() == dto.MetricType_HISTOGRAM {
		return []string{f.GetName() + "_bucket", f.GetName() + "_sum", f.GetName() + "_count"}
	}
	return []string{f.GetName()}
}

// selectsAny reports whether the matchers (the name's among them) select one of the series.
func selectsAny(matchers []*labels.Matcher, name string, series []map[string]string) bool {
	for _, s := range series {
		ok := true
		for _, m := range matchers {
			v := s[m.Name]
			if m.Name == labels.MetricName {
				v = name
			}
			if strings.HasPrefix(m.Name, "__") && m.Name != labels.MetricName {
				continue
			}
			ok = ok && m.Matches(v)
		}
		if ok {
			return true
		}
	}
	return false
}

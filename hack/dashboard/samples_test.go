package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
)

func TestSamplesAreTheSeriesPrometheusStores(t *testing.T) {
	text := `# TYPE kafkapipeline_reconcile_duration_seconds histogram
kafkapipeline_reconcile_duration_seconds_bucket{kind="KafkaPipeline",le="0.005"} 1
kafkapipeline_reconcile_duration_seconds_bucket{kind="KafkaPipeline",le="+Inf"} 3
kafkapipeline_reconcile_duration_seconds_sum{kind="KafkaPipeline"} 2.5
kafkapipeline_reconcile_duration_seconds_count{kind="KafkaPipeline"} 3
# TYPE kafkapipeline_aws_api_calls_total counter
kafkapipeline_aws_api_calls_total{code="OK",operation="GetRole",service="IAM"} 7
# TYPE workqueue_depth gauge
workqueue_depth{name="kafkapipeline"} 2
`
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range families {
		for _, s := range samples(f) {
			got = append(got, s.labels.String()+" "+strings.TrimSpace(model.SampleValue(s.value).String()))
		}
	}
	slices.Sort(got)
	want := []string{
		`{__name__="kafkapipeline_aws_api_calls_total", code="OK", operation="GetRole", service="IAM"} 7`,
		`{__name__="kafkapipeline_reconcile_duration_seconds_bucket", kind="KafkaPipeline", le="+Inf"} 3`,
		`{__name__="kafkapipeline_reconcile_duration_seconds_bucket", kind="KafkaPipeline", le="0.005"} 1`,
		`{__name__="kafkapipeline_reconcile_duration_seconds_count", kind="KafkaPipeline"} 3`,
		`{__name__="kafkapipeline_reconcile_duration_seconds_sum", kind="KafkaPipeline"} 2.5`,
		`{__name__="workqueue_depth", name="kafkapipeline"} 2`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("samples =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLegendsFillGrafanasPlaceholders(t *testing.T) {
	l := labels.FromStrings("service", "Lambda", "operation", "CreateFunction")
	if got := expandLegend("{{service}} {{ operation }}", l); got != "Lambda CreateFunction" {
		t.Errorf("legend = %q", got)
	}
	if got := expandLegend("", l); got != l.String() {
		t.Errorf("empty legend = %q; want the labels", got)
	}
}

package main

import (
	"math"
	"strconv"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/prometheus/model/labels"
)

// samples turns a metric family into the series Prometheus stores for it: one per counter, gauge or
// untyped metric, and a histogram's _bucket (per le), _sum and _count.
func samples(f *dto.MetricFamily) []sample {
	var out []sample
	for _, m := range f.GetMetric() {
		with := func(name string, extra ...string) labels.Labels {
			b := labels.NewScratchBuilder(len(m.GetLabel()) + 2)
			b.Add(labels.MetricName, name)
			for _, l := range m.GetLabel() {
				b.Add(l.GetName(), l.GetValue())
			}
			for i := 0; i+1 < len(extra); i += 2 {
				b.Add(extra[i], extra[i+1])
			}
			b.Sort()
			return b.Labels()
		}
		name := f.GetName()
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			out = append(out, sample{with(name), m.GetCounter().GetValue()})
		case dto.MetricType_GAUGE:
			out = append(out, sample{with(name), m.GetGauge().GetValue()})
		case dto.MetricType_UNTYPED:
			out = append(out, sample{with(name), m.GetUntyped().GetValue()})
		case dto.MetricType_HISTOGRAM:
			h := m.GetHistogram()
			inf := false
			for _, b := range h.GetBucket() {
				inf = inf || math.IsInf(b.GetUpperBound(), 1)
				out = append(out, sample{with(name+"_bucket", "le", formatLe(b.GetUpperBound())), float64(b.GetCumulativeCount())})
			}
			if !inf {
				out = append(out, sample{with(name+"_bucket", "le", "+Inf"), float64(h.GetSampleCount())})
			}
			out = append(out, sample{with(name + "_sum"), h.GetSampleSum()}, sample{with(name + "_count"), float64(h.GetSampleCount())})
		case dto.MetricType_SUMMARY:
			s := m.GetSummary()
			for _, q := range s.GetQuantile() {
				out = append(out, sample{with(name, "quantile", strconv.FormatFloat(q.GetQuantile(), 'g', -1, 64)), q.GetValue()})
			}
			out = append(out, sample{with(name + "_sum"), s.GetSampleSum()}, sample{with(name + "_count"), float64(s.GetSampleCount())})
		}
	}
	return out
}

// formatLe writes a bucket bound as Prometheus's text format does.
func formatLe(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

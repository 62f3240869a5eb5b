package main

import (
	"context"
	"fmt"
	"html"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/manifests"
)

// Layout of the picture: Grafana's 24-column grid, dark theme.
const (
	width      = 1440.0
	rowHeight  = 30.0
	gap        = 8.0
	maxSeries  = 8
	background = "#111217"
	panelFill  = "#181b1f"
	textColor  = "#ccccdc"
	dimColor   = "#8e8e9e"
	gridColor  = "#2c3235"
)

// palette is Grafana's classic series colours.
var palette = []string{"#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#B877D9", "#5794F2", "#FADE2A"}

// line is one series of a panel over the scrape window.
type line struct {
	legend string
	points []promql.FPoint
}

// render evaluates every panel of the dashboard in dir over [start, end] and writes the SVG.
func render(db storage.Queryable, dir string, start, end time.Time, step time.Duration, rateInterval, out string) error {
	d, err := manifests.ReadDashboard(dir)
	if err != nil {
		return err
	}
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 50_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	var body strings.Builder
	bottom := 0.0
	for _, p := range d.Panels {
		x, y := float64(p.GridPos.X)*width/24, float64(p.GridPos.Y)*rowHeight+50
		w, h := float64(p.GridPos.W)*width/24-gap, float64(p.GridPos.H)*rowHeight-gap
		bottom = max(bottom, y+h)
		switch p.Type {
		case "row":
			fmt.Fprintf(&body, `<text x="%.0f" y="%.0f" font-size="16" font-weight="600" fill="%s">%s</text>`+"\n", x+4, y+20, textColor, html.EscapeString(p.Title))
			continue
		case "table":
			rows, err := tableRows(engine, db, p, end, rateInterval)
			if err != nil {
				return err
			}
			drawTable(&body, p.Title, x, y, w, h, rows)
		default:
			var lines []line
			for _, q := range p.Queries(rateInterval) {
				ls, err := rangeLines(engine, db, q.Query, q.Legend, start, end, step)
				if err != nil {
					return fmt.Errorf("panel %q: %w", p.Title, err)
				}
				lines = append(lines, ls...)
			}
			drawTimeSeries(&body, p.Title, p.FieldConfig.Defaults.Unit, x, y, w, h, start, end, lines)
		}
	}
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Inter, Helvetica, Arial, sans-serif">`+"\n",
		width, bottom+30, width, bottom+30)
	fmt.Fprintf(&svg, `<rect width="100%%" height="100%%" fill="%s"/>`+"\n", background)
	fmt.Fprintf(&svg, `<text x="8" y="30" font-size="20" font-weight="600" fill="%s">%s</text>`+"\n", textColor, html.EscapeString(d.Title))
	fmt.Fprintf(&svg, `<text x="%.0f" y="30" font-size="12" fill="%s" text-anchor="end">%s – %s UTC, scraped every %s; drawn by hack/dashboard, not Grafana</text>`+"\n",
		width-8, dimColor, start.UTC().Format("2006-01-02 15:04:05"), end.UTC().Format("15:04:05"), step)
	svg.WriteString(body.String())
	fmt.Fprintf(&svg, `<text x="8" y="%.0f" font-size="11" fill="%s">$__rate_interval = %s</text>`+"\n", bottom+20, dimColor, rateInterval)
	svg.WriteString("</svg>\n")
	if err := os.WriteFile(out, []byte(svg.String()), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

// rangeLines evaluates a query over the window, one line per series, legends from Grafana's {{label}} format.
func rangeLines(engine *promql.Engine, db storage.Queryable, query, legend string, start, end time.Time, step time.Duration) ([]line, error) {
	q, err := engine.NewRangeQuery(context.Background(), db, nil, query, start, end, step)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	defer q.Close()
	res := q.Exec(context.Background())
	if res.Err != nil {
		return nil, fmt.Errorf("%s: %w", query, res.Err)
	}
	matrix, err := res.Matrix()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	var out []line
	for _, s := range matrix {
		// The engine reuses the points' memory once the query is closed.
		out = append(out, line{legend: expandLegend(legend, s.Metric), points: slices.Clone(s.Floats)})
	}
	return out, nil
}

var legendVar = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// expandLegend fills Grafana's {{label}} placeholders.
func expandLegend(format string, l labels.Labels) string {
	if format == "" {
		return l.String()
	}
	return legendVar.ReplaceAllStringFunc(format, func(m string) string {
		return l.Get(legendVar.FindStringSubmatch(m)[1])
	})
}

// tableRows evaluates a table panel's instant query at the end of the window: kind, namespace and name of
// every series.
func tableRows(engine *promql.Engine, db storage.Queryable, p manifests.Panel, at time.Time, rateInterval string) ([][]string, error) {
	var rows [][]string
	for _, e := range p.Queries(rateInterval) {
		q, err := engine.NewInstantQuery(context.Background(), db, nil, e.Query, at)
		if err != nil {
			return nil, fmt.Errorf("panel %q: %w", p.Title, err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			q.Close()
			return nil, fmt.Errorf("panel %q: %w", p.Title, res.Err)
		}
		vector, err := res.Vector()
		if err != nil {
			q.Close()
			return nil, fmt.Errorf("panel %q: %w", p.Title, err)
		}
		for _, s := range vector {
			rows = append(rows, []string{s.Metric.Get("kind"), s.Metric.Get("namespace"), s.Metric.Get("name")})
		}
		q.Close()
	}
	slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(strings.Join(a, "/"), strings.Join(b, "/")) })
	return rows, nil
}

func drawPanel(b *strings.Builder, title string, x, y, w, h float64) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="%s" stroke="%s"/>`+"\n", x, y, w, h, panelFill, gridColor)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" font-weight="500" fill="%s">%s</text>`+"\n", x+10, y+20, textColor, html.EscapeString(title))
}

func drawTable(b *strings.Builder, title string, x, y, w, h float64, rows [][]string) {
	drawPanel(b, title, x, y, w, h)
	cols := []string{"kind", "namespace", "name"}
	for i, c := range cols {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" font-weight="600" fill="%s">%s</text>`+"\n", x+10+float64(i)*w/3, y+44, dimColor, c)
	}
	if len(rows) == 0 {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" fill="%s">No data</text>`+"\n", x+w/2, y+h/2, dimColor)
	}
	for r, row := range rows {
		ry := y + 64 + float64(r)*18
		if ry > y+h-6 {
			break
		}
		for i, v := range row {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" fill="%s">%s</text>`+"\n", x+10+float64(i)*w/3, ry, textColor, html.EscapeString(v))
		}
	}
}

func drawTimeSeries(b *strings.Builder, title, unit string, x, y, w, h float64, start, end time.Time, lines []line) {
	drawPanel(b, title, x, y, w, h)
	// The busiest series first, as many as the legend holds.
	peak := func(l line) float64 {
		m := 0.0
		for _, p := range l.points {
			if !math.IsNaN(p.F) { // histogram_quantile of a window without observations
				m = max(m, p.F)
			}
		}
		return m
	}
	slices.SortStableFunc(lines, func(a, c line) int { return cmpFloat(peak(c), peak(a)) })
	if len(lines) > maxSeries {
		lines = lines[:maxSeries]
	}
	legendH := float64(len(lines)) * 14
	px, py, pw, ph := x+56, y+32, w-70, h-60-legendH
	top := 0.0
	for _, l := range lines {
		top = max(top, peak(l))
	}
	if top == 0 || math.IsNaN(top) {
		top = 1
	}
	top *= 1.1
	for i := 0; i <= 2; i++ {
		gy := py + ph - float64(i)*ph/2
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", px, gy, px+pw, gy, gridColor)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="%s" text-anchor="end">%s</text>`+"\n", px-6, gy+3, dimColor, formatValue(top*float64(i)/2, unit))
	}
	span := end.Sub(start)
	for i := 0; i <= 3; i++ {
		t := start.Add(span * time.Duration(i) / 3)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="%s" text-anchor="middle">%s</text>`+"\n", px+pw*float64(i)/3, py+ph+14, dimColor, t.UTC().Format("15:04:05"))
	}
	if len(lines) == 0 {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" fill="%s" text-anchor="middle">No data</text>`+"\n", px+pw/2, py+ph/2, dimColor)
	}
	for i, l := range lines {
		color := palette[i%len(palette)]
		var pts []string
		for _, p := range l.points {
			if math.IsNaN(p.F) {
				continue
			}
			fx := px + pw*float64(p.T-start.UnixMilli())/float64(span.Milliseconds())
			fy := py + ph - ph*p.F/top
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", fx, fy))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", color, strings.Join(pts, " "))
		ly := py + ph + 30 + float64(i)*14
		last := math.NaN()
		for _, p := range l.points {
			if !math.IsNaN(p.F) {
				last = p.F
			}
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="12" height="3" fill="%s"/>`+"\n", x+12, ly-4, color)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="%s">%s</text>`+"\n", x+30, ly, textColor, html.EscapeString(l.legend))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="%s" text-anchor="end">last %s   max %s</text>`+"\n",
			x+w-12, ly, dimColor, formatValue(last, unit), formatValue(peak(l), unit))
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// formatValue writes a value in a panel's Grafana unit.
func formatValue(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	switch unit {
	case "s":
		if v < 1 {
			return fmt.Sprintf("%.0f ms", v*1000)
		}
		return fmt.Sprintf("%.2f s", v)
	case "reqps":
		return fmt.Sprintf("%.2f req/s", v)
	case "ops":
		return fmt.Sprintf("%.2f ops/s", v)
	}
	return fmt.Sprintf("%.3g", v)
}

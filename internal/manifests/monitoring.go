package manifests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// Monitoring files in config/monitoring (and, copied, in the chart's files/monitoring).
const (
	// DashboardFile is the Grafana dashboard.
	DashboardFile = "grafana_dashboard.json"
	// RuleFile is the PrometheusRule with the alerts.
	RuleFile = "prometheus_rule.yaml"
)

// RateInterval is what Grafana's $__rate_interval stands for when the expressions are checked: the alerts'
// window.
const RateInterval = "5m"

// Expr is one PromQL expression of the dashboard or the alerts.
type Expr struct {
	// Source says where it is: "dashboard: <panel title>" or "alert: <name>".
	Source string
	// Legend is the panel target's legend format, empty for alerts.
	Legend string
	// Query is the expression, Grafana variables replaced.
	Query string
}

// Dashboard is the part of a Grafana dashboard the renderers and tests read.
type Dashboard struct {
	// Title is the dashboard's title.
	Title string `json:"title"`
	// Panels are its panels, rows included.
	Panels []Panel `json:"panels"`
}

// Panel is one Grafana panel.
type Panel struct {
	// Type is timeseries, table or row.
	Type string `json:"type"`
	// Title is shown above it.
	Title string `json:"title"`
	// Description is its help text.
	Description string `json:"description"`
	// GridPos places it on Grafana's 24-column grid.
	GridPos struct {
		X int `json:"x"`
		Y int `json:"y"`
		W int `json:"w"`
		H int `json:"h"`
	} `json:"gridPos"`
	// FieldConfig holds the unit.
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	// Targets are its queries.
	Targets []struct {
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
	} `json:"targets"`
}

// ReadDashboard reads the Grafana dashboard in dir.
func ReadDashboard(dir string) (Dashboard, error) {
	var d Dashboard
	b, err := os.ReadFile(filepath.Join(dir, DashboardFile))
	if err != nil {
		return d, fmt.Errorf("reading the dashboard: %w", err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("decoding the dashboard: %w", err)
	}
	return d, nil
}

// Queries are a panel's expressions with Grafana's $__rate_interval replaced by rateInterval.
func (p Panel) Queries(rateInterval string) []Expr {
	vars := strings.NewReplacer("${__rate_interval}", rateInterval, "$__rate_interval", rateInterval)
	var out []Expr
	for _, t := range p.Targets {
		out = append(out, Expr{Source: "dashboard: " + p.Title, Legend: t.LegendFormat, Query: vars.Replace(t.Expr)})
	}
	return out
}

// RuleGroups returns the spec of the PrometheusRule in dir as a Prometheus rule file, the format
// promtool and Prometheus's rule manager read.
func RuleGroups(dir string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, RuleFile))
	if err != nil {
		return nil, fmt.Errorf("reading the alert rules: %w", err)
	}
	var rule struct {
		Spec json.RawMessage `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &rule); err != nil {
		return nil, fmt.Errorf("decoding the PrometheusRule: %w", err)
	}
	out, err := yaml.JSONToYAML(rule.Spec)
	if err != nil {
		return nil, fmt.Errorf("converting the PrometheusRule's spec: %w", err)
	}
	return out, nil
}

// MonitoringExprs returns every PromQL expression of the dashboard and the alerts in dir.
func MonitoringExprs(dir string) ([]Expr, error) {
	d, err := ReadDashboard(dir)
	if err != nil {
		return nil, err
	}
	var out []Expr
	for _, p := range d.Panels {
		out = append(out, p.Queries(RateInterval)...)
	}
	groups, err := RuleGroups(dir)
	if err != nil {
		return nil, err
	}
	var file struct {
		Groups []struct {
			Rules []struct {
				Alert string `json:"alert"`
				Expr  string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := yaml.Unmarshal(groups, &file); err != nil {
		return nil, fmt.Errorf("decoding the rule groups: %w", err)
	}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			out = append(out, Expr{Source: "alert: " + r.Alert, Query: r.Expr})
		}
	}
	return out, nil
}

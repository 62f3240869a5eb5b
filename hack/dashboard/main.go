// Command dashboard renders config/monitoring's Grafana dashboard to SVG from a manager's real metrics,
// without Grafana: it scrapes a /metrics endpoint (the one `make dev` serves) for a while, stores the samples
// in a Prometheus TSDB, evaluates every panel's PromQL with Prometheus's engine, and draws the panels on
// Grafana's grid. It draws lines and tables only; it is a picture of the data, not Grafana's rendering.
//
//	go run ./hack/dashboard -metrics http://127.0.0.1:8080/metrics -duration 5m -out docs/dashboard.svg
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

func main() {
	url := flag.String("metrics", "", "the manager's metrics URL, e.g. the one `make dev` prints")
	duration := flag.Duration("duration", 5*time.Minute, "how long to scrape (Ctrl-C stops earlier)")
	interval := flag.Duration("interval", 5*time.Second, "scrape interval")
	rateInterval := flag.String("rate-interval", "30s", "the window Grafana's $__rate_interval stands for")
	out := flag.String("out", "docs/dashboard.svg", "the SVG to write")
	flag.Parse()
	if err := run(*url, *duration, *interval, *rateInterval, *out); err != nil {
		fmt.Fprintln(os.Stderr, "dashboard:", err)
		os.Exit(1)
	}
}

func run(url string, duration, interval time.Duration, rateInterval, out string) error {
	if url == "" {
		return fmt.Errorf("-metrics is required")
	}
	root, err := devstack.FindRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "dashboard-tsdb")
	if err != nil {
		return fmt.Errorf("creating the TSDB directory: %w", err)
	}
	defer os.RemoveAll(dir)
	db, err := tsdb.Open(dir, slog.New(slog.DiscardHandler), nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		return fmt.Errorf("opening the TSDB: %w", err)
	}
	defer db.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	start := time.Now()
	scrapes := 0
	for tick := time.NewTicker(interval); ; {
		if err := scrape(ctx, url, db); err != nil {
			return err
		}
		scrapes++
		fmt.Fprintf(os.Stderr, "\rscraped %d times, %s of %s", scrapes, time.Since(start).Round(time.Second), duration)
		select {
		case <-ctx.Done():
			tick.Stop()
			fmt.Fprintln(os.Stderr)
			return render(db, filepath.Join(root, "config", "monitoring"), start, time.Now(), interval, rateInterval, out)
		case <-tick.C:
		}
	}
}

// scrape reads the metrics once and appends every sample at the scrape's time.
func scrape(ctx context.Context, url string, db storage.Appendable) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("building the scrape request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("scraping %s: %w", url, err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return fmt.Errorf("parsing the metrics of %s: %w", url, err)
	}
	now := time.Now().UnixMilli()
	app := db.Appender(ctx)
	for _, f := range families {
		for _, s := range samples(f) {
			if _, err := app.Append(0, s.labels, now, s.value); err != nil {
				_ = app.Rollback()
				return fmt.Errorf("storing %s: %w", s.labels, err)
			}
		}
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("storing a scrape: %w", err)
	}
	return nil
}

// sample is one series' value in a scrape.
type sample struct {
	labels labels.Labels
	value  float64
}

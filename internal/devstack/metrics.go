package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// metricsShutdownTimeout bounds how long the metrics server may take to finish its requests on stop.
const metricsShutdownTimeout = 5 * time.Second

// serveMetrics listens on addr and adds to mgr a runnable serving controller-runtime's registry (the
// controllers' metrics, the AWS call metrics and controller-runtime's own) at /metrics for as long as the
// manager runs, as cmd/manager's --metrics-bind-address does. It listens itself, before the manager starts,
// so that s.MetricsURL holds the real address even for port 0.
func (s *Stack) serveMetrics(mgr manager.Manager, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: metricsShutdownTimeout}
	err = mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l) }()
		select {
		case err := <-served:
			return fmt.Errorf("serving metrics: %w", err)
		case <-ctx.Done():
		}
		stop, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(stop); err != nil {
			return fmt.Errorf("stopping the metrics server: %w", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serving metrics: %w", err)
		}
		return nil
	}))
	if err != nil {
		_ = l.Close()
		return fmt.Errorf("adding the metrics server: %w", err)
	}
	s.MetricsURL = "http://" + l.Addr().String() + "/metrics"
	return nil
}

// ScrapeMetrics reads a Prometheus text endpoint, such as Stack.MetricsURL or a manager's
// --metrics-bind-address, and returns its metric families by name.
func ScrapeMetrics(ctx context.Context, url string) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scraping %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("parsing the metrics of %s: %w", url, err)
	}
	return families, nil
}

package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	conditionGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kafkapipeline_condition",
		Help: "Status of each condition of each object: 1 for the status it has, 0 for the others.",
	}, []string{"kind", "namespace", "name", "type", "status"})

	reconcileDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kafkapipeline_reconcile_duration_seconds",
		Help:    "Time one reconcile took, AWS calls included.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	}, []string{"kind"})
)

func init() {
	metrics.Registry.MustRegister(conditionGauge, reconcileDuration)
}

// recordConditions exports an object's conditions as the kafkapipeline_condition gauge.
func recordConditions(kind string, obj client.Object, conds []metav1.Condition) {
	for _, c := range conds {
		for _, s := range []metav1.ConditionStatus{metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown} {
			v := 0.0
			if c.Status == s {
				v = 1
			}
			conditionGauge.WithLabelValues(kind, obj.GetNamespace(), obj.GetName(), c.Type, string(s)).Set(v)
		}
	}
}

// forgetConditions drops a deleted object's series.
func forgetConditions(kind, namespace, name string) {
	conditionGauge.DeletePartialMatch(prometheus.Labels{"kind": kind, "namespace": namespace, "name": name})
}

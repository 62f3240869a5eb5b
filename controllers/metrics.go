package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
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

// conditionTypes are every condition type either kind has: the summary conditions and the step conditions
// of both kinds and both deliveries. forgetConditions deletes the series of exactly these.
var conditionTypes = []string{
	v1alpha1.ConditionReady, v1alpha1.ConditionReconciling, v1alpha1.ConditionStalled,
	v1alpha1.ConditionNetworkReady, v1alpha1.ConditionClusterReady, v1alpha1.ConditionTopicAdminRoleReady,
	v1alpha1.ConditionTopicAdminReady, v1alpha1.ConditionTopicReady,
	v1alpha1.ConditionDeadLetterQueueReady, v1alpha1.ConditionFunctionRoleReady, v1alpha1.ConditionFunctionReady,
	v1alpha1.ConditionPipeRoleReady, v1alpha1.ConditionPipeReady, v1alpha1.ConditionEventSourceMappingReady,
}

// conditionStatuses are the statuses a condition can have; each condition has one series per status.
var conditionStatuses = []metav1.ConditionStatus{metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown}

func init() {
	metrics.Registry.MustRegister(conditionGauge, reconcileDuration)
}

// recordConditions exports an object's conditions as the kafkapipeline_condition gauge. A condition the
// object no longer has (Reconciling once it is Ready, Stalled once it recovers) loses its series, so the
// gauge never reports a state the object has left.
func recordConditions(kind string, obj client.Object, conds []metav1.Condition) {
	for _, t := range conditionTypes {
		c := meta.FindStatusCondition(conds, t)
		for _, s := range conditionStatuses {
			if c == nil {
				conditionGauge.DeleteLabelValues(kind, obj.GetNamespace(), obj.GetName(), t, string(s))
				continue
			}
			v := 0.0
			if c.Status == s {
				v = 1
			}
			conditionGauge.WithLabelValues(kind, obj.GetNamespace(), obj.GetName(), t, string(s)).Set(v)
		}
	}
}

// forgetConditions drops a deleted object's series. It deletes each possible series by its exact labels,
// which costs the same however many objects have series, where a partial match would scan them all.
func forgetConditions(kind, namespace, name string) {
	for _, t := range conditionTypes {
		for _, s := range conditionStatuses {
			conditionGauge.DeleteLabelValues(kind, namespace, name, t, string(s))
		}
	}
}

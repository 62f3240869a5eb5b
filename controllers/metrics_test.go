package controllers

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

func TestForgetConditionsKeepsOtherObjectsSeries(t *testing.T) {
	conditionGauge.Reset()
	t.Cleanup(conditionGauge.Reset)
	conds := []metav1.Condition{
		{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse},
		{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionTrue},
		{Type: v1alpha1.ConditionClusterReady, Status: metav1.ConditionTrue},
		{Type: v1alpha1.ConditionPipeReady, Status: metav1.ConditionUnknown},
	}
	gone := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "gone"}}
	kept := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "kept"}}
	recordConditions("KafkaPipeline", gone, conds)
	recordConditions("KafkaPipeline", kept, conds)
	if n := testutil.CollectAndCount(conditionGauge); n != 2*len(conds)*len(conditionStatuses) {
		t.Fatalf("%d series recorded, want %d", n, 2*len(conds)*len(conditionStatuses))
	}

	forgetConditions("KafkaPipeline", "ns", "gone")

	var want strings.Builder
	want.WriteString("# HELP kafkapipeline_condition Status of each condition of each object: 1 for the status it has, 0 for the others.\n")
	want.WriteString("# TYPE kafkapipeline_condition gauge\n")
	for _, c := range conds {
		for _, s := range conditionStatuses {
			v := "0"
			if c.Status == s {
				v = "1"
			}
			want.WriteString(`kafkapipeline_condition{kind="KafkaPipeline",name="kept",namespace="ns",status="` +
				string(s) + `",type="` + c.Type + `"} ` + v + "\n")
		}
	}
	if err := testutil.CollectAndCompare(conditionGauge, strings.NewReader(want.String())); err != nil {
		t.Fatal(err)
	}
}

func TestConditionTypesCoverEveryCondition(t *testing.T) {
	steps := append([]string{conditions.Ready, conditions.Reconciling, conditions.Stalled},
		(&v1alpha1.KafkaCluster{}).StepConditionTypes()...)
	for _, d := range []v1alpha1.Delivery{v1alpha1.DeliveryPipe, v1alpha1.DeliveryEventSourceMapping} {
		p := &v1alpha1.KafkaPipeline{}
		p.Spec.Delivery = d
		steps = append(steps, p.StepConditionTypes()...)
	}
	for _, c := range steps {
		if !slices.Contains(conditionTypes, c) {
			t.Errorf("condition %s is missing from conditionTypes: its series would outlive the object", c)
		}
	}
}

func TestARemovedConditionLeavesNoSeries(t *testing.T) {
	conditionGauge.Reset()
	t.Cleanup(conditionGauge.Reset)
	kp := &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}}
	recordConditions("KafkaPipeline", kp, []metav1.Condition{
		{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse},
		{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionTrue},
	})
	// Ready now: Reconciling is removed from the object, so its series must go, not stay at 1.
	recordConditions("KafkaPipeline", kp, []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue}})
	if n := testutil.CollectAndCount(conditionGauge); n != len(conditionStatuses) {
		t.Fatalf("%d series after Reconciling was removed, want the %d of Ready", n, len(conditionStatuses))
	}
	if v := testutil.ToFloat64(conditionGauge.WithLabelValues("KafkaPipeline", "ns", "p", v1alpha1.ConditionReady, "True")); v != 1 {
		t.Fatalf("Ready=True series = %v, want 1", v)
	}
}

package main

import (
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// provisioningFloor is the time localaws's transitions alone put on a pipeline's critical path: its
// function must be Active before the pipe or mapping is created, which then must finish creating.
func provisioningFloor(profile string, delivery v1alpha1.Delivery) (time.Duration, error) {
	t, err := lifecycle.NewTimings(profile)
	if err != nil {
		return 0, err
	}
	last := lifecycle.PipeCreate
	if delivery == v1alpha1.DeliveryEventSourceMapping {
		last = lifecycle.MappingCreate
	}
	return t.Delay(lifecycle.FunctionCreate) + t.Delay(last), nil
}

package controllers

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
)

// Setup holds what the manager wires into both controllers.
type Setup struct {
	// AWS gives the clients of a region.
	AWS *awsapi.ClientCache
	// Topics manages Kafka topics.
	Topics Topics
	// BuiltinCode returns the built-in processor's zip for an architecture.
	BuiltinCode func(arch string) ([]byte, error)
	// BuiltinCodeSHA256 returns the CodeSha256 of BuiltinCode(arch), saving the controller hashing the
	// zip on every reconcile. Optional: nil hashes the zip.
	BuiltinCodeSHA256 func(arch string) (string, error)
	// Options are the shared settings.
	Options Options
}

// SetupWithManager registers the KafkaCluster and KafkaPipeline controllers with a manager.
func (s Setup) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	s.Options = s.Options.withDefaults()
	if err := newClusterReconciler(mgr, s).SetupWithManager(ctx, mgr); err != nil {
		return err
	}
	return newPipelineReconciler(mgr, s).SetupWithManager(ctx, mgr)
}

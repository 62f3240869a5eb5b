package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
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
	// KafkaCAFile is a PEM file of extra CAs the brokers' certificates chain to, passed to the topic admin
	// functions as KP_KAFKA_CA_FILE (a local AWS, whose functions run on the manager's host); empty on AWS,
	// where MSK's certificates chain to public roots.
	KafkaCAFile string
	// Options are the shared settings.
	Options Options
}

// builtinCode is the deployment package of the built-in binary (the record processor, or the topic admin
// function in its KP_MODE=topic-admin) for an architecture. A failure is Terminal InvalidSpec: the spec asks
// for an architecture the manager has no code for.
func (s Setup) builtinCode(arch string) (function.Code, error) {
	zip, err := s.BuiltinCode(arch)
	if err != nil {
		return function.Code{}, outcome.Fail(v1alpha1.ReasonInvalidSpec, fmt.Errorf("built-in code: %w", err))
	}
	code := function.Code{ZipFile: zip}
	if s.BuiltinCodeSHA256 != nil {
		if code.Sha256, err = s.BuiltinCodeSHA256(arch); err != nil {
			return function.Code{}, outcome.Fail(v1alpha1.ReasonInvalidSpec, fmt.Errorf("built-in code: %w", err))
		}
	}
	return code, nil
}

// SetupWithManager registers the KafkaCluster and KafkaPipeline controllers with a manager.
func (s Setup) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	s.Options = s.Options.withDefaults()
	if err := newClusterReconciler(mgr, s).SetupWithManager(ctx, mgr); err != nil {
		return err
	}
	return newPipelineReconciler(mgr, s).SetupWithManager(ctx, mgr)
}

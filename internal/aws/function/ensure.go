package function

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// terminalCodes are the Lambda errors of the create and update calls that retrying cannot fix: the request
// itself is wrong (IAM propagation errors share InvalidParameterValueException and are told apart first).
var terminalCodes = []string{"InvalidParameterValueException", "ValidationException", "InvalidRequestContentException",
	"RequestTooLargeException", "CodeVerificationFailedException", "InvalidCodeSignatureException",
	"CodeSigningConfigNotFoundException", "UnsupportedMediaTypeException"}

// Ensure makes the function of d exist with d's code, configuration, tags and invoke configuration: it
// adopts an owned function found by hint or name, creates a missing one (tags in the same call), and writes
// only what differs: new code with one UpdateFunctionCode, configuration drift with one
// UpdateFunctionConfiguration, then the event invoke configuration. Lambda applies one change at a time, so
// Ensure returns Waiting while the function is Pending or an update is InProgress, and carries on at the
// next call. The Result always carries the function once it exists, also alongside Waiting.
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	if err := d.Code.validate(); err != nil {
		return Result{}, outcome.Fail(awserr.ReasonInvalidSpec, fmt.Errorf("lambda function %q: %w", d.Name, err))
	}
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Create creates the function, then its invoke configuration once Lambda lets it be changed. Lambda
// reporting a conflict (the function exists) is a conflict.
func (m managed) Create(ctx context.Context) (Result, error) {
	d := m.d
	out, err := m.api.CreateFunction(ctx, d.createInput())
	var conflict *lambdatypes.ResourceConflictException
	switch {
	case errors.As(err, &conflict):
		return Result{}, owned.Conflict(awserr.Classify(err, fmt.Sprintf("creating Lambda function %q", d.Name)))
	case err != nil:
		return Result{}, m.waits.classify(err, fmt.Sprintf("creating Lambda function %q", d.Name))
	}
	c := lambdatypes.FunctionConfiguration{FunctionArn: out.FunctionArn, FunctionName: out.FunctionName,
		CodeSha256: out.CodeSha256, PackageType: out.PackageType, State: out.State, StateReason: out.StateReason,
		LastUpdateStatus: out.LastUpdateStatus, LastUpdateStatusReason: out.LastUpdateStatusReason, Role: out.Role,
		Runtime: out.Runtime, Handler: out.Handler, Architectures: out.Architectures, MemorySize: out.MemorySize,
		Timeout: out.Timeout, Environment: out.Environment, DeadLetterConfig: out.DeadLetterConfig, VpcConfig: out.VpcConfig}
	res := Result{Observed: observe(&c, d.Code.ImageURI, d.tags()), Created: true}
	if err := m.waits.busy(res.Observed); err != nil {
		return res, err
	}
	_, err = m.ensureInvokeConfig(ctx, res.Observed, d.Retry)
	return res, err
}

// Update brings a found function of the owner's in line with d: code, configuration, tags, then the invoke
// configuration.
func (m managed) Update(ctx context.Context, o *Observed, res Result) (Result, error) {
	res.Observed = o
	if err := m.update(ctx, &res, m.d); err != nil {
		return res, err
	}
	changed, err := m.ensureInvokeConfig(ctx, o, m.d.Retry)
	res.Updated = res.Updated || changed
	return res, err
}

// update brings an existing function's code, configuration and tags in line with d.
func (s *Service) update(ctx context.Context, res *Result, d Desired) error {
	o := res.Observed
	if want := string(d.Code.packageType()); o.PackageType != "" && o.PackageType != want {
		return outcome.Failf(awserr.ReasonInvalidSpec, "lambda function %s is a %s package and Lambda cannot make it %s; "+
			"delete the function to have it re-created", o.ARN, o.PackageType, want)
	}
	if err := s.waits.busy(o); err != nil {
		return err
	}
	codeChanged := d.Code.differs(o) || o.Architecture != d.architecture()
	if codeChanged {
		if err := s.updateCode(ctx, o, d); err != nil {
			return err
		}
		res.Updated = true
		// Record the deployed code source at once, so a wait below does not deploy the same code again.
		if _, err := s.syncTags(ctx, o, d.tags()); err != nil {
			return err
		}
		if err := s.waits.busy(o); err != nil {
			return err
		}
	}
	in, fields := d.configurationDrift(o)
	if in != nil {
		if err := s.updateConfiguration(ctx, o, d, in, fields); err != nil {
			return err
		}
		res.Updated = true
		if err := s.waits.busy(o); err != nil {
			return err
		}
	}
	if !codeChanged && in == nil && o.LastUpdateStatus == string(lambdatypes.LastUpdateStatusFailed) {
		return outcome.Failf(awserr.ReasonProvisioningFailed, "the last update of Lambda function %s failed: %s", o.ARN,
			o.LastUpdateStatusReason)
	}
	changed, err := s.syncTags(ctx, o, d.tags())
	res.Updated = res.Updated || changed
	return err
}

// busy returns the outcome for a function Lambda cannot change now: Waiting while it is being created,
// updated or deleted, Terminal when it failed. nil when it can be changed.
func (w Waits) busy(o *Observed) error {
	switch {
	case o.State == string(lambdatypes.StateFailed):
		return outcome.Failf(awserr.ReasonProvisioningFailed, "lambda function %s failed: %s", o.ARN, o.StateReason)
	case o.State == string(lambdatypes.StatePending):
		return outcome.Wait(w.Pending, awserr.ReasonCreating, "lambda function %s is being created", o.ARN)
	case o.State == string(lambdatypes.StateDeleting):
		return outcome.Wait(w.Pending, awserr.ReasonDeleting, "lambda function %s is being deleted", o.ARN)
	case o.LastUpdateStatus == string(lambdatypes.LastUpdateStatusInProgress):
		return outcome.Wait(w.Update, awserr.ReasonUpdating, "an update of lambda function %s is in progress", o.ARN)
	}
	return nil
}

// updateCode deploys d's code with d's architecture.
func (s *Service) updateCode(ctx context.Context, o *Observed, d Desired) error {
	out, err := s.api.UpdateFunctionCode(ctx, d.Code.updateInput(o.Name, d.architecture()))
	if err != nil {
		return s.waits.classify(err, fmt.Sprintf("updating code of Lambda function %q", o.Name))
	}
	o.CodeSha256, o.ImageURI, o.Architecture = aws.ToString(out.CodeSha256), d.Code.ImageURI, d.architecture()
	o.setStatus(out.State, out.StateReason, out.LastUpdateStatus, out.LastUpdateStatusReason)
	return nil
}

// updateConfiguration applies one configuration update.
func (s *Service) updateConfiguration(ctx context.Context, o *Observed, d Desired,
	in *lambda.UpdateFunctionConfigurationInput, fields []string) error {
	out, err := s.api.UpdateFunctionConfiguration(ctx, in)
	if err != nil {
		return s.waits.classify(err, fmt.Sprintf("updating %s of Lambda function %q", strings.Join(fields, ", "), o.Name))
	}
	o.RoleARN, o.MemoryMB, o.TimeoutSeconds, o.Environment, o.DLQARN, o.VPC = d.RoleARN, d.memory(), d.timeout(),
		d.environment().Variables, d.DLQARN, d.VPC
	if d.Code.packageType() == lambdatypes.PackageTypeZip {
		o.Runtime, o.Handler = d.Runtime, d.Handler
	}
	o.setStatus(out.State, out.StateReason, out.LastUpdateStatus, out.LastUpdateStatusReason)
	return nil
}

// setStatus records the state fields of a create or update answer.
func (o *Observed) setStatus(state lambdatypes.State, stateReason *string, last lambdatypes.LastUpdateStatus,
	lastReason *string) {
	o.State, o.StateReason = string(state), aws.ToString(stateReason)
	o.LastUpdateStatus, o.LastUpdateStatusReason = string(last), aws.ToString(lastReason)
}

// syncTags makes the function's tags equal want with at most one TagResource and one UntagResource call, and
// reports whether it wrote.
func (s *Service) syncTags(ctx context.Context, o *Observed, want map[string]string) (bool, error) {
	set, remove := awsapi.LambdaTagCalls(ctx, s.api, o.ARN)
	return tags.Retag(&o.Tags, want, fmt.Sprintf("Lambda function %q", o.Name), s.waits.classify, set, remove)
}

// classify turns an error of a Lambda write into an outcome: IAM propagation → Waiting; a conflicting
// update in progress → Waiting; otherwise awserr.Classify with the terminal codes.
func (w Waits) classify(err error, what string) error {
	var conflict *lambdatypes.ResourceConflictException
	switch {
	case IsPropagationError(err):
		return outcome.Wait(w.Propagation, awserr.ReasonDependencyNotReady, "%s: waiting for IAM to propagate the role: %s",
			what, awserr.Message(err))
	case errors.As(err, &conflict):
		return outcome.Wait(w.Update, awserr.ReasonUpdating, "%s: %s", what, awserr.Message(err))
	}
	return awserr.Classify(err, what, terminalCodes...)
}

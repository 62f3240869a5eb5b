package controllers

import (
	"context"
	"fmt"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/function"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// functionPart is the Lambda function: created and owned (target.function.managed), or an existing
// function named by ARN, which is only read.
func (p *pipelineParts) functionPart(deps []string) part {
	pt := part{condition: v1alpha1.ConditionFunctionReady, deps: deps, ensure: p.ensureFunction}
	if p.kp.ManagesFunction() {
		pt.delete = func(ctx context.Context) (bool, error) {
			return function.New(p.aws.Lambda, p.aws.Logs, p.r.Options.AWSWaits.Function).Delete(ctx, p.kp.Status.Function.ARN, function.Desired{
				Name: p.functionName(), Owner: p.owner()})
		}
	}
	return pt
}

func (p *pipelineParts) functionName() string {
	if p.kp.ManagesFunction() {
		return p.name(naming.SuffixFunction, naming.MaxFunction)
	}
	return functionNameOf(p.kp.Spec.Target.Function.ARN)
}

func (p *pipelineParts) functionDesired() (function.Desired, error) {
	mf, kp := p.kp.Spec.Target.Function.Managed, p.kp
	d := function.Desired{Name: p.functionName(), RoleARN: kp.Status.Roles.Function, Runtime: mf.EffectiveRuntime(),
		Handler: mf.EffectiveHandler(), Architecture: string(mf.Architecture), MemoryMB: mf.MemoryMB,
		TimeoutSeconds: mf.TimeoutSeconds, Environment: mf.Environment, DLQARN: kp.Status.DeadLetterQueue.ARN,
		Retry: &function.Retry{MaximumEventAgeSeconds: kp.Spec.RetryPolicy.MaximumEventAgeSeconds},
		Owner: p.owner(), Tags: kp.Spec.Tags}
	if n := kp.Spec.RetryPolicy.MaximumRetryAttempts; n != nil {
		d.Retry.MaximumRetryAttempts = *n
	} else {
		d.Retry.MaximumRetryAttempts = 2
	}
	switch code := mf.Code; {
	case code.Builtin != nil:
		var err error
		if d.Code, err = p.r.builtinCode(string(mf.Architecture)); err != nil {
			return d, err
		}
	case code.S3 != nil:
		d.Code.S3 = &function.S3Code{Bucket: code.S3.Bucket, Key: code.S3.Key, ObjectVersion: code.S3.ObjectVersion}
	default:
		d.Code.ImageURI = code.ImageURI
		d.Runtime, d.Handler = "", ""
	}
	return d, nil
}

func (p *pipelineParts) ensureFunction(ctx context.Context) (ensured, error) {
	svc, st := function.New(p.aws.Lambda, p.aws.Logs, p.r.Options.AWSWaits.Function), &p.kp.Status.Function
	record := func(o *function.Observed) {
		*st = v1alpha1.FunctionStatus{ARN: o.ARN, Name: o.Name, CodeSha256: o.CodeSha256, State: o.State}
	}
	if arn := p.kp.Spec.Target.Function.ARN; arn != "" {
		o, err := svc.ObserveExternal(ctx, arn)
		if err != nil {
			return ensured{}, err
		}
		if o == nil {
			return ensured{}, missingExternal("Lambda function", arn)
		}
		record(o)
		return ensured{message: "using the existing function " + o.ARN}, nil
	}
	d, err := p.functionDesired()
	if err != nil {
		return ensured{}, err
	}
	res, err := svc.Ensure(ctx, st.ARN, d)
	e := fromResult("function", res, record)
	if err == nil {
		e.message = fmt.Sprintf("function %s is %s with code %s", st.Name, st.State, st.CodeSha256)
	}
	return e, err
}

// functionNameOf returns the function name of a (possibly qualified) Lambda function ARN.
func functionNameOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) >= 7 {
		return parts[6]
	}
	return arn
}

// missingExternal reports an existing resource named in the spec that AWS does not have: someone must
// create it or fix the spec. The object stalls and is looked at again on a slow backoff.
func missingExternal(what, arn string) error {
	return outcome.Fail(v1alpha1.ReasonNotFound, fmt.Errorf("the %s %s named in the spec does not exist", what, arn))
}

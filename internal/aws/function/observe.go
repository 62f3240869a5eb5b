package function

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Observe returns the function of d with its configuration and tags: the one the hint (a function ARN
// from status) names if it exists, else the one named d.Name. It returns nil, nil when there is none, and a
// Terminal NotOwned outcome when the function found does not carry d.Owner's tags. It only reads (one
// GetFunction); the event invoke configuration is read by Ensure.
func (s *Service) Observe(ctx context.Context, hint string, d Desired) (*Observed, error) {
	o, err := s.find(ctx, hint, d.Name)
	if err != nil || o == nil {
		return nil, err
	}
	if !d.Owner.Owns(o.Tags) {
		return nil, notOwned(o, d.Owner)
	}
	return o, nil
}

// ObserveExternal reads a function the spec names by ARN, which the operator invokes but never changes
// or deletes. The call goes to the ARN's region. It returns nil, nil when the function does not exist, and a
// Terminal InvalidSpec outcome when functionARN is not a Lambda function ARN.
func (s *Service) ObserveExternal(ctx context.Context, functionARN string) (*Observed, error) {
	a, err := arn.Parse(functionARN)
	if err != nil || a.Service != "lambda" || a.Region == "" {
		return nil, outcome.Failf("InvalidSpec", "function ARN %q is not a Lambda function ARN", functionARN)
	}
	return s.get(ctx, functionARN, func(o *lambda.Options) { o.Region = a.Region })
}

// find returns the function the hint names, else the function called name; nil when neither exists.
// Ownership is not checked.
func (s *Service) find(ctx context.Context, hint, name string) (*Observed, error) {
	if a, err := arn.Parse(hint); err == nil && a.Service == "lambda" {
		o, err := s.get(ctx, hint)
		if err != nil || o != nil {
			return o, err
		}
	}
	return s.get(ctx, name)
}

// get reads one function by name or ARN; nil, nil when it does not exist.
func (s *Service) get(ctx context.Context, nameOrARN string, opts ...func(*lambda.Options)) (*Observed, error) {
	out, err := s.api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(nameOrARN)}, opts...)
	if awserr.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Classify(err, fmt.Sprintf("reading Lambda function %q", nameOrARN))
	}
	if out.Configuration == nil {
		return nil, fmt.Errorf("reading Lambda function %q: the answer has no configuration", nameOrARN)
	}
	var image string
	if out.Code != nil {
		image = aws.ToString(out.Code.ImageUri)
	}
	return observe(out.Configuration, image, out.Tags), nil
}

// notOwned is the outcome for a function that has our name but not our tags.
func notOwned(o *Observed, owner tags.Owner) error {
	return owner.NotOwned("Lambda function " + o.ARN)
}

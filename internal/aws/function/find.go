package function

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// ObserveExternal reads a function the spec names by ARN, which the operator invokes but never changes
// or deletes. The call goes to the ARN's region. It returns nil, nil when the function does not exist, and a
// Terminal InvalidSpec outcome when functionARN is not a Lambda function ARN.
func (s *Service) ObserveExternal(ctx context.Context, functionARN string) (*Observed, error) {
	a, err := arn.Parse(functionARN)
	if err != nil || a.Service != "lambda" || a.Region == "" {
		return nil, outcome.Failf(awserr.ReasonInvalidSpec, "function ARN %q is not a Lambda function ARN", functionARN)
	}
	return s.get(ctx, functionARN, func(o *lambda.Options) { o.Region = a.Region })
}

// Find returns the function the hint names, else the function called by the desired name; nil when
// neither exists.
func (m managed) Find(ctx context.Context) (*owned.Found[*Observed], error) {
	var o *Observed
	var err error
	if a, perr := arn.Parse(m.hint); perr == nil && a.Service == "lambda" {
		o, err = m.get(ctx, m.hint)
	}
	if err == nil && o == nil {
		o, err = m.get(ctx, m.d.Name)
	}
	if err != nil || o == nil {
		return nil, err
	}
	return owned.One(o, o.ARN == m.hint, "Lambda function "+o.ARN, o.Tags), nil
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

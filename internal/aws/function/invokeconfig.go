package function

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// ensureInvokeConfig makes the function's event invoke configuration bound retries as r asks, with a Put
// (which replaces the whole configuration, destinations included) only when it differs; destinations set
// out of band count as a difference, since the dead-letter queue is the spec's only failure target. A nil r leaves it
// alone. It reports whether it wrote.
func (s *Service) ensureInvokeConfig(ctx context.Context, o *Observed, r *Retry) (bool, error) {
	if r == nil {
		return false, nil
	}
	cur, err := s.api.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(o.Name)})
	switch {
	case awserr.IsNotFound(err):
	case err != nil:
		return false, awserr.Classify(err, fmt.Sprintf("reading event invoke configuration of Lambda function %q", o.Name))
	case !hasDestinations(cur.DestinationConfig):
		o.Retry = &Retry{MaximumRetryAttempts: aws.ToInt32(cur.MaximumRetryAttempts),
			MaximumEventAgeSeconds: aws.ToInt32(cur.MaximumEventAgeInSeconds)}
		if *o.Retry == *r {
			return false, nil
		}
	}
	_, err = s.api.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(o.Name),
		MaximumRetryAttempts: aws.Int32(r.MaximumRetryAttempts), MaximumEventAgeInSeconds: aws.Int32(r.MaximumEventAgeSeconds)})
	if err != nil {
		return false, s.waits.classify(err, fmt.Sprintf("writing event invoke configuration of Lambda function %q", o.Name))
	}
	o.Retry = &Retry{MaximumRetryAttempts: r.MaximumRetryAttempts, MaximumEventAgeSeconds: r.MaximumEventAgeSeconds}
	return true, nil
}

// hasDestinations reports whether an invoke configuration sends results anywhere. Lambda answers empty
// OnSuccess and OnFailure objects when none is set.
func hasDestinations(dc *lambdatypes.DestinationConfig) bool {
	return dc != nil && (dc.OnFailure != nil && aws.ToString(dc.OnFailure.Destination) != "" ||
		dc.OnSuccess != nil && aws.ToString(dc.OnSuccess.Destination) != "")
}

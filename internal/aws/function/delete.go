package function

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
)

// Delete deletes the function of d when it is ours; its event invoke configuration goes with it. With a
// logs client (see New) it then deletes the function's log group. A missing function is gone; a same-named
// function without our tags is not ours to delete and counts as gone too, its log group untouched. A
// function being deleted, or busy with an update, is not gone yet and gives no error; calling Delete again
// is safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (bool, error) {
	o, err := s.find(ctx, hint, d.Name)
	if err != nil {
		return false, err
	}
	if o != nil && !d.Owner.Owns(o.Tags) {
		return true, nil
	}
	if o != nil {
		if o.State == string(lambdatypes.StateDeleting) {
			return false, nil
		}
		_, err := s.api.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(o.Name)})
		var conflict *lambdatypes.ResourceConflictException
		switch {
		case errors.As(err, &conflict):
			return false, nil
		case err != nil && !awserr.IsNotFound(err):
			return false, awserr.Classify(err, fmt.Sprintf("deleting Lambda function %q", o.Name))
		}
	}
	return s.deleteLogGroup(ctx, d.Name)
}

// deleteLogGroup deletes /aws/lambda/<name> when the Service has a logs client. The name is the operator's
// deterministic function name, so the group belongs to the function just deleted (or deleted earlier, when
// a previous Delete stopped after the function).
func (s *Service) deleteLogGroup(ctx context.Context, name string) (bool, error) {
	if s.logs == nil {
		return true, nil
	}
	group := "/aws/lambda/" + name
	_, err := s.logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)})
	if err != nil && !awserr.IsNotFound(err) {
		return false, awserr.Classify(err, fmt.Sprintf("deleting log group %s", group))
	}
	return true, nil
}

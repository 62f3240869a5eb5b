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
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the function of d when it is ours; its event invoke configuration goes with it. With a
// logs client (see New) it then deletes the function's log group. A missing function is gone; a same-named
// function without our tags is not ours to delete and counts as gone too, its log group untouched. A
// function being deleted, or busy with an update, is not gone yet and gives no error; calling Delete again
// is safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (bool, error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete deletes a function of the owner's.
func (m managed) Delete(ctx context.Context, o *Observed) (bool, error) {
	if o.State == string(lambdatypes.StateDeleting) {
		return false, nil
	}
	_, err := m.api.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(o.Name)})
	var conflict *lambdatypes.ResourceConflictException
	if errors.As(err, &conflict) {
		return false, nil
	}
	return err == nil, awserr.Classify(err, fmt.Sprintf("deleting Lambda function %q", o.Name))
}

// DeleteRemains deletes the log group /aws/lambda/<name> once the function is gone, when the Service has a
// logs client. The name is the operator's deterministic function name, so the group belongs to the function
// just deleted (or deleted earlier, when a previous Delete stopped after the function).
func (m managed) DeleteRemains(ctx context.Context) (bool, error) {
	if m.logs == nil {
		return true, nil
	}
	group := "/aws/lambda/" + m.d.Name
	_, err := m.logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)})
	if err != nil && !awserr.IsNotFound(err) {
		return false, awserr.Classify(err, fmt.Sprintf("deleting log group %s", group))
	}
	return true, nil
}

// The function leaves its log group behind.
var _ owned.Remains = managed{}

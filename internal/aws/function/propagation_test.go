package function

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

func TestIsPropagationError(t *testing.T) {
	invalid := func(msg string) error {
		return &lambdatypes.InvalidParameterValueException{Message: aws.String(msg)}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"role not assumable", invalid("The role defined for the function cannot be assumed by Lambda."), true},
		{"DLQ permission", invalid("The provided execution role does not have permissions to call SendMessage on SQS"), true},
		{"ENI permission", invalid("The provided execution role does not have permissions to call CreateNetworkInterface on EC2"), true},
		{"destination permission", invalid("The function's execution role does not have permissions to call SendMessage on arn:aws:sqs:us-east-1:1:q"), true},
		{"wrapped", fmt.Errorf("creating Lambda function: %w", invalid("The role defined for the function cannot be assumed by Lambda.")), true},
		{"other invalid parameter", invalid("Value 'python1' at 'runtime' failed to satisfy constraint"), false},
		{"same text, other error type", &smithy.GenericAPIError{Code: "AccessDeniedException",
			Message: "The role defined for the function cannot be assumed by Lambda."}, false},
		{"not an AWS error", errors.New("cannot be assumed by Lambda"), false},
		{"nil", nil, false},
	} {
		if got := IsPropagationError(tc.err); got != tc.want {
			t.Errorf("%s: IsPropagationError = %v, want %v", tc.name, got, tc.want)
		}
	}
}

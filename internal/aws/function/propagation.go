package function

import (
	"errors"
	"strings"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// propagationMessages are the texts of the InvalidParameterValueException Lambda answers while a role or
// policy created moments ago has not reached every IAM endpoint: the role cannot be assumed yet, or its new
// policy does not yet let Lambda send to the dead-letter queue (or create network interfaces).
var propagationMessages = []string{
	"cannot be assumed by Lambda",
	"does not have permissions to call",
}

// IsPropagationError reports whether err is Lambda refusing a role or policy that IAM has not propagated
// yet, which resolves by itself within seconds: "The role defined for the function cannot be assumed by
// Lambda." or "The provided execution role does not have permissions to call SendMessage on SQS". This is
// the only place the operator reads Lambda's message text.
func IsPropagationError(err error) bool {
	var ipv *lambdatypes.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		return false
	}
	msg := ipv.ErrorMessage()
	for _, m := range propagationMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

package awserr

import (
	"errors"
	"strings"
	"testing"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func apiErr(code string, fault smithy.ErrorFault) error {
	return &smithy.GenericAPIError{Code: code, Message: "msg for " + code, Fault: fault}
}

func TestPredicates(t *testing.T) {
	cases := []struct {
		err                                      error
		notFound, exists, throttle, denied, quot bool
	}{
		{err: &iamtypes.NoSuchEntityException{Message: new(string)}, notFound: true},
		{err: &sqstypes.QueueDoesNotExist{}, notFound: true},
		{err: apiErr("InvalidVpcID.NotFound", smithy.FaultClient), notFound: true},
		{err: apiErr("EntityAlreadyExists", smithy.FaultClient), exists: true},
		{err: apiErr("QueueNameExists", smithy.FaultClient), exists: true},
		{err: apiErr("ThrottlingException", smithy.FaultClient), throttle: true},
		{err: apiErr("RequestLimitExceeded", smithy.FaultServer), throttle: true},
		{err: apiErr("AccessDeniedException", smithy.FaultClient), denied: true},
		{err: apiErr("UnauthorizedOperation", smithy.FaultClient), denied: true},
		{err: apiErr("LimitExceeded", smithy.FaultClient), quot: true},
		{err: errors.New("dial tcp: refused")},
	}
	for _, c := range cases {
		code := Code(c.err)
		if IsNotFound(c.err) != c.notFound || IsAlreadyExists(c.err) != c.exists || IsThrottle(c.err) != c.throttle ||
			IsAccessDenied(c.err) != c.denied || IsQuota(c.err) != c.quot {
			t.Errorf("%q: notFound=%v exists=%v throttle=%v denied=%v quota=%v", code, IsNotFound(c.err),
				IsAlreadyExists(c.err), IsThrottle(c.err), IsAccessDenied(c.err), IsQuota(c.err))
		}
	}
	if !IsServerFault(apiErr("InternalFailure", smithy.FaultServer)) || IsServerFault(apiErr("X", smithy.FaultClient)) {
		t.Error("IsServerFault")
	}
}

func TestClassify(t *testing.T) {
	if Classify(nil, "x") != nil {
		t.Fatal("nil stays nil")
	}
	err := Classify(apiErr("AccessDenied", smithy.FaultClient), "creating queue q")
	if b, ok := outcome.AsBlocked(err); !ok || b.Reason != ReasonAccessDenied || !strings.Contains(err.Error(), "creating queue q: AccessDenied: msg") {
		t.Errorf("access denied: %v", err)
	}
	if b, ok := outcome.AsBlocked(Classify(apiErr("LimitExceeded", smithy.FaultClient), "x")); !ok || b.Reason != ReasonQuotaExceeded {
		t.Error("quota must be Blocked/QuotaExceeded")
	}
	err = Classify(apiErr("InvalidParameterValueException", smithy.FaultClient), "creating function f", "InvalidParameterValueException")
	if tm, ok := outcome.AsTerminal(err); !ok || tm.Reason != ReasonInvalidSpec {
		t.Errorf("listed code must be Terminal InvalidSpec: %v", err)
	}
	// The same code is transient for an operation that does not list it.
	err = Classify(apiErr("InvalidParameterValueException", smithy.FaultClient), "updating function f")
	if _, ok := outcome.AsTerminal(err); ok {
		t.Error("an unlisted code must stay transient")
	}
	if Code(err) != "InvalidParameterValueException" {
		t.Error("the AWS code must stay reachable through the wrapping")
	}
	err = Classify(errors.New("connection reset"), "describing pipe p")
	if err.Error() != "describing pipe p: connection reset" {
		t.Errorf("non-API errors keep their text: %q", err)
	}
}

func TestClassifier(t *testing.T) {
	classify := Classifier("ValidationException")
	if classify(nil, "x") != nil {
		t.Fatal("nil stays nil")
	}
	err := classify(apiErr("ValidationException", smithy.FaultClient), "tagging pipe p")
	if tm, ok := outcome.AsTerminal(err); !ok || tm.Reason != ReasonInvalidSpec || !strings.HasPrefix(err.Error(), "tagging pipe p: ") {
		t.Errorf("a bound terminal code must be Terminal with context: %v", err)
	}
	if _, ok := outcome.AsTerminal(classify(apiErr("ConflictException", smithy.FaultClient), "x")); ok {
		t.Error("a code not bound must stay transient")
	}
}

// TestSpecErrorsAreInvalidSpec feeds Classify the errors AWS answers for a spec it refuses, as the packages
// classify them, and checks each is Terminal InvalidSpec with AWS's code and message kept.
func TestSpecErrorsAreInvalidSpec(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		terminal []string
	}{
		{name: "EC2 subnet in an unknown zone", terminal: []string{"InvalidParameterValue"},
			err: apiErr("InvalidParameterValue", smithy.FaultClient)},
		{name: "MSK subnets that do not exist", terminal: []string{"BadRequestException"},
			err: apiErr("BadRequestException", smithy.FaultClient)},
		{name: "Lambda code in a missing S3 object", terminal: []string{"InvalidParameterValueException"},
			err: &smithy.GenericAPIError{Code: "InvalidParameterValueException", Fault: smithy.FaultClient,
				Message: "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."}},
		{name: "SQS retention out of range", terminal: []string{"InvalidAttributeValue"},
			err: &sqstypes.InvalidAttributeValue{Message: new(string)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Classify(tc.err, "creating x", tc.terminal...)
			tm, ok := outcome.AsTerminal(err)
			if !ok || tm.Reason != ReasonInvalidSpec || Code(err) != Code(tc.err) || !strings.Contains(err.Error(), Message(tc.err)) {
				t.Fatalf("Classify = %v (%T), want Terminal %s keeping AWS's code and message", err, err, ReasonInvalidSpec)
			}
		})
	}
}

// Package awserr classifies aws-sdk-go-v2 errors by what they mean to a reconciler: not found, already
// exists, throttled, access denied, quota, or a service fault. It reads the error code through smithy.APIError
// so the same check works for typed (modelled) and generic errors of every protocol.
package awserr

import (
	"errors"
	"slices"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Condition reasons: the closed set of reasons the outcomes of the internal/aws packages carry. Every
// Waiting, Blocked and Terminal outcome an Ensure, Delete or ObserveExternal returns uses one of them (a
// test holds the packages to it), and the message says what exactly is happening.
const (
	// ReasonCreating (Waiting): the resource is being created, or a new one waits for an old one to go.
	ReasonCreating = "Creating"
	// ReasonUpdating (Waiting): the resource is applying a change, or moving between states.
	ReasonUpdating = "Updating"
	// ReasonDeleting (Waiting): the resource, or one of the same name, is being deleted, or something
	// outside the operator still uses what is being deleted.
	ReasonDeleting = "Deleting"
	// ReasonDependencyNotReady (Waiting): AWS refuses the call until something it depends on is ready, such
	// as a role IAM has not propagated yet.
	ReasonDependencyNotReady = "DependencyNotReady"
	// ReasonNotOwned (Terminal): a resource with the deterministic name exists without the owner's tags; it
	// is never touched.
	ReasonNotOwned = "NotOwned"
	// ReasonInvalidSpec (Terminal): the spec asks for what AWS refuses or cannot change (a parameter error,
	// a missing code object, a create-only field changed).
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonProvisioningFailed (Terminal): the resource reached a failed state; the message carries AWS's
	// state reason.
	ReasonProvisioningFailed = "ProvisioningFailed"
	// ReasonClusterNotFound (Terminal): the MSK cluster a pipeline names by ARN does not exist; the pipeline
	// stalls and is looked at again on the stalled backoff.
	ReasonClusterNotFound = "ClusterNotFound"
	// ReasonUnreachable (Waiting): the Kafka brokers cannot be reached, directly or through the topic admin
	// function (which may also have failed instead of answering); the message says which.
	ReasonUnreachable = "Unreachable"
	// ReasonAccessDenied (Blocked): the operator's identity may not make the call.
	ReasonAccessDenied = "AccessDenied"
	// ReasonQuotaExceeded (Blocked): an AWS quota or limit stops the call.
	ReasonQuotaExceeded = "QuotaExceeded"
)

// Reasons of the problems network.Preflight reports, one per failed check: each is the reason of a
// NetworkReady=False condition (Blocked: the network is fixed outside the operator).
const (
	// ReasonSubnetNotFound: a subnet of the cluster does not exist in the region.
	ReasonSubnetNotFound = "SubnetNotFound"
	// ReasonSubnetsInSeveralVPCs: the subnets are not all in one VPC, as a cluster's VpcConfig needs.
	ReasonSubnetsInSeveralVPCs = "SubnetsInSeveralVPCs"
	// ReasonSubnetsInOneAZ: the subnets are in fewer than two Availability Zones.
	ReasonSubnetsInOneAZ = "SubnetsInOneAZ"
	// ReasonSecurityGroupNotFound: a security group of the cluster is not in the subnets' VPC.
	ReasonSecurityGroupNotFound = "SecurityGroupNotFound"
	// ReasonNoRouteToLambdaAndSTS: some subnet has no default route to a NAT gateway, and the VPC lacks
	// usable interface endpoints for Lambda and STS, so the pollers in that subnet cannot call them.
	ReasonNoRouteToLambdaAndSTS = "NoRouteToLambdaAndSTS"
	// ReasonSecurityGroupMissingKafkaRule: no security group of the cluster lets TCP 9098 in from the
	// cluster's groups or from the VPC, so the pollers cannot reach the brokers.
	ReasonSecurityGroupMissingKafkaRule = "SecurityGroupMissingKafkaRule"
	// ReasonSecurityGroupMissingEgressRule: no security group of the cluster lets TCP 9098 out to the
	// brokers, or TCP 443 out to Lambda and STS.
	ReasonSecurityGroupMissingEgressRule = "SecurityGroupMissingEgressRule"
)

var (
	notFoundCodes = []string{"ResourceNotFoundException", "NotFoundException", "NoSuchEntity",
		"NoSuchEntityException", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
		"NoSuchBucket", "NoSuchKey", "NotFound"}
	alreadyExistsCodes = []string{"EntityAlreadyExists", "EntityAlreadyExistsException", "QueueNameExists",
		"QueueAlreadyExists", "ResourceAlreadyExistsException", "BucketAlreadyOwnedByYou"}
	throttleCodes = []string{"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestThrottled", "RequestLimitExceeded", "SlowDown", "LimitExceededException"}
	accessDeniedCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
		"UnauthorizedException", "ForbiddenException", "AuthorizationError", "InvalidClientTokenId",
		"UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException"}
	quotaCodes = []string{"LimitExceeded", "ServiceQuotaExceededException", "OverLimit", "CodeStorageExceededException",
		"VpcLimitExceeded", "AddressLimitExceeded", "NatGatewayLimitExceeded", "SubnetLimitExceeded"}
)

// Code returns the AWS error code of err, or "" when err is not an AWS API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Message returns the AWS error message of err, or err's text when it is not an AWS API error.
func Message(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// HasCode reports whether err carries one of the codes. EC2 codes such as "InvalidVpcID.NotFound" match
// their full text.
func HasCode(err error, codes ...string) bool {
	c := Code(err)
	return c != "" && slices.Contains(codes, c)
}

// IsNotFound reports whether err says the resource does not exist (including EC2's "*.NotFound" codes).
func IsNotFound(err error) bool {
	return HasCode(err, notFoundCodes...) || strings.HasSuffix(Code(err), ".NotFound")
}

// IsAlreadyExists reports whether err says a resource of that name exists.
func IsAlreadyExists(err error) bool { return HasCode(err, alreadyExistsCodes...) }

// IsThrottle reports whether err is a throttling error (after the SDK's own retries).
func IsThrottle(err error) bool { return HasCode(err, throttleCodes...) }

// IsAccessDenied reports whether the caller lacks permission.
func IsAccessDenied(err error) bool { return HasCode(err, accessDeniedCodes...) }

// IsQuota reports whether a resource quota is exhausted.
func IsQuota(err error) bool { return HasCode(err, quotaCodes...) }

// IsServerFault reports whether AWS blamed itself (5xx).
func IsServerFault(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorFault() == smithy.FaultServer
}

// Classify turns an error from an operation into an outcome: access denied and quotas are Blocked; the
// operation's terminal codes (the parameter errors that retrying cannot fix) are Terminal InvalidSpec with
// AWS's code and message; everything else (throttles, faults, conflicts, network errors) stays a transient error. err is
// wrapped in what with context, e.g. Classify(err, "creating SQS queue kp-x", "InvalidAttributeValue").
func Classify(err error, what string, terminalCodes ...string) error {
	if err == nil {
		return nil
	}
	wrapped := wrap(what, err)
	switch {
	case IsAccessDenied(err):
		return outcome.Block(ReasonAccessDenied, wrapped)
	case IsQuota(err):
		return outcome.Block(ReasonQuotaExceeded, wrapped)
	case HasCode(err, terminalCodes...):
		return outcome.Fail(ReasonInvalidSpec, wrapped)
	}
	return wrapped
}

// Classifier returns Classify with terminalCodes bound, for functions that take the classification of their
// calls' errors (such as tags.Retag).
func Classifier(terminalCodes ...string) func(err error, what string) error {
	return func(err error, what string) error { return Classify(err, what, terminalCodes...) }
}

func wrap(what string, err error) error {
	return &contextError{what: what, err: err}
}

// contextError prefixes an error with what was being done, keeping AWS's code and message reachable.
type contextError struct {
	what string
	err  error
}

func (e *contextError) Error() string {
	if code := Code(e.err); code != "" {
		return e.what + ": " + code + ": " + Message(e.err)
	}
	return e.what + ": " + e.err.Error()
}

func (e *contextError) Unwrap() error { return e.err }

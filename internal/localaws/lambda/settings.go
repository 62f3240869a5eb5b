package lambda

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// Limits Lambda applies beyond the model's bounds.
const (
	maxTimeout    = 900
	maxMemorySize = 10240
	maxEnvBytes   = 4096
)

// runtimes is the model's Runtime enum.
var runtimes = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
	"nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x",
	"ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3",
	"ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x",
	"nodejs24.x", "python3.14", "java25", "dotnet10", "ruby4.0"}

// blockedRuntimes can no longer be used to create or update functions, with the runtime Lambda suggests.
var blockedRuntimes = map[string]string{
	"nodejs": "nodejs22.x", "nodejs4.3": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
	"nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x", "nodejs16.x": "nodejs22.x",
	"nodejs4.3-edge": "nodejs22.x", "java8": "java21", "python2.7": "python3.13", "python3.6": "python3.13",
	"python3.7": "python3.13", "python3.8": "python3.13", "dotnetcore1.0": "dotnet8", "dotnetcore2.0": "dotnet8",
	"dotnetcore2.1": "dotnet8", "dotnetcore3.1": "dotnet8", "dotnet6": "dotnet8", "go1.x": "provided.al2023",
	"ruby2.5": "ruby3.4", "ruby2.7": "ruby3.4", "provided": "provided.al2023",
}

var architectures = []string{"x86_64", "arm64"}

// reservedEnvKeys are environment variables Lambda sets itself and refuses in a configuration.
var reservedEnvKeys = []string{"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_RUNTIME_DIR",
	"LAMBDA_TASK_ROOT"}

// environmentInput is the Environment member of CreateFunction and UpdateFunctionConfiguration.
type environmentInput struct {
	Variables map[string]string `json:"Variables"`
}

// settingsInput are the configuration members CreateFunction and UpdateFunctionConfiguration share.
type settingsInput struct {
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Runtime          *string           `json:"Runtime"`
	Environment      *environmentInput `json:"Environment"`
	DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig"`
	LoggingConfig    *loggingInput     `json:"LoggingConfig"`
	VpcConfig        *vpcConfigInput   `json:"VpcConfig"`
}

// validate reports model-constraint violations.
func (in settingsInput) validate(v *validator) {
	v.pattern("role", in.Role, roleARNPattern)
	v.length("handler", in.Handler, 0, 128)
	v.pattern("handler", in.Handler, handlerPattern)
	v.length("description", in.Description, 0, 256)
	v.intRange("timeout", in.Timeout, 1, 1<<31-1)
	v.intRange("memorySize", in.MemorySize, 128, 32768)
	v.enum("runtime", in.Runtime, runtimes)
	in.LoggingConfig.validate(v)
	in.VpcConfig.validate(v)
	if in.DeadLetterConfig != nil {
		v.pattern("deadLetterConfig.targetArn", in.DeadLetterConfig.TargetArn, resourceARNPattern)
	}
	if in.Environment != nil {
		for k := range in.Environment.Variables {
			if !envKeyPattern.MatchString(k) {
				v.add("Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
				break
			}
		}
	}
}

// checkLimits applies the service limits that are not model constraints.
func (in settingsInput) checkLimits() *wire.Error {
	if in.Timeout != nil && *in.Timeout > maxTimeout {
		return errInvalidParameter("'Timeout' value failed to satisfy constraint: Member must have value less than or equal to %d", maxTimeout)
	}
	if in.MemorySize != nil && *in.MemorySize > maxMemorySize {
		return errInvalidParameter("'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to %d", maxMemorySize)
	}
	if in.Runtime != nil {
		if next, blocked := blockedRuntimes[*in.Runtime]; blocked {
			return errInvalidParameter("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (%s) while creating or updating functions.", *in.Runtime, next)
		}
	}
	if in.Environment != nil {
		return checkEnvironment(in.Environment.Variables)
	}
	return nil
}

func checkEnvironment(vars map[string]string) *wire.Error {
	var reserved []string
	for k := range vars {
		if slices.Contains(reservedEnvKeys, k) {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return errInvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	encoded, _ := json.Marshal(vars)
	if len(encoded) > maxEnvBytes {
		return errInvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", encoded)
	}
	return nil
}

// needsHandler reports whether a Zip function of this runtime must name a handler: custom runtimes
// (provided*) find their bootstrap themselves.
func needsHandler(runtime string) bool { return !strings.HasPrefix(runtime, "provided") }

// checkRole verifies that Lambda can assume the execution role. A role created moments ago (not yet
// propagated) fails the same way, as on AWS.
func (s *Service) checkRole(role string) *wire.Error {
	if s.cfg.IAM == nil {
		return nil
	}
	if ok, _ := s.cfg.IAM.RoleAssumable(role, "lambda.amazonaws.com"); !ok {
		return errInvalidParameter("The role defined for the function cannot be assumed by Lambda.")
	}
	return nil
}

// destinationUse says where a destination ARN is configured, for the checks and messages that differ.
type destinationUse struct {
	what     string                                   // names the setting in a "does not exist" message
	services []string                                 // ARN services accepted ("sqs", "sns", ...; "kafka" for kafka://)
	denied   func(action, service, arn string) string // message when the role lacks the permission
}

var (
	dlqUse = destinationUse{what: "DeadLetterConfig target", services: []string{"sqs", "sns"},
		denied: func(action, service, _ string) string {
			return "The provided execution role does not have permissions to call " + action + " on " + strings.ToUpper(service)
		}}
	invokeDestinationUse = destinationUse{what: "destination", services: []string{"sqs", "sns", "lambda", "events", "s3"},
		denied: func(action, _, arn string) string {
			return "The function's execution role does not have permissions to call " + action + " on " + arn
		}}
	mappingDestinationUse = destinationUse{what: "OnFailure destination", services: []string{"sqs", "sns", "s3", "kafka"},
		denied: invokeDestinationUse.denied}
)

// destinationActions are the permissions a role needs to deliver to each kind of destination.
var destinationActions = map[string]string{"sqs": "SendMessage", "sns": "Publish", "lambda": "InvokeFunction",
	"events": "PutEvents", "s3": "PutObject"}

// checkDestination verifies a destination ARN: its service is allowed here, an SQS queue exists, and the
// role may deliver to it. The wording for a missing queue and for a wrong service is UNCONFIRMED.
func (s *Service) checkDestination(use destinationUse, role, target string) *wire.Error {
	service := "kafka"
	if !strings.HasPrefix(target, "kafka://") {
		parts := strings.SplitN(target, ":", 6)
		if len(parts) < 6 || parts[0] != "arn" {
			return errInvalidParameter("The provided %s %s is not a valid ARN.", use.what, target)
		}
		service = parts[2]
	}
	if !slices.Contains(use.services, service) {
		return errInvalidParameter("The provided %s %s is not a supported destination type.", use.what, target)
	}
	if service == "sqs" && s.cfg.Queues != nil && !s.cfg.Queues.QueueExists(target) {
		return errInvalidParameter("The provided %s %s does not exist.", use.what, target)
	}
	action, checked := destinationActions[service]
	if checked && s.cfg.IAM != nil && !s.cfg.IAM.RoleAllows(role, service+":"+action, target) {
		return errInvalidParameter("%s", use.denied(action, service, target))
	}
	return nil
}

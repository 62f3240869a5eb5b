package lambda

import "github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"

// Log formats and the levels Lambda applies when none is given.
const (
	logFormatText   = "Text"
	logFormatJSON   = "JSON"
	defaultLogLevel = "INFO"
)

// The LoggingConfig enums of the service model.
var (
	logFormats          = []string{logFormatJSON, logFormatText}
	applicationLogLevel = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
	systemLogLevels     = []string{"DEBUG", "INFO", "WARN"}
	logGroupPattern     = whole(`[\.\-_/#A-Za-z0-9]+`)
)

// loggingInput is the LoggingConfig member of CreateFunction and UpdateFunctionConfiguration.
type loggingInput struct {
	LogFormat           *string `json:"LogFormat"`
	ApplicationLogLevel *string `json:"ApplicationLogLevel"`
	SystemLogLevel      *string `json:"SystemLogLevel"`
	LogGroup            *string `json:"LogGroup"`
}

// loggingConfig is a function's logging configuration; the levels are set only in the JSON format.
type loggingConfig struct {
	LogFormat           string `json:"LogFormat"`
	ApplicationLogLevel string `json:"ApplicationLogLevel,omitempty"`
	SystemLogLevel      string `json:"SystemLogLevel,omitempty"`
	LogGroup            string `json:"LogGroup"`
}

// defaultLogging is the configuration of a function created without LoggingConfig.
func defaultLogging(function string) loggingConfig {
	return loggingConfig{LogFormat: logFormatText, LogGroup: "/aws/lambda/" + function}
}

// validate reports model-constraint violations.
func (in *loggingInput) validate(v *validator) {
	if in == nil {
		return
	}
	v.enum("loggingConfig.logFormat", in.LogFormat, logFormats)
	v.enum("loggingConfig.applicationLogLevel", in.ApplicationLogLevel, applicationLogLevel)
	v.enum("loggingConfig.systemLogLevel", in.SystemLogLevel, systemLogLevels)
	v.length("loggingConfig.logGroup", in.LogGroup, 1, 512)
	v.pattern("loggingConfig.logGroup", in.LogGroup, logGroupPattern)
}

// over returns cur with the members that were sent. The levels exist only in the JSON format: JSON without
// levels gets INFO for both, switching to Text drops them, and levels sent for a Text function are refused.
func (in *loggingInput) over(cur loggingConfig) (loggingConfig, *wire.Error) {
	if in == nil {
		return cur, nil
	}
	next := cur
	if in.LogFormat != nil {
		next.LogFormat = *in.LogFormat
	}
	if in.LogGroup != nil {
		next.LogGroup = *in.LogGroup
	}
	if next.LogFormat != logFormatJSON {
		if in.ApplicationLogLevel != nil || in.SystemLogLevel != nil {
			// UNCONFIRMED: the exact wording of Lambda's message.
			return cur, errInvalidParameter("ApplicationLogLevel and SystemLogLevel can be set only when LogFormat is JSON.")
		}
		next.ApplicationLogLevel, next.SystemLogLevel = "", ""
		return next, nil
	}
	if in.ApplicationLogLevel != nil {
		next.ApplicationLogLevel = *in.ApplicationLogLevel
	}
	if in.SystemLogLevel != nil {
		next.SystemLogLevel = *in.SystemLogLevel
	}
	if next.ApplicationLogLevel == "" {
		next.ApplicationLogLevel = defaultLogLevel
	}
	if next.SystemLogLevel == "" {
		next.SystemLogLevel = defaultLogLevel
	}
	return next, nil
}

package lambda

import (
	"maps"
	"slices"
	"time"
)

// Function states and update statuses.
const (
	statePending      = "Pending"
	stateActive       = "Active"
	updateInProgress  = "InProgress"
	updateSuccessful  = "Successful"
	packageTypeZip    = "Zip"
	packageTypeImage  = "Image"
	defaultTimeout    = 3
	defaultMemorySize = 128
)

// function is one function's $LATEST version.
type function struct {
	seq          int64
	name, arn    string
	region       string
	runtime      string
	handler      string
	role         string
	description  string
	timeout      int
	memorySize   int
	arch         string
	env          map[string]string // nil when the function has no Environment
	dlq          string
	code         codePackage
	state        string
	stateReason  string
	stateCode    string
	updateStatus string
	updateGen    int
	revisionID   string
	lastModified time.Time
	tags         map[string]string
	invokeConfig *eventInvokeConfig
	logging      loggingConfig
	vpc          *vpcConfig // nil when not attached to a VPC
}

// codePackage is a function's deployment package.
type codePackage struct {
	packageType string
	zip         []byte
	sha256      string
	size        int64
	imageURI    string
}

// environmentOut is the Environment member of FunctionConfiguration.
type environmentOut struct {
	Variables map[string]string `json:"Variables"`
}

type deadLetterConfig struct {
	TargetArn *string `json:"TargetArn,omitempty"`
}

// functionConfiguration is the FunctionConfiguration shape.
type functionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environmentOut   `json:"Environment,omitempty"`
	DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig,omitempty"`
	TracingConfig    struct {
		Mode string `json:"Mode"`
	} `json:"TracingConfig"`
	RevisionID                 string   `json:"RevisionId"`
	State                      string   `json:"State"`
	StateReason                string   `json:"StateReason,omitempty"`
	StateReasonCode            string   `json:"StateReasonCode,omitempty"`
	LastUpdateStatus           string   `json:"LastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string   `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string   `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string   `json:"PackageType"`
	Architectures              []string `json:"Architectures"`
	EphemeralStorage           struct {
		Size int `json:"Size"`
	} `json:"EphemeralStorage"`
	LoggingConfig loggingConfig `json:"LoggingConfig"`
	VpcConfig     *vpcConfig    `json:"VpcConfig,omitempty"`
}

// lastModifiedFormat is how FunctionConfiguration.LastModified is written (a string, not epoch seconds).
const lastModifiedFormat = "2006-01-02T15:04:05.000-0700"

func (fn *function) configuration() functionConfiguration {
	out := functionConfiguration{FunctionName: fn.name, FunctionArn: fn.arn, Runtime: fn.runtime, Role: fn.role,
		Handler: fn.handler, CodeSize: fn.code.size, Description: fn.description, Timeout: fn.timeout,
		MemorySize: fn.memorySize, LastModified: fn.lastModified.UTC().Format(lastModifiedFormat),
		CodeSha256: fn.code.sha256, Version: latest, RevisionID: fn.revisionID, State: fn.state,
		StateReason: fn.stateReason, StateReasonCode: fn.stateCode, LastUpdateStatus: fn.updateStatus,
		PackageType: fn.code.packageType, Architectures: []string{fn.arch}}
	if fn.env != nil {
		out.Environment = &environmentOut{Variables: maps.Clone(fn.env)}
	}
	if fn.dlq != "" {
		target := fn.dlq
		out.DeadLetterConfig = &deadLetterConfig{TargetArn: &target}
	}
	if fn.updateStatus == updateInProgress {
		// Lambda reports updates in progress with the creation reason, as observed on the real service.
		out.LastUpdateStatusReason = "The function is being created."
		out.LastUpdateStatusReasonCode = "Creating"
	}
	out.TracingConfig.Mode = "PassThrough"
	out.EphemeralStorage.Size = 512
	out.LoggingConfig = fn.logging
	out.VpcConfig = fn.vpc.clone()
	return out
}

// FunctionView is a copy of a function's $LATEST configuration and code, for the data plane.
type FunctionView struct {
	// Name is the function name.
	Name string
	// ARN is the unqualified function ARN.
	ARN string
	// Region is the function's region.
	Region string
	// Runtime is the runtime identifier ("" for container images).
	Runtime string
	// Handler is the handler setting ("" when not set).
	Handler string
	// Role is the execution role ARN.
	Role string
	// Timeout is the configured timeout.
	Timeout time.Duration
	// MemorySize is the configured memory in MB.
	MemorySize int
	// Architectures holds the instruction set architecture ("x86_64" or "arm64").
	Architectures []string
	// Environment holds the environment variables (nil when none are configured).
	Environment map[string]string
	// DeadLetterTargetARN is the DeadLetterConfig target ("" when none).
	DeadLetterTargetARN string
	// PackageType is "Zip" or "Image".
	PackageType string
	// Code is the zip deployment package (nil for images).
	Code []byte
	// CodeSha256 is the base64 SHA-256 the API reports.
	CodeSha256 string
	// ImageURI is the container image (Image package type only).
	ImageURI string
	// State is the function state (Pending, Active).
	State string
	// LastUpdateStatus is InProgress or Successful ("" while the function is first created).
	LastUpdateStatus string
	// RevisionID changes on every update.
	RevisionID string
	// LogFormat is the LoggingConfig format, "Text" or "JSON".
	LogFormat string
	// ApplicationLogLevel and SystemLogLevel are the JSON format's levels ("" in the Text format).
	ApplicationLogLevel, SystemLogLevel string
	// LogGroup is the log group the function's logs go to.
	LogGroup string
	// VpcID is the VPC the function is attached to (VpcConfig), "" for none.
	VpcID string
}

func (fn *function) view() FunctionView {
	return FunctionView{Name: fn.name, ARN: fn.arn, Region: fn.region, Runtime: fn.runtime, Handler: fn.handler,
		Role: fn.role, Timeout: time.Duration(fn.timeout) * time.Second, MemorySize: fn.memorySize,
		Architectures: []string{fn.arch}, Environment: maps.Clone(fn.env), DeadLetterTargetARN: fn.dlq,
		PackageType: fn.code.packageType, Code: slices.Clone(fn.code.zip), CodeSha256: fn.code.sha256,
		ImageURI: fn.code.imageURI, State: fn.state, LastUpdateStatus: fn.updateStatus, RevisionID: fn.revisionID,
		LogFormat: fn.logging.LogFormat, ApplicationLogLevel: fn.logging.ApplicationLogLevel,
		SystemLogLevel: fn.logging.SystemLogLevel, LogGroup: fn.logging.LogGroup, VpcID: fn.vpc.vpcID()}
}

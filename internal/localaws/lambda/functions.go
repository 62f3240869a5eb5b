package lambda

import (
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// maxFunctionName is the length limit of a function's name (the model's 140 covers full ARNs).
const maxFunctionName = 64

type createFunctionRequest struct {
	settingsInput
	FunctionName  *string           `json:"FunctionName"`
	Code          *codeInput        `json:"Code"`
	PackageType   *string           `json:"PackageType"`
	Architectures []string          `json:"Architectures"`
	Tags          map[string]string `json:"Tags"`
	Publish       *bool             `json:"Publish"`
}

func validateArchitectures(v *validator, archs []string) {
	if archs == nil {
		return
	}
	if len(archs) != 1 {
		v.add("Value '[%s]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1 and greater than or equal to 1",
			strings.Join(archs, ", "))
		return
	}
	v.enum("architectures", &archs[0], architectures)
}

func (in *createFunctionRequest) validate(c *wire.Call) (functionRef, *wire.Error) {
	var v validator
	v.required("functionName", in.FunctionName != nil)
	v.required("role", in.Role != nil)
	v.required("code", in.Code != nil)
	v.length("functionName", in.FunctionName, 1, 140)
	v.pattern("functionName", in.FunctionName, functionNamePattern)
	in.settingsInput.validate(&v)
	v.enum("packageType", in.PackageType, []string{packageTypeZip, packageTypeImage})
	validateArchitectures(&v, in.Architectures)
	if in.Code != nil {
		in.Code.validate(&v, "code.")
	}
	if err := v.err(); err != nil {
		return functionRef{}, err
	}
	ref, _ := parseFunctionRef(*in.FunctionName)
	if len(ref.name) > maxFunctionName {
		v.add("Value '%s' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to %d",
			ref.name, maxFunctionName)
		return functionRef{}, v.err()
	}
	switch {
	case ref.qualifier != "":
		return functionRef{}, errInvalidParameter("Unsupported function name %s: a function name cannot carry a qualifier when it is created.", *in.FunctionName)
	case (ref.region != "" && ref.region != c.Region) || (ref.account != "" && ref.account != c.AccountID):
		return functionRef{}, errInvalidParameter("The function ARN %s does not belong to region %s of account %s.", *in.FunctionName, c.Region, c.AccountID)
	}
	if err := in.checkLimits(); err != nil {
		return functionRef{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return functionRef{}, err
	}
	if err := refusePublish(in.Publish); err != nil {
		return functionRef{}, err
	}
	if in.packageType() == packageTypeZip {
		if in.Runtime == nil || (in.Handler == nil && needsHandler(*in.Runtime)) {
			return functionRef{}, errInvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
		}
	} else if in.Runtime != nil || in.Handler != nil {
		// UNCONFIRMED wording: image functions take their entry point from the image.
		return functionRef{}, errInvalidParameter("Runtime and Handler are not supported for functions created with container images.")
	}
	return ref, nil
}

func (in *createFunctionRequest) packageType() string {
	if in.PackageType == nil {
		return packageTypeZip
	}
	return *in.PackageType
}

func (s *Service) createFunction(c *wire.Call) error {
	if err := checkRequestSize(c); err != nil {
		return err
	}
	var in createFunctionRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ref, werr := in.validate(c)
	if werr != nil {
		return werr
	}
	code, werr := s.resolveCode(*in.Code, in.packageType(), "creating")
	if werr != nil {
		return werr
	}
	s.mu.Lock()
	_, exists := s.region(c.Region).functions[ref.name]
	s.mu.Unlock()
	if exists {
		return errConflict("Function already exist: %s", ref.name)
	}
	// Cross-service checks run without the lock: the other services take their own.
	if err := s.checkRole(*in.Role); err != nil {
		return err
	}
	dlq := ""
	if in.DeadLetterConfig != nil && in.DeadLetterConfig.TargetArn != nil {
		dlq = *in.DeadLetterConfig.TargetArn
	}
	if dlq != "" {
		if err := s.checkDestination(dlqUse, *in.Role, dlq); err != nil {
			return err
		}
	}
	vpc, werr := s.resolveVPC(c.Region, *in.Role, in.VpcConfig)
	if werr != nil {
		return werr
	}
	fn := &function{name: ref.name, arn: functionARN(c.Region, c.AccountID, ref.name), region: c.Region, vpc: vpc,
		role: *in.Role, timeout: defaultTimeout, memorySize: defaultMemorySize, arch: "x86_64", dlq: dlq,
		code: code, state: statePending, stateReason: "The function is being created.", stateCode: "Creating",
		revisionID: uuid.NewString(), lastModified: c.Now, tags: maps.Clone(in.Tags)}
	in.settingsInput.applyTo(fn)
	if fn.logging, werr = in.LoggingConfig.over(defaultLogging(ref.name)); werr != nil {
		return werr
	}
	if len(in.Architectures) == 1 {
		fn.arch = in.Architectures[0]
	}
	if fn.tags == nil {
		fn.tags = map[string]string{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(c.Region)
	if _, raced := rs.functions[ref.name]; raced {
		return errConflict("Function already exist: %s", ref.name)
	}
	fn.seq = s.nextSeq()
	rs.functions[ref.name] = fn
	s.cfg.Timings.After(lifecycle.FunctionCreate, func() { s.activate(fn) })
	return c.JSON(http.StatusCreated, fn.configuration())
}

// applyTo copies the settings that were sent onto fn (DeadLetterConfig is handled by the callers, which
// check it first).
func (in settingsInput) applyTo(fn *function) {
	if in.Runtime != nil {
		fn.runtime = *in.Runtime
	}
	if in.Handler != nil {
		fn.handler = *in.Handler
	}
	if in.Role != nil {
		fn.role = *in.Role
	}
	if in.Description != nil {
		fn.description = *in.Description
	}
	if in.Timeout != nil {
		fn.timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		fn.memorySize = *in.MemorySize
	}
	if in.Environment != nil {
		fn.env = maps.Clone(in.Environment.Variables)
		if fn.env == nil {
			fn.env = map[string]string{}
		}
	}
}

// current reports whether fn is still the function of its name (not deleted, replaced or reset). s.mu
// must be held.
func (s *Service) current(fn *function) bool {
	rs, ok := s.regions[fn.region]
	return ok && rs.functions[fn.name] == fn
}

// activate completes the Pending → Active transition.
func (s *Service) activate(fn *function) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.current(fn) || fn.state != statePending {
		return
	}
	fn.state, fn.stateReason, fn.stateCode = stateActive, "", ""
	fn.updateStatus = updateSuccessful
}

// busy refuses a change while the function is being created or updated.
func (fn *function) busy() *wire.Error {
	if fn.state == statePending || fn.updateStatus == updateInProgress {
		return errUpdateInProgress(fn.arn)
	}
	return nil
}

// beginUpdate marks fn InProgress with a new revision and schedules the update's completion. s.mu must be
// held.
func (s *Service) beginUpdate(fn *function, now time.Time) {
	fn.updateStatus = updateInProgress
	fn.updateGen++
	fn.revisionID = uuid.NewString()
	fn.lastModified = now
	gen := fn.updateGen
	s.cfg.Timings.After(lifecycle.FunctionUpdate, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.current(fn) && fn.updateGen == gen && fn.updateStatus == updateInProgress {
			fn.updateStatus = updateSuccessful
		}
	})
}

type getFunctionResponse struct {
	Configuration functionConfiguration `json:"Configuration"`
	Code          codeLocation          `json:"Code"`
	Tags          map[string]string     `json:"Tags,omitempty"`
}

func (s *Service) getFunction(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, _, err := s.lookupFunction(c, c.Param("FunctionName"), c.Query("Qualifier"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, getFunctionResponse{Configuration: fn.configuration(), Code: fn.location(),
		Tags: maps.Clone(fn.tags)})
}

func (s *Service) getFunctionConfiguration(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, _, err := s.lookupFunction(c, c.Param("FunctionName"), c.Query("Qualifier"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, fn.configuration())
}

func (s *Service) deleteFunction(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, qualifier, err := s.lookupFunction(c, c.Param("FunctionName"), c.Query("Qualifier"))
	if err != nil {
		return err
	}
	if qualifier == latest {
		return errInvalidParameter("$LATEST version cannot be deleted without deleting the function.")
	}
	delete(s.region(c.Region).functions, fn.name)
	return c.Empty(http.StatusNoContent)
}

type listFunctionsResponse struct {
	Functions  []functionConfiguration `json:"Functions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

// pageParams reads Marker and MaxItems (1 to limit).
func pageParams(c *wire.Call, limit int) (marker string, maxItems int, err *wire.Error) {
	n, present, err := c.QueryInt("MaxItems")
	if err != nil {
		return "", 0, err
	}
	if present {
		var v validator
		v.intRange("maxItems", &n, 1, limit)
		if err := v.err(); err != nil {
			return "", 0, err
		}
	}
	return c.Query("Marker"), n, nil
}

func (s *Service) listFunctions(c *wire.Call) error {
	marker, maxItems, werr := pageParams(c, 10000)
	if werr != nil {
		return werr
	}
	s.mu.Lock()
	fns := sortedFunctions(s.region(c.Region))
	page, next, ok := wire.Page(fns, marker, maxItems, 50)
	out := listFunctionsResponse{Functions: make([]functionConfiguration, 0, len(page)), NextMarker: next}
	for _, fn := range page {
		out.Functions = append(out.Functions, fn.configuration())
	}
	s.mu.Unlock()
	if !ok {
		return errInvalidParameter("Invalid marker: %s", marker)
	}
	return c.JSON(http.StatusOK, out)
}

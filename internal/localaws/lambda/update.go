package lambda

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type updateCodeRequest struct {
	codeInput
	Publish       *bool    `json:"Publish"`
	DryRun        *bool    `json:"DryRun"`
	RevisionID    *string  `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

// lockedFunction finds the function named by the path for an update: it must exist, match the revision
// the caller expects, and not be busy. s.mu must be held.
func (s *Service) lockedFunction(c *wire.Call, revisionID *string) (*function, *wire.Error) {
	fn, _, err := s.lookupFunction(c, c.Param("FunctionName"), "")
	if err != nil {
		return nil, err
	}
	if revisionID != nil && *revisionID != fn.revisionID {
		return nil, errRevisionMismatch()
	}
	if err := fn.busy(); err != nil {
		return nil, err
	}
	return fn, nil
}

// Publishing versions is not emulated: a Publish request is refused rather than pretending a version exists.
func refusePublish(publish *bool) *wire.Error {
	if publish != nil && *publish {
		return errInvalidParameter("localaws does not publish function versions; only $LATEST exists.")
	}
	return nil
}

func (s *Service) updateFunctionCode(c *wire.Call) error {
	if err := checkRequestSize(c); err != nil {
		return err
	}
	var in updateCodeRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	var v validator
	in.codeInput.validate(&v, "")
	validateArchitectures(&v, in.Architectures)
	if err := v.err(); err != nil {
		return err
	}
	if err := refusePublish(in.Publish); err != nil {
		return err
	}
	s.mu.Lock()
	fn, err := s.lockedFunction(c, in.RevisionID)
	var packageType string
	if err == nil {
		packageType = fn.code.packageType
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	code, err := s.resolveCode(in.codeInput, packageType, "updating")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn, err = s.lockedFunction(c, in.RevisionID); err != nil {
		return err
	}
	if in.DryRun != nil && *in.DryRun {
		preview := *fn
		preview.code = code
		return c.JSON(http.StatusOK, preview.configuration())
	}
	fn.code = code
	if len(in.Architectures) == 1 {
		fn.arch = in.Architectures[0]
	}
	s.beginUpdate(fn, c.Now)
	return c.JSON(http.StatusOK, fn.configuration())
}

type updateConfigurationRequest struct {
	settingsInput
	RevisionID *string `json:"RevisionId"`
}

func (s *Service) updateFunctionConfiguration(c *wire.Call) error {
	var in updateConfigurationRequest
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	var v validator
	in.settingsInput.validate(&v)
	if err := v.err(); err != nil {
		return err
	}
	if err := in.checkLimits(); err != nil {
		return err
	}
	s.mu.Lock()
	fn, err := s.lockedFunction(c, in.RevisionID)
	var role, runtime, handler, packageType string
	if err == nil {
		role, runtime, handler, packageType = fn.role, fn.runtime, fn.handler, fn.code.packageType
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if in.Role != nil {
		role = *in.Role
		if err := s.checkRole(role); err != nil {
			return err
		}
	}
	if in.Runtime != nil {
		runtime = *in.Runtime
	}
	if in.Handler != nil {
		handler = *in.Handler
	}
	if packageType == packageTypeZip && handler == "" && needsHandler(runtime) {
		return errInvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	dlqChange := in.DeadLetterConfig != nil && in.DeadLetterConfig.TargetArn != nil
	if dlqChange && *in.DeadLetterConfig.TargetArn != "" {
		if err := s.checkDestination(dlqUse, role, *in.DeadLetterConfig.TargetArn); err != nil {
			return err
		}
	}
	vpc, werr := s.resolveVPC(c.Region, role, in.VpcConfig)
	if werr != nil {
		return werr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn, err = s.lockedFunction(c, in.RevisionID); err != nil {
		return err
	}
	logging, err := in.LoggingConfig.over(fn.logging)
	if err != nil {
		return err
	}
	in.settingsInput.applyTo(fn)
	fn.logging = logging
	if in.VpcConfig != nil {
		fn.vpc = vpc
	}
	if dlqChange {
		fn.dlq = *in.DeadLetterConfig.TargetArn // "" removes the dead-letter queue
	}
	s.beginUpdate(fn, c.Now)
	return c.JSON(http.StatusOK, fn.configuration())
}

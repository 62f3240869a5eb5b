package pipes

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// withLock runs fn holding s.mu, then runs the Runner calls fn's transitions queued.
func (s *Service) withLock(fn func() error) error {
	s.mu.Lock()
	err := fn()
	s.mu.Unlock()
	s.effects.flush()
	return err
}

// lookup finds the pipe named by the Name path label in the call's region. Callers hold s.mu.
func (s *Service) lookup(c *wire.Call) (*pipe, error) {
	name := c.Param("Name")
	if err := validateName(name); err != nil {
		return nil, err
	}
	p, ok := s.pipes[pipeARN(c.Region, c.AccountID, name)]
	if !ok {
		return nil, notFound(name)
	}
	return p, nil
}

// checkReferences makes sure the source cluster and target function exist (when given). A missing one is a
// ValidationException on the member, as Pipes validates references at create (UNCONFIRMED: AWS may
// answer NotFoundException). Call it without s.mu: it asks other services.
func (s *Service) checkReferences(source, target *string) error {
	var f fieldErrors
	if source != nil && s.cfg.Clusters != nil {
		if _, ok := s.cfg.Clusters.ClusterState(*source); !ok {
			f.add("Source", "The Amazon MSK cluster %s does not exist", *source)
		}
	}
	if target != nil && s.cfg.Functions != nil {
		if _, ok := s.cfg.Functions.FunctionState(*target); !ok {
			f.add("Target", "The Lambda function %s does not exist", *target)
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	return nil
}

func (s *Service) createPipe(c *wire.Call) error {
	name := c.Param("Name")
	var req createRequest
	if err := c.DecodeJSON(&req); err != nil {
		return malformed(err)
	}
	var f fieldErrors
	f.text("Name", name, 1, maxNameLen, namePattern)
	sp := f.createSource(req.Source, req.SourceParameters)
	f.required("Target", req.Target != nil)
	cm := f.validateCommon(req.Description, req.DesiredState, req.Enrichment, req.Target, req.RoleArn,
		req.KmsKeyIdentifier, req.TargetParameters, req.EnrichmentParameters, req.LogConfiguration)
	if req.Tags != nil {
		if len(req.Tags) == 0 {
			f.add("Tags", "Member must have length between 1 and %d", maxTags)
		}
		f.tags("Tags", req.Tags, nil)
	}
	if err := f.err(); err != nil {
		return err
	}
	if err := s.checkReferences(req.Source, req.Target); err != nil {
		return err
	}
	return s.withLock(func() error {
		arn := pipeARN(c.Region, c.AccountID, name)
		if _, ok := s.pipes[arn]; ok {
			return conflict(name, "Pipe %s already exists.", name)
		}
		if len(s.pipes) >= s.cfg.MaxPipes {
			return quotaExceeded(name, s.cfg.MaxPipes)
		}
		p := &pipe{
			name: name, arn: arn, region: c.Region, desired: stateRunning,
			source: *req.Source, sourceParams: sp, target: *req.Target, targetParams: cm.targetParams,
			roleARN: *req.RoleArn, tags: map[string]string{}, created: c.Now, modified: c.Now,
			enrichmentParams: cm.enrichParams, logConfig: cm.logConfig,
			groupID: defaultGroupID(arn, c.Now),
		}
		if req.Description != nil {
			p.description = *req.Description
		}
		if req.DesiredState != nil {
			p.desired = *req.DesiredState
		}
		if req.Enrichment != nil {
			p.enrichment = *req.Enrichment
		}
		if req.KmsKeyIdentifier != nil {
			p.kmsKey = *req.KmsKeyIdentifier
		}
		for k, v := range req.Tags {
			p.tags[k] = v
		}
		s.pipes[arn] = p
		s.begin(p, createTransition)
		return c.JSON(http.StatusOK, p.stateResponse())
	})
}

func (s *Service) describePipe(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookup(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p.describe())
}

func (s *Service) updatePipe(c *wire.Call) error {
	var req updateRequest
	if err := c.DecodeJSON(&req); err != nil {
		return malformed(err)
	}
	var f fieldErrors
	f.text("Name", c.Param("Name"), 1, maxNameLen, namePattern)
	usp := f.updateSource(req.SourceParameters)
	cm := f.validateCommon(req.Description, req.DesiredState, req.Enrichment, req.Target, req.RoleArn,
		req.KmsKeyIdentifier, req.TargetParameters, req.EnrichmentParameters, req.LogConfiguration)
	if err := f.err(); err != nil {
		return err
	}
	if err := s.checkReferences(nil, req.Target); err != nil {
		return err
	}
	return s.withLock(func() error {
		p, err := s.lookup(c)
		if err != nil {
			return err
		}
		if transitional(p.current) {
			return conflict(p.name, "Pipe %s is %s and cannot be updated until that completes.", p.name, p.current)
		}
		p.applyUpdate(&req, usp, cm)
		p.modified = c.Now
		s.begin(p, updateTransition)
		return c.JSON(http.StatusOK, p.stateResponse())
	})
}

// applyUpdate changes the members an UpdatePipe request sends. Top-level members not sent stay; a sent
// ManagedStreamingKafkaParameters replaces the updatable MSK settings, so those it leaves out return to
// their defaults; TopicName, StartingPosition and ConsumerGroupID never change.
func (p *pipe) applyUpdate(req *updateRequest, usp *updateSourceParameters, cm common) {
	p.roleARN = *req.RoleArn
	if req.Description != nil {
		p.description = *req.Description
	}
	if req.DesiredState != nil {
		p.desired = *req.DesiredState
	}
	if usp != nil {
		if fc := usp.FilterCriteria; fc != nil {
			p.sourceParams.FilterCriteria = fc
			if len(fc.Filters) == 0 {
				p.sourceParams.FilterCriteria = nil
			}
		}
		if u := usp.ManagedStreamingKafkaParameters; u != nil {
			m := *p.msk()
			m.BatchSize, m.MaximumBatchingWindowInSeconds, m.Credentials = u.BatchSize, u.MaximumBatchingWindowInSeconds, u.Credentials
			p.sourceParams.ManagedStreamingKafkaParameters = &m
		}
	}
	if req.Enrichment != nil {
		p.enrichment = *req.Enrichment
	}
	if cm.enrichParams != nil {
		p.enrichmentParams = cm.enrichParams
	}
	if req.Target != nil {
		p.target = *req.Target
	}
	if tp := cm.targetParams; tp != nil {
		p.mergeTargetParameters(tp)
	}
	if cm.logConfig != nil {
		p.logConfig = cm.logConfig
	}
	if req.KmsKeyIdentifier != nil {
		p.kmsKey = *req.KmsKeyIdentifier
	}
}

// mergeTargetParameters applies sent target parameters: each member sent replaces the old one, and an
// empty InputTemplate removes the template.
func (p *pipe) mergeTargetParameters(tp *targetParameters) {
	merged := targetParameters{}
	if p.targetParams != nil {
		merged = *p.targetParams
	}
	if tp.InputTemplate != nil {
		merged.InputTemplate = tp.InputTemplate
		if *tp.InputTemplate == "" {
			merged.InputTemplate = nil
		}
	}
	if tp.LambdaFunctionParameters != nil {
		merged.LambdaFunctionParameters = tp.LambdaFunctionParameters
	}
	p.targetParams = &merged
	if merged.InputTemplate == nil && merged.LambdaFunctionParameters == nil {
		p.targetParams = nil
	}
}

func (s *Service) deletePipe(c *wire.Call) error {
	return s.withLock(func() error {
		p, err := s.lookup(c)
		if err != nil {
			return err
		}
		if transitional(p.current) {
			return conflict(p.name, "Pipe %s is %s and cannot be deleted until that completes.", p.name, p.current)
		}
		p.desired = desiredDeleted
		s.begin(p, deleteTransition)
		return c.JSON(http.StatusOK, p.stateResponse())
	})
}

// startPipe starts a STOPPED (or START_FAILED) pipe. Starting a RUNNING pipe, or one whose create or
// update failed, is refused with ConflictException (UNCONFIRMED: AWS's exact rule).
func (s *Service) startPipe(c *wire.Call) error {
	return s.withLock(func() error {
		p, err := s.lookup(c)
		if err != nil {
			return err
		}
		if p.current != stateStopped && p.current != stateStartFailed {
			return conflict(p.name, "Pipe %s is %s and cannot be started.", p.name, p.current)
		}
		p.desired, p.modified = stateRunning, c.Now
		s.begin(p, startTransition)
		return c.JSON(http.StatusOK, p.stateResponse())
	})
}

// stopPipe stops a RUNNING (or START_FAILED) pipe; other states are refused with ConflictException
// (UNCONFIRMED: AWS's exact rule).
func (s *Service) stopPipe(c *wire.Call) error {
	return s.withLock(func() error {
		p, err := s.lookup(c)
		if err != nil {
			return err
		}
		if p.current != stateRunning && p.current != stateStartFailed {
			return conflict(p.name, "Pipe %s is %s and cannot be stopped.", p.name, p.current)
		}
		p.desired, p.modified = stateStopped, c.Now
		s.begin(p, stopTransition)
		return c.JSON(http.StatusOK, p.stateResponse())
	})
}

package controllers

import (
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
)

// rolePart is one of the pipeline's IAM roles; r's identity and tags are filled in from the pipeline
// (suffix names the role: naming.SuffixFunctionRole, naming.SuffixPipeRole).
func (p *pipelineParts) rolePart(suffix string, r ownedRole) part {
	r.identity = role.Desired{Name: p.name(suffix, naming.MaxRole), Path: rolePath, Owner: p.owner()}
	r.tags = p.kp.Spec.Tags
	return p.roleOwner().part(r)
}

// roleOwner is the pipeline as the owner of its roles.
func (p *pipelineParts) roleOwner() roleOwner {
	return roleOwner{iam: p.aws.IAM, propagation: p.r.Options.IAMPropagation, obj: p.kp, states: p.r.states}
}

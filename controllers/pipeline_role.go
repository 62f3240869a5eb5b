package controllers

import (
	"context"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/naming"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// rolePath is the IAM path of every role the operator creates, so its own policy can be scoped to it.
const rolePath = "/kafkapipeline/"

// pipelineRole is what differs between the pipeline's two roles.
type pipelineRole struct {
	condition string
	deps      []string
	// what names the role in events and messages.
	what string
	// suffix names the role (naming.SuffixFunctionRole, naming.SuffixPipeRole).
	suffix string
	// policy adds the trust and the inline policy to the role's identity.
	policy func(*role.Desired) error
	// arn is the role's status field.
	arn *string
	// purpose ends the True condition's message.
	purpose string
}

// rolePart is one IAM role: ensure converges it and then gives IAM time to propagate any change, so the
// services that assume it next do not see a role that is not there yet; delete removes it.
func (p *pipelineParts) rolePart(pr pipelineRole) part {
	// identity is all a delete needs: the name, the path and the owner.
	identity := role.Desired{Name: p.name(pr.suffix, naming.MaxRole), Path: rolePath, Owner: p.owner()}
	return part{condition: pr.condition, deps: pr.deps,
		ensure: func(ctx context.Context) (ensured, error) {
			if p.propagated(pr) {
				return ensured{what: pr.what, message: "role " + *pr.arn + " " + pr.purpose}, nil
			}
			d := identity
			d.Tags = p.kp.Spec.Tags
			if err := pr.policy(&d); err != nil {
				return ensured{}, err
			}
			res, err := role.New(p.aws.IAM).Ensure(ctx, *pr.arn, d)
			e := fromResult(pr.what, res, func(o *role.Observed) { *pr.arn = o.ARN })
			switch {
			case err != nil:
				return e, err
			case (res.Created || res.Updated) && p.r.Options.IAMPropagation > 0:
				return e, outcome.Wait(p.r.Options.IAMPropagation, v1alpha1.ReasonWaitingForIAMPropagation,
					"%s %s changed; giving IAM %s to propagate it", pr.what, *pr.arn, p.r.Options.IAMPropagation)
			}
			e.message = "role " + *pr.arn + " " + pr.purpose
			return e, nil
		},
		delete: func(ctx context.Context) (bool, error) {
			return role.New(p.aws.IAM).Delete(ctx, *pr.arn, identity)
		},
	}
}

// propagated reports whether an earlier look of this generation wrote the role and it has been given
// IAMPropagation since: the role is then what that look made it, so it is Ready without reading IAM again
// (the resync period reads it for drift). A restarted manager, which does not know since when the role has
// waited, reads it.
func (p *pipelineParts) propagated(pr pipelineRole) bool {
	c := conditions.Get(p.kp.Status.Conditions, pr.condition)
	if *pr.arn == "" || c == nil || c.Reason != v1alpha1.ReasonWaitingForIAMPropagation || c.ObservedGeneration != p.kp.Generation {
		return false
	}
	held, ok := p.r.states.heldFor(p.kp.UID, pr.condition, stateOf(c.Status, c.Reason), time.Now())
	return ok && held >= p.r.Options.IAMPropagation
}

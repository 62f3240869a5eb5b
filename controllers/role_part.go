package controllers

import (
	"context"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// rolePath is the IAM path of every role the operator creates, so its own policy can be scoped to it.
const rolePath = "/kafkapipeline/"

// ownedRole is what differs between the IAM roles the operator owns: a pipeline's function and pipe roles,
// a cluster's topic admin role.
type ownedRole struct {
	condition string
	deps      []string
	// what names the role in events and messages.
	what string
	// identity is all a delete needs: the name, the path and the owner.
	identity role.Desired
	// tags are the user's tags of the owning object.
	tags map[string]string
	// policy adds the trust and the inline policy to the role's identity.
	policy func(context.Context, *role.Desired) error
	// arn is the role's status field.
	arn *string
	// purpose ends the True condition's message.
	purpose string
}

// roleOwner is what a role part needs of the object that owns the role and of its reconciler.
type roleOwner struct {
	iam awsapi.IAMAPI
	// propagation is how long IAM is given after a role changes (Options.IAMPropagation).
	propagation time.Duration
	obj         managedObject
	// states says since when the object's parts have been in their state.
	states *stateClock
}

// part is one IAM role: ensure converges it and then gives IAM propagation time for any change, so the
// services that assume it next do not see a role that is not there yet; delete removes it.
func (o roleOwner) part(r ownedRole) part {
	return part{condition: r.condition, deps: r.deps,
		ensure: func(ctx context.Context) (ensured, error) {
			if o.propagated(r) {
				return ensured{what: r.what, message: "role " + *r.arn + " " + r.purpose}, nil
			}
			d := r.identity
			d.Tags = r.tags
			if err := r.policy(ctx, &d); err != nil {
				return ensured{}, err
			}
			res, err := role.New(o.iam).Ensure(ctx, *r.arn, d)
			e := fromResult(r.what, res, func(ob *role.Observed) { *r.arn = ob.ARN })
			switch {
			case err != nil:
				return e, err
			case (res.Created || res.Updated) && o.propagation > 0:
				return e, outcome.Wait(o.propagation, v1alpha1.ReasonWaitingForIAMPropagation,
					"%s %s changed; giving IAM %s to propagate it", r.what, *r.arn, o.propagation)
			}
			e.message = "role " + *r.arn + " " + r.purpose
			return e, nil
		},
		delete: func(ctx context.Context) (bool, error) {
			return role.New(o.iam).Delete(ctx, *r.arn, r.identity)
		},
	}
}

// propagated reports whether an earlier look of this generation wrote the role and it has been given the
// propagation time since: the role is then what that look made it, so it is Ready without reading IAM
// again (the resync period reads it for drift). A restarted manager, which does not know since when the
// role has waited, reads it.
func (o roleOwner) propagated(r ownedRole) bool {
	c := conditions.Get(o.obj.GetConditions(), r.condition)
	if *r.arn == "" || c == nil || c.Reason != v1alpha1.ReasonWaitingForIAMPropagation || c.ObservedGeneration != o.obj.GetGeneration() {
		return false
	}
	held, ok := o.states.heldFor(o.obj.GetUID(), r.condition, stateOf(c.Status, c.Reason), time.Now())
	return ok && held >= o.propagation
}

package controllers

import (
	"context"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/role"
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
	policy func(*role.Desired) error
	// arn is the role's status field.
	arn *string
	// purpose ends the True condition's message.
	purpose string
}

// rolePart is one IAM role: ensure converges it and then gives IAM propagation time for any change, so the
// services that assume it next do not see a role that is not there yet; delete removes it.
func rolePart(iam awsapi.IAMAPI, propagation time.Duration, r ownedRole) part {
	return part{condition: r.condition, deps: r.deps,
		ensure: func(ctx context.Context) (ensured, error) {
			d := r.identity
			d.Tags = r.tags
			if err := r.policy(&d); err != nil {
				return ensured{}, err
			}
			res, err := role.New(iam).Ensure(ctx, *r.arn, d)
			e := fromResult(r.what, res, func(o *role.Observed) { *r.arn = o.ARN })
			switch {
			case err != nil:
				return e, err
			case (res.Created || res.Updated) && propagation > 0:
				return e, outcome.Wait(propagation, v1alpha1.ReasonWaitingForIAMPropagation,
					"%s %s changed; giving IAM %s to propagate it", r.what, *r.arn, propagation)
			}
			e.message = "role " + *r.arn + " " + r.purpose
			return e, nil
		},
		delete: func(ctx context.Context) (bool, error) {
			return role.New(iam).Delete(ctx, *r.arn, r.identity)
		},
	}
}

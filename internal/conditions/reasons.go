package conditions

import (
	"slices"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
)

// Class says what a condition reason means for the object, and so whether entering it deserves a Warning
// event.
type Class int

const (
	// Progress reasons describe work that clears by itself: waiting, creating, updating, available.
	Progress Class = iota
	// Failure reasons describe something a person may have to fix (a policy, a quota, the spec, a resource
	// outside the operator); entering one sends a Warning event.
	Failure
)

// vocabulary is every reason the controllers write on a condition, with its class. The names are the API's
// (api/v1alpha1), so users and tools see one documented set.
var vocabulary = map[string]Class{
	v1alpha1.ReasonSucceeded:                      Progress,
	v1alpha1.ReasonProgressing:                    Progress,
	v1alpha1.ReasonProgressingWithRetry:           Progress,
	v1alpha1.ReasonDependencyNotReady:             Progress,
	v1alpha1.ReasonCreating:                       Progress,
	v1alpha1.ReasonUpdating:                       Progress,
	v1alpha1.ReasonWaitingForIAMPropagation:       Progress,
	v1alpha1.ReasonQueueDeletedRecently:           Progress,
	v1alpha1.ReasonAvailable:                      Progress,
	v1alpha1.ReasonDeleting:                       Progress,
	v1alpha1.ReasonNotOwned:                       Failure,
	v1alpha1.ReasonInvalidSpec:                    Failure,
	v1alpha1.ReasonClusterNotFound:                Failure,
	v1alpha1.ReasonTopicNotFound:                  Failure,
	v1alpha1.ReasonNotFound:                       Failure,
	v1alpha1.ReasonAccessDenied:                   Failure,
	v1alpha1.ReasonQuotaExceeded:                  Failure,
	v1alpha1.ReasonProvisioningFailed:             Failure,
	v1alpha1.ReasonUnreachable:                    Failure,
	v1alpha1.ReasonAWSError:                       Failure,
	v1alpha1.ReasonSubnetsInSeveralVPCs:           Failure,
	v1alpha1.ReasonSubnetsInOneAZ:                 Failure,
	v1alpha1.ReasonSecurityGroupNotFound:          Failure,
	v1alpha1.ReasonNoRouteToLambdaAndSTS:          Failure,
	v1alpha1.ReasonSecurityGroupMissingKafkaRule:  Failure,
	v1alpha1.ReasonSecurityGroupMissingEgressRule: Failure,
	v1alpha1.ReasonSubnetNotFound:                 Failure,
}

// ClassOf returns the class of a reason; a reason outside the vocabulary counts as a failure, so it is
// never hidden.
func ClassOf(reason string) Class {
	if c, ok := vocabulary[reason]; ok {
		return c
	}
	return Failure
}

// Reasons returns the vocabulary, sorted.
func Reasons() []string {
	out := make([]string, 0, len(vocabulary))
	for r := range vocabulary {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Package owned holds the ownership rules every managed AWS resource follows, in one place: a resource is
// looked up (by the status hint, else by its deterministic name or natural key) before anything is created;
// one found without the owner's tags is refused as NotOwned and never touched; a create that AWS refuses
// because the resource exists (a concurrent writer, or a lookup that could not see it yet) is followed by a
// second lookup that adopts what it finds; and a delete treats a resource that is absent, or not the
// owner's, as gone. The packages of the managed things (cluster, queue, role, ...) say how to find, create,
// update and delete theirs by implementing Resource; Ensure and Delete apply the rules.
package owned

import (
	"context"
	"errors"
	"strings"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// Part is one AWS resource a lookup found, as the rules judge it.
type Part struct {
	// What names the resource in messages, e.g. `SQS queue arn:aws:sqs:us-east-1:123456789012:q`.
	What string
	// Tags are the resource's tags; they decide whether it is the owner's.
	Tags map[string]string
}

// Found is what a lookup found: the resource in the form its package works with, and the parts it is made
// of (one for most things; every part found by name for a network).
type Found[R any] struct {
	// Resource is what the package's Update and Delete receive.
	Resource R
	// ByHint reports that the status hint found it; without the hint it is adopted.
	ByHint bool
	// Parts are the resources found, owned or not.
	Parts []Part
}

// One returns what a lookup found when it is a single resource.
func One[R any](resource R, byHint bool, what string, tags map[string]string) *Found[R] {
	return &Found[R]{Resource: resource, ByHint: byHint, Parts: []Part{{What: what, Tags: tags}}}
}

// Resource is one managed thing of one object: what it should be, and how to find, create, update and delete
// it. R is what a lookup finds, O what the package reports after Ensure.
type Resource[R, O any] interface {
	// Find looks the resource up without changing anything: by the hint, else by name or natural key,
	// preferring the owner's among several candidates. It returns nil when nothing is found.
	Find(ctx context.Context) (*Found[R], error)
	// Create creates the resource with its ownership tags in the same call. When AWS refuses because a
	// resource of that identity exists, the error is wrapped with Conflict.
	Create(ctx context.Context) (awsapi.Result[O], error)
	// Update brings a resource that is the owner's to the desired state. res has Adopted set; Update sets
	// Observed, Updated and returns the outcome.
	Update(ctx context.Context, r R, res awsapi.Result[O]) (awsapi.Result[O], error)
	// Delete starts or continues deleting a resource that is the owner's. gone reports that it no longer
	// exists; a deletion in progress or a resource busy with another change gives gone=false and no error.
	// An error for which awserr.IsNotFound is true counts as gone.
	Delete(ctx context.Context, r R) (gone bool, err error)
}

// Remains is implemented by a Resource whose deletion leaves something of its own behind that AWS does not
// remove with it, such as the log group Lambda writes a function's logs to.
type Remains interface {
	// DeleteRemains deletes what the resource left behind. Delete calls it once the resource is gone,
	// including when an earlier Delete stopped between the two, and never when what was found is not the
	// owner's.
	DeleteRemains(ctx context.Context) (gone bool, err error)
}

// Ensure applies the rules to make r exist as desired: it finds r; creates it when nothing is found (and
// finds and adopts it when AWS answers that it exists); refuses with a Terminal NotOwned outcome, without any
// write, when any part found lacks the owner's tags; and otherwise updates it. The result is Adopted when it
// was found without the hint or carries the UID of an earlier object of the same name.
func Ensure[R, O any](ctx context.Context, owner tags.Owner, r Resource[R, O]) (awsapi.Result[O], error) {
	found, err := r.Find(ctx)
	if err != nil {
		return awsapi.Result[O]{}, err
	}
	raced := false
	if found == nil {
		res, err := r.Create(ctx)
		var conflict *conflictError
		if !errors.As(err, &conflict) {
			return res, err
		}
		if found, err = r.Find(ctx); err != nil {
			return awsapi.Result[O]{}, err
		}
		if found == nil {
			// AWS says it exists but it cannot be seen yet: retry with backoff.
			return awsapi.Result[O]{}, conflict.err
		}
		raced = true
	}
	if foreign := notOwnedParts(owner, found.Parts); len(foreign) > 0 {
		return awsapi.Result[O]{}, NotOwned(owner, foreign...)
	}
	res := awsapi.Result[O]{Adopted: raced || !found.ByHint || otherUID(owner, found.Parts)}
	return r.Update(ctx, found.Resource, res)
}

// Delete applies the rules to delete r: nothing found, or nothing found that is the owner's, is gone and
// left untouched; otherwise r's Delete removes what is the owner's. Once the resource is gone, the remains
// of a Resource that implements Remains are deleted too. Repeated calls are safe.
func Delete[R, O any](ctx context.Context, owner tags.Owner, r Resource[R, O]) (gone bool, err error) {
	found, err := r.Find(ctx)
	if err != nil {
		return false, err
	}
	if found != nil {
		if len(notOwnedParts(owner, found.Parts)) == len(found.Parts) {
			return true, nil
		}
		gone, err := r.Delete(ctx, found.Resource)
		if awserr.IsNotFound(err) {
			gone, err = true, nil
		}
		if !gone || err != nil {
			return false, err
		}
	}
	if rem, ok := r.(Remains); ok {
		return rem.DeleteRemains(ctx)
	}
	return true, nil
}

// Conflict marks err, the classified error of a create call, as AWS refusing because a resource of that
// identity exists. Ensure then looks again and adopts what it finds; when it finds nothing, err is returned.
func Conflict(err error) error { return &conflictError{err: err} }

// conflictError is the error of a create that AWS refused because the resource exists.
type conflictError struct{ err error }

func (c *conflictError) Error() string { return c.err.Error() }

func (c *conflictError) Unwrap() error { return c.err }

// NotOwned is the Terminal outcome for resources, described by what, that carry the owner's names but not
// its tags: the operator leaves them untouched.
func NotOwned(owner tags.Owner, what ...string) error {
	verb, pronoun := "exists but is", "it is"
	if len(what) > 1 {
		verb, pronoun = "exist but are", "they are"
	}
	return outcome.Failf(awserr.ReasonNotOwned, "%s %s not tagged as owned by %s %s/%s (cluster id %q); %s left untouched",
		strings.Join(what, ", "), verb, owner.Kind, owner.Namespace, owner.Name, owner.ClusterID, pronoun)
}

// notOwnedParts describes the parts that are not the owner's.
func notOwnedParts(owner tags.Owner, parts []Part) []string {
	var foreign []string
	for _, p := range parts {
		if !owner.Owns(p.Tags) {
			foreign = append(foreign, p.What)
		}
	}
	return foreign
}

// otherUID reports whether a part carries the UID of another object of the owner's name.
func otherUID(owner tags.Owner, parts []Part) bool {
	for _, p := range parts {
		if p.Tags[tags.KeyUID] != owner.UID {
			return true
		}
	}
	return false
}

package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// patcher writes an object's finalizers and status as merge patches against the last version it wrote, so
// several writes in one reconcile (the finalizer first, an ARN checkpoint right after a create, the final
// summary) each send only what changed since the previous one.
type patcher struct {
	c      client.Client
	base   client.Object
	status func(client.Object) any
}

// newPatcher starts from obj as read; status returns the status part of an object, for change detection.
func newPatcher(c client.Client, obj client.Object, status func(client.Object) any) *patcher {
	return &patcher{c: c, base: obj.DeepCopyObject().(client.Object), status: status}
}

// patch writes metadata (finalizers) when they changed, then status when it changed. It patches copies:
// the server's answer to one patch must not overwrite the other half of obj.
func (p *patcher) patch(ctx context.Context, obj client.Object) error {
	if !equality.Semantic.DeepEqual(p.base.GetFinalizers(), obj.GetFinalizers()) {
		if err := p.c.Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(p.base)); err != nil {
			return fmt.Errorf("patching finalizers of %s: %w", client.ObjectKeyFromObject(obj), err)
		}
	}
	if !equality.Semantic.DeepEqual(p.status(p.base), p.status(obj)) {
		if err := p.c.Status().Patch(ctx, obj.DeepCopyObject().(client.Object), client.MergeFrom(p.base)); err != nil {
			return fmt.Errorf("patching status of %s: %w", client.ObjectKeyFromObject(obj), err)
		}
	}
	p.base = obj.DeepCopyObject().(client.Object)
	return nil
}

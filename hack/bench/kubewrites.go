package main

import (
	"context"
	"maps"
	"sync"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

// writeCounter counts the manager's Kubernetes writes by verb ("patch", "status.patch", ...). Reads come
// from the manager's cache and cost the API server nothing, so only writes are counted.
type writeCounter struct {
	mu     sync.Mutex
	counts map[string]int64
}

func newWriteCounter() *writeCounter {
	return &writeCounter{counts: map[string]int64{}}
}

func (w *writeCounter) add(verb string) {
	w.mu.Lock()
	w.counts[verb]++
	w.mu.Unlock()
}

// snapshot returns the counts so far.
func (w *writeCounter) snapshot() map[string]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.counts)
}

// newClient is the manager's NewClient: the usual client, with every write counted.
func (w *writeCounter) newClient(cfg *rest.Config, opts client.Options) (client.Client, error) {
	c, err := client.NewWithWatch(cfg, opts)
	if err != nil {
		return nil, err
	}
	return interceptor.NewClient(c, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			w.add("create")
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			w.add("update")
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			w.add("patch")
			return c.Patch(ctx, obj, patch, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			w.add("delete")
			return c.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			w.add(sub + ".update")
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			w.add(sub + ".patch")
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	}), nil
}

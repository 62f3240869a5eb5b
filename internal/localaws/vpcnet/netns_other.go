//go:build !linux

package vpcnet

import "errors"

// errNotLinux is every namespace operation's error off Linux.
var errNotLinux = errors.New("network namespaces exist on Linux only")

// handle stands in for a namespace handle.
type handle struct{}

// Close implements the handle's Close.
func (handle) Close() error { return nil }

func currentNamespace() (handle, error) { return handle{}, errNotLinux }

func (b *Boundary) create() (handle, error) { return handle{}, errNotLinux }

func (n *Namespace) do(func() error) error { return errNotLinux }

// reservation stands in for a host port reservation.
type reservation struct{ port string }

func reserve(string) (*reservation, error) { return nil, errNotLinux }

func (r *reservation) release() {}

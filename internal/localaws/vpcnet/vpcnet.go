// Package vpcnet models the network boundary of localaws's VPCs: each VPC gets a Linux network namespace
// of its own, with nothing in it but a loopback interface and no route to or from the host's namespace.
// What localaws puts "in" a VPC — an ACTIVE cluster's brokers, the processes of functions attached to it
// (VpcConfig), the connections of the pollers that read its clusters — listens, runs or dials inside that
// namespace, so a client outside the VPC (the operator, a test) cannot reach the brokers, as on AWS. The
// localaws endpoint stays reachable inside every namespace through listeners the host process opens there
// (Expose), which is how a VPC function reaches the Lambda Runtime API and the AWS APIs. No traffic leaves
// 127.0.0.1 of a namespace this package creates.
//
// Namespaces need Linux and CAP_SYS_ADMIN (root): New fails clearly without them.
package vpcnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"sync"
)

// Boundary owns the namespaces of every VPC that has something in it.
type Boundary struct {
	host    handle
	mu      sync.Mutex
	spaces  map[string]*Namespace
	exposed []exposure
	closed  bool
}

// exposure is a host service every namespace gets a listener of.
type exposure struct {
	address string
	serve   func(net.Listener)
}

// Namespace is the network of one VPC.
type Namespace struct {
	b      *Boundary
	vpcID  string
	handle handle
	mu     sync.Mutex
	owned  []net.Listener // the exposures' listeners, closed with the namespace
}

// New returns a Boundary, checking that this process can create network namespaces.
func New() (*Boundary, error) {
	host, err := currentNamespace()
	if err != nil {
		return nil, fmt.Errorf("the VPC boundary needs Linux network namespaces: %w", err)
	}
	b := &Boundary{host: host, spaces: map[string]*Namespace{}}
	probe, err := b.create()
	if err != nil {
		_ = host.Close()
		return nil, fmt.Errorf("the VPC boundary needs Linux network namespaces, which this process cannot create (run as root): %w", err)
	}
	_ = probe.Close()
	return b, nil
}

// Expose makes address (a host:port of 127.0.0.1) reachable inside every namespace, present and future:
// each gets a listener on the same address, handed to serve (which runs in a goroutine of its own and
// returns when the listener is closed). It is how functions in a VPC reach the localaws endpoint.
func (b *Boundary) Expose(address string, serve func(net.Listener)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := exposure{address: address, serve: serve}
	b.exposed = append(b.exposed, e)
	for _, ns := range b.spaces {
		if err := ns.expose(e); err != nil {
			return err
		}
	}
	return nil
}

// VPC returns the namespace of a VPC, creating it on first use.
func (b *Boundary) VPC(vpcID string) (*Namespace, error) {
	if vpcID == "" {
		return nil, errors.New("no VPC id")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("the VPC boundary is closed")
	}
	if ns, ok := b.spaces[vpcID]; ok {
		return ns, nil
	}
	h, err := b.create()
	if err != nil {
		return nil, fmt.Errorf("creating the network namespace of %s: %w", vpcID, err)
	}
	ns := &Namespace{b: b, vpcID: vpcID, handle: h}
	for _, e := range b.exposed {
		if err := ns.expose(e); err != nil {
			ns.close()
			return nil, err
		}
	}
	b.spaces[vpcID] = ns
	return ns, nil
}

// Close closes every namespace's exposed listeners and releases the namespaces; the kernel removes each
// once the last socket and process in it are gone (localaws closes its brokers and kills its function
// processes on Stop).
func (b *Boundary) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	var errs []error
	for _, ns := range b.spaces {
		errs = append(errs, ns.close())
	}
	b.spaces = nil
	return errors.Join(append(errs, b.host.Close())...)
}

// VPCID is the VPC this namespace models.
func (n *Namespace) VPCID() string { return n.vpcID }

// Listen listens inside the namespace. An address with port 0 gets a port that the host's namespace holds
// bound (never listening) for as long as the listener lives, so the same host:port dialled from outside
// the VPC is refused rather than reaching some other server.
func (n *Namespace) Listen(network, address string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("listening in %s: %w", n.vpcID, err)
	}
	var hold *reservation
	if port == "0" {
		if hold, err = reserve(host); err != nil {
			return nil, fmt.Errorf("listening in %s: %w", n.vpcID, err)
		}
		address = net.JoinHostPort(host, hold.port)
	}
	var ln net.Listener
	err = n.do(func() error {
		var err error
		ln, err = net.Listen(network, address)
		return err
	})
	if err != nil {
		hold.release()
		return nil, fmt.Errorf("listening on %s in %s: %w", address, n.vpcID, err)
	}
	if hold == nil {
		return ln, nil
	}
	return &reservedListener{Listener: ln, hold: hold}, nil
}

// DialContext opens a connection from inside the namespace (a kgo.Dialer for the VPC's pollers).
func (n *Namespace) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var conn net.Conn
	err := n.do(func() error {
		var err error
		conn, err = (&net.Dialer{}).DialContext(ctx, network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dialing %s from %s: %w", address, n.vpcID, err)
	}
	return conn, nil
}

// Start starts cmd inside the namespace: the process and everything it starts live in the VPC.
func (n *Namespace) Start(cmd *exec.Cmd) error {
	return n.do(cmd.Start)
}

// expose opens e's listener in the namespace; called with the Boundary's lock held.
func (n *Namespace) expose(e exposure) error {
	ln, err := n.Listen("tcp", e.address)
	if err != nil {
		return fmt.Errorf("exposing %s in %s: %w", e.address, n.vpcID, err)
	}
	n.mu.Lock()
	n.owned = append(n.owned, ln)
	n.mu.Unlock()
	go e.serve(ln)
	return nil
}

func (n *Namespace) close() error {
	n.mu.Lock()
	owned := n.owned
	n.owned = nil
	n.mu.Unlock()
	for _, ln := range owned {
		_ = ln.Close()
	}
	return n.handle.Close()
}

// reservedListener releases its host port reservation when closed.
type reservedListener struct {
	net.Listener
	hold *reservation
}

// Close implements net.Listener.
func (l *reservedListener) Close() error {
	err := l.Listener.Close()
	l.hold.release()
	return err
}

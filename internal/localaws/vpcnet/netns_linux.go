package vpcnet

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// handle is an open network namespace.
type handle = netns.NsHandle

func currentNamespace() (handle, error) {
	h, err := netns.Get()
	if err != nil {
		return h, fmt.Errorf("opening this process's network namespace: %w", err)
	}
	return h, nil
}

// create makes a new network namespace with its loopback interface up.
func (b *Boundary) create() (handle, error) {
	var h handle
	err := b.onThread(func() error {
		var err error
		if h, err = netns.New(); err != nil { // also moves this thread into it
			return fmt.Errorf("unshare: %w", err)
		}
		return loopbackUp()
	})
	return h, err
}

// do runs fn on an OS thread inside the namespace. Sockets fn creates stay in the namespace wherever they
// are used later, and processes it starts are born in it.
func (n *Namespace) do(fn func() error) error {
	return n.b.onThread(func() error {
		if err := netns.Set(n.handle); err != nil {
			return fmt.Errorf("entering the network namespace of %s: %w", n.vpcID, err)
		}
		return fn()
	})
}

// onThread runs fn on a goroutine locked to its OS thread and moves the thread back to the host's namespace
// afterwards. A thread that cannot be moved back stays locked, so the Go runtime ends it with the goroutine
// instead of reusing it.
func (b *Boundary) onThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		err := fn()
		if netns.Set(b.host) == nil {
			runtime.UnlockOSThread()
		}
		done <- err
	}()
	return <-done
}

// loopbackUp brings the current namespace's lo up: a new namespace has it down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	return nil
}

// reservation is a TCP port of the host's namespace held bound without listening.
type reservation struct {
	fd   int
	port string
}

// reserve binds a free TCP port of host (an IPv4 address) in the host's namespace without listening on it.
func reserve(host string) (*reservation, error) {
	ip, err := parseIPv4(host)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("reserving a port of %s: %w", host, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: ip}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("reserving a port of %s: %w", host, err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("reserving a port of %s: %w", host, err)
	}
	return &reservation{fd: fd, port: strconv.Itoa(sa.(*unix.SockaddrInet4).Port)}, nil
}

// release frees the port; nil is a no-op.
func (r *reservation) release() {
	if r != nil {
		unix.Close(r.fd)
	}
}

//go:build linux

package vpcnet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func newBoundary(t *testing.T) *Boundary {
	t.Helper()
	b, err := New()
	if err != nil {
		t.Fatal(err) // the tests run as root, as the boundary needs
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// echo serves ln, answering each connection's first line.
func echo(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			line, _ := bufio.NewReader(c).ReadString('\n')
			_, _ = io.WriteString(c, "echo "+line)
		}()
	}
}

func roundTrip(t *testing.T, c net.Conn) string {
	t.Helper()
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "hi\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func TestListenersInAVPCAreReachableOnlyFromInside(t *testing.T) {
	b := newBoundary(t)
	vpc1, err := b.VPC("vpc-1")
	if err != nil {
		t.Fatal(err)
	}
	vpc2, err := b.VPC("vpc-2")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := b.VPC("vpc-1"); again != vpc1 {
		t.Error("a second VPC call made a second namespace")
	}
	ln, err := vpc1.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go echo(ln)
	addr := ln.Addr().String()

	_, err = net.DialTimeout("tcp", addr, 5*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dialing %s from the host: %v, want connection refused", addr, err)
	}
	if _, err := vpc2.DialContext(context.Background(), "tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dialing %s from another VPC: %v, want connection refused", addr, err)
	}
	c, err := vpc1.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatalf("dialing %s from inside its VPC: %v", addr, err)
	}
	if got := roundTrip(t, c); got != "echo hi\n" {
		t.Errorf("inside the VPC the listener answered %q", got)
	}
}

func TestExposedHostServicesAndProcessesInsideAVPC(t *testing.T) {
	b := newBoundary(t)
	hostLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "localaws")
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(hostLn) }()
	defer srv.Close()
	endpoint := hostLn.Addr().String()
	if err := b.Expose(endpoint, func(ln net.Listener) { _ = srv.Serve(ln) }); err != nil {
		t.Fatal(err)
	}
	vpc, err := b.VPC("vpc-1") // created after Expose: it gets the endpoint too
	if err != nil {
		t.Fatal(err)
	}
	ln, err := vpc.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go echo(ln)
	hostOnly, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hostOnly.Close()

	// A process started in the VPC reaches the endpoint and the VPC's listener, and not the host's listener.
	_, inPort, _ := net.SplitHostPort(ln.Addr().String())
	_, hostPort, _ := net.SplitHostPort(hostOnly.Addr().String())
	_, endpointPort, _ := net.SplitHostPort(endpoint)
	script := `exec 3<>/dev/tcp/127.0.0.1/` + inPort + `; echo hi >&3; read -r line <&3; echo "$line"
exec 4<>/dev/tcp/127.0.0.1/` + endpointPort + `; printf 'GET / HTTP/1.0\r\n\r\n' >&4; tail -n 1 <&4; echo
if exec 5<>/dev/tcp/127.0.0.1/` + hostPort + `; then echo host reachable; else echo host refused; fi`
	cmd := exec.Command("bash", "-c", script)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	if err := vpc.Start(cmd); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if want := "echo hi\nlocalaws\nhost refused\n"; out.String() != want {
		t.Errorf("the process in the VPC printed %q, want %q", out.String(), want)
	}

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.VPC("vpc-3"); err == nil {
		t.Error("VPC after Close: want an error")
	}
}

// TestNewFailsClearlyWithoutPrivilege runs New in a copy of this test binary without CAP_SYS_ADMIN
// (setpriv, from util-linux).
func TestNewFailsClearlyWithoutPrivilege(t *testing.T) {
	if os.Getenv("VPCNET_UNPRIVILEGED") == "1" {
		if _, err := New(); err != nil {
			fmt.Println("New:", err)
			return
		}
		fmt.Println("New: no error")
		return
	}
	cmd := exec.Command("setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin",
		os.Args[0], "-test.run", "^TestNewFailsClearlyWithoutPrivilege$", "-test.v")
	cmd.Env = append(os.Environ(), "VPCNET_UNPRIVILEGED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "New: the VPC boundary needs Linux network namespaces, which this process cannot create (run as root)") {
		t.Fatalf("without CAP_SYS_ADMIN New said:\n%s", out)
	}
}

func TestCloseReleasesTheNamespaces(t *testing.T) {
	b := newBoundary(t)
	ns, err := b.VPC("vpc-1")
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(ns.handle), &st); err != nil {
		t.Fatal(err)
	}
	link := fmt.Sprintf("net:[%d]", st.Ino)
	held := func() bool {
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			if target, _ := os.Readlink("/proc/self/fd/" + fd.Name()); target == link {
				return true
			}
		}
		return false
	}
	if !held() {
		t.Fatalf("no descriptor of this process is %s", link)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if held() {
		t.Errorf("after Close this process still holds %s open", link)
	}
}

//go:build !linux

package runtime

import "syscall"

// sysProcAttr puts a function process in a process group of its own, so a kill reaches everything it
// started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

package runtime

import "syscall"

// sysProcAttr puts a function process in a process group of its own, so a kill reaches everything it
// started, and has the kernel kill it if localaws dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

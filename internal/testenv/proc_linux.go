package testenv

import (
	"errors"
	"syscall"
)

// sysProcAttr makes a node process die with the test process, so a test that
// panics or times out (and so runs no cleanup) leaves no node behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// processAlive reports whether a process with this id exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

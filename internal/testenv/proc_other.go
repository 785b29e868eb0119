//go:build !linux

package testenv

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

// processAlive reports true: without a cheap check, never sweep another
// process's binary.
func processAlive(int) bool { return true }

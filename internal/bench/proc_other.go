//go:build !linux

package bench

import (
	"errors"
	"syscall"
	"time"
)

func procAttr() *syscall.SysProcAttr { return nil }

// CPU is not measured on this system.
func (p *Proc) CPU() (time.Duration, error) { return 0, errors.ErrUnsupported }

// SelfCPU is not measured on this system.
func SelfCPU() (time.Duration, error) { return 0, errors.ErrUnsupported }

// Processes are not paused on this system.
func (p *Proc) pause() error  { return errors.ErrUnsupported }
func (p *Proc) resume() error { return errors.ErrUnsupported }

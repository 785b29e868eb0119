//go:build !linux

package bench

import "errors"

// Memory is not measured on this system.
func (p *Proc) Memory() (Mem, error) { return Mem{}, errors.ErrUnsupported }

package bench

import (
	"fmt"
	"os"
)

// Memory returns the process's resident memory now and at its peak.
func (p *Proc) Memory() (Mem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return Mem{}, err
	}
	return parseProcStatus(string(b))
}

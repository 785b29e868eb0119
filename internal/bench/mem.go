package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Mem is a process's resident memory, in bytes.
type Mem struct {
	Name string `json:"name"`
	RSS  int64  `json:"rss"`  // resident now (VmRSS)
	Peak int64  `json:"peak"` // the most it was ever resident (VmHWM)
}

// Memory returns the resident memory of every process of the group, in the
// order they were added.
func (g *Procs) Memory() ([]Mem, error) {
	g.mu.Lock()
	procs := append([]*Proc(nil), g.procs...)
	g.mu.Unlock()
	out := make([]Mem, 0, len(procs))
	for _, p := range procs {
		m, err := p.Memory()
		if err != nil {
			return nil, err
		}
		m.Name = p.Name
		out = append(out, m)
	}
	return out, nil
}

// parseProcStatus reads VmRSS and VmHWM of a /proc/PID/status file.
func parseProcStatus(s string) (Mem, error) {
	var m Mem
	var seen int
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return Mem{}, fmt.Errorf("unexpected /proc status line %q", line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return Mem{}, fmt.Errorf("unexpected /proc status line %q", line)
		}
		if k == "VmRSS" {
			m.RSS = n << 10
		} else {
			m.Peak = n << 10
		}
		seen++
	}
	if seen != 2 {
		return Mem{}, fmt.Errorf("no VmRSS and VmHWM in /proc status")
	}
	return m, nil
}

package bench

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Proc is a child process of the benchmark: a node.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

// StartProc starts exe with args, its output appended to logPath. The child
// is killed if this process dies (Linux: parent-death signal).
func StartProc(name, exe string, args []string, logPath string) (*Proc, error) {
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, cmd: cmd, log: lf, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		lf.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process's id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err is the exit error, once Done is closed.
func (p *Proc) Err() error { return p.err }

// Stop asks the process to stop (SIGTERM) and kills it after grace.
func (p *Proc) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.resume() // a paused process handles the SIGTERM only once continued
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s did not stop within %s; killed", p.Name, grace)
}

// Procs is a group of child processes stopped together.
type Procs struct {
	mu    sync.Mutex
	procs []*Proc
}

// Add puts p in the group.
func (g *Procs) Add(p *Proc) {
	g.mu.Lock()
	g.procs = append(g.procs, p)
	g.mu.Unlock()
}

// Exited returns a channel that receives the first process of the group to
// exit on its own, and closes when stop is closed.
func (g *Procs) Exited(stop <-chan struct{}) <-chan *Proc {
	g.mu.Lock()
	procs := append([]*Proc(nil), g.procs...)
	g.mu.Unlock()
	ch := make(chan *Proc, len(procs))
	for _, p := range procs {
		go func() {
			select {
			case <-p.done:
				ch <- p
			case <-stop:
			}
		}()
	}
	return ch
}

// StopAll stops every process of the group, in parallel.
func (g *Procs) StopAll(grace time.Duration) error {
	g.mu.Lock()
	procs := g.procs
	g.procs = nil
	g.mu.Unlock()
	errs := make([]error, len(procs))
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = p.Stop(grace) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Pause stops every process of the group (SIGSTOP) until Resume: a
// network that is not being measured then takes no CPU from the one that
// is, neither for its own blocks nor for answering the harness. Where
// processes cannot be paused it returns errors.ErrUnsupported.
func (g *Procs) Pause() error { return g.each((*Proc).pause) }

// Resume continues every process of the group (SIGCONT).
func (g *Procs) Resume() error { return g.each((*Proc).resume) }

func (g *Procs) each(f func(*Proc) error) error {
	g.mu.Lock()
	procs := append([]*Proc(nil), g.procs...)
	g.mu.Unlock()
	var errs []error
	for _, p := range procs {
		if err := f(p); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.Name, err))
		}
	}
	return errors.Join(errs...)
}

// CPU returns the CPU time used so far by the processes of the group.
func (g *Procs) CPU() (time.Duration, error) {
	g.mu.Lock()
	procs := append([]*Proc(nil), g.procs...)
	g.mu.Unlock()
	var sum time.Duration
	for _, p := range procs {
		d, err := p.CPU()
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// FreePorts returns n distinct free TCP ports on 127.0.0.1.
func FreePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	var out []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

package bench

import "time"

// Pacer emits the slots of an open-loop schedule: Rate slots per second,
// evenly spread, whatever happens to the slots already emitted. The caller
// asks it, as often as it likes, how many new slots are due.
type Pacer struct {
	Rate    int // slots per second
	emitted int64
}

// Due returns the number of slots that fall due by elapsed since the start
// of the schedule, in total.
func (p *Pacer) Due(elapsed time.Duration) int64 {
	if elapsed <= 0 || p.Rate <= 0 {
		return 0
	}
	return int64(p.Rate) * elapsed.Nanoseconds() / int64(time.Second)
}

// Next returns how many slots are newly due at elapsed (never negative: time
// that goes backwards emits nothing).
func (p *Pacer) Next(elapsed time.Duration) int64 {
	d := p.Due(elapsed) - p.emitted
	if d <= 0 {
		return 0
	}
	p.emitted += d
	return d
}

// Emitted is the number of slots emitted so far.
func (p *Pacer) Emitted() int64 { return p.emitted }

// Pool hands slots to idle workers: a slot that finds no worker idle is
// dropped (the generator, not the system under test, is saturated).
type Pool struct {
	idle chan int
	size int
}

// NewPool returns a pool of n workers, all idle, numbered 0 … n-1.
func NewPool(n int) *Pool {
	p := &Pool{idle: make(chan int, n), size: n}
	for i := 0; i < n; i++ {
		p.idle <- i
	}
	return p
}

// Take returns an idle worker, or false when all are busy.
func (p *Pool) Take() (int, bool) {
	select {
	case w := <-p.idle:
		return w, true
	default:
		return 0, false
	}
}

// Put returns worker w to the idle set.
func (p *Pool) Put(w int) { p.idle <- w }

// AllIdle reports whether every worker is idle.
func (p *Pool) AllIdle() bool { return len(p.idle) == p.size }

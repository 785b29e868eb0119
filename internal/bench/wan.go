package bench

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// A DelayProxy is one directed wide-area link: it listens on a loopback port
// and forwards every connection to Target, delaying each chunk of bytes, in
// both directions, by Delay (the one-way latency). Each direction keeps a
// queue of chunks stamped with their arrival time: a reader goroutine reads
// and enqueues without waiting, a writer goroutine sends each chunk when its
// time has come. So the link adds latency without cutting throughput (many
// chunks are in flight at once) and keeps the bytes in order.
type DelayProxy struct {
	Target string        // host:port the connections are forwarded to
	Delay  time.Duration // one-way latency added to each direction

	ln     net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// maxQueued bounds the bytes queued in one direction of a connection: a
// reader that gets that far ahead of its writer waits (backpressure), so a
// fast sender cannot make the proxy hold unbounded memory.
const maxQueued = 64 << 20

// StartDelayProxy listens on 127.0.0.1 (a free port) and forwards to target
// with delay added each way.
func StartDelayProxy(target string, delay time.Duration) (*DelayProxy, error) {
	if delay < 0 {
		return nil, fmt.Errorf("bench: negative delay %s", delay)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &DelayProxy{Target: target, Delay: delay, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port the proxy listens on.
func (p *DelayProxy) Addr() string { return p.ln.Addr().String() }

// Port is the port the proxy listens on.
func (p *DelayProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Close stops listening and closes every forwarded connection.
func (p *DelayProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *DelayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *DelayProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *DelayProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(in) {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(in)
			out, err := net.DialTimeout("tcp", p.Target, 5*time.Second)
			if err != nil {
				return
			}
			if !p.track(out) {
				return
			}
			defer p.untrack(out)
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); p.pipe(out, in) }()
			go func() { defer wg.Done(); p.pipe(in, out) }()
			wg.Wait()
		}()
	}
}

type chunk struct {
	due  time.Time
	data []byte
}

// delayQueue is the timestamped queue of one direction.
type delayQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []chunk
	bytes  int
	closed bool // the reader is done: the writer drains what is left, then stops
	broken bool // the writer failed: the reader stops
}

// pipe copies src to dst with the proxy's delay, then closes both ends'
// halves so that the other direction ends too.
func (p *DelayProxy) pipe(dst, src net.Conn) {
	q := &delayQueue{}
	q.cond = sync.NewCond(&q.mu)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.drain(dst, q)
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			c := chunk{due: time.Now().Add(p.Delay), data: append([]byte(nil), buf[:n]...)}
			q.mu.Lock()
			for q.bytes >= maxQueued && !q.broken {
				q.cond.Wait()
			}
			if q.broken {
				q.mu.Unlock()
				break
			}
			q.items = append(q.items, c)
			q.bytes += n
			q.cond.Broadcast()
			q.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	<-done
	// Half-close when the transport allows it, so that a clean end of stream
	// reaches the other side after the delayed bytes; otherwise close.
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		dst.Close()
	}
	if tc, ok := src.(*net.TCPConn); ok {
		_ = tc.CloseRead()
	}
}

// drain writes the queue's chunks to dst, each when it is due.
func (p *DelayProxy) drain(dst net.Conn, q *delayQueue) {
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		// Everything due by now goes out in one write.
		c := q.items[0]
		q.mu.Unlock()
		if wait := time.Until(c.due); wait > 0 {
			time.Sleep(wait)
		}
		q.mu.Lock()
		now := time.Now()
		var out []byte
		n := 0
		for n < len(q.items) && !q.items[n].due.After(now) {
			out = append(out, q.items[n].data...)
			n++
		}
		q.items = q.items[n:]
		q.bytes -= len(out)
		q.cond.Broadcast()
		q.mu.Unlock()
		if _, err := dst.Write(out); err != nil {
			q.mu.Lock()
			q.broken = true
			q.cond.Broadcast()
			q.mu.Unlock()
			return // the reader stops at its next chunk
		}
	}
}

// A WAN is a set of delay proxies, one per directed link between nodes:
// node i reaches node j at Addr(i, j).
type WAN struct {
	n       int
	proxies []*DelayProxy // i*n+j; nil on the diagonal
}

// StartWAN starts a proxy for every ordered pair (i, j), i ≠ j, of the n
// targets (the nodes' p2p host:port), each adding delay each way.
func StartWAN(targets []string, delay time.Duration) (*WAN, error) {
	n := len(targets)
	w := &WAN{n: n, proxies: make([]*DelayProxy, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			p, err := StartDelayProxy(targets[j], delay)
			if err != nil {
				w.Close()
				return nil, err
			}
			w.proxies[i*n+j] = p
		}
	}
	return w, nil
}

// Addr is where node i dials node j.
func (w *WAN) Addr(i, j int) string { return w.proxies[i*w.n+j].Addr() }

// Close closes every proxy.
func (w *WAN) Close() error {
	var errs []error
	for _, p := range w.proxies {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

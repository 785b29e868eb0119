package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/token"
)

// hardened serves h on 127.0.0.1 with the HTTP policy c, as a node does.
func hardened(t *testing.T, c HTTPConfig, h http.Handler) string {
	t.Helper()
	ln, err := listenAPI("127.0.0.1:0", c.MaxConns)
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(c, h, slog.New(slog.DiscardHandler))
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func testHTTPConfig() HTTPConfig { return DefaultConfig().HTTP }

// TestNodeHTTPSlowBody: a connection that sends its body too slowly is
// closed after ReadTimeout instead of staying open.
func TestNodeHTTPSlowBody(t *testing.T) {
	c := testHTTPConfig()
	c.ReadTimeout = Duration(300 * time.Millisecond)
	addr := hardened(t, c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		io.WriteString(w, "read it all\n")
	}))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/txs HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nxx", addr)
	// The server gives up on the body and closes the connection; the
	// test's own deadline is only a guard against a server that never does.
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	_, err = io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the slow connection is still open")
	}
}

// TestNodeHTTPConnectionCap: with MaxConns connections open, the next one
// waits to be served until one of them closes.
func TestNodeHTTPConnectionCap(t *testing.T) {
	c := testHTTPConfig()
	c.MaxConns = 2
	addr := hardened(t, c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") }))
	get := func(conn net.Conn) (*http.Response, error) {
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		return res, err
	}
	var open []net.Conn
	for range 2 { // two keep-alive connections, served and left open
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if res, err := get(conn); err != nil || res.StatusCode != 200 {
			t.Fatalf("connection %d: %v", len(open)+1, err)
		}
		open = append(open, conn)
	}
	third, err := net.Dial("tcp", addr) // the kernel accepts it; the server does not
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	third.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := get(third); err == nil {
		t.Fatal("a third connection was served while two were open")
	}
	open[0].Close()
	third.SetReadDeadline(time.Now().Add(time.Minute))
	// The request was written before; read its answer now.
	res, err := http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the third connection once one closed: %v", err)
	}
}

// TestNodeHTTPLimits: bodies over MaxBodyBytes and headers over
// MaxHeaderBytes are refused before a handler reads them.
func TestNodeHTTPLimits(t *testing.T) {
	c := testHTTPConfig()
	c.MaxBodyBytes = 1 << 20
	c.MaxHeaderBytes = 4 << 10
	var read int64
	var mu sync.Mutex
	addr := hardened(t, c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		mu.Lock()
		read += n
		mu.Unlock()
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		io.WriteString(w, "ok\n")
	}))
	post := func(body io.Reader, size int64) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/txs", body)
		req.ContentLength = size
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	big := bytes.Repeat([]byte("x"), 2<<20)
	if got := post(bytes.NewReader(big), int64(len(big))); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a declared 2 MiB body: %d", got)
	}
	if got := post(io.MultiReader(bytes.NewReader(big)), -1); got != http.StatusRequestEntityTooLarge { // chunked
		t.Errorf("a chunked 2 MiB body: %d", got)
	}
	mu.Lock()
	if read > 1<<20 {
		t.Errorf("%d bytes read past the limit", read)
	}
	mu.Unlock()
	if got := post(bytes.NewReader(big[:1000]), 1000); got != 200 {
		t.Errorf("a small body: %d", got)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("h", 16<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("16 KiB of headers: %d", res.StatusCode)
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestNodeHealthRules: the health rules on a clock the test moves.
func TestNodeHealthRules(t *testing.T) {
	clk := &clock{t: time.Unix(1_750_000_000, 0)}
	var catching bool
	cfg := HealthConfig{StallBlocks: 5, StallMin: Duration(10 * time.Second), LagBlocks: 3, LagFor: Duration(5 * time.Second)}
	h := newHealth(cfg, 500*time.Millisecond, clk.now, func() bool { return catching })
	ctx := context.Background()
	wantOK := func(what string) {
		t.Helper()
		if err := h.check(ctx); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	wantBad := func(what, msg string) {
		t.Helper()
		err := h.check(ctx)
		if gongxu.ErrorKind(err) != gongxu.KindUnavailable || !strings.Contains(gongxu.ErrorMessage(err), msg) {
			t.Errorf("%s: %v, want %q", what, err, msg)
		}
	}
	h.committed(10)
	h.projected(10)
	wantOK("fresh")

	// Stalled: 5 intervals are 2.5 s, the floor 10 s.
	clk.add(9 * time.Second)
	wantOK("9 s without a block")
	clk.add(2 * time.Second)
	wantBad("11 s without a block", "no block committed for 11s (at height 10")
	catching = true
	wantOK("catching up")
	catching = false
	h.committed(11)
	h.projected(11)
	wantOK("a block again")

	// The read model behind: more than 3 blocks (from block 15 on) for
	// more than 5 s.
	for b := int64(12); b <= 20; b++ {
		clk.add(500 * time.Millisecond)
		h.committed(b)
	}
	wantOK("more than 3 behind for 2.5 s")
	clk.add(2500 * time.Millisecond)
	wantOK("more than 3 behind for 5 s")
	clk.add(500 * time.Millisecond)
	h.committed(21)
	wantBad("more than 3 behind for 5.5 s", "the read model is 10 blocks behind the chain (at 11, the chain at 21) for 6s")
	h.projected(19)
	wantOK("caught up to 2 behind")

	// The money invariant.
	met := newMetrics(prometheus.NewRegistry())
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h.setInvariant(errors.New("negative balance"), log, met)
	wantBad("invariant", "money invariant is broken: negative balance")
	h.setInvariant(nil, log, met)
	wantOK("invariant again")
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "money invariant is broken") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestNodeMoneyInvariant: the check finds a balance that no deposit made,
// in a real committed state.
func TestNodeMoneyInvariant(t *testing.T) {
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	mods := modules.New()
	if err := checkMoneyInvariant(st, mods.Settle); err != nil {
		t.Fatalf("empty state: %v", err)
	}
	c := st.Begin()
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], 500)
	c.Set([]byte(settle.Name+"/bal/CNY/org:forger"), v[:])
	if _, err := st.Commit(c, 1); err != nil {
		t.Fatal(err)
	}
	if err := checkMoneyInvariant(st, mods.Settle); err == nil {
		t.Fatal("money out of nowhere passes the check")
	}
}

// startTestNode runs a one-node network in a temp home with cfg changed by
// set, and returns it with its home. With everyBlock, an idle chain commits
// a block every timeout_commit (500 ms) instead of every 5 s.
func startTestNode(t *testing.T, everyBlock bool, set func(*Config)) (*Node, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := initTestHome(t)
	if everyBlock {
		path := filepath.Join(home, "config", "config.toml")
		toml := strings.Replace(readFile(t, path), `create_empty_blocks_interval = "5s"`, `create_empty_blocks_interval = "0s"`, 1)
		if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AutoPlan = false
	if set != nil {
		set(&cfg)
	}
	n := openTestNode(t, home, cfg, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := n.WaitProjected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	return n, home
}

// observeDoc is an EPCIS event that any member may capture.
const observeDoc = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`

// TestNodeTokens: on a running node, POST /epcis/capture is refused
// without a token; a token added to the home (as gongxu token add does)
// while the node runs works at once, with no restart, and is refused once
// removed.
func TestNodeTokens(t *testing.T) {
	n, home := startTestNode(t, false, nil)
	capture := func(i int, secret string) (int, string) {
		req, _ := http.NewRequest("POST", n.URL()+"/epcis/capture", strings.NewReader(fmt.Sprintf(observeDoc, i)))
		req.Header.Set("Content-Type", "application/ld+json")
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	h0 := n.Height()
	if code, body := capture(1, ""); code != 401 || !strings.Contains(body, `"code":"unauthenticated"`) {
		t.Fatalf("no token: %d %s", code, body)
	}
	tokens := token.Open(token.Path(home)) // another store of the same file, as the CLI opens it
	secret, err := tokens.Add("ci")
	if err != nil {
		t.Fatalf("token add: %v", err)
	}
	if code, body := capture(2, secret); code != 200 {
		t.Fatalf("with the new token: %d %s", code, body)
	}
	if err := tokens.Remove("ci"); err != nil {
		t.Fatalf("token rm: %v", err)
	}
	if code, _ := capture(3, secret); code != 401 {
		t.Fatalf("a removed token: %d", code)
	}
	// Only the capture with the token reached the ledger.
	recs, err := n.read.RecentTxs(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	captures := 0
	for _, r := range recs {
		if r.Type == "trace/capture" && r.Height > h0 {
			captures++
		}
	}
	if captures != 1 {
		t.Errorf("%d captures on the ledger, want 1", captures)
	}
}

// TestNodeHealthAndPlans: on a running node whose read model stops
// (the projector closed), repeated plan requests at the frozen height are
// computed once, and /healthz turns 503 once the read model lags; a node
// whose consensus stops answers 503 once no block came for its stall time.
func TestNodeHealthAndPlans(t *testing.T) {
	n, _ := startTestNode(t, true, func(c *Config) {
		c.Health = HealthConfig{StallBlocks: 2, StallMin: Duration(time.Second), LagBlocks: 2, LagFor: Duration(time.Second)}
	})
	health := func() (int, string) {
		res, err := http.Get(n.URL() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := health(); code != 200 {
		t.Fatalf("a running node: %d %s", code, body)
	}
	n.proj.close() // the read model stops; the chain goes on
	runs := func() float64 { return counterValue(t, n.URL(), "gongxu_plan_computations_total") }
	before := runs()
	for range 10 {
		res, err := http.Get(n.URL() + "/v1/plan/operator")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 && res.StatusCode != 429 {
			t.Fatalf("plan: %d", res.StatusCode)
		}
	}
	if got := runs() - before; got != 1 {
		t.Errorf("10 plan requests at one height computed %v plans, want 1", got)
	}
	code, body := waitHealth(t, health, "read model")
	if code != 503 || !strings.Contains(body, `"code":"unavailable"`) {
		t.Fatalf("a read model that lags: %d %s", code, body)
	}

	// Consensus stopped: no block comes any more.
	if err := n.comet.StopConsensus(); err != nil {
		t.Fatal(err)
	}
	code, body = waitHealth(t, health, "no block committed")
	if code != 503 {
		t.Fatalf("a stalled chain: %d %s", code, body)
	}
}

// waitHealth polls /healthz until its answer says want (or a minute
// passes: a guard, not a measurement).
func waitHealth(t *testing.T, health func() (int, string), want string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		code, body := health()
		if strings.Contains(body, want) || time.Now().After(deadline) {
			return code, body
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// counterValue reads a counter from the node's /metrics.
func counterValue(t *testing.T, base, name string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v float64
		if strings.HasPrefix(sc.Text(), name+" ") {
			fmt.Sscan(strings.TrimPrefix(sc.Text(), name+" "), &v)
			return v
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

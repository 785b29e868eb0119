package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/testenv"
	"github.com/gongxu-network/gongxu/internal/token"
)

// freeAddr is a free loopback address for a node's API (testenv.FreePorts
// never hands out a port twice in this process).
func freeAddr(t *testing.T) string {
	return fmt.Sprintf("127.0.0.1:%d", testenv.FreePorts(t, 1)[0])
}

// freePorts picks free loopback ports for a node's CometBFT.
func freePorts(t *testing.T) comet.Ports {
	p := testenv.FreePorts(t, 2)
	return comet.Ports{P2P: p[0], RPC: p[1]}
}

// observeDoc is an EPCIS event that any member may capture.
const observeDoc = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`

// syncBuffer is a bytes.Buffer for a command's output and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startUp runs gongxu up with args until its output says it serves; stop
// ends it and checks its exit code.
func startUp(t *testing.T, args ...string) (out *syncBuffer, stop func()) {
	t.Helper()
	return startUpLogged(t, io.Discard, args...)
}

// startUpLogged is startUp with the node's log written to logw.
func startUpLogged(t *testing.T, logw io.Writer, args ...string) (out *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, append([]string{"up"}, args...), out, logw) }()
	stop = func() {
		t.Helper()
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("up %v exited %d:\n%s", args, code, out.String())
		}
	}
	deadline := time.Now().Add(2 * time.Minute) // a guard, not a measurement
	for !strings.Contains(out.String(), "Press Ctrl-C to stop.") {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("up %v exited %d:\n%s", args, code, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("up %v did not start:\n%s", args, out.String())
		}
	}
	return out, stop
}

// TestUpDemoToken: gongxu up --demo makes an API token on the first run and
// prints it with how to sign in and use it; the token works on the pages
// and the API. Later runs, and up without --demo, say how to make one.
func TestUpDemoToken(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := t.TempDir()
	api := freeAddr(t)
	ports := freePorts(t)
	args := []string{"--home", home, "--api", api, "--p2p-port", fmt.Sprint(ports.P2P), "--rpc-port", fmt.Sprint(ports.RPC)}

	out, stop := startUp(t, append([]string{"--demo"}, args...)...)
	first := out.String()
	m := regexp.MustCompile(`(?m)^  export GONGXU_TOKEN=(gx_[A-Za-z0-9_-]{43})$`).FindStringSubmatch(first)
	if m == nil {
		stop()
		t.Fatalf("no token printed:\n%s", first)
	}
	secret := m[1]
	for _, want := range []string{"http://" + api + "/signin", `curl -H "Authorization: Bearer $GONGXU_TOKEN"`, "/epcis/capture"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first run does not say %q:\n%s", want, first)
		}
	}
	// The pages take the token: a session cookie, and the hub form.
	form := url.Values{"token": {secret}, "next": {"/hub"}}
	req, _ := http.NewRequest("POST", "http://"+api+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 || !res.Cookies()[0].HttpOnly {
		t.Errorf("sign-in with the demo token: %d %v", res.StatusCode, res.Cookies())
	}
	// So does the API.
	req, _ = http.NewRequest("POST", "http://"+api+"/epcis/capture", strings.NewReader(fmt.Sprintf(observeDoc, 7)))
	req.Header.Set("Content-Type", "application/ld+json")
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusUnauthorized {
		t.Errorf("capture with the demo token: %d %s", res.StatusCode, b)
	}
	stop()
	if strings.Contains(readFile(t, token.Path(home)), secret) {
		t.Error("the home holds the token itself")
	}

	out, stop = startUp(t, append([]string{"--demo"}, args...)...)
	stop()
	if again := out.String(); strings.Contains(again, "export GONGXU_TOKEN") || !strings.Contains(again, "was printed on the first run") {
		t.Errorf("second run:\n%s", again)
	}
	out, stop = startUp(t, args...)
	stop()
	if plain := out.String(); !strings.Contains(plain, "gongxu token add NAME --home "+home) {
		t.Errorf("up without --demo:\n%s", plain)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUpDemoStory runs the flagship command, gongxu up --demo, until its
// story reaches its last step: eight orgs admitted by votes, three pools
// filled by hub batches, the T-shirt pool refunded, the jacket pool closed
// into a production order that the factory's node plans and makes (its
// fabric supplier planning and weaving from a yarn supplier's yarn, which a
// carrier delivers), shipped to the hubs (a carrier delivering the first), two deliveries confirmed and two pickups by the consumers'
// secrets. The pools close after 24 s of block time instead of minutes.
func TestUpDemoStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node and tells the demo's story")
	}
	home := t.TempDir()
	api := freeAddr(t)
	ports := freePorts(t)
	logs := &syncBuffer{}
	_, stop := startUpLogged(t, logs, "--demo", "--demo-close", "24s", "--home", home, "--api", api,
		"--p2p-port", fmt.Sprint(ports.P2P), "--rpc-port", fmt.Sprint(ports.RPC))
	defer stop()
	last := "demo: the jacket pool shipped to its hubs; two of three confirmed delivery, two consumers picked up"
	deadline := time.Now().Add(5 * time.Minute) // a guard, not a measurement
	for !strings.Contains(logs.String(), last) {
		if strings.Contains(logs.String(), "level=ERROR") || time.Now().After(deadline) {
			t.Fatalf("the demo's story did not reach its last step:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	get := func(path string) string {
		res, err := http.Get("http://" + api + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
		}
		return string(b)
	}
	// The node's read model tells the same story.
	deadline = time.Now().Add(time.Minute)
	status := func(doc string) string {
		var p struct{ Status string }
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			t.Fatal(err)
		}
		return p.Status
	}
	for {
		jacket, tee, shares := get("/v1/pools/1"), get("/v1/pools/2"), get("/v1/pools/1/shares")
		if status(tee) == "failed" && status(jacket) == "ready" && strings.Count(shares, `"picked_up":`) == 1 &&
			strings.Count(shares, `"delivered":true`) == 2 && get("/healthz") == "ok\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("read model after the story:\npool 1 %s\npool 2 %s\nshares %s", jacket, tee, shares)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The demo's purchase orders are sealed between the factory and its
	// supplier; this node holds both orgs' keys, so it opens them.
	var pos []gongxu.PurchaseOrder
	if err := json.Unmarshal([]byte(get("/v1/purchase-orders")), &pos); err != nil || len(pos) == 0 {
		t.Fatalf("the demo's purchase orders: %d (%v)", len(pos), err)
	}
	for _, po := range pos {
		if po.Terms == nil || po.Opened == nil || po.Opened.Refused != "" || po.Lines[0].UnitPrice <= 0 {
			t.Errorf("purchase order %d: terms %v, opened %+v, lines %+v", po.ID, po.Terms != nil, po.Opened, po.Lines)
		}
	}
	// The cascade's second tier: Lakeside Fabrics ordered its yarn from
	// Northfield Yarns and received it; Swift Freight carried the yarn and
	// the first hub's jackets, each with its proof of delivery.
	cascade := false
	for _, po := range pos {
		cascade = cascade || (po.Factory == "lakeside-fabrics" && po.Supplier == "northfield-yarns" && po.Status == gongxu.POReceived)
	}
	if !cascade {
		t.Errorf("no purchase order of Lakeside Fabrics received from Northfield Yarns: %+v", pos)
	}
	var legs []gongxu.Leg
	if err := json.Unmarshal([]byte(get("/v1/legs?org=swift-freight&status=delivered")), &legs); err != nil || len(legs) != 2 {
		t.Fatalf("Swift Freight's delivered legs: %+v (%v)", legs, err)
	}
	for _, l := range legs {
		if l.PODEvidence() == "" || l.ReceivedBy == "" || (l.Hub != "hilltown-hub" && l.Shipper != "northfield-yarns") {
			t.Errorf("leg %+v", l)
		}
	}
	// The hubs' recorded past sales give the demand pages of a first run a
	// forecast and a suggested pool, to an anonymous reader.
	for _, p := range []string{"acme-apparel/rain-jacket", "sunrise-garments/merino-tee"} {
		var fc gongxu.ForecastReport
		if err := json.Unmarshal([]byte(get("/v1/forecast?product="+p)), &fc); err != nil {
			t.Fatal(err)
		}
		methods := 0
		for _, s := range fc.Series {
			if s.Hub == "" && s.Method != "" && s.Weeks >= 12 {
				methods++
			}
		}
		if methods == 0 {
			t.Errorf("%s: no total series forecast from the history: %+v", p, fc.Series)
		}
		if page := get("/demand/" + p); !strings.Contains(page, `id="suggest-link" href="/pools/new?`) {
			t.Errorf("%s: the demand page suggests no pool:\n%s", p, page)
		}
	}
}

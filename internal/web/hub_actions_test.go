package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// jacketDL is the GS1 Digital Link of the jacket lot on the test server,
// whose path is jacketDLPath.
const (
	jacketDLPath = "/01/09506000134352/10/merino-jacket-0001"
	jacketDL     = "http://example.com" + jacketDLPath
)

// newHubServer is newTestServer with what the consumer's pledge page and
// the hub's pickup read, as a node wires them: receipts from the batches
// as committed, the pool module's proof check, pickups from the read model.
func newHubServer(t *testing.T, f *site, mod ...func(*Config)) *server {
	t.Helper()
	cfg := f.config()
	cfg.Receipts = f.w.Receipts()
	cfg.CheckReceipt = pool.VerifyReceipt
	cfg.Pickup = f.w.Read().Pickup
	cfg.RecallAcks = f.w.Read().RecallAcks
	for _, m := range mod {
		m(&cfg)
	}
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// post posts form to target from localAddr (unless remote is given in
// header as "Remote") with session sess.
func postForm(t *testing.T, h http.Handler, target string, sess *http.Cookie, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	remote := localAddr
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Remote" {
			remote = header[i+1]
			header = append(header[:i:i], header[i+2:]...)
			break
		}
	}
	return serve(t, h, request("POST", target, strings.NewReader(form.Encode()), remote, []*http.Cookie{sess}, header...))
}

// openForm signs in and loads page: the session and the form's token.
func openForm(t *testing.T, h http.Handler, page string) (*http.Cookie, string) {
	t.Helper()
	sess := signIn(t, h, localAddr)
	res, body := serve(t, h, request("GET", page, nil, localAddr, []*http.Cookie{sess}))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", page, res.StatusCode, body)
	}
	return sess, csrfOf(t, body)
}

// tokenFor gives sess a new token of form.
func tokenFor(s *server, sess *http.Cookie, form string) string {
	return s.sessions.issue(s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{sess})), form)
}

// rcCode is the receipt code of consumer i of a batch.
func rcCode(b inproc.Batch, i int) string {
	return receiptCode(receiptKey{Tx: b.Tx, Index: i, Secret: b.Consumers[i].Secret})
}

func TestHubConfirmDelivery(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	sess, tok := openForm(t, s, "/hub/deliveries")
	_, body := serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	// Hilltown's shirts in production wait for it; its jackets are delivered.
	contains(t, "deliveries", body, `id="delivery-4"`, `<button type="submit" id="confirm-4">Confirm the delivery</button>`, "not shipped on the ledger")
	lacks(t, "deliveries", body, `id="delivery-1"`, `id="delivery-5"`)

	h := f.w.Height()
	for name, c := range map[string]struct {
		form   url.Values
		status int
		want   string
	}{
		"malformed":   {url.Values{"pool": {"four"}}, 400, "&#34;four&#34; is not a pool number."},
		"zero":        {url.Values{"pool": {"0"}}, 400, "is not a pool number"},
		"two pools":   {url.Values{"pool": {"4", "5"}}, 400, "more than one pool"},
		"unknown":     {url.Values{"pool": {"99"}}, 404, "There is no pool 99."},
		"open":        {url.Values{"pool": {"5"}}, 409, "Pool 5 is not in production"},
		"delivered":   {url.Values{"pool": {"1"}}, 409, "already confirmed its delivery of pool 1"},
		"failed":      {url.Values{"pool": {"2"}}, 409, "Pool 2 is not in production"},
		"oversized":   {url.Values{"pool": {strings.Repeat("4", maxForm)}}, 400, "The form could not be read."},
		"no such key": {url.Values{"pool": {"18446744073709551616"}}, 400, "is not a pool number"},
	} {
		c.form.Set("csrf", tokenFor(s, sess, deliveryGuard.Form))
		res, body := postForm(t, s, "/hub/deliveries", sess, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		contains(t, name, body, c.want)
	}
	if n := len(f.sent()); n != 0 || f.w.Height() != h {
		t.Fatalf("bad input sent %d messages", n)
	}

	// The confirmation: one transaction, shown.
	res, body := postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {tok}, "pool": {"4"}})
	sends := f.sent()
	if res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Type != "pool/confirm_delivery" || sends[0].Result.Code != 0 ||
		string(sends[0].Body) != `{"pool":4}` {
		t.Fatalf("status %d, sends %+v\n%s", res.StatusCode, sends, body)
	}
	contains(t, "done", body, "<h1>Delivery confirmed</h1>", `id="done-tx" href="/txs/`+sends[0].Result.Hash+`"`,
		"Hilltown Community Hub confirmed it received its 64 units of pool 4")
	if shares, _ := f.w.Read().HubShares(t.Context(), 4); len(shares) == 0 || !shares[0].Delivered {
		t.Errorf("the share is not delivered on the ledger: %+v", shares)
	}
	// A replay says what the first did, and sends nothing.
	res, body = postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {tok}, "pool": {"4"}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("replay: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "The delivery was confirmed in transaction "+sends[0].Result.Hash)
}

// TestHubConfirmShipped: Lakeside's share of the jackets, shipped before
// the recall, is on its way: Lakeside confirms it received it; a share not
// shipped is refused by the network.
func TestHubConfirmShipped(t *testing.T) {
	f := newSite(t)
	f.op = f.w.Operator(inproc.Lakeside)
	f.operator = f.op
	s := newHubServer(t, f)
	sess, tok := openForm(t, s, "/hub/deliveries")
	// Hilltown's shirts are not Lakeside's to confirm.
	res, body := postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {tokenFor(s, sess, deliveryGuard.Form)}, "pool": {"4"}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Errorf("another hub's share: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "another hub's share", body, "Lakeside Corner Shop has no share in pool 4")
	// The open jacket pool shipped nothing yet: refused before sending.
	res, _ = postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {tok}, "pool": {strconv.FormatUint(f.w.JacketsOpen, 10)}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Fatalf("unshipped: status %d, sends %+v", res.StatusCode, f.sent())
	}
	_, body = serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "shipped", body, `id="delivery-1"`, `<span class="rel confirm-by">confirmed automatically on <time`, "unless disputed")
	lacks(t, "shipped", body, "not shipped on the ledger")
	res, body = postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {csrfOf(t, body)}, "pool": {"1"}})
	if sends := f.sent(); res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Result.Code != 0 {
		t.Fatalf("shipped: status %d, sends %+v\n%s", res.StatusCode, sends, body)
	}
	contains(t, "shipped done", body, "Lakeside Corner Shop confirmed it received")
}

// TestHubConfirmPartlyShipped: Hilltown's shirts ship in two parts; after
// the first the page says how much came and the confirmation is refused
// before sending; once the rest ships, it confirms.
func TestHubConfirmPartlyShipped(t *testing.T) {
	f := newSite(t)
	f.op = f.w.Operator(inproc.Hilltown)
	f.operator = f.op
	shirtsMade(t, f.w)
	f.w.Send(inproc.Acme, "pool/ship", inproc.M{"pool": f.w.ShirtsInProduction, "hub": inproc.Hilltown, "qty": 1000})
	s := newHubServer(t, f)
	sess, tok := openForm(t, s, "/hub/deliveries")
	_, body := serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "partly shipped", body, `<span class="partly-shipped">1 of`)
	res, body := postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {tok}, "pool": {strconv.FormatUint(f.w.ShirtsInProduction, 10)}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Fatalf("partly shipped: status %d, sends %+v\n%s", res.StatusCode, f.sent(), body)
	}
	contains(t, "partly shipped", body, "are shipped so far: confirm once the share is shipped in full")
	_, body = serve(t, s, request("GET", poolPath(f.w.ShirtsInProduction), nil, localAddr, nil))
	contains(t, "pool page", body, `<span class="badge partly-shipped">of 64</span>`)
	f.w.Send(inproc.Acme, "pool/ship", inproc.M{"pool": f.w.ShirtsInProduction, "hub": inproc.Hilltown})
	_, body = serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	res, body = postForm(t, s, "/hub/deliveries", sess, url.Values{"csrf": {csrfOf(t, body)}, "pool": {strconv.FormatUint(f.w.ShirtsInProduction, 10)}})
	if sends := f.sent(); res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Result.Code != 0 {
		t.Fatalf("shipped in full: status %d, sends %+v\n%s", res.StatusCode, sends, body)
	}
}

// TestHubActionsRefuse: the action forms take a submission only signed in,
// from this node's site and machine, with an unused token of that form,
// from a hub.
func TestHubActionsRefuse(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	b := f.w.Batches[1][inproc.Hilltown][0]
	sess := signIn(t, s, localAddr)
	other := signIn(t, s, localAddr)
	for _, a := range []struct {
		path, form string
		fields     url.Values
	}{
		{"/hub/deliveries", deliveryGuard.Form, url.Values{"pool": {"4"}}},
		{"/hub/pickup", pickupGuard.Form, url.Values{"receipt": {rcCode(b, 0)}}},
		{"/recalls/2/ack", recallAckGuard.Form, url.Values{}},
	} {
		with := func(tok string) url.Values {
			v := url.Values{"csrf": {tok}}
			for k, x := range a.fields {
				v[k] = x
			}
			return v
		}
		for name, c := range map[string]struct {
			sess   *http.Cookie
			form   url.Values
			header []string
			status int
		}{
			"remote":          {sess, with(tokenFor(s, sess, a.form)), []string{"Remote", "192.0.2.7:4000"}, 403},
			"cross-site":      {sess, with(tokenFor(s, sess, a.form)), []string{"Sec-Fetch-Site", "cross-site"}, 403},
			"rebound host":    {sess, with(tokenFor(s, sess, a.form)), []string{"Host", "attacker.example"}, 403},
			"not signed in":   {nil, with(tokenFor(s, sess, a.form)), nil, 401},
			"another session": {other, with(tokenFor(s, sess, a.form)), nil, 403},
			"no token":        {sess, with(""), nil, 403},
			"made-up token":   {sess, with(strings.Repeat("0", 64)), nil, 403},
			"another form's":  {sess, with(tokenFor(s, sess, hubGuard.Form)), nil, 403},
		} {
			res, _ := postForm(t, s, a.path, c.sess, c.form, c.header...)
			if res.StatusCode != c.status {
				t.Errorf("%s %s: status %d, want %d", a.path, name, res.StatusCode, c.status)
			}
		}
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d messages sent", a.path, n)
		}
		// A node whose operator is no hub offers none of them.
		g := newSite(t)
		g.op.SetOrg(inproc.Acme)
		gs := newHubServer(t, g)
		gsess := signIn(t, gs, localAddr)
		_, body := serve(t, gs, request("GET", a.path, nil, localAddr, []*http.Cookie{gsess}))
		if a.path != "/recalls/2/ack" {
			contains(t, a.path+" not a hub", body, "Acme Textiles is not a hub.")
			lacks(t, a.path+" not a hub", body, `name="csrf"`)
		}
		res, _ := postForm(t, gs, a.path, gsess, with(tokenFor(gs, gsess, a.form)))
		if res.StatusCode != http.StatusConflict || len(g.sent()) != 0 {
			t.Errorf("%s not a hub: status %d, %d sends", a.path, res.StatusCode, len(g.sent()))
		}
	}
	// Another machine sees why, and no form.
	for _, p := range []string{"/hub/deliveries", "/hub/pickup"} {
		res, body := serve(t, s, request("GET", p, nil, "192.0.2.7:4000", []*http.Cookie{sess}))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("remote GET %s: status %d", p, res.StatusCode)
		}
		lacks(t, "remote "+p, body, `name="csrf"`)
	}
}

func TestHubPickup(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	b := f.w.Batches[1][inproc.Hilltown][0]
	sess, tok := openForm(t, s, "/hub/pickup")
	_, body := serve(t, s, request("GET", "/hub/pickup", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "page", body, `<video id="scan-video"`, `<script src="/static/scan.js?v=`, `name="receipt"`, `data-scan="receipt"`)

	h := f.w.Height()
	wrong := receiptCode(receiptKey{Tx: b.Tx, Index: 1, Secret: b.Consumers[2].Secret})
	unknown := receiptCode(receiptKey{Tx: strings.Repeat("AB", 32), Index: 0, Secret: b.Consumers[0].Secret})
	for name, c := range map[string]struct {
		receipt []string
		status  int
		want    string
	}{
		"empty":         {[]string{""}, 400, "Give the receipt code"},
		"malformed":     {[]string{"GX1abc"}, 400, "This is not a receipt code"},
		"bad base64":    {[]string{"GX1" + strings.Repeat("*", 88)}, 400, "This is not a receipt code"},
		"oversized":     {[]string{strings.Repeat("A", maxReceiptInput+1)}, 400, "too long to be a receipt"},
		"two receipts":  {[]string{rcCode(b, 0), rcCode(b, 1)}, 400, "more than one receipt"},
		"wrong secret":  {[]string{wrong}, 400, "does not open this pledge"},
		"public copy":   {[]string{publicReceipt(t, b, 0)}, 400, "it is the public copy"},
		"unknown batch": {[]string{unknown}, 404, "No hub batch on the ledger"},
		"picked up":     {[]string{rcCode(b, 4)}, 409, "This pledge was already picked up, in transaction " + f.w.PickupTxs[0]},
	} {
		res, body := postForm(t, s, "/hub/pickup", sess, url.Values{"csrf": {tokenFor(s, sess, pickupGuard.Form)}, "receipt": c.receipt})
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		contains(t, name, body, `id="hub-error"`, c.want, `id="pickup-form"`)
	}
	if n := len(f.sent()); n != 0 || f.w.Height() != h {
		t.Fatalf("bad input sent %d messages", n)
	}

	// The consumer's receipt QR code, scanned: the address of their pledge page.
	res, body := postForm(t, s, "/hub/pickup", sess, url.Values{"csrf": {tok}, "receipt": {"https://hub.example/pledge#" + rcCode(b, 0)}})
	sends := f.sent()
	if res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Type != "pool/pickup" || sends[0].Result.Code != 0 {
		t.Fatalf("status %d, sends %+v\n%s", res.StatusCode, sends, body)
	}
	var m struct {
		Pool    uint64         `json:"pool"`
		Receipt gongxu.Receipt `json:"receipt"`
	}
	if err := json.Unmarshal(sends[0].Body, &m); err != nil || m.Pool != 1 || m.Receipt.Tx != b.Tx || m.Receipt.Index != 0 || m.Receipt.Secret != b.Consumers[0].Secret {
		t.Errorf("pickup body %s (%v)", sends[0].Body, err)
	}
	contains(t, "done", body, "<h1>Hand the goods over</h1>", "is recorded as picked up at Hilltown Community Hub", sends[0].Result.Hash)
	if pk, err := f.w.Read().Pickup(t.Context(), 1, gongxu.PledgeURN(b.Tx, 0)); err != nil || pk.Tx != sends[0].Result.Hash {
		t.Errorf("the pickup is not in the read model: %+v %v", pk, err)
	}
	res, body = postForm(t, s, "/hub/pickup", sess, url.Values{"csrf": {tok}, "receipt": {rcCode(b, 0)}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("replay: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "The pickup was recorded in transaction "+sends[0].Result.Hash)

	// The consumer's receipt file works as well.
	file, _ := json.MarshalIndent(b.Receipt(1), "", "  ")
	res, body = postForm(t, s, "/hub/pickup", sess, url.Values{"csrf": {tokenFor(s, sess, pickupGuard.Form)}, "receipt": {string(file)}})
	if res.StatusCode != http.StatusOK || len(f.sent()) != 2 || f.sent()[1].Result.Code != 0 {
		t.Errorf("receipt file: status %d\n%s", res.StatusCode, body)
	}

	// Another hub does not hand Hilltown's pledges over.
	g := newSite(t)
	g.op = g.w.Operator(inproc.Lakeside)
	g.operator = g.op
	gs := newHubServer(t, g)
	gsess, gtok := openForm(t, gs, "/hub/pickup")
	res, body = postForm(t, gs, "/hub/pickup", gsess, url.Values{"csrf": {gtok}, "receipt": {rcCode(g.w.Batches[1][inproc.Hilltown][0], 2)}})
	if res.StatusCode != http.StatusForbidden || len(g.sent()) != 0 {
		t.Errorf("another hub: status %d, %d sends", res.StatusCode, len(g.sent()))
	}
	contains(t, "another hub", body, "This pledge was gathered by Hilltown Community Hub")
}

// publicReceipt is the public receipt of leaf i (no secret) as a file.
func publicReceipt(t *testing.T, b inproc.Batch, i int) string {
	r := b.Receipt(i)
	r.Secret = ""
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// pledgePost posts the consumer's pledge form, urlencoded.
func pledgePost(t *testing.T, h http.Handler, form url.Values) (*http.Response, string) {
	t.Helper()
	return serve(t, h, request("POST", "/pledge", strings.NewReader(form.Encode()), "198.51.100.9:1234", nil))
}

// pledgeUpload posts the pledge form as multipart, with these parts.
func pledgeUpload(t *testing.T, h http.Handler, parts ...[2]string) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p[0] == "file" {
			w, _ := mw.CreateFormFile("file", "receipt.json")
			w.Write([]byte(p[1]))
		} else {
			mw.WriteField(p[0], p[1])
		}
	}
	mw.Close()
	req := request("POST", "/pledge", &buf, "198.51.100.9:1234", nil)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return serve(t, h, req)
}

func TestPledgePage(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f, func(c *Config) { c.PublicURL = "https://hub.example/" })
	b := f.w.Batches[1][inproc.Hilltown][0]

	res, body := serve(t, s, request("GET", "/pledge", nil, "198.51.100.9:1234", nil))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /pledge: status %d", res.StatusCode)
	}
	contains(t, "form", body, `id="pledge-form"`, `enctype="multipart/form-data"`, `data-hash="code"`, `<script src="/static/scan.js?v=`)
	lacks(t, "form", body, `name="csrf"`) // public: nothing to sign

	// A pledge picked up: the final price, the refund, the pickup, the proof.
	p1, _ := f.w.Read().Pool(t.Context(), 1)
	res, body = pledgePost(t, s, url.Values{"code": {rcCode(b, 4)}})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, Cache-Control %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	leaf := b.Consumers[4].Leaf
	escrow, _ := gongxu.Cost(leaf.Qty, p1.Tiers[0].UnitPrice)
	cost, _ := gongxu.Cost(leaf.Qty, p1.Price)
	contains(t, "picked up", body, `<dd id="pledge-pool-status">`+statusLabel(p1.Status)+`</dd>`,
		money(p1.Price, "CNY")+" per unit, tier", money(cost, "CNY"), `<dd id="pledge-refund">`+money(escrow-cost, "CNY"),
		`id="pledge-pickup">Picked up:`, f.w.PickupTxs[0][:8], `<a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`,
		`id="proof-verified"`, leaf.ID, `id="pledge-qr"`)
	if got, want := qrOf(t, body), "https://hub.example/pledge#"+rcCode(b, 4); got != want {
		t.Errorf("QR code says %q, want %q", got, want)
	}
	// Nothing of anybody else's: no other leaf's pseudonym or secret.
	for i, c := range b.Consumers {
		if i != 4 {
			lacks(t, "others", body, c.Leaf.ID, c.Secret)
		}
	}
	if n := len(f.sent()); n != 0 {
		t.Errorf("the pledge page sent %d messages", n)
	}

	// Not picked up yet, at a delivered hub; the receipt file, uploaded.
	file, _ := json.MarshalIndent(b.Receipt(3), "", "  ")
	res, body = pledgeUpload(t, s, [2]string{"code", ""}, [2]string{"file", string(file)})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: status %d\n%s", res.StatusCode, body)
	}
	contains(t, "upload", body, "Ready at your hub", b.Consumers[3].Leaf.ID)

	// A failed pool: everything refunded, no price.
	fb := f.w.Batches[2][inproc.Hilltown][0]
	_, body = pledgePost(t, s, url.Values{"code": {rcCode(fb, 0)}})
	fescrow := fb.Consumers[0].Leaf.Qty
	p2, _ := f.w.Read().Pool(t.Context(), 2)
	full, _ := gongxu.Cost(fescrow, p2.Tiers[0].UnitPrice)
	contains(t, "failed", body, "none: the pool did not go ahead", `<dd id="pledge-refund">`+money(full, p2.Currency))

	// An open pool: the tier reached so far.
	ob := f.w.Batches[5][inproc.Hilltown][0]
	_, body = pledgePost(t, s, url.Values{"code": {rcCode(ob, 0)}})
	contains(t, "open", body, "per unit so far (tier", "Not yet: the goods are not at your hub yet.")

	wrong := receiptCode(receiptKey{Tx: b.Tx, Index: 1, Secret: b.Consumers[2].Secret})
	unknown := receiptCode(receiptKey{Tx: strings.Repeat("CD", 32), Index: 0, Secret: b.Consumers[0].Secret})
	beyond := receiptCode(receiptKey{Tx: b.Tx, Index: len(b.Consumers), Secret: b.Consumers[0].Secret})
	for name, c := range map[string]struct {
		form   url.Values
		status int
		want   string
	}{
		"empty":        {url.Values{"code": {""}}, 400, "Give the receipt code"},
		"malformed":    {url.Values{"code": {"GX1" + strings.Repeat("A", 80)}}, 400, "This is not a receipt code"},
		"two codes":    {url.Values{"code": {rcCode(b, 0), rcCode(b, 1)}}, 400, "Give one receipt"},
		"other fields": {url.Values{"code": {rcCode(b, 0)}, "x": {"1"}}, 400, "Give one receipt"},
		"wrong secret": {url.Values{"code": {wrong}}, 400, "does not open its pledge"},
		"public copy":  {url.Values{"code": {publicReceipt(t, b, 0)}}, 400, "it is the public copy"},
		"unknown":      {url.Values{"code": {unknown}}, 404, "No pledge on the ledger has this receipt."},
		"no such leaf": {url.Values{"code": {beyond}}, 404, "No pledge on the ledger has this receipt."},
		"oversized":    {url.Values{"code": {strings.Repeat("A", maxPledgeBody)}}, 413, "too long"},
	} {
		res, body := pledgePost(t, s, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		contains(t, name, body, `id="pledge-error"`, c.want, `id="pledge-form"`)
		lacks(t, name, body, `id="pledge-status"`)
	}
	for name, parts := range map[string][][2]string{
		"code and file": {{"code", rcCode(b, 0)}, {"file", string(file)}},
		"two files":     {{"file", string(file)}, {"file", string(file)}},
		"other part":    {{"other", "x"}},
		"duplicate key": {{"file", `{"tx":"` + b.Tx + `","tx":"` + b.Tx + `","index":0,"secret":"` + b.Consumers[0].Secret + `"}`}},
	} {
		res, _ := pledgeUpload(t, s, parts...)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", name, res.StatusCode)
		}
	}
	// The code never goes in an address.
	if res, _ := serve(t, s, request("GET", "/pledge?code="+rcCode(b, 0), nil, localAddr, nil)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("code in the query: status %d", res.StatusCode)
	}
	// A node without receipts says so.
	g := newHubServer(t, f, func(c *Config) { c.Receipts = nil })
	if res, _ := pledgePost(t, g, url.Values{"code": {rcCode(b, 0)}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("no receipts: status %d", res.StatusCode)
	}
}

// TestPledgeLookupsBounded: when every lookup slot is taken, a pledge is
// refused at once (503) instead of queueing work on the node.
func TestPledgeLookupsBounded(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	b := f.w.Batches[1][inproc.Hilltown][0]
	for range maxPledgeLookups {
		s.lookups <- struct{}{}
	}
	res, body := pledgePost(t, s, url.Values{"code": {rcCode(b, 0)}})
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("busy: status %d", res.StatusCode)
	}
	contains(t, "busy", body, "The node is busy.")
	for range maxPledgeLookups {
		<-s.lookups
	}
	if res, _ := pledgePost(t, s, url.Values{"code": {rcCode(b, 0)}}); res.StatusCode != http.StatusOK {
		t.Errorf("after: status %d", res.StatusCode)
	}
	// One address gets pledgeBurst lookups at once (the clock stands
	// still here), then 429; another address still gets its own.
	for i := 3; i <= pledgeBurst; i++ { // the busy one and the one after took two
		if res, _ := pledgePost(t, s, url.Values{"code": {rcCode(b, 0)}}); res.StatusCode != http.StatusOK {
			t.Fatalf("lookup %d: status %d", i, res.StatusCode)
		}
	}
	res, body = pledgePost(t, s, url.Values{"code": {rcCode(b, 0)}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("over the rate: status %d", res.StatusCode)
	}
	contains(t, "rate", body, "Too many receipts from your address.")
	req := request("POST", "/pledge", strings.NewReader(url.Values{"code": {rcCode(b, 0)}}.Encode()), "198.51.100.10:1", nil)
	if res, _ := serve(t, s, req); res.StatusCode != http.StatusOK {
		t.Errorf("another address: status %d", res.StatusCode)
	}
}

// TestReceiptQR: the walk-in receipt carries the consumer's receipt code and
// its QR code, the address of their pledge page on the public URL, which
// opens the pledge.
func TestReceiptQR(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f, func(c *Config) { c.PublicURL = "https://gongxu.hilltown.example" })
	sess, tok := openHubForm(t, s)
	res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"6/"}, "qty": {"10"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	secret := regexp.MustCompile(`id="pickup-secret">([0-9a-f]{64})<`).FindStringSubmatch(body)
	code := regexp.MustCompile(`id="receipt-code">(GX1[A-Za-z0-9_-]{88})<`).FindStringSubmatch(body)
	if secret == nil || code == nil {
		t.Fatalf("no secret or code on the receipt:\n%s", body)
	}
	k, err := parseReceiptCode(code[1])
	if err != nil || k.Tx != f.sent()[0].Result.Hash || k.Index != 0 || k.Secret != secret[1] {
		t.Errorf("the code %s reads %+v (%v)", code[1], k, err)
	}
	if got := qrOf(t, body); got != "https://gongxu.hilltown.example/pledge#"+code[1] {
		t.Errorf("QR code says %q", got)
	}
	res, body = pledgePost(t, s, url.Values{"code": {codeOf0(body)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the receipt's code does not open the pledge: %d\n%s", res.StatusCode, body)
	}
	contains(t, "pledge", body, `<dd id="pledge-qty">10 units</dd>`, `id="proof-verified"`)
}

// codeOf0 is the receipt code a receipt page shows.
func codeOf0(body string) string {
	m := regexp.MustCompile(`id="receipt-code">(GX1[A-Za-z0-9_-]{88})<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestPublicURL(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                    "",
		"https://gongxu.example.com":          "https://gongxu.example.com",
		"https://gongxu.example.com/":         "https://gongxu.example.com",
		" http://10.0.0.5:8080/gongxu/ ":      "http://10.0.0.5:8080/gongxu",
		"ftp://gongxu.example.com":            "!",
		"https://gongxu.example.com/?a=b":     "!",
		"https://gongxu.example.com/#frag":    "!",
		"https://user@gongxu.example.com":     "!",
		"gongxu.example.com":                  "!",
		"https://":                            "!",
		"https://gongxu.example.com/a b":      "https://gongxu.example.com/a%20b",
		"javascript:alert(1)":                 "!",
		"https://" + strings.Repeat("a", 300): "!",
	} {
		got, err := cleanPublicURL(raw)
		if want == "!" && err == nil || want != "!" && (err != nil || got != want) {
			t.Errorf("cleanPublicURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if _, err := newServer(Config{Node: newSite(t).node, Members: newSite(t).members, Txs: newSite(t).txs, PublicURL: "ftp://x"}, nil); err == nil {
		t.Error("a bad PublicURL was taken")
	}
	s := &server{}
	r := request("GET", "/p/x", nil, localAddr, nil)
	if got := s.publicURL(r, "/p/x"); got != "http://"+nodeHost+"/p/x" {
		t.Errorf("no PublicURL: %q", got)
	}
	s.public = "https://gongxu.example.com"
	if got := s.publicURL(r, "p/x"); got != "https://gongxu.example.com/p/x" {
		t.Errorf("PublicURL: %q", got)
	}
	for gtin, want := range map[string]string{"09506000134352": "09506000134352", "9506000134352": "09506000134352", "12345678": "00000012345678", "123": "", "0950600013435x": ""} {
		got, ok := gtin14(gtin)
		if got != want || ok != (want != "") {
			t.Errorf("gtin14(%q) = %q, %v", gtin, got, ok)
		}
	}
}

// TestDigitalLink: the provenance QR code of a lot whose product has a
// GTIN is the lot's GS1 Digital Link on the public URL, and the node
// resolves it to the lot's provenance page.
func TestDigitalLink(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f, func(c *Config) { c.PublicURL = "https://trace.acme.example" })
	body := page(t, s, jacketPath, http.StatusOK)
	if got := qrOf(t, body); got != "https://trace.acme.example/01/09506000134352/10/merino-jacket-0001" {
		t.Errorf("QR code says %q", got)
	}
	// A lot of a product without a GTIN: the page's own address.
	body = page(t, s, "/p/acme-textiles/scarf-001", http.StatusOK)
	if got := qrOf(t, body); got != "https://trace.acme.example/p/acme-textiles/scarf-001" {
		t.Errorf("scarf QR code says %q", got)
	}
	res, _ := serve(t, s, request("GET", "/01/09506000134352/10/merino-jacket-0001", nil, localAddr, nil))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != jacketPath {
		t.Errorf("resolve: status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = serve(t, s, request("GET", "/01/09506000134352/10/no-such-lot", nil, localAddr, nil))
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/p?id=https%3A%2F%2Ftrace.acme.example%2F01%2F") {
		t.Errorf("unknown lot: status %d, Location %q", res.StatusCode, loc)
	}
	// One address resolves dlBurst links at once (the clock stands still).
	for i := 3; i <= dlBurst; i++ {
		serve(t, s, request("GET", "/01/09506000134352/10/merino-jacket-0001", nil, localAddr, nil))
	}
	if res, body := serve(t, s, request("GET", "/01/09506000134352/10/merino-jacket-0001", nil, localAddr, nil)); res.StatusCode != http.StatusTooManyRequests ||
		!strings.Contains(body, "Too many requests from your address.") {
		t.Errorf("over the rate: status %d", res.StatusCode)
	}
	for _, bad := range []string{"/01/123/10/x", "/01/0950600013435x/10/x", "/01/09506000134352/10/" + strings.Repeat("x", 21)} {
		if res, _ := serve(t, s, request("GET", bad, nil, localAddr, nil)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d", bad, res.StatusCode)
		}
	}
}

// TestRecallAck: a hub acknowledges a recall that reaches the goods shipped
// to it, once; the recall page lists who did.
func TestRecallAck(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := serve(t, s, request("GET", "/recalls/2", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "page", body, `id="recall-acks"`, `id="no-acks"`, `<button type="submit" id="ack-1">Acknowledge for pool #1</button>`)
	tok := csrfOf(t, body)
	// The scarf recall reaches no pool: nothing to acknowledge.
	_, body = serve(t, s, request("GET", "/recalls/1", nil, localAddr, []*http.Cookie{sess}))
	lacks(t, "scarf", body, `id="recall-acks"`, `name="csrf"`)
	// Not signed in: the page says so.
	_, body = serve(t, s, request("GET", "/recalls/2", nil, localAddr, nil))
	contains(t, "not signed in", body, `id="ack-problem"`, `id="ack-signin"`)

	h := f.w.Height()
	for name, c := range map[string]struct {
		path   string
		form   url.Values
		status int
		want   string
	}{
		"malformed pool": {"/recalls/2/ack", url.Values{"pool": {"x"}}, 400, "&#34;x&#34; is not a pool number."},
		"two pools":      {"/recalls/2/ack", url.Values{"pool": {"1", "5"}}, 400, "more than one pool"},
		"not reached":    {"/recalls/2/ack", url.Values{"pool": {"5"}}, 409, "Recall 2 does not reach goods of pool 5 shipped to Hilltown Community Hub"},
		"scarf":          {"/recalls/1/ack", url.Values{"pool": {"1"}}, 409, "Recall 1 does not reach goods of pool 1"},
		"unknown recall": {"/recalls/99/ack", url.Values{"pool": {"1"}}, 404, "No recall has the number"},
		"bad recall":     {"/recalls/x/ack", url.Values{"pool": {"1"}}, 404, ""},
	} {
		c.form.Set("csrf", tokenFor(s, sess, recallAckGuard.Form))
		res, body := postForm(t, s, c.path, sess, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		contains(t, name, body, c.want)
	}
	if n := len(f.sent()); n != 0 || f.w.Height() != h {
		t.Fatalf("bad input sent %d messages", n)
	}

	res, body := postForm(t, s, "/recalls/2/ack", sess, url.Values{"csrf": {tok}, "pool": {"1"}})
	sends := f.sent()
	if res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Type != "trace/recall_ack" || sends[0].Result.Code != 0 ||
		string(sends[0].Body) != `{"recall":2,"pool":1}` {
		t.Fatalf("status %d, sends %+v\n%s", res.StatusCode, sends, body)
	}
	contains(t, "done", body, "<h1>Recall acknowledged</h1>", "Hilltown Community Hub acknowledged recall 2 for the goods of pool 1", sends[0].Result.Hash)
	res, body = postForm(t, s, "/recalls/2/ack", sess, url.Values{"csrf": {tok}, "pool": {"1"}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("replay: status %d", res.StatusCode)
	}
	contains(t, "replay", body, "Already submitted", "The acknowledgement was recorded in transaction "+sends[0].Result.Hash)
	res, body = postForm(t, s, "/recalls/2/ack", sess, url.Values{"csrf": {tokenFor(s, sess, recallAckGuard.Form)}, "pool": {"1"}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("again: status %d", res.StatusCode)
	}
	contains(t, "again", body, "Hilltown Community Hub already acknowledged recall 2")
	// Anyone reading the recall sees who acknowledged it.
	_, body = serve(t, s, request("GET", "/recalls/2", nil, "198.51.100.9:1", nil))
	contains(t, "listed", body, `<li id="ack-hilltown-hub"><a href="/orgs/hilltown-hub">Hilltown Community Hub</a> · pool #1`)
	_, body = serve(t, s, request("GET", "/recalls/2", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "done", body, `id="ack-done"`)
	lacks(t, "done", body, `id="ack-1"`)

	// Lakeside's share of the jackets, on its way, is reached too:
	// Lakeside acknowledges it for itself; the scarves still reach nothing.
	g := newSite(t)
	g.op = g.w.Operator(inproc.Lakeside)
	g.operator = g.op
	gs := newHubServer(t, g)
	gsess := signIn(t, gs, localAddr)
	_, body = serve(t, gs, request("GET", "/recalls/2", nil, localAddr, []*http.Cookie{gsess}))
	contains(t, "lakeside", body, `<button type="submit" id="ack-1">Acknowledge for pool #1</button>`)
	res, body = postForm(t, gs, "/recalls/1/ack", gsess, url.Values{"csrf": {tokenFor(gs, gsess, recallAckGuard.Form)}, "pool": {"1"}})
	if res.StatusCode != http.StatusConflict || len(g.sent()) != 0 {
		t.Errorf("lakeside, scarf: status %d, %d sends", res.StatusCode, len(g.sent()))
	}
	contains(t, "lakeside, scarf", body, "Recall 1 does not reach goods of pool 1 shipped to Lakeside Corner Shop")
	res, body = postForm(t, gs, "/recalls/2/ack", gsess, url.Values{"csrf": {tokenFor(gs, gsess, recallAckGuard.Form)}, "pool": {"1"}})
	if sends := g.sent(); res.StatusCode != http.StatusOK || len(sends) != 1 || sends[0].Result.Code != 0 {
		t.Errorf("lakeside: status %d, sends %+v", res.StatusCode, sends)
	}
	contains(t, "lakeside", body, "Lakeside Corner Shop acknowledged recall 2 for the goods of pool 1")
}

// TestHubPagesInChinese: the new pages render in Chinese with no message
// left without its Chinese.
func TestHubPagesInChinese(t *testing.T) {
	f := newSite(t)
	s := newHubServer(t, f)
	sess := signIn(t, s, localAddr)
	b := f.w.Batches[1][inproc.Hilltown][0]
	for _, target := range []string{"/hub/deliveries", "/hub/pickup", "/pledge", "/recalls/2", "/hub"} {
		for _, c := range []*http.Cookie{sess, nil} {
			res, body := serve(t, s, request("GET", target, nil, localAddr, []*http.Cookie{c}, "Accept-Language", "zh-CN"))
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `<html lang="zh-CN">`) {
				t.Errorf("%s: status %d", target, res.StatusCode)
			}
		}
	}
	for _, form := range []url.Values{{"code": {rcCode(b, 4)}}, {"code": {rcCode(f.w.Batches[2][inproc.Hilltown][0], 0)}}, {"code": {rcCode(f.w.Batches[5][inproc.Hilltown][0], 0)}}, {"code": {"x"}}} {
		req := request("POST", "/pledge", strings.NewReader(form.Encode()), localAddr, nil, "Accept-Language", "zh-CN")
		if res, _ := serve(t, s, req); res.StatusCode >= 500 {
			t.Errorf("pledge: status %d", res.StatusCode)
		}
	}
	res, body := postForm(t, s, "/hub/pickup", sess, url.Values{"csrf": {tokenFor(s, sess, pickupGuard.Form)}, "receipt": {"GX1"}}, "Accept-Language", "zh-CN")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "这不是凭证码") {
		t.Errorf("pickup in Chinese: status %d", res.StatusCode)
	}
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

const evidenceSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// lastSent checks that the operator's last message is typ with body want
// and that the ledger took it.
func lastSent(t *testing.T, f *site, page, typ, want string) {
	t.Helper()
	sends := f.sent()
	if len(sends) == 0 {
		t.Fatalf("nothing sent; page:\n%s", page)
	}
	last := sends[len(sends)-1]
	if last.Type != typ || (want != "" && string(last.Body) != want) {
		t.Fatalf("sent %s %s\nwant %s %s", last.Type, last.Body, typ, want)
	}
	if last.Result.Code != 0 {
		t.Fatalf("the ledger refused %s: %+v", typ, last.Result)
	}
	contains(t, typ, page, `id="acted-done"`, `href="/txs/`+last.Result.Hash+`"`)
}

func dispute(t *testing.T, f *site, id uint64) gongxu.Dispute {
	t.Helper()
	d, err := f.w.Read().Dispute(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDisputeSettled: the hub opens a dispute from its share of the shirts
// in production, the factory proposes a split on the dispute's page, the
// hub accepts it; each form is offered only to the org that may send it.
func TestDisputeSettled(t *testing.T) {
	f := newSite(t) // Hilltown's node: a hub with a share of the shirts
	s, _ := newTestServer(t, f)
	pool := f.w.ShirtsInProduction
	newPath := "/disputes/new?pool=" + strconv.FormatUint(pool, 10)

	_, body := formGet(t, s, poolPath(pool), localAddr, signIn(t, s, localAddr))
	contains(t, "pool page", body, `href="`+newPath+`"`)
	_, body = formGet(t, s, newPath, localAddr, signIn(t, s, localAddr))
	contains(t, "new dispute", body, `id="dispute-new-form"`, `name="claimed"`, `<option value="not_as_described">`)
	res, body := actOn(t, s, newPath, newPath, url.Values{"kind": {"short"}, "claimed": {"159.00"}, "evidence": {evidenceSHA}, "note": {"one shirt missing"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("open: status %d\n%s", res.StatusCode, body)
	}
	lastSent(t, f, body, "dispute/open", fmt.Sprintf(`{"pool":%d,"kind":"short","claimed":15900,"evidence":["%s"],"note":"one shirt missing"}`, pool, evidenceSHA))
	if d := dispute(t, f, 1); d.Status != gongxu.DisputeOpen || d.Claimant != inproc.Hilltown || d.Respondent != inproc.Acme {
		t.Fatalf("dispute 1: %+v", d)
	}
	_, body = formGet(t, s, poolPath(pool), localAddr, signIn(t, s, localAddr))
	contains(t, "pool page in dispute", body, `href="/disputes/1"`)
	_, body = formGet(t, s, newPath, localAddr, signIn(t, s, localAddr))
	contains(t, "new dispute again", body, `id="dispute-why"`, "already in dispute")
	lacks(t, "new dispute again", body, `id="dispute-new-form"`)

	// The claimant may propose and withdraw; nothing to accept yet.
	_, body = formGet(t, s, "/disputes/1", localAddr, signIn(t, s, localAddr))
	contains(t, "claimant", body, `id="dispute-propose"`, `id="dispute-withdraw"`, evidenceSHA, "one shirt missing")
	lacks(t, "claimant", body, `id="dispute-accept"`, `id="dispute-vote"`)

	// The factory is told on its home page, and proposes half.
	f.op.SetOrg(inproc.Acme)
	_, body = formGet(t, s, "/", localAddr, signIn(t, s, localAddr))
	contains(t, "respondent's to-dos", body, `href="/disputes/1"`, "Dispute #1: Hilltown Community Hub claims ¥159.00 from you")
	res, body = actOn(t, s, "/disputes/1", "/disputes/1/propose", url.Values{"to_claimant": {"79.50"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("propose: status %d\n%s", res.StatusCode, body)
	}
	lastSent(t, f, body, "dispute/propose", `{"dispute":1,"to_claimant":7950}`)
	_, body = formGet(t, s, "/disputes/1", localAddr, signIn(t, s, localAddr))
	contains(t, "respondent", body, `id="dispute-propose"`, `id="dispute-proposal"`)
	lacks(t, "respondent", body, `id="dispute-accept"`, `id="dispute-withdraw"`)

	// A third org sees no form, and may not post one.
	f.op.SetOrg(inproc.Blue)
	_, body = formGet(t, s, "/disputes/1", localAddr, signIn(t, s, localAddr))
	lacks(t, "third org", body, `id="dispute-act"`)
	sess := signIn(t, s, localAddr)
	f.op.SetOrg(inproc.Hilltown)
	_, page := formGet(t, s, "/disputes/1", localAddr, sess)
	tok := csrfOf(t, page)
	f.op.SetOrg(inproc.Blue)
	res, body = factoryPost(t, s, "/disputes/1/accept", localAddr, sess, url.Values{"csrf": {tok}, "to_claimant": {"79.50"}}, "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a third org accepting: status %d\n%s", res.StatusCode, body)
	}
	contains(t, "third org", body, "Only Hilltown Community Hub may accept this proposal")

	// The hub accepts the proposal: settled, the money moves.
	f.op.SetOrg(inproc.Hilltown)
	res, body = actOn(t, s, "/disputes/1", "/disputes/1/accept", url.Values{"to_claimant": {"79.50"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("accept: status %d\n%s", res.StatusCode, body)
	}
	lastSent(t, f, body, "dispute/accept", `{"dispute":1,"to_claimant":7950}`)
	if d := dispute(t, f, 1); d.Status != gongxu.DisputeResolved || d.Outcome != gongxu.OutcomeSettled || d.ToClaimant != 7950 {
		t.Fatalf("dispute 1: %+v", d)
	}
	for _, lang := range []string{"en", "zh-CN"} {
		_, body = do(t, s, "GET", "/disputes/1", "Accept-Language", lang)
		if err := checkHTML(body); err != nil {
			t.Errorf("dispute page in %s: %v", lang, err)
		}
		contains(t, "resolved "+lang, body, `id="dispute-ruling"`)
		lacks(t, "resolved "+lang, body, `id="dispute-act"`)
	}
	_, body = do(t, s, "GET", "/disputes/1", "Accept-Language", "zh-CN")
	contains(t, "zh", body, "争议 1", "已解决", "已结算")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese: %v", missing)
	}
}

// TestDisputePanelVotes: Lakeside disputes its unshipped share of the
// jackets; the factory does not answer; after the response deadline the
// panel drawn from the ledger votes on the dispute's page, and the median
// rules.
func TestDisputePanelVotes(t *testing.T) {
	f := newSite(t)
	f.op.SetOrg(inproc.Lakeside)
	s, _ := newTestServer(t, f)
	pool := f.w.JacketsShipped
	newPath := "/disputes/new?pool=" + strconv.FormatUint(pool, 10)
	res, body := actOn(t, s, newPath, newPath, url.Values{"kind": {"late"}, "claimed": {"100.00"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("open: status %d\n%s", res.StatusCode, body)
	}
	f.w.Advance(8 * 24 * 3600 * 1000)
	f.w.Block()
	d := dispute(t, f, 1)
	if d.Status != gongxu.DisputePanel || len(d.Panel) != 3 {
		t.Fatalf("dispute 1 after the response deadline: %+v", d)
	}
	for _, o := range d.Panel {
		if o == inproc.Acme || o == inproc.Lakeside || o == inproc.Hilltown {
			t.Fatalf("party or tied hub %s on the panel %v", o, d.Panel)
		}
	}
	// The claimant may no longer propose; it may withdraw.
	_, body = formGet(t, s, "/disputes/1", localAddr, signIn(t, s, localAddr))
	contains(t, "claimant on panel", body, `id="dispute-withdraw"`, `id="dispute-panel"`)
	lacks(t, "claimant on panel", body, `id="dispute-propose"`, `id="dispute-vote"`)

	for i, v := range []string{"0", "60.00", "100.00"} {
		f.op.SetOrg(d.Panel[i])
		_, body = formGet(t, s, "/", localAddr, signIn(t, s, localAddr))
		contains(t, "panelist's to-dos", body, "You sit on the panel of dispute #1")
		_, body = formGet(t, s, "/disputes/1", localAddr, signIn(t, s, localAddr))
		contains(t, "panelist", body, `id="dispute-vote"`)
		res, body = actOn(t, s, "/disputes/1", "/disputes/1/vote", url.Values{"to_claimant": {v}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("vote %d: status %d\n%s", i, res.StatusCode, body)
		}
	}
	if d := dispute(t, f, 1); d.Status != gongxu.DisputeResolved || d.Outcome != gongxu.OutcomePanel || d.ToClaimant != 6000 {
		t.Fatalf("dispute 1 after the votes: %+v", d)
	}
	// Bad input changes nothing: an amount over the claim, on a new dispute form.
	f.op.SetOrg(inproc.Hilltown)
	shirts := "/disputes/new?pool=" + strconv.FormatUint(f.w.ShirtsInProduction, 10)
	n := len(f.sent())
	res, body = actOn(t, s, shirts, shirts, url.Values{"kind": {"short"}, "claimed": {"999999.00"}})
	if res.StatusCode != http.StatusBadRequest || len(f.sent()) != n {
		t.Fatalf("over the stake: status %d, %d sent\n%s", res.StatusCode, len(f.sent())-n, body)
	}
	res, _ = actOn(t, s, shirts, shirts, url.Values{"kind": {"short"}, "claimed": {"1.00"}, "evidence": {"photo.jpg"}})
	if res.StatusCode != http.StatusBadRequest || len(f.sent()) != n {
		t.Fatalf("evidence not a hash: status %d", res.StatusCode)
	}
}

// TestDisputeOverPO: a purchase order's dispute is shown with its order,
// no money frozen, and the split recorded as owed, in both languages.
func TestDisputeOverPO(t *testing.T) {
	f := newSite(t)
	ctx := context.Background()
	pos, err := f.w.Read().POs(ctx, inproc.Acme, 100)
	if err != nil {
		t.Fatal(err)
	}
	var po gongxu.PurchaseOrder
	for _, p := range pos {
		if p.Status == gongxu.POAccepted || p.Status == gongxu.POShipped || p.Status == gongxu.POReceived {
			po = p
			break
		}
	}
	if po.ID == 0 {
		t.Fatal("the World has no accepted purchase order")
	}
	f.w.Send(string(po.Factory), "dispute/open", inproc.M{"po": po.ID, "kind": "short", "claimed": 25000})
	f.w.Send(string(po.Supplier), "dispute/propose", inproc.M{"dispute": 1, "to_claimant": 10000})
	f.w.Send(string(po.Factory), "dispute/accept", inproc.M{"dispute": 1, "to_claimant": 10000})
	s, _ := newTestServer(t, f)
	for _, lang := range []string{"en", "zh-CN"} {
		res, body := do(t, s, "GET", "/disputes/1", "Accept-Language", lang)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", lang, res.StatusCode)
		}
		if err := checkHTML(body); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
		contains(t, "po dispute "+lang, body, `href="`+poPath(po.ID)+`"`, `id="dispute-ruling"`)
	}
	_, body := do(t, s, "GET", "/disputes/1", "Accept-Language", "en")
	contains(t, "po dispute", body, "owed to the claimant", "carries no money on the ledger")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese: %v", missing)
	}
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// acceptedPO finds one of Acme's accepted purchase orders in the World
// and a line of it (0-based) whose quantity a change may alter.
func acceptedPO(t *testing.T, f *site) (gongxu.PurchaseOrder, int) {
	t.Helper()
	pos, err := f.w.Read().POs(context.Background(), inproc.Acme, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range pos {
		if po.Factory != inproc.Acme || po.Status != gongxu.POAccepted || po.Terms != nil {
			continue
		}
		return po, 0
	}
	t.Fatal("the World has no accepted purchase order of Acme's")
	return gongxu.PurchaseOrder{}, 0
}

// The supplier proposes a change order; the purchase order page shows it
// with the changes marked, and the factory (the other party) answers it
// there; the supplier's own node offers no answer form (only the other
// party answers); a stale change number or a long reason is refused
// without sending.
func TestFactoryAnswersChange(t *testing.T) {
	f := factorySite(t)
	po, line := acceptedPO(t, f)
	lines := make([]gongxu.POLine, len(po.Lines))
	for i, l := range po.Lines {
		lines[i] = l
		lines[i].Date = po.Promised[i]
	}
	lines[line].Qty = max(po.Shipped[line], po.Lines[line].Qty/2)
	if lines[line].Qty == po.Lines[line].Qty {
		lines[line].Qty += 1000
	}
	f.w.Send(string(po.Supplier), gongxu.TypePOChange, gongxu.POChangeBody{PO: po.ID, Lines: lines, Reason: "half the looms are down"})
	path := poPath(po.ID)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, path, localAddr, sess)
	contains(t, "po page", body, `<section class="card" id="change">`, "<h2>Change order 1</h2>", "“half the looms are down”",
		fmt.Sprintf(`<td class="num changed">%s</td>`, qtyString(lines[line].Qty)),
		`<form class="po-form po-change" method="post" action="`+path+`/change" id="change-answer">`,
		`<input type="hidden" name="change" value="1">`, `id="change-accept">Accept the change</button>`,
		`<span class="badge action-change">change proposed</span>`)
	// In Chinese, every word of the section and of the console's late
	// supply has its translation.
	for _, target := range []string{path, "/factory"} {
		res, zh := serve(t, s, request("GET", target, nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s in Chinese: status %d", target, res.StatusCode)
		}
		if err := checkHTML(zh); err != nil {
			t.Errorf("%s in Chinese: %v", target, err)
		}
	}
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
	_, body = formGet(t, s, path, localAddr, sess)
	tok := csrfOf(t, body)

	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"stale number", url.Values{"change": {"2"}, "action": {"accept"}}, http.StatusConflict, "has no such change pending"},
		{"no action", url.Values{"change": {"1"}, "action": {"maybe"}}, http.StatusBadRequest, "Choose to accept or reject the change."},
		{"long reason", url.Values{"change": {"1"}, "action": {"reject"}, "reason": {strings.Repeat("x", 201)}}, http.StatusBadRequest, "The reason is 201 bytes long"},
	} {
		c.form.Set("csrf", tok)
		res, body := factoryPost(t, s, path+"/change", localAddr, sess, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.name, res.StatusCode, c.status, body)
		}
		contains(t, c.name, body, c.want)
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d sends", c.name, n)
		}
		_, body = formGet(t, s, path, localAddr, sess)
		tok = csrfOf(t, body)
	}

	form := url.Values{"csrf": {tok}, "change": {"1"}, "action": {"accept"}, "reason": {" ok "}}
	res, body := factoryPost(t, s, path+"/change", localAddr, sess, form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	committed(t, f, body, gongxu.TypePOChangeAnswer, fmt.Sprintf(`{"po":%d,"change":1,"accept":true,"reason":"ok"}`, po.ID))
	contains(t, "accepted", body, fmt.Sprintf("You accepted the change to purchase order %d", po.ID))
	got, err := f.w.Read().PO(context.Background(), po.ID)
	if err != nil || got.Change != nil || got.Lines[line].Qty != lines[line].Qty {
		t.Fatalf("purchase order %d after the answer: %+v (%v)", po.ID, got, err)
	}
	_, body = formGet(t, s, path, localAddr, sess)
	lacks(t, "answered", body, `id="change-answer"`)
	contains(t, "answered", body, `<span class="badge action-change_accept">change accepted</span>`)

	// On the supplier's node the proposer has no answer form, only why.
	f = newSite(t)
	po, line = acceptedPO(t, f)
	lines = make([]gongxu.POLine, len(po.Lines))
	for i, l := range po.Lines {
		lines[i] = l
		lines[i].Date = po.Promised[i]
	}
	lines[line].Qty += 1000
	f.w.Send(string(po.Supplier), gongxu.TypePOChange, gongxu.POChangeBody{PO: po.ID, Lines: lines})
	f.op.SetOrg(po.Supplier)
	s, _ = newTestServer(t, f)
	sess = signIn(t, s, localAddr)
	_, body = formGet(t, s, poPath(po.ID), localAddr, sess)
	contains(t, "proposer", body, `<section class="card" id="change">`, "Only Acme Textiles may answer this change order")
	lacks(t, "proposer", body, `id="change-answer"`)
}

// The factory console lists the late supply the plan expects later, with
// its basis; the World's linen fabric (purchase order 2) is late.
func TestFactoryLateSupply(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/factory", http.StatusOK)
	late := between(t, body, "late-supply")
	contains(t, "late supply", late, "<h2>Late supply", `<tr id="late-po-2-1" class="late">`, `<a href="/purchase-orders/2">#2 line 1</a>`,
		`<span class="badge err">late on the ledger</span>`, "as late again as it is already")
	contains(t, "orders", body, "waits for purchase order 2 line 1 (linen-fabric from blue-river-cotton)")
}

// A framework order's page says when each line is (or was) released.
func TestPurchaseOrderReleases(t *testing.T) {
	f := factorySite(t)
	now := f.w.Now()
	release := now + 10*inproc.Day
	f.w.Send(inproc.Acme, "production/po", inproc.M{"supplier": inproc.Blue, "lines": []inproc.M{
		{"item": "linen-fabric", "qty": 100_000, "date": now + 5*inproc.Day},
		{"item": "linen-fabric", "qty": 100_000, "date": release + 5*inproc.Day, "release": release}}})
	id := f.w.NewestPO(inproc.Acme)
	s, _ := newTestServer(t, f)
	for _, lang := range []string{"en", "zh-CN"} {
		res, body := serve(t, s, request("GET", poPath(id), nil, localAddr, nil, "Accept-Language", lang))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", lang, res.StatusCode)
		}
		if lang == "en" {
			contains(t, "framework po", body, `<small class="muted release"`, "released on ")
		}
	}
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
	f.w.AdvanceTo(release)
	f.w.Block()
	contains(t, "released", page(t, s, poPath(id), http.StatusOK), "released ")
	if po, err := f.w.Read().PO(context.Background(), id); err != nil || len(po.Released) != 2 || po.Released[1] == 0 {
		t.Fatalf("purchase order %d: %+v (%v)", id, po.Released, err)
	}
}

// A party proposes a change order on the purchase order page: the factory
// halves a line's quantity (never below what has shipped) and moves its
// promised date; bad input is refused without sending, a third org gets
// no form, and once a change is pending no new one is offered.
func TestFactoryProposesChange(t *testing.T) {
	f := factorySite(t)
	po, line := acceptedPO(t, f)
	path := poPath(po.ID)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, path, localAddr, sess)
	contains(t, "po page", body, `<details class="card" id="propose-change">`,
		`<form class="po-form po-change-propose" method="post" action="`+path+`/propose-change" id="change-propose">`,
		fmt.Sprintf(`name="qty-%d" value="%s"`, line+1, decimalString(int64(po.Lines[line].Qty), 3)))
	res, zh := serve(t, s, request("GET", path, nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	if res.StatusCode != http.StatusOK || checkHTML(zh) != nil {
		t.Fatalf("the page in Chinese: status %d, %v", res.StatusCode, checkHTML(zh))
	}
	contains(t, "zh", zh, "提出变更")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
	zone := f.w.Now() // a date a week ahead, as a date input writes it
	later := dayInputIn(max(po.Promised[line], zone)+7*inproc.Day, nil)
	price := decimalString(int64(po.Lines[line].UnitPrice), moneyScale(po.Currency))
	form := func(qty, date, price string) url.Values {
		_, body := formGet(t, s, path, localAddr, sess)
		v := url.Values{"csrf": {csrfOf(t, body)}, "reason": {"half, a week later"}}
		for i, l := range po.Lines {
			v.Set(fmt.Sprintf("qty-%d", i+1), decimalString(int64(l.Qty), 3))
			v.Set(fmt.Sprintf("date-%d", i+1), dayInputIn(po.Promised[i], nil))
			v.Set(fmt.Sprintf("price-%d", i+1), decimalString(int64(l.UnitPrice), moneyScale(po.Currency)))
		}
		v.Set(fmt.Sprintf("qty-%d", line+1), qty)
		v.Set(fmt.Sprintf("date-%d", line+1), date)
		v.Set(fmt.Sprintf("price-%d", line+1), price)
		return v
	}
	half := decimalString(int64(max(po.Shipped[line], po.Lines[line].Qty/2)), 3)
	below := decimalString(int64(po.Shipped[line]-1), 3)
	late := line < len(po.Late) && po.Late[line] != 0
	newDate := later
	if late { // the World's linen fabric is late: its date stays
		newDate = dayInputIn(po.Promised[line], nil)
	}
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"late line's date", form(half, later, price), "was recorded late: its promised date stays"},
		{"nothing changed", form(decimalString(int64(po.Lines[line].Qty), 3), dayInputIn(po.Promised[line], nil), price), "The change changes nothing"},
		{"bad qty", form("lots", newDate, price), "the quantity must be a number"},
		{"below shipped", form(below, newDate, price), "has shipped; the change cannot order less"},
		{"bad date", form(half, "soon", price), "the date must be a date"},
		{"past date", form(half, "2020-01-01", price), "is in the past"},
		{"zero price", form(half, newDate, "0"), "the unit price must be a positive amount"},
	} {
		if po.Shipped[line] == 0 && c.name == "below shipped" || !late && c.name == "late line's date" || late && c.name == "past date" {
			continue
		}
		res, body := factoryPost(t, s, path+"/propose-change", localAddr, sess, c.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d\n%s", c.name, res.StatusCode, body)
		}
		contains(t, c.name, body, c.want, "Nothing was sent.")
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d sends", c.name, n)
		}
	}
	res, body = factoryPost(t, s, path+"/propose-change", localAddr, sess, form(half, newDate, price))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	committed(t, f, body, gongxu.TypePOChange, "")
	contains(t, "proposed", body, fmt.Sprintf("You proposed a change to purchase order %d (change 1)", po.ID))
	got, err := f.w.Read().PO(context.Background(), po.ID)
	if err != nil || got.Change == nil || got.Change.By != inproc.Acme || qtyString(got.Change.Lines[line].Qty) != qtyString(gongxu.Qty(mustDecimal(t, half))) ||
		dayInputIn(got.Change.Lines[line].Date, nil) != newDate || got.Change.Reason != "half, a week later" {
		t.Fatalf("the change on the ledger: %+v (%v)", got.Change, err)
	}
	// Pending: the page shows it, and offers no new proposal.
	_, body = formGet(t, s, path, localAddr, sess)
	contains(t, "pending", body, `id="change"`, "Only Blue River Cotton may answer this change order")
	lacks(t, "pending", body, `id="propose-change"`)

	// A third org gets no form.
	f = newSite(t)
	f.op.SetOrg(inproc.Sunrise)
	s, _ = newTestServer(t, f)
	sess = signIn(t, s, localAddr)
	_, body = formGet(t, s, path, localAddr, sess)
	lacks(t, "third org", body, `id="change-propose"`)
}

func mustDecimal(t *testing.T, s string) int64 {
	t.Helper()
	n, ok := parseDecimal(s, 3)
	if !ok {
		t.Fatalf("decimal %q", s)
	}
	return n
}

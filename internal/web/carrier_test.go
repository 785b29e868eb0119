package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestCarrierPage: on Swift Logistics' node, the carrier page lists the
// legs shippers assigned to Swift and records their pickup and delivery
// through its guarded form; bad input is a 400 or 409 page and sends
// nothing; the network's refusal (a recalled lot does not move) is shown in
// words. The purchase order's page, the pool page and the recall page show
// the carrier.
func TestCarrierPage(t *testing.T) {
	f := newSite(t)
	f.op = f.w.Operator(inproc.Swift)
	f.operator = f.op
	s := newHubServer(t, f)
	w := f.w
	// Blue ships the rest of the linen (shipment 2 of PO 2) and assigns it
	// to Swift (leg 1); Acme assigns Lakeside's jackets, held by the fabric
	// recall, to Swift too (leg 2).
	w.ShipPO(inproc.Blue, poLinen, inproc.LotLine{Line: 1, Lot: inproc.Blue + "/lf-0102", Qty: 40_000})
	w.Send(inproc.Blue, gongxu.TypeLogisticsAssign, gongxu.LegAssignBody{PO: poLinen, Shipment: 2, Carrier: inproc.Swift})
	w.Send(inproc.Acme, gongxu.TypeLogisticsAssign, gongxu.LegAssignBody{Pool: poolShipped, Hub: inproc.Lakeside, Carrier: inproc.Swift})

	// Not signed in: the page says so, and lists nothing.
	_, anon := serve(t, s, request("GET", "/carrier", nil, localAddr, nil))
	contains(t, "anonymous", anon, `id="carrier-signin"`)
	lacks(t, "anonymous", anon, `id="leg-1"`)
	sess, tok := openForm(t, s, "/carrier")
	_, body := serve(t, s, request("GET", "/", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "home to-dos", body, "Pick up leg #1 at Blue River Cotton, for Acme Textiles.", `href="/carrier"`)
	_, body = serve(t, s, request("GET", "/carrier", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "carrier page", body, `id="leg-1"`, `id="leg-2"`, `id="pickup-1"`, `id="pickup-2"`, "purchase order 2, shipment 2", "pool 1 → lakeside-corner",
		inproc.Blue+"/lf-0102", "to pick up")

	h := w.Height()
	for name, c := range map[string]struct {
		form   url.Values
		status int
		want   string
	}{
		"malformed":      {url.Values{"leg": {"one"}, "action": {"pickup"}}, 400, "&#34;one&#34; is not a leg number."},
		"zero":           {url.Values{"leg": {"0"}, "action": {"pickup"}}, 400, "is not a leg number"},
		"two legs":       {url.Values{"leg": {"1", "2"}, "action": {"pickup"}}, 400, "gives leg more than once"},
		"unknown action": {url.Values{"leg": {"1"}, "action": {"lose"}}, 400, "is not a step of a leg"},
		"unknown leg":    {url.Values{"leg": {"9"}, "action": {"pickup"}}, 404, "There is no leg 9."},
		"out of order":   {url.Values{"leg": {"1"}, "action": {"deliver"}}, 409, "Leg 1 is not picked up yet: record its pickup first."},
		"long name":      {url.Values{"leg": {"1"}, "action": {"deliver"}, "received_by": {strings.Repeat("x", 101)}}, 400, "Who received the goods is 101 bytes"},
		"long note":      {url.Values{"leg": {"1"}, "action": {"deliver"}, "note": {strings.Repeat("x", 501)}}, 400, "The note is 501 bytes"},
	} {
		c.form.Set("csrf", tokenFor(s, sess, carrierGuard.Form))
		res, body := postForm(t, s, "/carrier", sess, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		contains(t, name, body, c.want)
	}
	if n := len(f.sent()); n != 0 || w.Height() != h {
		t.Fatalf("bad input sent %d messages", n)
	}

	// The pickup: one transaction, shown; the form token is used once.
	res, body := postForm(t, s, "/carrier", sess, url.Values{"csrf": {tok}, "leg": {"1"}, "action": {"pickup"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("pickup: status %d\n%s", res.StatusCode, body)
	}
	_, home := serve(t, s, request("GET", "/", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "home in transit", home, "Leg #1 is in transit to Acme Textiles: record its delivery.")
	contains(t, "pickup", body, "Pickup recorded", "Swift Logistics picked up leg 1 at blue-river-cotton.", `id="deliver-1"`, "in transit")
	if sent := f.sent(); len(sent) != 1 || sent[0].Type != gongxu.TypeLogisticsPickup || sent[0].Result.Code != 0 {
		t.Fatalf("sent %+v", sent)
	}
	if res, _ := postForm(t, s, "/carrier", sess, url.Values{"csrf": {tok}, "leg": {"1"}, "action": {"pickup"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("the used token: status %d", res.StatusCode)
	}
	// The delivery, with who signed for it.
	res, body = postForm(t, s, "/carrier", sess, url.Values{"csrf": {csrfOf(t, body)}, "leg": {"1"}, "action": {"deliver"}, "received_by": {"Wang Fang"}, "note": {"2 rolls"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("deliver: status %d\n%s", res.StatusCode, body)
	}
	_, home = serve(t, s, request("GET", "/", nil, localAddr, []*http.Cookie{sess}))
	lacks(t, "home after the delivery", home, "Leg #1 is in transit")
	contains(t, "deliver", body, "Delivery recorded", "still confirms what arrived", `id="delivered-1"`, "Wang Fang")
	l, err := w.Read().Leg(t.Context(), 1)
	if err != nil || l.Status != gongxu.LegDelivered || l.ReceivedBy != "Wang Fang" || l.Note != "2 rolls" {
		t.Fatalf("leg 1: %+v, %v", l, err)
	}

	// The recalled jackets do not move: the network's refusal, in words.
	res, body = postForm(t, s, "/carrier", sess, url.Values{"csrf": {tokenFor(s, sess, carrierGuard.Form)}, "leg": {"2"}, "action": {"pickup"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("pickup of held jackets: status %d", res.StatusCode)
	}
	contains(t, "held", body, "The network refused the step of leg 2", "is held by recall")

	// The pages show the carrier.
	_, body = serve(t, s, request("GET", poPath(poLinen), nil, localAddr, nil))
	contains(t, "purchase order", body, `id="shipment-carrier-2"`, "Carried by", "Swift Logistics", "Wang Fang")
	_, body = serve(t, s, request("GET", poolPath(poolShipped), nil, localAddr, nil))
	contains(t, "pool", body, `id="share-carrier-lakeside-corner"`, "Carried by")
	_, body = serve(t, s, request("GET", recallPath(recallFabric), nil, localAddr, nil))
	contains(t, "recall", body, `id="carrier-reach"`, `id="carrier-leg-2"`, "ask them where the goods went")

	// The linen's provenance shows the carrier's steps, where they happened.
	_, body = serve(t, s, request("GET", provPath(inproc.Blue+"/lf-0102"), nil, localAddr, nil))
	contains(t, "provenance", body, "Departing", "Arriving", "Swift Logistics")

	// In Chinese, every word of it.
	for _, target := range []string{"/carrier", poPath(poLinen), poolPath(poolShipped), recallPath(recallFabric)} {
		res, body := serve(t, s, request("GET", target, nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s in Chinese: status %d", target, res.StatusCode)
		}
		if err := checkHTML(body); err != nil {
			t.Errorf("%s in Chinese: %v", target, err)
		}
	}
	_, body = serve(t, s, request("GET", "/carrier", nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	contains(t, "zh carrier", body, "您的运段", "待提货", "已送达", "签收人")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}

	// The hub the jackets go to sees their carrier before it confirms.
	f.op.SetOrg(inproc.Lakeside)
	_, body = serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "hub deliveries", body, `id="delivery-carrier-1"`, "Carried by", "Swift Logistics", "to pick up")

	// Another org's node: not a carrier.
	f.op.SetOrg(inproc.Hilltown)
	_, body = serve(t, s, request("GET", "/carrier", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "hub's node", body, "is not a carrier")
}

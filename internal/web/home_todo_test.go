package web

import (
	"net/http"
	"testing"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// The home page orients a newcomer: what the network is, the open pools,
// and the to-dos of the org the node acts for, each linking where it is done.
func TestHomeOrientation(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/", http.StatusOK)
	contains(t, "home", body, `id="intro"`, "no platform in the middle", `href="/pools"`, `href="/p"`,
		`id="home-pools"`, `<a href="/pools/5"`,
		// Hilltown, the node's hub: its delivered goods wait for pickups
		`id="todos"`, "To do for Hilltown Community Hub",
		`<li><a href="/pools/1">55 of 60 units of pool #1 (Merino wool jacket) wait for their consumers to pick them up.</a></li>`,
		`<a href="/hub">`)
	lacks(t, "home", body, "start its production", "proposed changes to purchase order")

	// The same node acting for the factory: its to-dos, not the hub's.
	f.op.SetOrg(inproc.Acme)
	body = page(t, s, "/", http.StatusOK)
	contains(t, "factory home", body, "To do for Acme Textiles",
		`<li><a href="/pools/1">Pool #1 (Merino wool jacket) is made: ship the goods to its hubs.</a></li>`,
		`<li><a href="/purchase-orders/4">Blue River Cotton proposed changes to purchase order #4: accept or reject them.</a></li>`)
	lacks(t, "factory home", body, "wait for their consumers to pick them up")

	// A node with no operator: no to-dos, the rest shows.
	f.operator = nil
	s, _ = newTestServer(t, f)
	body = page(t, s, "/", http.StatusOK)
	contains(t, "no operator", body, `id="intro"`, `id="home-pools"`)
	lacks(t, "no operator", body, `id="todos"`)
}

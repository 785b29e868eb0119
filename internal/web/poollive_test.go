package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// An open pool's page reloads its live part: the fragment alone, new
// pledges counted, the countdown from block time; a closed pool's does not.
func TestPoolLiveProgress(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/pools/5", http.StatusOK)
	contains(t, "open pool", body, `hx-get="/fragments/pools/5/progress" hx-trigger="every 5s"`, `class="countdown" data-deadline="`, `src="/static/live.js?v=`)
	frag := page(t, s, "/fragments/pools/5/progress", http.StatusOK)
	lacks(t, "fragment", frag, "<html", "<nav", `id="progress"`)
	contains(t, "fragment", frag, `<dd class="total">88</dd>`, `id="pool-stage"`)
	f.w.SendBatch(inproc.Lakeside, poolOpen, inproc.Consumers(inproc.Lakeside, poolOpen, 9, []int64{6, 7}, []string{"m-navy", "l-navy"}))
	contains(t, "fragment after a batch", page(t, s, "/fragments/pools/5/progress", http.StatusOK), `<dd class="total">101</dd>`)

	lacks(t, "closed pool", page(t, s, "/pools/1", http.StatusOK), `hx-get="/fragments/pools/1/progress"`, `class="countdown"`, `id="share"`)
	// The share link and its QR code: the node's public address, not the
	// one the page was opened at.
	s = newHubServer(t, f, func(c *Config) { c.PublicURL = "https://shop.example.cn" })
	body = page(t, s, "/pools/5", http.StatusOK)
	contains(t, "share", body, `<a class="mono" id="share-url" href="https://shop.example.cn/pools/5">`, `<svg class="qr"`)
	if got := qrOf(t, span(body, `id="share"`, "</section>")); got != "https://shop.example.cn/pools/5" {
		t.Errorf("share QR code says %q", got)
	}
	page(t, s, "/fragments/pools/999/progress", http.StatusNotFound)
	page(t, s, "/fragments/pools/x/progress", http.StatusNotFound)
}

// A week-long pool an hour in: the chart spans what happened with room
// ahead and names the deadline, instead of a line squeezed at its left edge.
func TestChartZoomsOnOpenPool(t *testing.T) {
	const hour = 3600 * 1000
	c := zoomOpen(ChartSpec{From: 0, To: 7 * 24 * hour, Now: hour})
	if c.To != 4*hour || c.Deadline != 7*24*hour {
		t.Fatalf("zoom: to %d deadline %d", c.To, c.Deadline)
	}
	svg := string(ProgressChart(c))
	if !strings.Contains(svg, `class="chart-deadline"`) || !strings.Contains(svg, "deadline ") {
		t.Fatalf("no deadline label:\n%s", svg)
	}
	svgRects(t, svg) // well-formed
	// Late in its run, or a short pool: the axis reaches the deadline.
	for _, c := range []ChartSpec{{From: 0, To: 10 * hour, Now: 5 * hour}, {From: 0, To: 90 * 60 * 1000, Now: hour / 60}, {From: 0, To: 7 * 24 * hour}} {
		if z := zoomOpen(c); z.To != c.To || z.Deadline != 0 {
			t.Errorf("%+v zoomed to %+v", c, z)
		}
	}
}

// The factory console and the hub page show the demand ahead of their
// products (the demand card), linking to the demand pages.
func TestDemandCardsPlaced(t *testing.T) {
	f := newSite(t)
	s, _ := demandServer(t, f, gongxu.DemandThresholds{MinContributors: 1, DominanceN: 2, DominancePct: 100})
	contains(t, "factory console", page(t, s, "/factory?org=acme-textiles", http.StatusOK), `id="demand-cards"`, `href="/demand/`)
	res, body := serve(t, s, request("GET", "/hub", nil, localAddr, nil))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("hub page: %d", res.StatusCode)
	}
	contains(t, "hub page", body, `id="demand-cards"`, `href="/demand/`)
}

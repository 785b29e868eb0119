package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// prodNode is a demandNode that also serves the purchase orders the test
// adds, for the commands that read one before they sign (receive); the
// production queries are tested on inproc's World
// (query_production_test.go), and the rest of the production side here
// fails as an absent read model (the HTTP edge).
type prodNode struct {
	*demandNode
	pos map[uint64]gongxu.PurchaseOrder
}

func newProdNode() *prodNode {
	return &prodNode{demandNode: newDemandNode(), pos: map[uint64]gongxu.PurchaseOrder{}}
}

func (p *prodNode) serve(tb testing.TB) string {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Node: p.demandNode, Members: p.fakeNode, Txs: p.fakeNode, Production: prodPOs{noMarket, p},
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

// prodPOs serves the node's purchase orders.
type prodPOs struct {
	inproc.Broken
	*prodNode
}

func (p prodPOs) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	if po, ok := p.pos[id]; ok {
		return po, nil
	}
	return gongxu.PurchaseOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no purchase order %d", id)
}

var _ gongxu.ProductionService = prodPOs{}

func TestTxProductionBodies(t *testing.T) {
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"production", "offer", "--item", "waxed-cotton", "--unit", "m", "--lead-days", "5", "--min-qty", "50",
			"--tiers", "50:4800, 300.5:4200"},
			"production/offer", `{"item":"waxed-cotton","unit":"m","lead_time_days":5,"min_qty":50000,
			"tiers":[{"min_qty":50000,"unit_price":4800},{"min_qty":300500,"unit_price":4200}],"currency":"CNY"}`},
		{[]string{"production", "offer", "--item", "thread", "--unit", "m", "--price", "3", "--currency", "EUR"},
			"production/offer", `{"item":"thread","unit":"m","lead_time_days":0,"min_qty":0,"unit_price":3,"currency":"EUR"}`},
		{[]string{"production", "order", "--product", "acme/rain-jacket", "--qty", "200", "--due", "2025-04-01"},
			"production/order", `{"product":"acme/rain-jacket","qty":200000,"due":1743465600000}`},
		{[]string{"production", "order", "--item", "waxed-cotton", "--qty", "360", "--due", "2025-04-01"},
			"production/order", `{"item":"waxed-cotton","qty":360000,"due":1743465600000}`},
		{[]string{"production", "po", "--supplier", "lakeside", "--line", "waxed-cotton:360.25:2025-03-10",
			"--line", "thread:4000:2025-03-10T08:00:00+08:00"},
			"production/po", `{"supplier":"lakeside","lines":[{"item":"waxed-cotton","qty":360250,"date":1741564800000},
			{"item":"thread","qty":4000000,"date":1741564800000}]}`},
		{[]string{"production", "po-accept", "3"}, "production/po_accept", `{"po":3}`},
		{[]string{"production", "po-accept", "3", "--promised", "2025-03-12,2025-03-14T00:00:00Z"},
			"production/po_accept", `{"po":3,"promised":[1741737600000,1741910400000]}`},
		{[]string{"production", "po-reject", "3", "--reason", "no capacity"}, "production/po_reject", `{"po":3,"reason":"no capacity"}`},
		{[]string{"production", "po-propose", "3", "--line", "waxed-cotton:300:2025-03-14T00:00:00Z:4900", "--reason", "only 300 m"},
			"production/po_propose", `{"po":3,"lines":[{"item":"waxed-cotton","qty":300000,"date":1741910400000,"unit_price":4900}],
			"reason":"only 300 m"}`},
		{[]string{"production", "po-decide", "3", "--accept"}, "production/po_decide", `{"po":3,"accept":true}`},
		{[]string{"production", "po-decide", "3", "--reject", "--reason", "too late"}, "production/po_decide",
			`{"po":3,"accept":false,"reason":"too late"}`},
		{[]string{"production", "po-cancel", "3"}, "production/po_cancel", `{"po":3}`},
		{[]string{"production", "po-change", "3", "--line", "waxed-cotton:300:2025-03-21T00:00:00Z:4900", "--line", "thread:0:2025-03-10T00:00:00Z:3",
			"--respond-by", "2025-03-05T00:00:00Z", "--reason", "a week behind"},
			"production/po_change", `{"po":3,"lines":[{"item":"waxed-cotton","qty":300000,"date":1742515200000,"unit_price":4900},
			{"item":"thread","qty":0,"date":1741564800000,"unit_price":3}],"reason":"a week behind","respond_by":1741132800000}`},
		{[]string{"production", "po-change-answer", "3", "--change", "2", "--accept"}, "production/po_change_answer", `{"po":3,"change":2,"accept":true}`},
		{[]string{"production", "po-change-answer", "3", "--change", "1", "--reject", "--reason", "no"}, "production/po_change_answer",
			`{"po":3,"change":1,"accept":false,"reason":"no"}`},
		{[]string{"production", "ship", "3", "--lot", "1:lakeside/wc-0317:200,1:lakeside/wc-0318:160.5"},
			"production/ship", `{"po":3,"lines":[{"line":1,"lot":"lakeside/wc-0317","qty":200000},
			{"line":1,"lot":"lakeside/wc-0318","qty":160500}]}`},
		{[]string{"production", "receive", "3", "--shipment", "1", "--lot", "1:lakeside/wc-0317:200"},
			"production/receive", `{"po":3,"shipment":1,"lines":[{"line":1,"lot":"lakeside/wc-0317","qty":200000}]}`},
		{[]string{"production", "wo-start", "1", "--qty", "200", "--input", "acme/lakeside/wc-0317:360"},
			"production/wo_start", `{"order":1,"qty":200000,"inputs":[{"lot":"acme/lakeside/wc-0317","qty":360000}]}`},
		{[]string{"production", "wo-start", "1", "--qty", "0.5"}, "production/wo_start", `{"order":1,"qty":500}`},
		{[]string{"production", "wo-start", "1", "--qty", "2", "--allocate", "fabric:3.6,acme/thread:0.5"},
			"production/wo_start", `{"order":1,"qty":2000,"allocate":[{"item":"fabric","qty":3600},{"item":"acme/thread","qty":500}]}`},
		{[]string{"production", "wo-report", "4", "--produced", "100", "--scrapped", "1.5"},
			"production/wo_report", `{"wo":4,"produced":100000,"scrapped":1500}`},
		{[]string{"production", "wo-complete", "4", "--produced", "198", "--scrapped", "2", "--output", "jacket-1:150,jacket-2:48"},
			"production/wo_complete", `{"wo":4,"produced":198000,"scrapped":2000,"outputs":[{"code":"jacket-1","qty":150000},
			{"code":"jacket-2","qty":48000}]}`},
		{[]string{"production", "wo-complete", "4", "--produced", "198"}, "production/wo_complete", `{"wo":4,"produced":198000,"scrapped":0}`},
		{[]string{"production", "wo-report", "4", "--produced", "100", "--scrapped", "2", "--scrap-reason", "torn"},
			"production/wo_report", `{"wo":4,"produced":100000,"scrapped":2000,"scrap_reason":"torn"}`},
		{[]string{"production", "wo-complete", "4", "--produced", "198", "--scrapped", "2", "--scrap-reason", "seams",
			"--by-product", "offcuts:off-4:1.5", "--by-product", "acme/lining-ends:le-4:0.25"},
			"production/wo_complete", `{"wo":4,"produced":198000,"scrapped":2000,"by_products":[{"item":"offcuts","code":"off-4","qty":1500},
			{"item":"acme/lining-ends","code":"le-4","qty":250}],"scrap_reason":"seams"}`},
		{[]string{"production", "wo-cancel", "4"}, "production/wo_cancel", `{"wo":4}`},
		{[]string{"production", "wo-cancel", "4", "--reason", "fabric recalled"}, "production/wo_cancel", `{"wo":4,"reason":"fabric recalled"}`},
		{[]string{"production", "item", "waxed-cotton", "--supplier", "lakeside", "--unit", "m", "--lead-days", "5", "--lot-multiple", "10"},
			"production/item", `{"item":{"id":"waxed-cotton","unit":"m","lead_time_days":5,"lot_multiple":10000,"supplier":"lakeside"}}`},
		{[]string{"production", "item", "acme/kit", "--make", "--phantom"},
			"production/item", `{"item":{"id":"acme/kit","make":true,"phantom":true}}`},
		{[]string{"production", "bom", "acme/rain-jacket", "--line", "shell:1", "--line", "thread:20:500", "--line", "offcuts:0.1:by-product"},
			"production/bom", `{"parent":"acme/rain-jacket","lines":[{"child":"shell","qty_per":1000},
			{"child":"thread","qty_per":20000,"scrap_bp":500},{"child":"offcuts","qty_per":100,"by_product":true}]}`},
		{[]string{"production", "bom", "shell", "--line", "waxed-cotton:1.8:300:by-product"},
			"production/bom", `{"parent":"shell","lines":[{"child":"waxed-cotton","qty_per":1800,"scrap_bp":300,"by_product":true}]}`},
		{[]string{"production", "bom", "shell", "--clear"}, "production/bom", `{"parent":"shell","lines":[]}`},
		{[]string{"production", "routing", "acme/rain-jacket", "--op", "cutting:20m:4m", "--op", "sewing:1h30m:45s"},
			"production/routing", `{"routing":{"item":"acme/rain-jacket","ops":[{"work_center":"cutting","setup_ms":1200000,
			"run_ms_per_unit":240000},{"work_center":"sewing","setup_ms":5400000,"run_ms_per_unit":45000}]}}`},
		{[]string{"production", "work-center", "sewing", "--capacity", "4", "--shift", "1-2@08:00-18:00", "--shift", "0,6@22:00-06:00",
			"--utc-offset", "+08:00", "--closed", "2025-05-01/2025-05-04", "--extra", "2025-05-10T08:00:00+08:00/2025-05-10T12:00:00+08:00"},
			"production/work_center", `{"work_center":{"id":"sewing","capacity":4,"calendar":{"utc_offset_min":480,
			"weekly":[{"weekday":1,"start_min":480,"end_min":1080},{"weekday":2,"start_min":480,"end_min":1080},
			{"weekday":0,"start_min":1320,"end_min":1800},{"weekday":6,"start_min":1320,"end_min":1800}],
			"extra":[{"start":1746835200000,"end":1746849600000}],"closed":[{"start":1746057600000,"end":1746316800000}]}}}`},
		{[]string{"production", "work-center", "line-1", "--capacity", "1", "--shift", "3@00:00-24:00", "--utc-offset", "-300"},
			"production/work_center", `{"work_center":{"id":"line-1","capacity":1,"calendar":{"utc_offset_min":-300,
			"weekly":[{"weekday":3,"start_min":0,"end_min":1440}]}}}`},
		{[]string{"production", "plan-date", "1", "--completion", "2025-03-20T18:00:00+08:00", "--reason", "fabric arrives on the 17th"},
			"production/plan_date", `{"order":1,"completion":1742464800000,"reason":"fabric arrives on the 17th"}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

func TestTxProductionFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	item := `{"id":"acme/kit","make":true,"phantom":true}`
	wc := `{"id":"cutting","capacity":2,"calendar":{"weekly":[{"weekday":1,"start_min":480,"end_min":1080}]}}`
	rt := `{"item":"shell","ops":[{"work_center":"cutting","setup_ms":60000,"run_ms_per_unit":1000}]}`
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"production", "item", "--file", write("item-body.json", `{"item":`+item+`}`)}, "production/item", `{"item":` + item + `}`},
		{[]string{"production", "item", "--file", write("item.json", item)}, "production/item", `{"item":` + item + `}`},
		{[]string{"production", "work-center", "--file", write("wc.json", wc)}, "production/work_center", `{"work_center":` + wc + `}`},
		{[]string{"production", "work-center", "--file", write("wc-body.json", `{"work_center":`+wc+`}`)},
			"production/work_center", `{"work_center":` + wc + `}`},
		{[]string{"production", "routing", "--file", write("rt.json", rt)}, "production/routing", `{"routing":` + rt + `}`},
		{[]string{"production", "bom", "--file", write("bom.json", `{"parent":"shell","lines":[{"child":"cotton","qty_per":1800,"scrap_bp":300}]}`)},
			"production/bom", `{"parent":"shell","lines":[{"child":"cotton","qty_per":1800,"scrap_bp":300}]}`},
		{[]string{"production", "bom", "shell", "--file", write("bom-lines.json", `{"lines":[]}`)},
			"production/bom", `{"parent":"shell","lines":[]}`},
		{[]string{"production", "po", "--file", write("po.json", `{"supplier":"lakeside","lines":[{"item":"thread","qty":5000,"date":1741564800000}]}`)},
			"production/po", `{"supplier":"lakeside","lines":[{"item":"thread","qty":5000,"date":1741564800000}]}`},
		{[]string{"production", "po-propose", "3", "--file", write("prop.json",
			`{"lines":[{"item":"thread","qty":5000,"date":1741564800000,"unit_price":3}],"reason":"later"}`)},
			"production/po_propose", `{"po":3,"lines":[{"item":"thread","qty":5000,"date":1741564800000,"unit_price":3}],"reason":"later"}`},
		{[]string{"production", "ship", "--file", write("ship.json", `{"po":3,"lines":[{"line":1,"lot":"lakeside/a","qty":5}]}`)},
			"production/ship", `{"po":3,"lines":[{"line":1,"lot":"lakeside/a","qty":5}]}`},
		{[]string{"production", "receive", "3", "--file", write("recv.json", `{"shipment":2,"lines":[{"line":1,"lot":"lakeside/a","qty":5}]}`)},
			"production/receive", `{"po":3,"shipment":2,"lines":[{"line":1,"lot":"lakeside/a","qty":5}]}`},
		{[]string{"production", "wo-start", "--file", write("wo.json", `{"order":1,"qty":5,"inputs":[{"lot":"acme/a","qty":5}]}`)},
			"production/wo_start", `{"order":1,"qty":5,"inputs":[{"lot":"acme/a","qty":5}]}`},
		{[]string{"production", "offer", "--file", write("offer.json", `{"item":"thread","unit":"m","lead_time_days":3,"min_qty":0,
			"unit_price":3,"currency":"CNY"}`)},
			"production/offer", `{"item":"thread","unit":"m","lead_time_days":3,"min_qty":0,"unit_price":3,"currency":"CNY"}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}

	// Bad input exits 2 with a clear message, and sends nothing.
	home, _, _ := testHome(t)
	dead, _ := deadURL()
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"item", "--file", write("typo.json", `{"id":"kit","mak":true}`)}, `unknown field "mak"`},
		{[]string{"item", "--file", write("list.json", `[1]`)}, "must hold a JSON object"},
		{[]string{"item", "--file", write("two.json", `{"id":"kit","make":true} {}`)}, "more than one JSON value"},
		{[]string{"item", "--file", write("type.json", `{"id":"kit","lead_time_days":"5"}`)}, "field lead_time_days must be a JSON number"},
		{[]string{"item", "--file", filepath.Join(dir, "missing.json")}, "missing.json does not exist"},
		{[]string{"item", "kit", "--file", write("kit.json", item)}, "drop the ITEM argument"},
		{[]string{"item", "--make", "--file", write("kit2.json", item)}, "drop --make"},
		{[]string{"item", "kit"}, `item "kit" is bought but names no supplier`},
		{[]string{"item", "--make"}, "needs ITEM"},
		{[]string{"item", "kit", "--make", "--lot-min", "1.2345"}, "up to 3 decimals"},
		{[]string{"bom", "shell"}, "or --clear"},
		{[]string{"bom", "shell", "--line", "cotton"}, "CHILD:QTY_PER[:SCRAP_BP][:by-product]"},
		{[]string{"bom", "shell", "--line", "cotton:1:1.5"}, "whole basis points"},
		{[]string{"bom", "shell", "--line", "cotton:1", "--line", "cotton:2"}, "listed twice"},
		{[]string{"bom", "shell", "--file", write("bom2.json", `{"parent":"coat","lines":[]}`)}, "the argument says parent shell"},
		{[]string{"routing", "shell", "--op", "cutting:20:4m"}, "must be durations"},
		{[]string{"routing", "shell"}, "needs --op"},
		{[]string{"work-center", "sewing", "--capacity", "0", "--shift", "1@08:00-17:00"}, "zero capacity"},
		{[]string{"work-center", "sewing", "--capacity", "1", "--shift", "1-7@08:00-17:00"}, "--shift takes DAYS@HH:MM-HH:MM"},
		{[]string{"work-center", "sewing", "--capacity", "1", "--shift", "1@8-17"}, "--shift takes DAYS@HH:MM-HH:MM"},
		{[]string{"work-center", "sewing", "--capacity", "1"}, "empty calendar"},
		{[]string{"work-center", "sewing", "--capacity", "1", "--shift", "1@08:00-17:00", "--utc-offset", "CST"}, "--utc-offset must be"},
		{[]string{"work-center", "sewing", "--capacity", "1", "--shift", "1@08:00-17:00", "--closed", "2025-05-01"}, "FROM/TO"},
		{[]string{"offer", "--item", "thread", "--unit", "m"}, "give either unit_price or tiers"},
		{[]string{"offer", "--item", "thread", "--unit", "m", "--tiers", "50"}, "MIN_QTY:UNIT_PRICE"},
		{[]string{"offer", "--item", "thread", "--unit", "m", "--tiers", "50:x"}, "integer of minor units"},
		{[]string{"offer", "--item", "thread", "--file", write("o.json", `{}`)}, "drop --item"},
		{[]string{"order", "--product", "acme/j", "--qty", "-1", "--due", "30d"}, "up to 3 decimals"},
		{[]string{"order", "--product", "acme/j", "--qty", "1", "--due", "someday"}, "--due must be a date"},
		{[]string{"order", "--product", "acme/j", "--qty", "0", "--due", "2025-04-01"}, "qty must be positive"},
		{[]string{"order", "--product", "acme/j", "--item", "j", "--qty", "1", "--due", "2025-04-01"}, "takes --product or --item, not both"},
		{[]string{"order", "--qty", "1", "--due", "2025-04-01"}, "needs --product"},
		{[]string{"order", "--item", "bad item", "--qty", "1", "--due", "2025-04-01"}, `item id "bad item"`},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5"}, "ITEM:QTY:DATE"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:1.,2025-03-10"}, "ITEM:QTY:DATE"},
		{[]string{"po", "--supplier", "Lakeside", "--line", "thread:5:2025-03-10"}, `org id "Lakeside"`},
		{[]string{"po", "--supplier", "lakeside"}, "needs --line"},
		{[]string{"po-accept", "0"}, "purchase order id must be a positive integer"},
		{[]string{"po-accept", "3", "--promised", "tomorrow"}, "--promised must be a date"},
		{[]string{"po-reject", "3"}, "needs --reason"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-03-10"}, "ITEM:QTY:DATE:UNIT_PRICE"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-03-10:0"}, "unit price must be positive"},
		{[]string{"po-propose", "--line", "thread:5:2025-03-10:3"}, "needs PO_ID"},
		{[]string{"po-propose", "4", "--file", write("p4.json", `{"po":3,"lines":[]}`)}, "the argument says purchase order id 4"},
		{[]string{"po-decide", "3"}, "one of --accept and --reject"},
		{[]string{"po-change", "3", "--line", "thread:5:2025-03-10"}, "ITEM:QTY:DATE:UNIT_PRICE"},
		{[]string{"po-change", "3", "--line", "thread:5:2025-03-10:0"}, "unit price must be positive"},
		{[]string{"po-change", "3", "--line", "thread:5:2025-03-10:3", "--respond-by", "whenever"}, "--respond-by must be"},
		{[]string{"po-change", "--line", "thread:5:2025-03-10:3"}, "needs PO_ID"},
		{[]string{"po-change-answer", "3", "--change", "1"}, "one of --accept and --reject"},
		{[]string{"po-change-answer", "3", "--accept"}, "--change must be the number"},
		{[]string{"po-decide", "3", "--accept", "--reject"}, "one of --accept and --reject"},
		{[]string{"ship", "3", "--lot", "0:lakeside/a:1"}, "1-based purchase order line"},
		{[]string{"ship", "3", "--lot", "1:lakeside:1"}, "<org>/<code>"},
		{[]string{"ship", "3"}, "needs --lot"},
		{[]string{"receive", "3", "--lot", "1:lakeside/a:1"}, "needs --shipment"},
		{[]string{"receive", "3", "--shipment", "0"}, "--shipment must be a shipment number"},
		{[]string{"wo-start", "1", "--input", "acme/a:1"}, "needs --qty"},
		{[]string{"wo-start", "1", "--qty", "1", "--input", "acme/a"}, "LOT:QTY"},
		{[]string{"wo-report", "4"}, "needs --produced"},
		{[]string{"wo-cancel", "0"}, "work order id"},
		{[]string{"wo-complete", "4", "--produced", "10", "--output", "a:4"}, "must be equal"},
		{[]string{"wo-complete", "4", "--produced", "10", "--by-product", "offcuts:off-4"}, "ITEM:CODE:QTY"},
		{[]string{"wo-complete", "4", "--produced", "10", "--by-product", "offcuts:off-4:x"}, "--by-product quantity"},
		{[]string{"wo-complete", "4", "--produced", "10", "--output", "A:10"}, "a lot code is"},
		{[]string{"plan-date", "1", "--completion", "2025-03-20"}, "needs --reason"},
		{[]string{"plan-date", "1", "--completion", "never", "--reason", "x"}, "--completion must be a date"},
	} {
		full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx", "production"}, c.args...)
		full = append(full, "--from", "alice", "--sequence", "1", "--dry-run")
		code, stdout, stderr := run(t, full...)
		if code != ExitUsage || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want 2 and %q; stdout %q, stderr:\n%s", c.args, code, c.stderr, stdout, stderr)
		}
	}
}

func TestTxProductionWithNode(t *testing.T) {
	home, alice, _ := testHome(t)
	p := newProdNode()
	p.setOrg(alice.PubKey, "acme-textiles")
	// Shipment 1 of PO 7 is partly received, shipment 2 in full.
	p.pos[7] = gongxu.PurchaseOrder{ID: 7, Factory: "acme-textiles", Supplier: "silk-supply", Currency: "CNY",
		Status: gongxu.POAccepted, Shipments: []gongxu.Shipment{
			{ID: 1, Lines: []gongxu.ShipLine{
				{Line: 1, Lot: "silk-supply/a", Qty: 5000, Received: 2000},
				{Line: 2, Lot: "silk-supply/b", Qty: 3000},
				{Line: 2, Lot: "silk-supply/c", Qty: 1000, Received: 1000},
			}},
			{ID: 2, Lines: []gongxu.ShipLine{{Line: 1, Lot: "silk-supply/d", Qty: 10, Received: 10}}},
		}}
	url := p.serve(t)
	now := p.blockMs(t)
	const day = 24 * 3600 * 1000

	// Relative dates are after the latest block; a bare SKU is the key's factory's.
	tx := dryRunAt(t, home, url, "production", "order", "--product", "wool-scarf", "--qty", "300", "--due", "30d")
	var o production.MsgOrder
	if err := json.Unmarshal(tx.Body, &o); err != nil {
		t.Fatal(err)
	}
	if o.Product != "acme-textiles/wool-scarf" || o.Qty != 300000 || o.Due != now+30*day {
		t.Errorf("order %+v, block time %d", o, now)
	}
	tx = dryRunAt(t, home, url, "production", "po", "--supplier", "silk-supply", "--line", "silk-yarn:20:7d", "--line", "silk-dye:1:2025-03-10")
	var po production.MsgPO
	if err := json.Unmarshal(tx.Body, &po); err != nil {
		t.Fatal(err)
	}
	if len(po.Lines) != 2 || po.Lines[0].Date != now+7*day || po.Lines[1].Date != 1741564800000 {
		t.Errorf("po %+v", po)
	}
	tx = dryRunAt(t, home, url, "production", "plan-date", "2", "--completion", "36h", "--reason", "knitting is closed")
	var pd production.MsgPlanDate
	if err := json.Unmarshal(tx.Body, &pd); err != nil || pd.Completion != now+36*3600*1000 {
		t.Errorf("plan-date %+v, %v", pd, err)
	}

	// receive without --lot receives the rest of the shipment.
	tx = dryRunAt(t, home, url, "production", "receive", "7", "--shipment", "1")
	if !sameJSON(t, tx.Body, []byte(`{"po":7,"shipment":1,"lines":[{"line":1,"lot":"silk-supply/a","qty":3000},
		{"line":2,"lot":"silk-supply/b","qty":3000}]}`)) {
		t.Errorf("receive body %s", tx.Body)
	}
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"receive", "7", "--shipment", "2"}, "shipment 2 of purchase order 7 is received in full"},
		{[]string{"receive", "7", "--shipment", "3"}, "purchase order 7 has no shipment 3"},
		{[]string{"receive", "99", "--shipment", "1"}, "no purchase order 99"},
	} {
		full := append([]string{"--home", home, "--node", url, "tx", "production"}, c.args...)
		code, _, stderr := run(t, append(full, "--from", "alice", "--dry-run")...)
		if code != ExitError || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%v: exit %d, stderr %s", c.args, code, stderr)
		}
	}

	// Submitted for real: the node gets the transaction, the result is printed.
	code, stdout, stderr := run(t, "--home", home, "--node", url, "-o", "table", "tx", "production", "po-accept", "1", "--from", "alice")
	if code != 0 || !strings.Contains(stdout, "hash") {
		t.Fatalf("po-accept: exit %d: %s%s", code, stdout, stderr)
	}
	if txs := p.txs(); len(txs) != 1 || txs[0].Type != production.TypePOAccept || string(txs[0].Body) != `{"po":1}` {
		t.Errorf("submitted %+v", txs)
	}
	// No block yet: a relative date cannot be placed.
	p.mu.Lock()
	p.blockTime = ""
	p.mu.Unlock()
	code, _, stderr = run(t, "--home", home, "--node", url, "tx", "production", "plan-date", "2", "--completion", "2d",
		"--reason", "x", "--from", "alice", "--dry-run")
	if code != 1 || !strings.Contains(stderr, "reports no block time yet") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestParseQty(t *testing.T) {
	for in, want := range map[string]gongxu.Qty{
		"0": 0, "1": 1000, "1.5": 1500, "0.025": 25, " 12.340 ": 12340, "300": 300000, "9223372036854775.807": 1<<63 - 1,
	} {
		got, err := parseQty("q", in)
		if err != nil || got != want {
			t.Errorf("parseQty(%q) = %d, %v; want %d", in, got, err, want)
		}
		if in == strings.TrimSpace(in) && !strings.HasSuffix(in, "0") && fmtQty(got) != in && in != "0" {
			t.Errorf("fmtQty(%d) = %q, want %q", got, fmtQty(got), in)
		}
	}
	for _, in := range []string{"", "-1", "+1", "1.", ".5", "1.2345", "1e3", "1,5", "9223372036854775.808", "99999999999999999999"} {
		if _, err := parseQty("q", in); err == nil || gongxu.ErrorKind(err) != gongxu.KindInvalid || !isUsage(err) {
			t.Errorf("parseQty(%q): %v, want an invalid usage error", in, err)
		}
	}
	for q, want := range map[gongxu.Qty]string{0: "0", 1: "0.001", 1500: "1.5", 120000: "120", -2500: "-2.5"} {
		if got := fmtQty(q); got != want {
			t.Errorf("fmtQty(%d) = %q, want %q", q, got, want)
		}
	}
}

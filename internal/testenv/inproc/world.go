package inproc

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// The orgs of the World.
const (
	Acme      = "acme-textiles"     // a factory and validator: jackets, shirts, scarves
	Blue      = "blue-river-cotton" // a supplier and validator: fabric, thread, buttons
	Swift     = "swift-logistics"   // logistics, a validator
	Sunrise   = "sunrise-garments"  // another factory, bidding on requests for quote
	Hilltown  = "hilltown-hub"      // a hub, admitted by governance
	Lakeside  = "lakeside-corner"   // a hub
	Dyeworks  = "lakeside-dyeworks" // a supplier of dye
	Riverside = "riverside-shop"    // a hub whose admission is still being voted on
)

// Identifiers the World names on the ledger and in its EPCIS events.
const (
	FabricLot    = gongxu.LotID("blue-river-cotton/fab-0042")               // Blue's fabric, shipped to Acme, recalled
	ThreadLot    = gongxu.LotID("blue-river-cotton/thread-0007")            // Blue's thread, shipped to Acme
	ReceivedLot  = gongxu.LotID("acme-textiles/blue-river-cotton/fab-0042") // the fabric as Acme received it
	RecvThread   = gongxu.LotID("acme-textiles/blue-river-cotton/thread-0007")
	JacketLot    = gongxu.LotID("acme-textiles/merino-jacket-0001") // made of the fabric for pool JacketsShipped
	ScarfLot     = gongxu.LotID("acme-textiles/scarf-001")          // recalled, in no pool
	LinenLot     = gongxu.LotID("blue-river-cotton/lf-0101")
	RecvLinen    = gongxu.LotID("acme-textiles/blue-river-cotton/lf-0101") // the shirts' fabric, reserved by a work order
	JacketDL     = "https://id.gs1.org/01/09506000134352/21/JKT-000123"    // a serial jacket labelled from JacketLot
	FactoryGLN   = "https://id.gs1.org/414/9506000000015"                  // Acme's factory
	LabelEvent   = "urn:uuid:7d3c5a2e-1b8f-4c61-9a0e-2f4b6d8c1e35"         // the serial's labelling (a TransformationEvent)
	InspectID    = "urn:uuid:0b9e4d1a-6c2f-4e8b-b7a3-5d1c9f0e2a64"         // Acme's inspection of the thread
	StoreID      = "urn:uuid:5c2a9e7b-3d4f-4a1b-8e6c-9f0d1b2c3a4e"         // Acme storing the jackets
	FabricRecall = "The dye of fab-0042 fails the colour-fastness test: <b>do not wash</b> above 30 °C"
)

// Terms are the terms of the open jacket pool.
const Terms = "Made in Ningbo within 21 days of the close.\nFree exchange of sizes at the hub."

// World is a Net that went through a story, told by NewWorld through real
// transactions over three weeks of block time from chaintest.GenesisTime
// (2026-01-01): the orgs, what they did, and the names of what they made.
type World struct {
	*Net

	// Proposals: Hilltown's admission (passed), a parameter (passed),
	// Riverside's admission (open: 2 yes, 1 no). RepeatedVote is
	// Hilltown's second vote on it, refused.
	AdmitHilltown, SetQuota, AdmitRiverside uint64
	RiversideVote, RepeatedVote             string // Blue's yes (taken), Hilltown's second vote (refused)

	// Pools, in the order they were opened.
	JacketsShipped     uint64 // succeeded, produced, shipped to Hilltown (delivered, two pickups) and to Lakeside (on its way)
	SocksFailed        uint64 // short of its MOQ: failed and refunded
	ShirtsAwarded      uint64 // awarded from RFQAwarded, moved into production by hand, delivered
	ShirtsInProduction uint64 // succeeded, its order in progress and late
	JacketsOpen        uint64 // open, past its MOQ: 88 of 300 from two hubs
	SocksOpen          uint64 // open to Hilltown only, in cases of 10: 40 of 200

	// Batches by pool, then by hub, in order.
	Batches map[uint64]map[gongxu.OrgID][]Batch
	// Pickups are the two pledges of JacketsShipped picked up at
	// Hilltown: the leaves of its first batch, and the transactions.
	PickedLeaves []int
	PickupTxs    []string

	RFQAwarded, RFQOpen uint64

	// Production orders.
	JacketOrder                uint64 // from JacketsShipped: completed
	ScarfOrder                 uint64 // manual: completed, its lot recalled
	ShirtOrder                 uint64 // from ShirtsInProduction: in progress, late
	PlannedOrder               uint64 // manual: jackets, open
	SocksOrder                 uint64 // manual: bamboo socks, open, with no master data to plan it by
	JacketWO, ScarfWO, ShirtWO uint64

	// Purchase orders from Acme.
	POFabric      uint64 // Blue: fabric and thread, accepted, shipped, received
	POLinen       uint64 // Blue: accepted with a later date, half shipped and received
	PORejected    uint64 // Blue: silk lining, rejected
	POProposed    uint64 // Blue: proposed other lines, awaiting Acme
	POButtons     uint64 // Blue: sent
	POLinenThread uint64 // Blue: sent, two lines
	PODye         uint64 // Dyeworks: sent

	// The capture of Acme's own document (three events), one it tried
	// naming Blue's lot (refused), and the recalls.
	CaptureTx, RejectedCapture string
	RecallScarf, RecallFabric  uint64
}

// Start is the block time of the genesis block (chaintest.GenesisTime).
const Start = chaintest.GenesisTime

// day is the start of day d of the story.
func day(d int64) int64 { return Start + d*Day }

// Orgs are the World's genesis orgs.
func Orgs() []gongxu.Org {
	return []gongxu.Org{
		{ID: Acme, Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
			Keys: []gongxu.PubKey{Key(Acme), Key(Acme + "/2")}, Description: "Knitwear and jackets, Ningbo.", Contact: "orders@acme.example"},
		{ID: Blue, Name: "Blue River Cotton", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleValidator}},
		{ID: Swift, Name: "Swift Logistics", Roles: []gongxu.Role{gongxu.RoleLogistics, gongxu.RoleValidator}},
		{ID: Sunrise, Name: "Sunrise Garments", Roles: []gongxu.Role{gongxu.RoleFactory}, Description: "Knitwear and T-shirts"},
		{ID: Lakeside, Name: "Lakeside Corner Shop", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Corner shop and pickup point"},
		{ID: Dyeworks, Name: "Lakeside Dyeworks", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	}
}

// Validators are the World's genesis validators: Acme's and Blue's of
// power 10, Swift's of 20, each key named after its org + "/val".
func Validators() []gongxu.Validator {
	return []gongxu.Validator{
		{PubKey: Key(Acme + "/val"), Power: 10, Org: Acme},
		{PubKey: Key(Blue + "/val"), Power: 10, Org: Blue},
		{PubKey: Key(Swift + "/val"), Power: 20, Org: Swift},
	}
}

// NewWorld tells the story on a new Net, in about a hundred blocks; the
// last one is at End.
func NewWorld(t testing.TB) *World {
	t.Helper()
	w := &World{Net: New(t, Genesis{Orgs: Orgs(), Validators: Validators()}), Batches: map[uint64]map[gongxu.OrgID][]Batch{}}
	w.members()
	w.catalog()
	w.jacketsShipped()
	w.socksFailed()
	w.shirtsAwarded()
	w.jacketsMade()
	w.scarves()
	w.goodsToHilltown()
	w.shirts()
	w.negotiations()
	w.recalls()
	w.today()
	return w
}

func (w *World) batch(hub gongxu.OrgID, pool uint64, qtys []int64, variants []string) Batch {
	w.t.Helper()
	if w.Batches[pool] == nil {
		w.Batches[pool] = map[gongxu.OrgID][]Batch{}
	}
	k := len(w.Batches[pool][hub])
	b := w.SendBatch(hub, pool, Consumers(hub, pool, k, qtys, variants))
	w.Batches[pool][hub] = append(w.Batches[pool][hub], b)
	return b
}

// repeat is n copies of v.
func repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func concat[T any](ss ...[]T) []T {
	var out []T
	for _, s := range ss {
		out = append(out, s...)
	}
	return out
}

// jacketBatches are the two hubs' batches into a jacket pool: Hilltown's
// 20 pledges (45 units: 20 L, 25 M) and 5 (15 M), Lakeside's 6 (28 M):
// 88 units from 31 pledges. Each batch but the first waits for its turn:
// before it, next is called.
func (w *World) jacketBatches(pool uint64, next func(i int)) {
	w.batch(Hilltown, pool, concat(repeat[int64](2, 15), repeat[int64](3, 5)),
		concat(repeat("l-navy", 10), repeat("m-navy", 10)))
	next(1)
	w.batch(Hilltown, pool, repeat[int64](3, 5), repeat("m-navy", 5))
	next(2)
	w.batch(Lakeside, pool, []int64{5, 5, 5, 5, 4, 4}, repeat("m-navy", 6))
}

var jacketTiers = []gongxu.Tier{{MinQty: 1, UnitPrice: 12900}, {MinQty: 50, UnitPrice: 9900}, {MinQty: 100, UnitPrice: 8900}, {MinQty: 200, UnitPrice: 7900}}

// members: Hilltown is admitted and the per-block quota raised, by
// proposals the members vote on; the hubs deposit their consumers' money.
func (w *World) members() {
	w.AdmitHilltown = w.Admit(Acme, gongxu.Org{ID: Hilltown, Name: "Hilltown Community Hub", Roles: []gongxu.Role{gongxu.RoleHub},
		Description: "Group-buy leader for Hilltown village"}, Blue, Swift, Sunrise, Lakeside)
	w.SetQuota = w.Propose(Swift, M{"kind": gongxu.ProposalSetParam, "title": "Raise the per-block quota", "param": "max_txs_per_signer_block", "value": 4000})
	for _, v := range []string{Acme, Blue, Sunrise, Hilltown} {
		w.Vote(v, w.SetQuota, true)
	}
	w.Deposit(Hilltown, 8_000_000, "consumers' deposits, week 1")
	w.Deposit(Lakeside, 2_000_000, "consumers' deposits, week 1")
}

// catalog: Acme's products and master data, Blue's and Dyeworks' offers.
func (w *World) catalog() {
	for _, p := range []M{
		{"sku": "merino-jacket", "name": "Merino wool jacket", "unit": "piece", "lead_time_days": 21, "gtin": "09506000134352",
			"variants": []gongxu.Variant{{ID: "m-navy", Name: "M / navy"}, {ID: "l-navy", Name: "L / navy"}}},
		{"sku": "wool-socks", "name": "Wool socks", "unit": "pair", "lead_time_days": 7},
		{"sku": "linen-shirt", "name": "Linen shirt", "unit": "piece", "lead_time_days": 5},
		{"sku": "wool-scarf", "name": "Wool scarf", "unit": "piece", "lead_time_days": 3},
		{"sku": "bamboo-socks", "name": "Bamboo socks, 5 pairs", "unit": "pack", "lead_time_days": 10},
	} {
		w.Send(Acme, "catalog/publish", p)
	}
	made := func(id, unit string, lead int64) gongxu.Item {
		return gongxu.Item{ID: gongxu.ItemID(id), Unit: unit, LeadTimeDays: lead, Make: true}
	}
	bought := func(id, unit string, lead int64, supplier string) gongxu.Item {
		return gongxu.Item{ID: gongxu.ItemID(id), Unit: unit, LeadTimeDays: lead, Supplier: gongxu.OrgID(supplier)}
	}
	for _, it := range []gongxu.Item{
		made(Acme+"/merino-jacket", "piece", 2), made(Acme+"/linen-shirt", "piece", 2), made(Acme+"/wool-scarf", "piece", 1),
		bought("merino-fabric", "m", 5, Blue), bought("linen-fabric", "m", 5, Blue), bought("cotton-thread", "m", 3, Blue),
		bought("bone-buttons", "piece", 3, Blue), bought("silk-lining", "m", 5, Blue), bought("indigo-dye", "kg", 6, Dyeworks),
	} {
		w.Send(Acme, "production/item", M{"item": it})
	}
	bom := func(parent string, lines ...M) { w.Send(Acme, "production/bom", M{"parent": parent, "lines": lines}) }
	bom(Acme+"/merino-jacket", M{"child": "merino-fabric", "qty_per": 1500}, M{"child": "cotton-thread", "qty_per": 20_000})
	bom(Acme+"/linen-shirt", M{"child": "linen-fabric", "qty_per": 1200}, M{"child": "cotton-thread", "qty_per": 10_000},
		M{"child": "bone-buttons", "qty_per": 8000})
	var week []gongxu.Shift
	for d := int64(1); d <= 6; d++ {
		week = append(week, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 17 * 60})
	}
	for _, wc := range []gongxu.WorkCenter{{ID: "cutting", Capacity: 2}, {ID: "sewing", Capacity: 3}, {ID: "pressing", Capacity: 1}} {
		wc.Calendar = gongxu.Calendar{Weekly: week}
		w.Send(Acme, "production/work_center", M{"work_center": wc})
	}
	op := func(wc string, setupMin, runMin int64) gongxu.Operation {
		return gongxu.Operation{WorkCenter: wc, SetupMs: setupMin * 60_000, RunMsPerUnit: runMin * 60_000}
	}
	for _, r := range []gongxu.Routing{
		{Item: Acme + "/merino-jacket", Ops: []gongxu.Operation{op("cutting", 30, 5), op("sewing", 30, 20), op("pressing", 0, 2)}},
		{Item: Acme + "/linen-shirt", Ops: []gongxu.Operation{op("cutting", 20, 3), op("sewing", 20, 12), op("pressing", 0, 2)}},
		{Item: Acme + "/wool-scarf", Ops: []gongxu.Operation{op("sewing", 10, 5)}},
	} {
		w.Send(Acme, "production/routing", M{"routing": r})
	}
	for _, o := range []M{
		{"item": "merino-fabric", "unit": "m", "lead_time_days": 5, "min_qty": 10_000, "unit_price": 4800, "currency": "CNY"},
		{"item": "linen-fabric", "unit": "m", "lead_time_days": 5, "min_qty": 10_000, "unit_price": 2800, "currency": "CNY"},
		{"item": "cotton-thread", "unit": "m", "lead_time_days": 3, "min_qty": 0, "unit_price": 450, "currency": "CNY"},
		{"item": "bone-buttons", "unit": "piece", "lead_time_days": 3, "min_qty": 0, "unit_price": 12, "currency": "CNY"},
		{"item": "silk-lining", "unit": "m", "lead_time_days": 5, "min_qty": 0, "unit_price": 6000, "currency": "CNY"},
	} {
		w.Send(Blue, "production/offer", o)
	}
	w.Send(Dyeworks, "production/offer", M{"item": "indigo-dye", "unit": "kg", "lead_time_days": 6, "min_qty": 0, "unit_price": 9000, "currency": "CNY"})
}

// jacketsShipped: a jacket pool fills from two hubs and succeeds at its
// deadline on day 2, which makes its production order; Acme buys the
// fabric and thread from Blue.
func (w *World) jacketsShipped() {
	w.JacketsShipped = w.OpenPool(Acme, M{"product": Acme + "/merino-jacket", "tiers": jacketTiers, "moq": 50, "cap": 300, "case_pack": 1,
		"currency": "CNY", "deadline": day(2), "lock_ms": Day, "variants": []string{"m-navy", "l-navy"}})
	w.jacketBatches(w.JacketsShipped, func(int) {})
	w.AdvanceTo(day(2))
	w.Block()
	w.JacketOrder = w.NewestOrder(Acme)
	w.POFabric = w.SendPO(Acme, Blue, POLine{"merino-fabric", 150_000, day(5)}, POLine{"cotton-thread", 2_000_000, day(5)})
	w.AdvanceTo(day(3))
	w.Send(Blue, "production/po_accept", M{"po": w.POFabric})
}

// socksFailed: a socks pool that Hilltown's 30 pledges leave short of its
// MOQ: it fails on day 6 and every pledge is refunded.
func (w *World) socksFailed() {
	w.SocksFailed = w.OpenPool(Acme, M{"product": Acme + "/wool-socks", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 3000}}, "moq": 500,
		"cap": 500, "case_pack": 1, "currency": "CNY", "deadline": day(6)})
	w.batch(Hilltown, w.SocksFailed, repeat[int64](4, 30), nil)
}

// shirtsAwarded: Hilltown asks for 64 linen shirts; Acme and Sunrise bid
// sealed; Acme's bid wins (Sunrise's is over the maximum price) and
// becomes a pool, which Acme moves into production by hand and Hilltown
// confirms delivered.
func (w *World) shirtsAwarded() {
	w.Send(Hilltown, "rfq/post", M{"title": "Linen shirts", "spec": "White linen shirts for the choir, sizes S to XL.", "unit": "piece", "qty": 64,
		"target_date": day(20), "max_price": 15000, "currency": "CNY", "bid_deadline": day(5), "reveal_deadline": day(7)})
	w.RFQAwarded = w.NewestRFQ()
	w.AdvanceTo(day(4))
	acme := w.Bid(w.RFQAwarded, SealedBid{Bidder: Acme, Price: 13900, Qty: 64, LeadDays: 14})
	sunrise := w.Bid(w.RFQAwarded, SealedBid{Bidder: Sunrise, Price: 16000, Qty: 64, LeadDays: 10})
	// Blue ships the jackets' fabric and thread; Acme receives them.
	w.ShipPO(Blue, w.POFabric, LotLine{1, string(FabricLot), 150_000}, LotLine{2, string(ThreadLot), 2_000_000})
	w.AdvanceTo(day(5))
	w.ReceivePO(Acme, w.POFabric, 1, LotLine{1, string(FabricLot), 150_000}, LotLine{2, string(ThreadLot), 2_000_000})
	w.Reveal(w.RFQAwarded, acme)
	w.Reveal(w.RFQAwarded, sunrise)
	w.AdvanceTo(day(7))
	w.Send(Hilltown, "rfq/award", M{"rfq": w.RFQAwarded, "awards": []M{{"bidder": Acme, "qty": 64}}})
	w.ShirtsAwarded = w.NewestPool()
}

// jacketsMade: Acme makes the jacket lot of the fabric and thread (day 6
// to 8), labels a serial jacket of it and captures that in a document of
// its own, with an inspection of the thread and the jackets stored.
func (w *World) jacketsMade() {
	w.AdvanceTo(day(7) + 2*Hour)
	w.JacketWO = w.StartWO(Acme, w.JacketOrder, 88_000,
		gongxu.LotQty{Lot: ReceivedLot, Qty: 132_000}, gongxu.LotQty{Lot: RecvThread, Qty: 1_760_000})
	w.AdvanceTo(day(8) + 10*Hour)
	w.Send(Acme, "production/wo_complete", M{"wo": w.JacketWO, "produced": 88_000, "scrapped": 0,
		"outputs": []M{{"code": "merino-jacket-0001", "qty": 88_000}}})
	w.AdvanceTo(day(8) + 14*Hour)
	at := func(h int64) string { return time.UnixMilli(day(8) + h*Hour).UTC().Format(time.RFC3339) }
	doc := fmt.Sprintf(`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
"creationDate":%q,"epcisBody":{"eventList":[
{"type":"ObjectEvent","eventID":%q,"eventTime":%q,"eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"inspecting",
 "disposition":"active","bizLocation":{"id":%q},"quantityList":[{"epcClass":%q,"quantity":2000,"uom":"MTR"}]},
{"type":"TransformationEvent","eventID":%q,"eventTime":%q,"eventTimeZoneOffset":"+08:00","bizStep":"commissioning",
 "disposition":"active","bizLocation":{"id":%q},"inputQuantityList":[{"epcClass":%q,"quantity":1}],"outputEPCList":[%q]},
{"type":"ObjectEvent","eventID":%q,"eventTime":%q,"eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"storing",
 "disposition":"in_progress","bizLocation":{"id":%q},"quantityList":[{"epcClass":%q,"quantity":88}]}]}}`,
		at(13), InspectID, at(11), FactoryGLN, gongxu.LotURN(RecvThread),
		LabelEvent, at(12), FactoryGLN, gongxu.LotURN(JacketLot), JacketDL,
		StoreID, at(13), FactoryGLN, gongxu.LotURN(JacketLot))
	w.CaptureTx = w.Capture(Acme, compact(doc))
	other := fmt.Sprintf(`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
"creationDate":%q,"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","action":"OBSERVE",
"bizStep":"inspecting","quantityList":[{"epcClass":%q,"quantity":10}]}]}}`, at(14), at(14), gongxu.LotURN(FabricLot))
	r := w.Try(Acme, "trace/capture", M{"document": json.RawMessage(compact(other))})
	if r.Code == 0 {
		w.t.Fatal("a capture naming another org's lot was taken")
	}
	w.RejectedCapture = r.Hash
}

// compact removes the line breaks of a hand-written document.
func compact(s string) string { return strings.NewReplacer("\n ", "", "\n", "").Replace(s) }

// scarves: Acme makes a lot of scarves of its own stock.
func (w *World) scarves() {
	w.Send(Acme, "production/order", M{"product": Acme + "/wool-scarf", "qty": 30_000, "due": day(12)})
	w.ScarfOrder = w.NewestOrder(Acme)
	w.ScarfWO = w.StartWO(Acme, w.ScarfOrder, 30_000)
	w.AdvanceTo(day(9))
	w.Send(Acme, "production/wo_complete", M{"wo": w.ScarfWO, "produced": 30_000, "scrapped": 0, "outputs": []M{{"code": "scarf-001", "qty": 30_000}}})
	w.Send(Acme, "pool/start_production", M{"pool": w.ShirtsAwarded})
}

// goodsToHilltown: Acme ships Hilltown its share of the jackets (day 10),
// Hilltown confirms the delivery (day 11) and two consumers pick up (day
// 12); Lakeside's share ships later, just before the recalls.
func (w *World) goodsToHilltown() {
	w.AdvanceTo(day(9) + 9*Hour)
	w.ShirtsInProduction = w.OpenPool(Acme, M{"product": Acme + "/linen-shirt", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 15900}, {MinQty: 40, UnitPrice: 13900}},
		"moq": 40, "cap": 120, "case_pack": 1, "currency": "CNY", "deadline": day(12)})
	w.batch(Hilltown, w.ShirtsInProduction, concat(repeat[int64](2, 24), repeat[int64](1, 16)), nil)
	w.AdvanceTo(day(10) + 9*Hour)
	w.Send(Acme, "pool/ship", M{"pool": w.JacketsShipped, "hub": Hilltown})
	w.AdvanceTo(day(11) + 15*Hour)
	w.Send(Hilltown, "pool/confirm_delivery", M{"pool": w.JacketsShipped})
	first := w.Batches[w.JacketsShipped][Hilltown][0]
	w.PickedLeaves = []int{4, 15}
	w.AdvanceTo(day(12) + 10*Hour)
	for _, i := range w.PickedLeaves {
		w.PickupTxs = append(w.PickupTxs, w.Pickup(first, i))
		w.Advance(2 * Hour)
	}
}

// shirts: the shirt pool succeeds on day 12; Acme buys linen, which comes
// a day late and half shipped, starts the work order on it and publishes a
// late completion; Hilltown confirms the awarded shirts delivered.
func (w *World) shirts() {
	w.ShirtOrder = w.NewestOrder(Acme)
	w.POLinen = w.SendPO(Acme, Blue, POLine{"linen-fabric", 90_000, day(14)})
	w.Send(Blue, "production/po_accept", M{"po": w.POLinen, "promised": []int64{day(15)}})
	w.AdvanceTo(day(15) + 8*Hour)
	w.ShipPO(Blue, w.POLinen, LotLine{1, string(LinenLot), 50_000})
	w.AdvanceTo(day(15) + 16*Hour)
	w.ReceivePO(Acme, w.POLinen, 1, LotLine{1, string(LinenLot), 50_000})
	w.Send(Hilltown, "pool/confirm_delivery", M{"pool": w.ShirtsAwarded})
	w.AdvanceTo(day(16) + 8*Hour)
	w.ShirtWO = w.StartWO(Acme, w.ShirtOrder, 64_000, gongxu.LotQty{Lot: RecvLinen, Qty: 50_000})
	w.AdvanceTo(day(17) + 17*Hour)
	w.Send(Acme, "production/wo_report", M{"wo": w.ShirtWO, "produced": 20_000, "scrapped": 500})
	w.AdvanceTo(day(18) + 9*Hour)
	w.Send(Acme, "production/plan_date", M{"order": w.ShirtOrder, "completion": day(19) + 12*Hour,
		"reason": "linen fabric from Blue River Cotton promised for the 16th, a day late"})
}

// negotiations: purchase orders in every state of their negotiation, an
// order of jackets planned for later, and the spring jacket pool opening
// (its deadline counted from End) and filling over three days.
func (w *World) negotiations() {
	w.PORejected = w.SendPO(Acme, Blue, POLine{"silk-lining", 20_000, day(24)})
	w.Send(Blue, "production/po_reject", M{"po": w.PORejected, "reason": "no silk before February"})
	w.Send(Acme, "production/order", M{"product": Acme + "/merino-jacket", "qty": 120_000, "due": day(40)})
	w.PlannedOrder = w.NewestOrder(Acme)
	w.Send(Acme, "production/order", M{"product": Acme + "/bamboo-socks", "qty": 500_000, "due": day(35)})
	w.SocksOrder = w.NewestOrder(Acme)
	w.AdvanceTo(End - 3*Day)
	w.JacketsOpen = w.OpenPool(Acme, M{"product": Acme + "/merino-jacket", "tiers": jacketTiers, "moq": 50, "cap": 300, "case_pack": 1,
		"currency": "CNY", "deadline": End + 2*Day + 5*Hour, "lock_ms": Day, "variants": []string{"m-navy", "l-navy"}, "terms": Terms})
	w.AdvanceTo(day(19) + 9*Hour)
	w.POProposed = w.SendPO(Acme, Blue, POLine{"linen-fabric", 100_000, day(28)})
	w.jacketBatches(w.JacketsOpen, func(i int) {
		switch i {
		case 1:
			w.AdvanceTo(day(19) + 15*Hour)
			w.Send(Blue, "production/po_propose", M{"po": w.POProposed, "reason": "loom maintenance until the 31st",
				"lines": []M{{"item": "linen-fabric", "qty": 100_000, "date": day(31), "unit_price": 2750}}})
			w.AdvanceTo(day(20) + 9*Hour)
			w.POButtons = w.SendPO(Acme, Blue, POLine{"bone-buttons", 2_000_000, day(25)})
		case 2:
			w.AdvanceTo(day(21) + 1*Hour)
		}
	})
	w.AdvanceTo(day(21) + 3*Hour)
	w.POLinenThread = w.SendPO(Acme, Blue, POLine{"linen-fabric", 180_000, day(23)}, POLine{"cotton-thread", 50_000, day(23)})
	w.AdvanceTo(day(21) + 7*Hour)
	w.PODye = w.SendPO(Acme, Dyeworks, POLine{"indigo-dye", 5_000, day(27)})
}

// recalls: Acme ships Lakeside its share of the jackets (not yet
// confirmed: on its way), then recalls its scarves (in no pool); Blue
// recalls the fabric that went into the shipped jackets.
func (w *World) recalls() {
	w.Send(Acme, "pool/ship", M{"pool": w.JacketsShipped, "hub": Lakeside})
	w.RecallScarf = w.Recall(Acme, string(ScarfLot), "Care labels misprinted")
	w.RecallFabric = w.Recall(Blue, string(FabricLot), FabricRecall)
}

// End is the block time of the World's last block: 08:00:41 UTC on 22
// Jan 2026, the morning of day 21.
const End = Start + 21*Day + 8*Hour + 41_000

// today, the minute before End: a request for quote open for bids, a
// pool of socks opening (deadline counted from End), and a proposal being
// voted on; then an empty block at End.
func (w *World) today() {
	w.AdvanceTo(End - 60_000)
	w.Send(Hilltown, "rfq/post", M{"title": "School uniforms for Hilltown primary", "spec": "Navy cotton polo, sizes 110–150.", "unit": "piece",
		"qty": 400, "target_date": End + 40*Day, "max_price": 6500, "currency": "CNY", "bid_deadline": End + 2*Day, "reveal_deadline": End + 3*Day})
	w.RFQOpen = w.NewestRFQ()
	w.Bid(w.RFQOpen, SealedBid{Bidder: Acme, Price: 6200, Qty: 400, LeadDays: 30})
	w.Bid(w.RFQOpen, SealedBid{Bidder: Sunrise, Price: 5900, Qty: 400, LeadDays: 35})
	w.SocksOpen = w.OpenPool(Acme, M{"product": Acme + "/bamboo-socks", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 4500}, {MinQty: 200, UnitPrice: 3900}},
		"moq": 200, "cap": 1000, "case_pack": 10, "currency": "CNY", "deadline": End + 5*Hour, "hubs": []string{Hilltown}})
	w.batch(Hilltown, w.SocksOpen, repeat[int64](10, 4), nil)
	w.AdmitRiverside = w.Admit(Acme, gongxu.Org{ID: Riverside, Name: "Riverside Shop", Roles: []gongxu.Role{gongxu.RoleHub}})
	w.RiversideVote = w.Send(Blue, "member/vote", M{"proposal": w.AdmitRiverside, "yes": true}).Hash
	w.Vote(Hilltown, w.AdmitRiverside, false)
	r := w.Try(Hilltown, "member/vote", M{"proposal": w.AdmitRiverside, "yes": true})
	if r.Code == 0 {
		w.t.Fatal("a second vote of one org was taken")
	}
	w.RepeatedVote = r.Hash
	w.AdvanceTo(End)
	w.Block()
	if w.Now() != End {
		w.t.Fatalf("the story ends at %d, not at End (%d): it took too long", w.Now(), End)
	}
}

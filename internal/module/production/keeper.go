package production

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "production"

const prefix = Name + "/"

// Module is the production module. All of its state is in the KV.
type Module struct {
	members Members
	catalog Catalog
	pools   Pools
	tracer  Tracer
}

// New returns the production module. Errors: KindInvalid when a dependency
// is missing.
func New(members Members, catalog Catalog, pools Pools, tracer Tracer) (*Module, error) {
	if err := module.Require(Name, "members", members, "a catalog", catalog, "pools", pools, "a tracer", tracer); err != nil {
		return nil, err
	}
	return &Module{members: members, catalog: catalog, pools: pools, tracer: tracer}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// InitGenesis implements module.Module: the module starts empty.
func (*Module) InitGenesis(*module.Context, json.RawMessage) error { return nil }

// BeginBlock implements module.Module: purchase order lines past their
// promised date plus the grace are recorded late (recordLate), change
// orders past their deadline lapse (lapseChanges), framework order lines
// whose release date came are released (releaseLines).
func (m *Module) BeginBlock(ctx *module.Context) error {
	if err := m.recordLate(ctx); err != nil {
		return err
	}
	if err := m.lapseChanges(ctx); err != nil {
		return err
	}
	return m.releaseLines(ctx)
}

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
func pad(n uint64) string   { return fmt.Sprintf("%020d", n) }

func seqKey(what string) []byte       { return []byte(prefix + "seq/" + what) }
func orderKey(id uint64) []byte       { return []byte(prefix + "order/" + pad(id)) }
func poKey(id uint64) []byte          { return []byte(prefix + "po/" + pad(id)) }
func woKey(id uint64) []byte          { return []byte(prefix + "wo/" + pad(id)) }
func poolOrderKey(pool uint64) []byte { return []byte(prefix + "frompool/" + pad(pool)) }
func lotKey(id gongxu.LotID) []byte   { return []byte(prefix + "lot/" + string(id)) }
func offerKey(s gongxu.OrgID, i gongxu.ItemID) []byte {
	return []byte(prefix + "offer/" + string(s) + "/" + string(i))
}
func stockKey(o gongxu.OrgID, i gongxu.ItemID) []byte {
	return []byte(prefix + "stock/" + string(o) + "/" + string(i))
}

func notFound(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindNotFound, format, args...)
}

func nextID(ctx *module.Context, what string) (uint64, error) {
	var n uint64
	if _, err := module.Load(ctx.KV, seqKey(what), &n); err != nil {
		return 0, err
	}
	n++
	_, err := module.Save(ctx.KV, seqKey(what), n)
	return n, err
}

// Offer returns a supplier's offer of an item. Errors: KindNotFound.
func (*Module) Offer(r store.Reader, supplier gongxu.OrgID, item gongxu.ItemID) (gongxu.SupplyOffer, error) {
	return module.Find[gongxu.SupplyOffer](r, offerKey(supplier, item), "supplier %s offers no item %s", supplier, item)
}

// Order returns a production order. Errors: KindNotFound.
func (*Module) Order(r store.Reader, id uint64) (gongxu.ProductionOrder, error) {
	return module.Find[gongxu.ProductionOrder](r, orderKey(id), "no production order %d", id)
}

// PO returns a purchase order. Errors: KindNotFound.
func (*Module) PO(r store.Reader, id uint64) (gongxu.PurchaseOrder, error) {
	return module.Find[gongxu.PurchaseOrder](r, poKey(id), "no purchase order %d", id)
}

// WO returns a work order. Errors: KindNotFound.
func (*Module) WO(r store.Reader, id uint64) (gongxu.WorkOrder, error) {
	return module.Find[gongxu.WorkOrder](r, woKey(id), "no work order %d", id)
}

// Lot returns a lot. Errors: KindNotFound.
func (*Module) Lot(r store.Reader, id gongxu.LotID) (gongxu.Lot, error) { return Lots{}.Lot(r, id) }

// Hold is Lots.Hold.
func (*Module) Hold(ctx *module.Context, id gongxu.LotID, recall uint64) (int, bool, error) {
	return Lots{}.Hold(ctx, id, recall)
}

// HoldOf is Lots.HoldOf.
func (*Module) HoldOf(r store.Reader, id gongxu.LotID) (uint64, error) { return Lots{}.HoldOf(r, id) }

// Lots reads the module's lots, and needs no other module: the trace
// module, which this module needs, is built with it before this one exists
// (internal/modules). The zero value is ready.
type Lots struct{}

// Lot returns a lot. Errors: KindNotFound.
func (Lots) Lot(r store.Reader, id gongxu.LotID) (gongxu.Lot, error) {
	return module.Find[gongxu.Lot](r, lotKey(id), "no lot %s", id)
}

// Stock returns an org's stock of an item on the ledger (0 when none).
func (*Module) Stock(r store.Reader, org gongxu.OrgID, item gongxu.ItemID) (gongxu.Stock, error) {
	s := gongxu.Stock{Org: org, Item: item}
	_, err := module.Load(r, stockKey(org, item), &s.Qty)
	return s, err
}

// OrderForPool returns the id of the production order a pool created (0
// when none).
func (*Module) OrderForPool(r store.Reader, pool uint64) (uint64, error) {
	var id uint64
	_, err := module.Load(r, poolOrderKey(pool), &id)
	return id, err
}

func saveOffer(ctx *module.Context, o *gongxu.SupplyOffer) error {
	b, err := module.Save(ctx.KV, offerKey(o.Supplier, o.Item), o)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventOffer, "supplier", string(o.Supplier), "item", string(o.Item), "json", string(b)))
	return nil
}

func saveOrder(ctx *module.Context, o *gongxu.ProductionOrder) error {
	b, err := module.Save(ctx.KV, orderKey(o.ID), o)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventOrder, "order", uitoa(o.ID), "factory", string(o.Factory), "status", string(o.Status), "json", string(b)))
	return nil
}

func savePO(ctx *module.Context, p *gongxu.PurchaseOrder) error {
	b, err := module.Save(ctx.KV, poKey(p.ID), p)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventPO, "po", uitoa(p.ID), "factory", string(p.Factory), "supplier", string(p.Supplier),
		"status", string(p.Status), "json", string(b)))
	return nil
}

func saveWO(ctx *module.Context, w *gongxu.WorkOrder) error {
	b, err := module.Save(ctx.KV, woKey(w.ID), w)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventWO, "wo", uitoa(w.ID), "order", uitoa(w.Order), "status", string(w.Status), "json", string(b)))
	return nil
}

// saveLot writes a lot (a lot at zero stays, as a record for the trace) and
// emits its snapshot with the change of quantity.
func saveLot(ctx *module.Context, l *gongxu.Lot, delta gongxu.Qty) error {
	b, err := module.Save(ctx.KV, lotKey(l.ID), l)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventLot, "lot", string(l.ID), "owner", string(l.Owner), "item", string(l.Item),
		"delta", strconv.FormatInt(int64(delta), 10), "json", string(b)))
	return addStock(ctx.KV, l.Owner, l.Item, delta)
}

// addStock adds delta to an org's stock of an item; zero deletes the record.
func addStock(kv store.KV, org gongxu.OrgID, item gongxu.ItemID, delta gongxu.Qty) error {
	var q gongxu.Qty
	if _, err := module.Load(kv, stockKey(org, item), &q); err != nil {
		return err
	}
	q, err := gongxu.Add(q, delta)
	if err != nil {
		return err
	}
	if q < 0 {
		return fmt.Errorf("production: stock of %s at %s would go negative", item, org)
	}
	if q == 0 {
		return kv.Delete(stockKey(org, item))
	}
	_, err = module.Save(kv, stockKey(org, item), q)
	return err
}

func orderHistory(ctx *module.Context, o *gongxu.ProductionOrder, s gongxu.ProductionOrderStatus, reason string) {
	o.Status = s
	o.History = append(o.History, gongxu.OrderChange{Status: s, Time: ctx.Time, Height: ctx.Height, Reason: reason})
}

func negotiate(ctx *module.Context, p *gongxu.PurchaseOrder, action string, lines []gongxu.POLine, reason string) {
	p.Negotiation = append(p.Negotiation, gongxu.PONegotiation{By: ctx.Org, Action: action, Lines: lines, Reason: reason, Time: ctx.Time, Height: ctx.Height})
}

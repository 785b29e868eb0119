// Package modules assembles gongxu's domain modules in their fixed order,
// with the expected interfaces of each module satisfied by the others, each
// given to the module's New (Build): a set is complete or is not built. The
// order is part of the state machine: changing it changes app hashes. The
// node and the chain test harness build their chains from here, so there is
// one list.
package modules

import (
	"fmt"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Set is the modules of one chain.
type Set struct {
	Member     *member.Module
	Catalog    *catalog.Module
	Settle     *settle.Module
	Pool       *pool.Module
	RFQ        *rfq.Module
	Production *production.Module
	Dispute    *dispute.Module
	Trace      *trace.Module
	Logistics  *logistics.Module
}

// Build wires a fresh set of modules. Every module gets its dependencies
// when it is built, so there is no set with one missing: the dependency
// cycles (pool ↔ production, production ↔ trace) are broken by the parts
// that need no other module (pool.Stages, production.Lots). Errors:
// KindInvalid when a module lacks a dependency (a mistake in this file,
// which TestBuild rules out).
func Build() (*Set, error) {
	m := member.New()
	c, err := catalog.New(m)
	if err != nil {
		return nil, err
	}
	st, err := settle.New(m)
	if err != nil {
		return nil, err
	}
	// Traceability parses captures with internal/epcis, reads who holds a
	// lot from production's records and who owns a GS1 company prefix from
	// members; production tells it what moved.
	tr, err := trace.New(NewEPCIS(), production.Lots{}, m)
	if err != nil {
		return nil, err
	}
	prod, err := production.New(m, c, pool.Stages{}, tr)
	if err != nil {
		return nil, err
	}
	p, err := pool.New(m, c, st, goods{prod, tr}, orders{c, prod})
	if err != nil {
		return nil, err
	}
	// rfq turns awarded bids into pools; it declares the call as a function
	// of its own request type, adapted here to pool.Award.
	openAwarded := func(ctx *module.Context, r rfq.PoolRequest) (uint64, error) {
		return p.OpenAwarded(ctx, pool.Award{
			Factory: r.Factory, Hub: r.Hub, Title: r.Title, Qty: r.Qty, UnitPrice: r.UnitPrice,
			Currency: r.Currency, Deadline: r.Deadline, RFQ: r.RFQ,
		})
	}
	q, err := rfq.New(m, st, openAwarded)
	if err != nil {
		return nil, err
	}
	// Disputes freeze and resolve hubs' shares through the pool, and read
	// purchase orders' parties from production.
	d, err := dispute.New(m, shares{p}, prod)
	if err != nil {
		return nil, err
	}
	// Carriers' legs read shipments from the pool and production, and have
	// trace write their pickups and deliveries.
	lg, err := logistics.New(m, p, prod, tr)
	if err != nil {
		return nil, err
	}
	return &Set{Member: m, Catalog: c, Settle: st, Pool: p, RFQ: q, Production: prod, Dispute: d, Trace: tr, Logistics: lg}, nil
}

// New is Build for those that run a chain: the wiring is fixed in this
// file, so an error is a bug here, and New panics with it.
func New() *Set {
	s, err := Build()
	if err != nil {
		panic("modules: " + err.Error())
	}
	return s
}

// orders is the pool module's view of production as a pool succeeds: the
// pool's production order, for its product and total, due its product's
// lead time after the pool closed. Pools awarded from a request for quote
// name no catalog product and get none yet. What cannot become an order (a
// product gone, a total beyond the milli-units an order counts) is a
// refusal: the pool stays succeeded and its history says why.
type orders struct {
	catalog *catalog.Module
	prod    *production.Module
}

func (o orders) OpenForPool(ctx *module.Context, pl gongxu.Pool) error {
	if pl.Product == "" {
		return nil
	}
	prodt, err := o.catalog.Product(ctx.KV, pl.Product)
	if err != nil {
		return err
	}
	qty, err := pl.Total.Milli()
	if err != nil {
		return err
	}
	due, err := gongxu.AddInt64(ctx.Time, prodt.LeadTimeDays*24*3600*1000)
	if err != nil {
		return err
	}
	_, err = o.prod.OpenFromPool(ctx, pl.ID, pl.Factory, pl.Product, qty, due)
	return err
}

// shares is the dispute module's view of the pool: hubs' shares frozen by a
// dispute and resolved by its ruling.
type shares struct{ p *pool.Module }

func (s shares) HasShare(r store.Reader, id uint64, hub gongxu.OrgID) (bool, error) {
	if _, err := s.p.Pool(r, id); err != nil {
		return false, err
	}
	sh, err := s.p.HubShare(r, id, hub)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return false, nil
	}
	return err == nil && sh.Qty > 0, err
}

func (s shares) Hubs(r store.Reader, id uint64) ([]gongxu.OrgID, error) {
	ss, err := s.p.HubShares(r, id)
	out := make([]gongxu.OrgID, 0, len(ss))
	for _, sh := range ss {
		out = append(out, sh.Hub)
	}
	return out, err
}

func (s shares) Enablers(r store.Reader, id uint64) ([]gongxu.OrgID, error) {
	p, err := s.p.Pool(r, id)
	if err != nil {
		return nil, err
	}
	out := make([]gongxu.OrgID, 0, len(p.Enablers))
	for _, e := range p.Enablers {
		out = append(out, e.Org)
	}
	return out, nil
}

func (s shares) FreezeShare(ctx *module.Context, id uint64, hub gongxu.OrgID) (dispute.Stake, error) {
	st, err := s.p.FreezeShare(ctx, id, hub)
	return dispute.Stake{Pool: st.Pool, Factory: st.Factory, Hub: st.Hub, Currency: st.Currency, Amount: st.Amount}, err
}

func (s shares) ResolveShare(ctx *module.Context, id uint64, hub gongxu.OrgID, toHub gongxu.Amount, why string) error {
	return s.p.ResolveShare(ctx, id, hub, toHub, why)
}

// DefaultBps is the default split a pool's terms name (dispute_default_bps
// of pool/open); ok is false when they name none (the network's parameter
// dispute_default_bps applies).
func (s shares) DefaultBps(r store.Reader, id uint64) (int64, bool, error) {
	p, err := s.p.Pool(r, id)
	if err != nil || p.DisputeDefaultBPS == nil {
		return 0, false, err
	}
	return *p.DisputeDefaultBPS, true, nil
}

// goods is the pool module's view of a pool's goods: production takes the
// lots made for the pool out of the factory's stock, trace records each
// movement as an EPCIS event.
type goods struct {
	prod *production.Module
	tr   *trace.Module
}

func (g goods) ShipToHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, qty gongxu.Qty) ([]gongxu.LotQty, error) {
	lots, err := g.prod.TakeForPool(ctx, p.ID, qty)
	if err != nil {
		return nil, err
	}
	return lots, g.tr.ShippedToHub(ctx, p, hub, lots)
}

func (g goods) ReceivedAtHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, lots []gongxu.LotQty) error {
	return g.tr.ReceivedAtHub(ctx, p, hub, lots)
}

func (g goods) PickedUp(ctx *module.Context, pk gongxu.Pickup) error { return g.tr.PickedUp(ctx, pk) }

// List returns the modules in execution order.
func (s *Set) List() []module.Module {
	return []module.Module{s.Member, s.Catalog, s.Settle, s.Pool, s.RFQ, s.Production, s.Dispute, s.Logistics, s.Trace}
}

// ChainConfig returns the chain configuration for chainID.
func (s *Set) ChainConfig(chainID string) chain.Config {
	return chain.Config{ChainID: chainID, Modules: s.List(), Auth: s.Member, Params: s.Member, Plans: s.Member, Upgrades: s.Upgrades()}
}

// EPCIS satisfies trace.Parser with internal/epcis: GS1's schemas, the CBV
// 2.0 event hash and canonical identifiers. It is deterministic: "now" is
// the block time the module passes, never the clock. The zero value parses
// every document; NewEPCIS's keeps what it parsed (see parseCache), so that
// a node parses a capture once, not in CheckTx, every recheck and
// FinalizeBlock, with the same results.
type EPCIS struct{ cache *parseCache }

// NewEPCIS returns an EPCIS parser with a parse cache of ParseCacheBytes.
func NewEPCIS() EPCIS { return EPCIS{cache: newParseCache(ParseCacheBytes)} }

// Parse implements trace.Parser with epcis.ParseDocument.
func (p EPCIS) Parse(doc []byte, now int64, maxBytes int) ([]gongxu.TraceEvent, error) {
	if p.cache != nil {
		return p.cache.parse(doc, now, maxBytes)
	}
	return parseEvents(doc, now, maxBytes)
}

func parseEvents(doc []byte, now int64, maxBytes int) ([]gongxu.TraceEvent, error) {
	evs, _, err := parseEventsTimes(doc, now, maxBytes)
	return evs, err
}

// parseEventsTimes parses a document into the ledger's events, with the
// times its future-time check read.
func parseEventsTimes(doc []byte, now int64, maxBytes int) ([]gongxu.TraceEvent, epcis.Times, error) {
	d, err := epcis.ParseDocument(doc, epcis.ParseOptions{Now: time.UnixMilli(now), MaxBytes: maxBytes})
	if err != nil {
		return nil, epcis.Times{}, err
	}
	path := "/epcisBody/eventList/"
	switch d.Type {
	case epcis.TypeQueryDocument:
		path = "/epcisBody/queryResults/resultsBody/eventList/"
	case epcis.TypeDocument:
	default:
		path = ""
	}
	out := make([]gongxu.TraceEvent, len(d.Events))
	for i := range d.Events {
		at := ""
		if path != "" {
			at = path + fmt.Sprint(i)
		}
		if out[i], err = traceEvent(&d.Events[i], at); err != nil {
			return nil, epcis.Times{}, err
		}
	}
	return out, d.Times(), nil
}

// Hash implements trace.Parser with epcis.EventHash.
func (EPCIS) Hash(event []byte) (string, error) { return epcis.EventHash(event, nil) }

// Canonical implements trace.Parser with epcis.Canonical.
func (EPCIS) Canonical(id string) (string, error) { return epcis.Canonical(id) }

// CompanyDigits implements trace.Parser with epcis.CompanyDigits.
func (EPCIS) CompanyDigits(id string) (string, bool) { return epcis.CompanyDigits(id) }

// traceEvent is the ledger's record of a parsed event, identifiers as their
// canonical keys; at is the event's JSON pointer, for errors.
func traceEvent(e *epcis.Event, at string) (gongxu.TraceEvent, error) {
	var ferr error
	canon := func(field string, i int, id string) string {
		c, err := epcis.Canonical(id)
		if err != nil && ferr == nil {
			where := at + "/" + field
			if i >= 0 {
				where += "/" + fmt.Sprint(i)
			}
			ferr = gongxu.Errorf(gongxu.KindInvalid, "epcis: %s: %s", where, gongxu.ErrorMessage(err))
		}
		return c
	}
	ids := func(field string, in []string) []string {
		var out []string
		for i, id := range in {
			out = append(out, canon(field, i, id))
		}
		return out
	}
	qs := func(field string, in []epcis.Quantity) []gongxu.TraceQuantity {
		var out []gongxu.TraceQuantity
		for i, q := range in {
			out = append(out, gongxu.TraceQuantity{Class: canon(field+"/"+fmt.Sprint(i)+"/epcClass", -1, q.EPCClass), Quantity: q.Quantity, UOM: q.UOM})
		}
		return out
	}
	refs := func(in []epcis.SourceDest) []gongxu.TraceRef {
		var out []gongxu.TraceRef
		for _, r := range in {
			out = append(out, gongxu.TraceRef{Type: r.Type, ID: r.ID})
		}
		return out
	}
	t := gongxu.TraceEvent{
		ID: e.EventID, Hash: e.HashID, Type: e.Type, EventTime: e.EventTime, TimeZoneOffset: e.EventTimeZoneOffset,
		Action: e.Action, BizStep: e.BizStep, Disposition: e.Disposition, ReadPoint: e.ReadPoint, BizLocation: e.BizLocation,
		EPCs: ids("epcList", e.EPCList), Quantities: qs("quantityList", e.QuantityList),
		Inputs: ids("inputEPCList", e.InputEPCList), InputQuantities: qs("inputQuantityList", e.InputQuantityList),
		Outputs: ids("outputEPCList", e.OutputEPCList), OutputQuantities: qs("outputQuantityList", e.OutputQuantityList),
		Children: ids("childEPCs", e.ChildEPCs), ChildQuantities: qs("childQuantityList", e.ChildQuantityList),
		Sources: refs(e.Sources), Destinations: refs(e.Destinations),
		Raw: e.Raw,
	}
	if e.ParentID != "" {
		t.Parent = canon("parentID", -1, e.ParentID)
	}
	for _, b := range e.BizTransactions {
		t.BizTransactions = append(t.BizTransactions, gongxu.TraceRef{Type: b.Type, ID: b.ID})
	}
	if d := e.ErrorDeclaration; d != nil {
		t.ErrorDeclaration = &gongxu.TraceErrorDeclaration{Time: d.DeclarationTime, Reason: d.Reason, Corrective: d.CorrectiveEventIDs}
	}
	return t, ferr
}

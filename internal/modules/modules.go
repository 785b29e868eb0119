// Package modules assembles gongxu's domain modules in their fixed order,
// with the expected interfaces of each module satisfied by the others. The
// order is part of the state machine: changing it changes app hashes. The CLI
// (to run a node) and the chain test harness build their chains from here,
// so there is one list.
package modules

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// Set is the modules of one chain.
type Set struct {
	Member     *member.Module
	Catalog    *catalog.Module
	Settle     *settle.Module
	Pool       *pool.Module
	RFQ        *rfq.Module
	Production *production.Module
}

// New wires a fresh set of modules.
func New() *Set {
	m := member.New()
	c := catalog.New(m)
	st := settle.New(m)
	p := pool.New(m, c, st)
	// rfq turns awarded bids into pools; it declares the call as a function
	// of its own request type, adapted here to pool.Award.
	openAwarded := func(ctx *module.Context, r rfq.PoolRequest) (uint64, error) {
		return p.OpenAwarded(ctx, pool.Award{
			Factory: r.Factory, Hub: r.Hub, Title: r.Title, Qty: r.Qty, UnitPrice: r.UnitPrice,
			Currency: r.Currency, Deadline: r.Deadline, RFQ: r.RFQ,
		})
	}
	prod := production.New(m, c, p)
	// A succeeded pool becomes a production order for its product and total,
	// due its product's lead time after the pool closed. Pools awarded from a
	// request for quote name no catalog product and get none yet. An order the
	// production module refuses must not stop the pool from closing: only a
	// broken invariant (KindInternal) goes up.
	p.OnSucceeded(func(ctx *module.Context, pl gongxu.Pool) error {
		if pl.Product == "" {
			return nil
		}
		prodt, err := c.Product(ctx.KV, pl.Product)
		if err != nil {
			return ignoreRefusal(err)
		}
		qty, err := gongxu.MulInt64(pl.Total, 1000) // units → milli-units
		if err != nil {
			return nil
		}
		due, err := gongxu.AddInt64(ctx.Time, prodt.LeadTimeDays*24*3600*1000)
		if err != nil {
			return nil
		}
		_, err = prod.OpenFromPool(ctx, pl.ID, pl.Factory, pl.Product, gongxu.Qty(qty), due)
		return ignoreRefusal(err)
	})
	return &Set{Member: m, Catalog: c, Settle: st, Pool: p, RFQ: rfq.New(m, openAwarded), Production: prod}
}

// ignoreRefusal passes up only broken invariants.
func ignoreRefusal(err error) error {
	if err != nil && gongxu.ErrorKind(err) == gongxu.KindInternal {
		return err
	}
	return nil
}

// List returns the modules in execution order.
func (s *Set) List() []module.Module {
	return []module.Module{s.Member, s.Catalog, s.Settle, s.Pool, s.RFQ, s.Production}
}

// ChainConfig returns the chain configuration for chainID.
func (s *Set) ChainConfig(chainID string) chain.Config {
	return chain.Config{ChainID: chainID, Modules: s.List(), Auth: s.Member, Params: s.Member}
}

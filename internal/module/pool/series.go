package pool

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Pools that reopen on a schedule (a standing agreement with the hubs).
//
// A factory opening a pool may ask it to reopen (pool/open's repeat: every
// 1 to 366 days, 1 to 52 times). The pool is then the first of a series
// (Pool.Series, named by the first pool's id). When a pool of the series
// reaches its deadline it closes as any pool does, succeeded or failed
// (short of the MOQ this week says nothing of next week's demand: the
// schedule goes on), and in the same block the next pool opens with the
// same terms (product, variants, tiers, MOQ, cap, case pack, currency,
// lock, hubs, terms, shares, dispute fallback, from_stock), its deadline
// and start_by every_ms later, linked both ways (Prev, Next). A pool that
// closed early, at its cap, is succeeded at once; its successor still
// opens at its deadline, so the series keeps its calendar: one pool a
// period. When blocks were missing for longer than a period (the network
// was down), the periods missed are skipped: the next deadline is the
// first of the schedule's that leaves the pool unlocked at its opening,
// and the skipped periods count against Times, so the series ends when
// the schedule said.
//
// The series stops, with the reason kept on the pool it stopped at
// (PoolSeries.Stopped) and in its history:
//   - after Times reopenings;
//   - when the factory stops it (pool/stop_repeat, naming any pool of the
//     series; the open pool runs to its deadline);
//   - when the factory cancels the series' open pool (pool/cancel: the
//     terms it cancelled would open again otherwise);
//   - when the terms no longer hold at the reopening: the factory lost its
//     role or its product, a hub or a named org is no longer a member, a
//     variant is no longer offered. Nothing fails: the series stops.
//
// Cost: a reopening runs in BeginBlock after the closes, read from an index
// of the pools whose successor is due, keyed by their deadline (reopens):
// at most MaxReopensPerBlock a block (the rest in the next blocks: their
// deadlines stay as scheduled). Each reads the factory, the product, and
// the pool's hubs (≤ MaxHubs) and named orgs (≤ gongxu.MaxEnablers) that
// no reopening of the same block read before (a member's record is read
// once a sweep), and writes two pools. BenchmarkReopen: the worst block,
// 64 pools of 256 hubs each closing and reopening, costs about 2.5× the
// close of the same pools opened once (~26 ms against ~11 ms here; reading
// every hub for every pool made it 17×, ~400 ms). A series holds
// at most one pending reopening, put there by a transaction (the opening)
// or by the reopening before it.
//
// State: rdue/<deadline>/<id> (the reopens index), ser/<series> (the
// series' latest pool).

// MaxReopensPerBlock bounds the pools one block reopens.
const MaxReopensPerBlock = 64

var reopens = module.Deadlines{Prefix: prefix + "rdue/"}

func seriesKey(series uint64) []byte { return []byte(prefix + "ser/" + pad(series)) }

// awaitReopen records p as its series' latest pool and, when the series
// goes on after it, puts it in the reopens index at its deadline.
func (m *Module) awaitReopen(ctx *module.Context, p *gongxu.Pool) error {
	if _, err := module.Save(ctx.KV, seriesKey(p.Series.Series), p.ID); err != nil {
		return err
	}
	if !p.Series.Pending() {
		return nil
	}
	p.Series.NextAt = p.Deadline
	return reopens.Add(ctx.KV, p.Deadline, p.ID)
}

// stopSeries ends p's series at p, which is pending: no pool opens after it.
func stopSeries(ctx *module.Context, p *gongxu.Pool, why string) error {
	if err := reopens.Remove(ctx.KV, p.Series.NextAt, p.ID); err != nil {
		return err
	}
	p.Series.Stopped, p.Series.NextAt = why, 0
	return nil
}

// reopen runs at the start of every block, after the closes: each series
// pool whose deadline passed opens its successor.
func (m *Module) reopen(ctx *module.Context) error {
	due, err := reopens.First(ctx.KV, ctx.Time, MaxReopensPerBlock)
	if err != nil {
		return err
	}
	seen := map[gongxu.OrgID]bool{} // the members checked in this sweep (terms)
	for _, id := range due {
		prev, err := m.Pool(ctx.KV, id)
		if err != nil {
			return err
		}
		if prev.Status == gongxu.PoolOpen {
			// Due but not closed yet (a block closes a bounded number of
			// pools, close.go): its successor, and the reopenings after
			// it, wait for its close, in order.
			break
		}
		if !prev.Series.Pending() || prev.Series.NextAt != prev.Deadline {
			return fmt.Errorf("pool %d (%s, series %+v) is in the reopen index but does not reopen now", id, prev.Status, prev.Series)
		}
		if err := m.reopenAfter(ctx, &prev, seen); err != nil {
			return err
		}
	}
	return nil
}

// reopenAfter opens the pool after prev in its series, or stops the series
// at prev when its terms no longer hold or its schedule ran out.
func (m *Module) reopenAfter(ctx *module.Context, prev *gongxu.Pool, seen map[gongxu.OrgID]bool) error {
	s := *prev.Series
	// The first period whose deadline leaves the pool unlocked now: the
	// next one, unless blocks were missing. LockMs < EveryMs, every
	// number here is far below 2^62.
	k := (ctx.Time+prev.LockMs-prev.Deadline)/s.EveryMs + 1
	stop := func(why string) error {
		if err := stopSeries(ctx, prev, why); err != nil {
			return err
		}
		history(ctx, prev, prev.Status, "its series stops: "+why)
		return savePool(ctx, prev)
	}
	if s.N+k > s.Times {
		return stop(fmt.Sprintf("no block from its deadline until %d: the schedule's remaining %d reopenings were missed", ctx.Time, s.Times-s.N))
	}
	o := MsgOpen{
		Product: prev.Product, Tiers: prev.Tiers, MOQ: prev.MOQ, Cap: prev.Cap, CasePack: prev.CasePack, Currency: prev.Currency,
		Deadline: prev.Deadline + k*s.EveryMs, LockMs: prev.LockMs, Variants: prev.Variants, Hubs: prev.Hubs, Terms: prev.Terms,
		StartBy: prev.StartBy + k*s.EveryMs, HubBPS: prev.HubBPS, Enablers: prev.Enablers, DisputeDefaultBPS: prev.DisputeDefaultBPS,
		FromStock: prev.FromStock,
	}
	prod, err := m.openerProduct(ctx, prev.Factory, prev.Product)
	var p gongxu.Pool
	if err == nil {
		p, err = m.terms(ctx, prod, &o, seen)
	}
	if err != nil {
		if gongxu.ErrorKind(err) == gongxu.KindInternal {
			return err
		}
		return stop("at its reopening, " + gongxu.ErrorMessage(err))
	}
	if p.ID, err = nextPoolID(ctx); err != nil {
		return err
	}
	p.Series = &gongxu.PoolSeries{EveryMs: s.EveryMs, Times: s.Times, Series: s.Series, N: s.N + k, Prev: prev.ID}
	if err := m.awaitReopen(ctx, &p); err != nil {
		return err
	}
	history(ctx, &p, gongxu.PoolOpen, fmt.Sprintf("reopened after pool %d: series %d, reopening %d of %d", prev.ID, s.Series, p.Series.N, s.Times))
	if err := deadlines.Add(ctx.KV, p.Deadline, p.ID); err != nil {
		return err
	}
	if err := savePool(ctx, &p); err != nil {
		return err
	}
	if err := reopens.Remove(ctx.KV, prev.Deadline, prev.ID); err != nil {
		return err
	}
	prev.Series.Next, prev.Series.NextAt = p.ID, 0
	return savePool(ctx, prev)
}

func (m *Module) handleStopRepeat(ctx *module.Context, msg module.Msg) error {
	sr := msg.(*MsgStopRepeat)
	named, err := m.Pool(ctx.KV, sr.Pool)
	if err != nil {
		return err
	}
	if ctx.Org != named.Factory {
		return unauthorized("pool %d belongs to factory %s; only it may stop the pool's series", named.ID, named.Factory)
	}
	if named.Series == nil {
		return conflict("pool %d does not reopen: it is not part of a series", named.ID)
	}
	var last uint64
	if ok, err := module.Load(ctx.KV, seriesKey(named.Series.Series), &last); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("series %d has no latest pool", named.Series.Series)
	}
	p, err := m.Pool(ctx.KV, last)
	if err != nil {
		return err
	}
	switch {
	case p.Series.Stopped != "":
		return conflict("series %d already stopped at pool %d: %s", p.Series.Series, p.ID, p.Series.Stopped)
	case !p.Series.Pending():
		return conflict("series %d already ended: pool %d was its last reopening (%d of %d)", p.Series.Series, p.ID, p.Series.N, p.Series.Times)
	}
	why := "stopped by the factory"
	if sr.Reason != "" {
		why += ": " + sr.Reason
	}
	if err := stopSeries(ctx, &p, why); err != nil {
		return err
	}
	history(ctx, &p, p.Status, "its series stops: "+why)
	return savePool(ctx, &p)
}

// spell writes a period for people: days, hours, or milliseconds.
func spell(ms int64) string {
	const hour, day = 3600 * 1000, 24 * 3600 * 1000
	switch {
	case ms%day == 0:
		return fmt.Sprintf("%d days", ms/day)
	case ms%hour == 0:
		return fmt.Sprintf("%d hours", ms/hour)
	}
	return fmt.Sprintf("%d ms", ms)
}

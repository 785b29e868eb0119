package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// Demand serves demand series (gongxu.DemandService) from the demand facts,
// under privacy thresholds.
//
// Whether a cell is shown never depends on the query: the suppression is
// computed on the whole grid of the products asked (every hub, the totals
// over hubs, days, ISO weeks and months), then the filter picks cells from
// it. So two overlapping queries (all hubs and one hub, a week and its days,
// a month and its days) show the same cell the same way, and nothing can be
// learned by differencing them that the grid itself does not show.
//
// The grid is suppressed in two steps:
//
//  1. Primary: a cell with fewer than k distinct contributors, or whose n
//     largest contributors hold more than k % of any of its measures.
//  2. Complementary, to a fixed point, over the grid's additive relations:
//     a total over hubs is the sum of its hubs' cells, a week or month cell
//     the sum of its day cells. When a relation's total is shown and some
//     but too few of its parts are suppressed, more parts are suppressed
//     (the smallest shown parts first) or, if there are not enough, the
//     total. Too few is fewer than 2 for the time relations, and fewer than
//     3 for the hub relations: each hub knows its own cell, so with two
//     suppressed hub cells either hub could subtract its own and recover
//     the other's.
//
// The reader's own hub cells (f.Reader) are then shown in full: the grid
// already protects the other cells against a hub that knows its own, so
// showing them to it reveals nothing new.
//
// Over time (an attacker who saves every answer and subtracts yesterday's
// from today's), two more rules hold, both derived from the committed
// facts in order and from block time, never from when a query ran:
//
//  3. Closed periods are frozen. A period is closed from the first block
//     whose UTC day is more than gongxu.DemandGraceDays after its last
//     day. Each of its cells keeps for good the status (shown or
//     suppressed) it had at the last block before: the grid is computed
//     with those statuses fixed, complementary suppression then picks only
//     among open cells or suppresses the open total (a closed total has
//     only closed parts, which held when they closed). So a closed cell
//     that was shown is never hidden to protect a newer one (which the
//     attacker would recover as total − shown parts − the old value), and
//     a suppressed one is never shown. The statuses are computed by
//     replaying the closing days over the on-time facts (see
//     demand_frozen.go); an on-time fact is dated on its block's day, so a
//     closed period's live values never change either.
//  4. Late facts are revisions. A fact dated before the block that brought
//     it (a hub's recorded past sales, pool/history) is kept out of the
//     live grid (migration 0011) and published as a revision: the late
//     facts of one block are a grid of their own, suppressed by rules 1
//     and 2 as any grid. A cell shows its live value plus its revisions
//     that are shown; a revision that is not is withheld for good and the
//     cell marked (RevisionsWithheld). What a revision adds to a shown
//     cell (today's answer − yesterday's) thus passes the thresholds on
//     its own, and subtraction over a relation leaves 0 or enough
//     suppressed parts of the revision, as in any grid. A suppressed cell
//     stays suppressed whatever its revisions. The reader's own hub cells
//     include every revision.
//
// Open periods (the current day, week and month, and those in their grace)
// are live: their cells change as facts arrive, and the change of a shown
// open cell between two blocks is the facts that arrived in between. Only
// their closing freezes them. A change of the thresholds (by governance,
// or the node's config) recomputes every period as if the new thresholds
// had always applied: answers from before and after it are not protected
// against each other.
//
// A query reads the product's facts (on-time and late) once, as before;
// builds the live grid and one grid per block that brought late facts; and
// brings the frozen statuses up to the last block's day, kept in memory by
// product and thresholds: a step per day closing since the last query,
// each over the facts of the periods still open then (at most 37 days). A
// node's first query after a start replays every closing day of the
// product once.
type Demand struct {
	db   *DB
	th   gongxu.DemandThresholds
	memo *frozenMemo // closed periods' statuses, by product and thresholds
}

// NewDemand returns the demand service of db with the node's thresholds th
// (zero fields take their defaults): each query applies the stricter of
// them and the network's, which governance sets (gongxu.Params.Demand).
// Errors: KindInvalid for thresholds out of range.
func NewDemand(db *DB, th gongxu.DemandThresholds) (*Demand, error) {
	th = th.OrDefault()
	if err := th.Validate(); err != nil {
		return nil, err
	}
	return &Demand{db: db, th: th, memo: &frozenMemo{}}, nil
}

// Thresholds returns the node's own thresholds (queries apply the stricter
// of them and the network's).
func (d *Demand) Thresholds() gongxu.DemandThresholds { return d.th }

// effective is d with the stricter of its thresholds and the network's
// parameters as the read model last projected them.
func (d *Demand) effective(ctx context.Context) (*Demand, error) {
	p, err := d.db.Params(ctx)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		p = gongxu.DefaultParams() // nothing projected yet
	} else if err != nil {
		return nil, err
	}
	return &Demand{db: d.db, th: p.Demand().Stricter(d.th), memo: d.memo}, nil
}

const nMeasures = 8 // units and money of pledged, captured, refunded, picked up

type dCellKey struct {
	product, variant, currency, hub string
	period                          gongxu.DemandPeriod
	name                            string // "2026-12-07", "2026-W49", "2026-12"
}

type dCell struct {
	key        dCellKey
	start, end int64 // days
	sum        [nMeasures]int64
	consumers  int64
	by         map[string]*[nMeasures]int64
	anon       []dAnon // rows of anonymous contributors (hubs' recorded history)
	anonN      int64   // their number
	suppressed bool
	fixed      bool // a closed period's cell: its status is frozen
}

// dAnon is a fact row that stands for n anonymous contributors, each holding
// an equal share of its measures (a hub's recorded week of past sales).
type dAnon struct {
	n int64
	v [nMeasures]int64
}

// contributors is the cell's number of distinct contributors: the
// identified ones and the anonymous ones of recorded history (each week's
// consumers counted as distinct from another week's).
func (c *dCell) contributors() int64 { return int64(len(c.by)) + c.anonN }

// dRelation is an additive relation: total = Σ parts.
type dRelation struct {
	total *dCell
	parts []*dCell
	min   int // suppressed parts needed once one is
}

// Demand implements gongxu.DemandService.
func (d *Demand) Demand(ctx context.Context, f gongxu.DemandFilter) (gongxu.DemandReport, error) {
	d, err := d.effective(ctx)
	if err != nil {
		return gongxu.DemandReport{}, err
	}
	if f.Period == "" {
		f.Period = gongxu.DemandDay
	}
	if !slices.Contains(gongxu.DemandPeriods, f.Period) {
		return gongxu.DemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "period must be day, week or month; got %q", f.Period)
	}
	if f.Measure != "" && !slices.Contains(gongxu.DemandMeasures, f.Measure) {
		return gongxu.DemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "measure must be pledged, captured, refunded or picked_up; got %q", f.Measure)
	}
	from, to := int64(-1<<62), int64(1<<62)
	for _, b := range []struct {
		v   string
		dst *int64
		n   string
	}{{f.From, &from, "from"}, {f.To, &to, "to"}} {
		if b.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, b.v)
		if err != nil {
			return gongxu.DemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "%s must be a date YYYY-MM-DD; got %q", b.n, b.v)
		}
		*b.dst = floorDiv(t.Unix(), 86400)
	}
	for _, o := range []gongxu.OrgID{f.Hub, f.Reader} {
		if o != "" {
			if err := o.Validate(); err != nil {
				return gongxu.DemandReport{}, err
			}
		}
	}
	grid, err := d.grid(ctx, f.Product)
	if err != nil {
		return gongxu.DemandReport{}, err
	}
	rep := gongxu.DemandReport{Period: f.Period, Thresholds: d.th, Reader: f.Reader, Cells: []gongxu.DemandCell{}}
	for _, c := range grid {
		k := c.key
		if k.period != f.Period || c.end < from || c.start > to ||
			(f.Hub != "" && k.hub != string(f.Hub)) || (f.Variant != "" && k.variant != f.Variant) {
			continue
		}
		out := gongxu.DemandCell{Period: k.name, Product: gongxu.ProductID(k.product), Variant: k.variant, Hub: gongxu.OrgID(k.hub), Currency: k.currency}
		// What the reader sees: its own hub cells in full; another cell's
		// live part when shown (none when suppressed), plus its revisions
		// that are shown, the others withheld and the cell marked.
		var parts []*dCell
		switch {
		case f.Reader != "" && k.hub == string(f.Reader):
			out.Own = true
			if c.live != nil {
				parts = append(parts, c.live)
			}
			parts = append(parts, c.revs...)
		case c.live != nil && c.live.suppressed:
		default:
			if c.live != nil {
				parts = append(parts, c.live)
			}
			for _, r := range c.revs {
				if r.suppressed {
					out.RevisionsWithheld = true
				} else {
					parts = append(parts, r)
				}
			}
		}
		if len(parts) == 0 {
			out = gongxu.DemandCell{Period: out.Period, Product: out.Product, Variant: out.Variant, Hub: out.Hub, Currency: out.Currency, Suppressed: true}
			rep.Cells = append(rep.Cells, out)
			continue
		}
		var sum [nMeasures]int64
		who := map[string]bool{}
		for _, p := range parts {
			for i := range sum {
				sum[i] += p.sum[i]
			}
			out.Consumers += p.consumers
			out.Contributors += p.anonN
			for w := range p.by {
				who[w] = true
			}
		}
		out.Contributors += int64(len(who))
		for i, m := range gongxu.DemandMeasures {
			if f.Measure != "" && f.Measure != m {
				continue
			}
			v := &gongxu.DemandValue{Units: gongxu.Units(sum[2*i]), Money: gongxu.Amount(sum[2*i+1])}
			switch m {
			case gongxu.MeasurePledged:
				out.Pledged = v
			case gongxu.MeasureCaptured:
				out.Captured = v
			case gongxu.MeasureRefunded:
				out.Refunded = v
			case gongxu.MeasurePickedUp:
				out.PickedUp = v
			}
		}
		rep.Cells = append(rep.Cells, out)
	}
	return rep, nil
}

// dRow is one row of demand facts (on time) or of a revision (late).
type dRow struct {
	prod, variant, hub, who, cur string
	day, pool, consumers, anon   int64
	v                            [nMeasures]int64
}

type dRowKey struct {
	prod, variant, hub, who string
	day, pool               int64
}

// dOut is one cell of a report: its live cell (on-time facts) and its
// revisions (late facts, one grid per block that brought them).
type dOut struct {
	key        dCellKey
	start, end int64
	live       *dCell
	revs       []*dCell
}

// rows reads the facts of product ("" for all): the on-time rows sorted by
// day, and the late ones by the height of the block that brought them (in
// height order).
func (d *Demand) rows(ctx context.Context, product gongxu.ProductID) ([]dRow, [][]dRow, error) {
	cols := `product, variant, hub, day, pool, contributor, currency, pledged_units, pledged_money, captured_units, captured_money,
		refunded_units, refunded_money, picked_units, picked_money, consumers, anon`
	where, args := "", []any{}
	if product != "" {
		where, args = ` WHERE product = ?`, append(args, string(product))
	}
	scan := func(q string, each func(r dRow, height int64)) error {
		rows, err := d.db.r.QueryContext(ctx, q, args...)
		if err != nil {
			return gongxu.Wrap(err, "read model: demand facts")
		}
		defer rows.Close()
		for rows.Next() {
			var r dRow
			var h int64
			dst := []any{&r.prod, &r.variant, &r.hub, &r.day, &r.pool, &r.who, &r.cur}
			for i := range r.v {
				dst = append(dst, &r.v[i])
			}
			dst = append(dst, &r.consumers, &r.anon, &h)
			if err := rows.Scan(dst...); err != nil {
				return gongxu.Wrap(err, "read model: demand facts")
			}
			each(r, h)
		}
		return gongxu.Wrap(rows.Err(), "read model: demand facts")
	}
	var lates [][]dRow
	lateSum := map[dRowKey]*dRow{}
	last := int64(-1)
	if err := scan(`SELECT `+cols+`, height FROM demand_late`+where+` ORDER BY height`, func(r dRow, h int64) {
		if h != last || len(lates) == 0 {
			lates, last = append(lates, nil), h
		}
		lates[len(lates)-1] = append(lates[len(lates)-1], r)
		k := dRowKey{r.prod, r.variant, r.hub, r.who, r.day, r.pool}
		s := lateSum[k]
		if s == nil {
			s = &dRow{}
			lateSum[k] = s
		}
		for i := range r.v {
			s.v[i] += r.v[i]
		}
		s.consumers += r.consumers
		s.anon += r.anon
	}); err != nil {
		return nil, nil, err
	}
	var onTime []dRow
	if err := scan(`SELECT `+cols+`, 0 FROM demand_facts`+where, func(r dRow, _ int64) {
		if s := lateSum[dRowKey{r.prod, r.variant, r.hub, r.who, r.day, r.pool}]; s != nil {
			nonzero := false
			for i := range r.v {
				r.v[i] -= s.v[i]
				nonzero = nonzero || r.v[i] != 0
			}
			r.consumers -= s.consumers
			r.anon -= s.anon
			if !nonzero && r.consumers == 0 && r.anon == 0 {
				return // all of it came late
			}
		}
		onTime = append(onTime, r)
	}); err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(onTime, func(a, b dRow) int { return cmpInt(a.day, b.day) })
	return onTime, lates, nil
}

// today is the UTC day of the last block projected; ok is false before the
// first one (then no period is closed).
func (d *Demand) today(ctx context.Context) (day int64, ok bool, err error) {
	var ms int64
	switch err := d.db.r.QueryRowContext(ctx, `SELECT time FROM blocks ORDER BY height DESC LIMIT 1`).Scan(&ms); {
	case err == sql.ErrNoRows:
		return 0, false, nil
	case err != nil:
		return 0, false, gongxu.Wrap(err, "read model: last block time")
	}
	return floorDiv(ms, 86_400_000), true, nil
}

// grid reads the facts of product ("" for all) and returns every cell of
// every period, each with its live cell and its revisions, suppressed as
// the thresholds say, in report order.
func (d *Demand) grid(ctx context.Context, product gongxu.ProductID) ([]*dOut, error) {
	now, clock, err := d.today(ctx) // before the facts: a block projected meanwhile only adds live facts
	if err != nil {
		return nil, err
	}
	onTime, lates, err := d.rows(ctx, product)
	if err != nil {
		return nil, err
	}
	var frozen map[dCellKey]bool
	if clock {
		frozen = d.frozen(string(product), onTime, now)
	}
	outs := map[dCellKey]*dOut{}
	outOf := func(c *dCell) *dOut {
		o := outs[c.key]
		if o == nil {
			o = &dOut{key: c.key, start: c.start, end: c.end}
			outs[c.key] = o
		}
		return o
	}
	for _, c := range d.build(onTime, frozen) {
		outOf(c).live = c
	}
	for _, rs := range lates {
		for _, c := range d.build(rs, nil) {
			o := outOf(c)
			o.revs = append(o.revs, c)
		}
	}
	grid := make([]*dOut, 0, len(outs))
	for _, o := range outs {
		grid = append(grid, o)
	}
	slices.SortFunc(grid, func(a, b *dOut) int { return cmpKey(a.key, b.key) })
	return grid, nil
}

func cmpKey(x, y dCellKey) int {
	return cmpStrings(x.product, y.product, x.variant, y.variant, x.currency, y.currency,
		string(x.period), string(y.period), x.name, y.name, x.hub, y.hub)
}

// build adds rows up into the cells of every period, hub and total, and
// suppresses them: a cell in fixed keeps the status it has there (a closed
// period's), the others by the primary rule and then complementary
// suppression, which never changes a fixed cell. The cells come in report
// order.
func (d *Demand) build(rows []dRow, fixed map[dCellKey]bool) []*dCell {
	cells := map[dCellKey]*dCell{}
	var pers [3]struct { // the periods of the row's day (rows come by day)
		name       string
		start, end int64
	}
	for i := range rows {
		r := &rows[i]
		if i == 0 || r.day != rows[i-1].day {
			for j, per := range gongxu.DemandPeriods {
				pers[j].name, pers[j].start, pers[j].end = periodOf(per, r.day)
			}
		}
		for _, h := range []string{r.hub, ""} {
			for j, per := range gongxu.DemandPeriods {
				name, start, end := pers[j].name, pers[j].start, pers[j].end
				k := dCellKey{r.prod, r.variant, r.cur, h, per, name}
				c := cells[k]
				if c == nil {
					c = &dCell{key: k, start: start, end: end, by: map[string]*[nMeasures]int64{}}
					cells[k] = c
				}
				c.add(r)
			}
		}
	}
	grid := make([]*dCell, 0, len(cells))
	for _, c := range cells {
		if s, ok := fixed[c.key]; ok {
			c.suppressed, c.fixed = s, true
		} else {
			c.suppressed = !d.passes(c)
		}
		grid = append(grid, c)
	}
	slices.SortFunc(grid, func(a, b *dCell) int { return cmpKey(a.key, b.key) })
	complementary(relations(grid, cells))
	return grid
}

// add adds a row to the cell.
func (c *dCell) add(r *dRow) {
	for i := range r.v {
		c.sum[i] += r.v[i]
	}
	c.consumers += r.consumers
	if r.anon > 0 {
		c.anon = append(c.anon, dAnon{r.anon, r.v})
		c.anonN += r.anon
		return
	}
	w := c.by[r.who]
	if w == nil {
		w = new([nMeasures]int64)
		c.by[r.who] = w
	}
	for i := range r.v {
		w[i] += r.v[i]
	}
}

func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// passes applies the primary rule: at least k contributors, and on every
// measure the n largest contributors hold at most k % of it.
func (d *Demand) passes(c *dCell) bool {
	if c.contributors() < int64(d.th.MinContributors) {
		return false
	}
	vals := make([]int64, 0, len(c.by)+len(c.anon)*d.th.DominanceN)
	for i := range nMeasures {
		if c.sum[i] <= 0 {
			continue
		}
		vals = vals[:0]
		for _, w := range c.by {
			vals = append(vals, w[i])
		}
		// An anonymous row's n equal shares: v/n each, the remainder one
		// more to the first ones; only the largest DominanceN can count.
		for _, a := range c.anon {
			q, r := a.v[i]/a.n, a.v[i]%a.n
			for j := int64(0); j < a.n && j < int64(d.th.DominanceN); j++ {
				if j < r {
					vals = append(vals, q+1)
				} else {
					vals = append(vals, q)
				}
			}
		}
		slices.SortFunc(vals, func(a, b int64) int { return cmpInt(b, a) })
		var top int64
		for j := 0; j < d.th.DominanceN && j < len(vals); j++ {
			top += vals[j]
		}
		// top/sum > pct/100, in integers (sums are far below 2^63/100).
		if top*100 > int64(d.th.DominancePct)*c.sum[i] {
			return false
		}
	}
	return true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// relations lists the grid's additive relations, in grid order: each total
// over hubs with its hubs' cells, each week and month with its days.
func relations(grid []*dCell, cells map[dCellKey]*dCell) []*dRelation {
	var rels []*dRelation
	type relKey struct {
		total *dCell
		min   int // 3: over hubs, 2: over days
	}
	byTotal := map[relKey]*dRelation{}
	add := func(total, part *dCell, min int) {
		r := byTotal[relKey{total, min}]
		if r == nil {
			r = &dRelation{total: total, min: min}
			byTotal[relKey{total, min}] = r
			rels = append(rels, r)
		}
		r.parts = append(r.parts, part)
	}
	for _, c := range grid {
		k := c.key
		if k.hub != "" {
			t := k
			t.hub = ""
			add(cells[t], c, 3)
		}
		if k.period == gongxu.DemandDay {
			for _, per := range []gongxu.DemandPeriod{gongxu.DemandWeek, gongxu.DemandMonth} {
				t := k
				t.period = per
				t.name, _, _ = periodOf(per, c.start)
				add(cells[t], c, 2)
			}
		}
	}
	return rels
}

// complementary suppresses parts (or totals) until no shown total has
// fewer suppressed parts than its relation's minimum, other than none.
// Fixed cells (closed periods') keep their status: a relation whose total
// is fixed has only fixed parts (a period closes no earlier than its parts)
// and held when it closed; another picks only among its open parts, or
// suppresses its total.
func complementary(rels []*dRelation) {
	for changed := true; changed; {
		changed = false
		for _, r := range rels {
			if r.total.suppressed || r.total.fixed {
				continue
			}
			s := 0
			var shown []*dCell
			for _, p := range r.parts {
				if p.suppressed {
					s++
				} else if !p.fixed {
					shown = append(shown, p)
				}
			}
			if s == 0 || s >= r.min {
				continue
			}
			changed = true
			need := r.min - s
			if len(shown) < need {
				r.total.suppressed = true
				continue
			}
			// The smallest shown parts (by pledged units, then money), in a
			// stable order: the least information lost.
			slices.SortStableFunc(shown, func(a, b *dCell) int {
				if c := cmpInt(a.sum[0], b.sum[0]); c != 0 {
					return c
				}
				return cmpInt(a.sum[1], b.sum[1])
			})
			for _, p := range shown[:need] {
				p.suppressed = true
			}
		}
	}
}

// periodOf returns the name, first and last day of the period of length per
// that holds day (days since 1970-01-01, UTC).
func periodOf(per gongxu.DemandPeriod, day int64) (string, int64, int64) {
	t := time.Unix(day*86400, 0).UTC()
	switch per {
	case gongxu.DemandWeek:
		y, w := t.ISOWeek()
		start := day - int64((int(t.Weekday())+6)%7)
		return fmt.Sprintf("%04d-W%02d", y, w), start, start + 6
	case gongxu.DemandMonth:
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		next := first.AddDate(0, 1, 0)
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month())), first.Unix() / 86400, next.Unix()/86400 - 1
	}
	return t.Format(time.DateOnly), day, day
}

package sqlite

import (
	"hash/maphash"
	"slices"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// Frozen periods. A period (a day, an ISO week, a month) is closed from the
// first block whose UTC day is more than gongxu.DemandGraceDays after its
// last day; its cells are then frozen: each keeps, for good, whether it was
// shown or suppressed at the last block before it closed.
//
// That status is derived from the facts alone, never from when a query ran:
// an on-time fact is dated on its block's day, so the facts as of the first
// block of day c are exactly those dated before c, and the status frozen on
// day c is what build gives those facts with the statuses frozen before c
// held fixed. frozen replays the closing days in order. Each step needs only
// the facts of the periods still open then (the month and the ISO week of
// day c-1-grace, from the earlier of their first days: at most 37 days);
// the statuses are kept in memory by product and thresholds and the next
// query goes on from where the last stopped, checked against a checksum of
// the facts it stood on (a reindexed or rewritten read model starts over).

// frozenMemo keeps the frozen statuses of the grids asked.
type frozenMemo struct {
	mu sync.Mutex
	m  map[frozenKey]*frozenSet
}

type frozenKey struct {
	product string
	th      gongxu.DemandThresholds
}

// frozenSet is immutable once stored: an advance copies it.
type frozenSet struct {
	through int64  // every closing day up to it is applied
	sum     uint64 // checksum of the on-time rows dated before through
	status  map[dCellKey]bool
}

// frozenMemoMax bounds the memo; past it, an entry is dropped for the new
// one (the statuses are a function of the facts, so dropping them costs
// only the next query's replay).
const frozenMemoMax = 1024

func (m *frozenMemo) get(k frozenKey) *frozenSet {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[k]
}

func (m *frozenMemo) put(k frozenKey, s *frozenSet) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[frozenKey]*frozenSet{}
	}
	if _, ok := m.m[k]; !ok && len(m.m) >= frozenMemoMax {
		for old := range m.m { // any one: the cache's order never shows in an answer
			delete(m.m, old)
			break
		}
	}
	if old := m.m[k]; old == nil || old.through <= s.through {
		m.m[k] = s
	}
}

// rowsSum is a checksum of the rows dated before day (order-independent;
// in memory only, so its seed may change from a run to the next).
func rowsSum(rows []dRow, day int64) uint64 {
	var sum uint64
	var h maphash.Hash
	h.SetSeed(rowsSeed)
	for i := range rows {
		r := &rows[i]
		if r.day >= day {
			break // rows are sorted by day
		}
		h.Reset()
		for _, s := range []string{r.prod, r.variant, r.hub, r.who, r.cur} {
			h.WriteString(s)
			h.WriteByte(0)
		}
		for _, x := range [...]int64{r.day, r.pool, r.consumers, r.anon} {
			maphash.WriteComparable(&h, x)
		}
		for _, x := range r.v {
			maphash.WriteComparable(&h, x)
		}
		sum += h.Sum64()
	}
	return sum
}

var rowsSeed = maphash.MakeSeed()

// closesOn is the first day on which a period ending on end is closed.
func closesOn(end int64) int64 { return end + gongxu.DemandGraceDays + 1 }

// frozen returns the frozen status (suppressed or not) of every cell of
// rows (the on-time rows of product, sorted by day) whose period is closed
// on day now.
func (d *Demand) frozen(product string, rows []dRow, now int64) map[dCellKey]bool {
	key := frozenKey{product, d.th}
	set := d.memo.get(key)
	if set != nil && (set.through > now || set.sum != rowsSum(rows, set.through)) {
		set = nil
	}
	if set == nil {
		set = &frozenSet{through: -1 << 62, status: map[dCellKey]bool{}}
	}
	if set.through == now {
		return set.status
	}
	// The closing days after set.through, up to now, of the periods of rows.
	var steps []int64
	lastDay := int64(-1 << 62)
	for i := range rows {
		day := rows[i].day
		if day == lastDay {
			continue
		}
		lastDay = day
		for _, per := range gongxu.DemandPeriods {
			_, _, end := periodOf(per, day)
			if c := closesOn(end); c > set.through && c <= now {
				steps = append(steps, c)
			}
		}
	}
	slices.Sort(steps)
	steps = slices.Compact(steps)
	status := set.status
	if len(steps) > 0 {
		status = make(map[dCellKey]bool, len(set.status))
		for k, v := range set.status {
			status[k] = v
		}
	}
	for _, c := range steps {
		// The periods still open on day c are those of day c-1-grace and
		// later: the window starts at the first day of its week or month.
		x := c - 1 - gongxu.DemandGraceDays
		_, ws, _ := periodOf(gongxu.DemandWeek, x)
		_, ms, _ := periodOf(gongxu.DemandMonth, x)
		lo := min(ws, ms)
		i, _ := slices.BinarySearchFunc(rows, lo, func(r dRow, day int64) int { return cmpInt(r.day, day) })
		j, _ := slices.BinarySearchFunc(rows, c, func(r dRow, day int64) int { return cmpInt(r.day, day) })
		for _, cell := range d.build(rows[i:j], status) {
			if _, done := status[cell.key]; !done && closesOn(cell.end) <= c {
				status[cell.key] = cell.suppressed
			}
		}
	}
	d.memo.put(key, &frozenSet{through: now, sum: rowsSum(rows, now), status: status})
	return status
}

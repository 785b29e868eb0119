package plan

import (
	"cmp"
	"container/heap"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// Slip says an operation takes longer than its routing says.
type Slip struct {
	Work    string `json:"work"`
	Op      int    `json:"op"`       // index in the item's routing, from 0
	ExtraMs int64  `json:"extra_ms"` // more working time, > 0
}

// Input is what a timetable is computed from, kept with it so a re-plan
// can change one thing and compute again.
type Input struct {
	Work     []PlannedWork    `json:"work"`
	Arrivals map[string]int64 `json:"arrivals,omitempty"` // purchase or open order ref → when it now arrives, unix ms
	Slips    []Slip           `json:"slips,omitempty"`
	From     int64            `json:"from"` // nothing starts earlier, unix ms
}

// DemandDate is the completion date of a production order: the latest
// completion of the work orders delivering to the demand. (Whether that is
// late is for the demand's owner to say: a work order's Due is the start of
// its due day, the demand may be due later that day.)
type DemandDate struct {
	Ref        string `json:"ref"`
	Completion int64  `json:"completion"`
}

// Timetable is a finite-capacity schedule. Ops are sorted by (work, op),
// orders by work id, demands by ref.
type Timetable struct {
	Input   Input         `json:"input"`
	Ops     []ScheduledOp `json:"ops"`
	Orders  []OrderDate   `json:"orders"`
	Demands []DemandDate  `json:"demands"`
}

// Schedule places the operations of the work orders forward on the work
// centers' calendars, never loading a work center with more operations at
// once than its capacity.
//
// Orders go in priority order (due, then id), except that an order waits
// for the work orders among its Inputs (its made components) to be placed
// first. An order is ready at the latest of from, its planned Start, the
// arrival of each purchase or open order among its Inputs found in arrivals
// (a supply not listed there is taken to arrive as planned, by Start) and
// the completion of each work order among its Inputs. Its operations run in
// routing order, each on the work center unit where it can start soonest
// (lowest unit on ties), no earlier than the previous one's end; an
// operation is interrupted by non-working time, never by another operation.
//
// Errors: KindNotFound for an unknown item or work center; KindInvalid for
// an empty calendar, a work center with zero capacity, a made item without
// a routing, bad quantities, or no working time within ten years.
func Schedule(m Master, work []PlannedWork, arrivals map[string]int64, from int64) (Timetable, error) {
	return schedule(m, Input{Work: work, Arrivals: arrivals, From: from})
}

type wcState struct {
	wc    *WorkCenter
	tl    *timeline
	units [][]Interval // busy, per unit: sorted, merged
}

type shop struct {
	md       *model
	wcs      map[string]*wcState
	routings [][]Operation // per item
}

func compileShop(m Master, from int64) (*shop, error) {
	md, err := compile(m)
	if err != nil {
		return nil, err
	}
	s := &shop{md: md, wcs: make(map[string]*wcState, len(m.WorkCenters)), routings: make([][]Operation, len(md.items))}
	for k := range m.WorkCenters {
		wc := &m.WorkCenters[k]
		if wc.ID == "" {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "work center id must not be empty")
		}
		if _, dup := s.wcs[wc.ID]; dup {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "work center %q is listed twice", wc.ID)
		}
		if wc.Capacity <= 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "work center %q has zero capacity: it needs at least one unit", wc.ID)
		}
		if wc.Capacity > maxCapacity {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "work center %q: capacity must be at most %d units, got %d", wc.ID, maxCapacity, wc.Capacity)
		}
		if err := wc.Calendar.Validate(wc.ID); err != nil {
			return nil, err
		}
		s.wcs[wc.ID] = &wcState{wc: wc, tl: newTimeline(wc.ID, wc.Calendar, from), units: make([][]Interval, wc.Capacity)}
	}
	for _, r := range m.Routings {
		i, ok := md.index[r.Item]
		if !ok {
			return nil, gongxu.Errorf(gongxu.KindNotFound, "routing: unknown item %q", r.Item)
		}
		it := md.items[i]
		if !it.Make || it.Phantom {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "routing for %q: only made, non-phantom items have routings", r.Item)
		}
		if s.routings[i] != nil {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "item %q has two routings", r.Item)
		}
		if len(r.Ops) == 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "routing for %q has no operations", r.Item)
		}
		for k, op := range r.Ops {
			if _, ok := s.wcs[op.WorkCenter]; !ok {
				return nil, gongxu.Errorf(gongxu.KindNotFound, "routing for %q, operation %d: unknown work center %q", r.Item, k, op.WorkCenter)
			}
			if op.SetupMs < 0 || op.RunMsPerUnit < 0 || op.SetupMs > maxTime {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "routing for %q, operation %d: setup and run times must not be negative", r.Item, k)
			}
		}
		s.routings[i] = r.Ops
	}
	return s, nil
}

// prio is a heap of order indices by priority rank.
type prio []int

func (h prio) Len() int           { return len(h) }
func (h prio) Less(i, j int) bool { return h[i] < h[j] }
func (h prio) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *prio) Push(x any)        { *h = append(*h, x.(int)) }
func (h *prio) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func schedule(m Master, in Input) (Timetable, error) {
	if in.From < 0 || in.From > maxTime {
		return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "schedule start %d is out of range", in.From)
	}
	s, err := compileShop(m, in.From)
	if err != nil {
		return Timetable{}, err
	}
	for ref, at := range in.Arrivals {
		if at < 0 || at > maxTime {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "arrival of %q: time %d is out of range", ref, at)
		}
	}
	// Orders by priority: (due, id).
	work := append([]PlannedWork{}, in.Work...)
	slices.SortFunc(work, func(a, b PlannedWork) int { return cmp.Or(cmp.Compare(a.Due, b.Due), strings.Compare(a.ID, b.ID)) })
	byID := make(map[string]int, len(work))
	items := make([]int32, len(work))
	for k, w := range work {
		if w.ID == "" {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order id must not be empty")
		}
		if _, dup := byID[w.ID]; dup {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q is listed twice", w.ID)
		}
		byID[w.ID] = k
		i, ok := s.md.index[w.Item]
		if !ok {
			return Timetable{}, gongxu.Errorf(gongxu.KindNotFound, "work order %q: unknown item %q", w.ID, w.Item)
		}
		if s.routings[i] == nil {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q: item %q has no routing", w.ID, w.Item)
		}
		if w.Qty <= 0 {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q: quantity must be positive, got %d", w.ID, w.Qty)
		}
		if w.Start < -maxTime || w.Start > maxTime || w.Due < -maxTime || w.Due > maxTime {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q: start or due is out of range", w.ID)
		}
		items[k] = i
	}
	extra := make(map[[2]int]int64)
	for _, sl := range in.Slips {
		k, ok := byID[sl.Work]
		if !ok {
			return Timetable{}, gongxu.Errorf(gongxu.KindNotFound, "slip: unknown work order %q", sl.Work)
		}
		if sl.Op < 0 || sl.Op >= len(s.routings[items[k]]) {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "slip of %q: operation %d is not in its routing", sl.Work, sl.Op)
		}
		if sl.ExtraMs <= 0 || sl.ExtraMs > maxTime {
			return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "slip of %q operation %d: extra time must be positive, got %d", sl.Work, sl.Op, sl.ExtraMs)
		}
		e, err := gongxu.AddInt64(extra[[2]int{k, sl.Op}], sl.ExtraMs)
		if err != nil {
			return Timetable{}, err
		}
		extra[[2]int{k, sl.Op}] = e
	}
	// Dependencies on work orders among the inputs.
	waits := make([]int, len(work))
	next := make([][]int, len(work))
	for k, w := range work {
		for _, ref := range w.Inputs {
			if d, ok := byID[ref]; ok && d != k {
				waits[k]++
				next[d] = append(next[d], k)
			}
		}
	}
	h := prio{}
	for k := range work {
		if waits[k] == 0 {
			h = append(h, k)
		}
	}
	heap.Init(&h)

	in.Work = work
	in.Slips = slices.Clone(in.Slips)
	slices.SortFunc(in.Slips, func(a, b Slip) int {
		return cmp.Or(strings.Compare(a.Work, b.Work), cmp.Compare(a.Op, b.Op), cmp.Compare(a.ExtraMs, b.ExtraMs))
	})
	tt := Timetable{Input: in, Ops: []ScheduledOp{}, Orders: make([]OrderDate, 0, len(work)), Demands: []DemandDate{}}
	done := make([]int64, len(work))
	placed := 0
	for h.Len() > 0 {
		k := heap.Pop(&h).(int)
		w := &work[k]
		ready := max(in.From, w.Start)
		for _, ref := range w.Inputs {
			if d, ok := byID[ref]; ok {
				ready = max(ready, done[d])
			} else if at, ok := in.Arrivals[ref]; ok {
				ready = max(ready, at)
			}
		}
		t := ready
		for x, op := range s.routings[items[k]] {
			run, err := mulDiv(op.RunMsPerUnit, int64(w.Qty), 1000, true)
			if err != nil {
				return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q operation %d: duration overflows", w.ID, x)
			}
			dur := op.SetupMs + run + extra[[2]int{k, x}]
			if run > maxTime || dur > maxTime || dur < 0 {
				return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work order %q operation %d: duration overflows", w.ID, x)
			}
			st := s.wcs[op.WorkCenter]
			u, a, b, err := st.place(t, dur)
			if err != nil {
				return Timetable{}, err
			}
			tt.Ops = append(tt.Ops, ScheduledOp{Work: w.ID, Op: x, WorkCenter: op.WorkCenter, Unit: int64(u), Start: a, End: b})
			t = b
		}
		done[k] = t
		tt.Orders = append(tt.Orders, OrderDate{Work: w.ID, Item: w.Item, Ready: ready, Completion: t, Due: w.Due, Late: t > w.Due})
		placed++
		for _, n := range next[k] {
			if waits[n]--; waits[n] == 0 {
				heap.Push(&h, n)
			}
		}
	}
	if placed < len(work) {
		var stuck []string
		for k := range work {
			if waits[k] > 0 {
				stuck = append(stuck, work[k].ID)
			}
		}
		return Timetable{}, gongxu.Errorf(gongxu.KindInvalid, "work orders wait on each other in a cycle through their inputs: %s", strings.Join(stuck, ", "))
	}
	// Production orders: the demands the work delivers to.
	dem := make(map[string]*DemandDate)
	for k, w := range work {
		for _, ref := range w.Delivers {
			d := dem[ref]
			if d == nil {
				d = &DemandDate{Ref: ref}
				dem[ref] = d
			}
			d.Completion = max(d.Completion, done[k])
		}
	}
	for _, ref := range slices.Sorted(maps.Keys(dem)) {
		tt.Demands = append(tt.Demands, *dem[ref])
	}
	slices.SortFunc(tt.Ops, func(a, b ScheduledOp) int { return cmp.Or(strings.Compare(a.Work, b.Work), cmp.Compare(a.Op, b.Op)) })
	slices.SortFunc(tt.Orders, func(a, b OrderDate) int { return strings.Compare(a.Work, b.Work) })
	return tt, nil
}

// place puts an operation of dur working ms on the unit where it can start
// soonest at or after ready.
func (s *wcState) place(ready, dur int64) (int, int64, int64, error) {
	if dur == 0 {
		a, err := s.tl.align(ready)
		return 0, a, a, err
	}
	soonest, err := s.tl.align(ready)
	if err != nil {
		return 0, 0, 0, err
	}
	best, bestA, bestB := -1, int64(0), int64(0)
	for u := range s.units {
		a, b, err := s.earliest(u, ready, dur)
		if err != nil {
			return 0, 0, 0, err
		}
		if best < 0 || a < bestA {
			best, bestA, bestB = u, a, b
		}
		if a == soonest {
			break // cannot do better
		}
	}
	if err := s.occupy(best, Interval{Start: bestA, End: bestB}); err != nil {
		return 0, 0, 0, err
	}
	return best, bestA, bestB, nil
}

// earliest finds the soonest start on unit u: the first gap in its busy
// intervals, at or after t, holding dur of working time.
func (s *wcState) earliest(u int, t, dur int64) (int64, int64, error) {
	busy := s.units[u]
	k := sort.Search(len(busy), func(k int) bool { return busy[k].End > t })
	for {
		a, err := s.tl.align(t)
		if err != nil {
			return 0, 0, err
		}
		b, err := s.tl.after(a, dur)
		if err != nil {
			return 0, 0, err
		}
		if k < len(busy) && busy[k].Start < b {
			t = max(t, busy[k].End)
			k++
			continue
		}
		return a, b, nil
	}
}

// occupy marks iv busy on unit u, merging it with neighbours when no
// working time lies between them.
func (s *wcState) occupy(u int, iv Interval) error {
	busy := s.units[u]
	k := sort.Search(len(busy), func(k int) bool { return busy[k].Start >= iv.End })
	busy = slices.Insert(busy, k, iv)
	if k+1 < len(busy) {
		if free, err := s.gap(iv.End, busy[k+1].Start); err != nil {
			return err
		} else if !free {
			busy[k].End = busy[k+1].End
			busy = slices.Delete(busy, k+1, k+2)
		}
	}
	if k > 0 {
		if free, err := s.gap(busy[k-1].End, iv.Start); err != nil {
			return err
		} else if !free {
			busy[k-1].End = busy[k].End
			busy = slices.Delete(busy, k, k+1)
		}
	}
	s.units[u] = busy
	return nil
}

// gap reports whether there is working time in [a, b).
func (s *wcState) gap(a, b int64) (bool, error) {
	if a >= b {
		return false, nil
	}
	wa, err := s.tl.worked(a)
	if err != nil {
		return false, err
	}
	wb, err := s.tl.worked(b)
	return wb > wa, err
}

// Event is a change a re-plan reacts to: a purchase or open order confirmed
// to arrive at Arrives (Supply set), or an operation of a work order that
// takes SlipMs more working time than planned (Work set).
type Event struct {
	Supply  string `json:"supply,omitempty"`
	Arrives int64  `json:"arrives,omitempty"`
	Work    string `json:"work,omitempty"`
	Op      int    `json:"op,omitempty"`
	SlipMs  int64  `json:"slip_ms,omitempty"`
	Reason  string `json:"reason,omitempty"` // published with the new dates; generated when empty
}

// DateChange is a completion date that moved, to be published with its
// reason: a production order's ("demand", its ref) or a work order's
// ("work", its id).
type DateChange struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Old    int64  `json:"old"`
	New    int64  `json:"new"`
	Reason string `json:"reason"`
}

func stamp(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }

// Replan applies one event to the inputs of prev, schedules again and
// reports every completion date that moved, production orders first, with
// the reason. Errors: KindNotFound for a supply that no work order takes
// as input or an unknown work order, KindInvalid for a bad event, and
// whatever Schedule returns.
func Replan(m Master, prev Timetable, ev Event) (Timetable, []DateChange, error) {
	in := prev.Input
	in.Arrivals = maps.Clone(in.Arrivals)
	in.Slips = slices.Clone(in.Slips)
	reason := ev.Reason
	switch {
	case ev.Supply != "" && ev.Work == "":
		used := false
		for _, w := range in.Work {
			if w.ID == ev.Supply {
				return Timetable{}, nil, gongxu.Errorf(gongxu.KindInvalid, "replan: %q is a work order; a late work order is a slip of one of its operations", ev.Supply)
			}
			used = used || slices.Contains(w.Inputs, ev.Supply)
		}
		if !used {
			return Timetable{}, nil, gongxu.Errorf(gongxu.KindNotFound, "replan: no work order takes %q as input", ev.Supply)
		}
		if ev.Arrives < 0 || ev.Arrives > maxTime {
			return Timetable{}, nil, gongxu.Errorf(gongxu.KindInvalid, "replan: arrival time %d of %q is out of range", ev.Arrives, ev.Supply)
		}
		if in.Arrivals == nil {
			in.Arrivals = map[string]int64{}
		}
		in.Arrivals[ev.Supply] = ev.Arrives
		if reason == "" {
			reason = fmt.Sprintf("%s now arrives %s", ev.Supply, stamp(ev.Arrives))
		}
	case ev.Work != "" && ev.Supply == "":
		if !slices.ContainsFunc(in.Work, func(w PlannedWork) bool { return w.ID == ev.Work }) {
			return Timetable{}, nil, gongxu.Errorf(gongxu.KindNotFound, "replan: unknown work order %q", ev.Work)
		}
		in.Slips = append(in.Slips, Slip{Work: ev.Work, Op: ev.Op, ExtraMs: ev.SlipMs})
		if reason == "" {
			reason = fmt.Sprintf("operation %d of %s takes %s longer", ev.Op, ev.Work, time.Duration(ev.SlipMs)*time.Millisecond)
		}
	default:
		return Timetable{}, nil, gongxu.Errorf(gongxu.KindInvalid, "replan: an event names either a supply or a work order")
	}
	next, err := schedule(m, in)
	if err != nil {
		return Timetable{}, nil, err
	}
	var changes []DateChange
	old := make(map[string]int64, len(prev.Demands))
	for _, d := range prev.Demands {
		old[d.Ref] = d.Completion
	}
	for _, d := range next.Demands {
		if o, ok := old[d.Ref]; ok && o != d.Completion {
			changes = append(changes, DateChange{Kind: "demand", ID: d.Ref, Old: o, New: d.Completion, Reason: reason})
		}
	}
	clear(old)
	for _, o := range prev.Orders {
		old[o.Work] = o.Completion
	}
	for _, o := range next.Orders {
		if c, ok := old[o.Work]; ok && c != o.Completion {
			changes = append(changes, DateChange{Kind: "work", ID: o.Work, Old: c, New: o.Completion, Reason: reason})
		}
	}
	return next, changes, nil
}

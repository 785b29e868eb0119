package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/plan"
)

// explainer says what binds a production order's completion: capacity
// (the work center that is the bottleneck) or material (the purchase or
// work its chain of work orders waits for longest).
//
// Whether capacity binds is found by scheduling again with unbounded work
// centers: when the order would complete sooner, it does, and the
// bottleneck is the work center whose capacity alone, made unbounded,
// brings the date forward most. Otherwise the date is the end of a chain
// of work orders, each waiting for the one before it; the first of the
// chain waits for a supply (the latest to arrive), for its planned start
// (its lead time), or for nothing (it starts now).
type explainer struct {
	r         *run
	work      []gongxu.PlannedWork
	purchases []gongxu.PlannedPurchase
	tt        plan.Timetable

	unbounded map[string]int64            // demand completions with every work center unbounded; nil until asked
	relaxed   map[string]map[string]int64 // per work center: demand completions with it alone unbounded
}

// schedule computes the demand completions with the work centers in
// relax unbounded; nil when that fails.
func (e *explainer) schedule(relax func(id string) bool) map[string]int64 {
	m := e.r.master
	m.WorkCenters = slices.Clone(m.WorkCenters)
	big := int64(min(len(e.work)+1, gongxu.MaxWorkCenterCap))
	for i := range m.WorkCenters {
		if relax(m.WorkCenters[i].ID) {
			m.WorkCenters[i].Capacity = max(m.WorkCenters[i].Capacity, big)
		}
	}
	tt, err := plan.Schedule(m, e.work, e.r.arrivals, e.r.at)
	if err != nil {
		return nil
	}
	out := make(map[string]int64, len(tt.Demands))
	for _, d := range tt.Demands {
		out[d.Ref] = d.Completion
	}
	return out
}

// reason says in one sentence what binds the completion of demand ref.
func (e *explainer) reason(ref string, completion int64) string {
	if e.unbounded == nil {
		e.unbounded = e.schedule(func(string) bool { return true })
	}
	if c, ok := e.unbounded[ref]; ok && c < completion {
		return e.bottleneck(ref, completion)
	}
	return e.material(ref, completion)
}

// bottleneck names the work center whose capacity holds ref back.
func (e *explainer) bottleneck(ref string, completion int64) string {
	if e.relaxed == nil {
		e.relaxed = map[string]map[string]int64{}
	}
	var used []string
	for _, op := range e.tt.Ops {
		if !slices.Contains(used, op.WorkCenter) {
			used = append(used, op.WorkCenter)
		}
	}
	slices.Sort(used)
	best, bestAt := "", completion
	for _, wc := range used {
		got, ok := e.relaxed[wc]
		if !ok {
			got = e.schedule(func(id string) bool { return id == wc })
			e.relaxed[wc] = got
		}
		if c, ok := got[ref]; ok && c < bestAt {
			best, bestAt = wc, c
		}
	}
	if best == "" {
		return fmt.Sprintf("capacity binds: work centers %s are booked with other work", strings.Join(used, ", "))
	}
	return fmt.Sprintf("work center %s is the bottleneck: with free capacity the order would complete %s", best, stamp(bestAt))
}

// material follows the chain of work orders that ends ref's completion
// back to what its first one waits for.
func (e *explainer) material(ref string, completion int64) string {
	works := make(map[string]*gongxu.PlannedWork, len(e.work))
	for i := range e.work {
		works[e.work[i].ID] = &e.work[i]
	}
	dates := make(map[string]gongxu.OrderDate, len(e.tt.Orders))
	var last *gongxu.PlannedWork
	for _, od := range e.tt.Orders { // sorted by work id
		dates[od.Work] = od
		if w := works[od.Work]; last == nil && od.Completion == completion && slices.Contains(w.Delivers, ref) {
			last = w
		}
	}
	if last == nil {
		return "planned completion " + stamp(completion)
	}
	w := last
	var ops []string
	for range len(e.work) {
		for _, op := range e.tt.Ops {
			if op.Work == w.ID && !slices.Contains(ops, op.WorkCenter) {
				ops = append(ops, op.WorkCenter)
			}
		}
		ready := dates[w.ID].Ready
		var prev *gongxu.PlannedWork
		for _, in := range w.Inputs {
			if d, ok := dates[in]; ok && d.Completion == ready {
				prev = works[in]
				break
			}
		}
		if prev == nil {
			break
		}
		w = prev
	}
	ready := dates[w.ID].Ready
	if ready > e.r.at {
		for _, in := range w.Inputs {
			if at, ok := e.r.arrivals[in]; ok && at == ready {
				s := fmt.Sprintf("waits for %s, arriving %s", e.describe(in), stamp(at))
				if note := e.r.notes[in]; note != "" {
					s += "; " + note
				}
				return s
			}
		}
	}
	if ready == w.Start && ready > e.r.at {
		if in, due := e.latestSupply(w); in != "" {
			return fmt.Sprintf("waits for %s, due %s", e.describe(in), date(due))
		}
		return fmt.Sprintf("%s starts %s, its lead time before it is due", w.Item, date(w.Start))
	}
	slices.Sort(ops)
	if desc, started := e.r.supplies[w.ID]; started {
		return fmt.Sprintf("%s: the rest takes %s from now until %s", desc, strings.Join(ops, ", "), stamp(completion))
	}
	return fmt.Sprintf("materials are at hand: the work on %s starts now and takes until %s", strings.Join(ops, ", "), stamp(completion))
}

// latestSupply is the purchase or open order among w's inputs that arrives
// last (planned purchases arrive at their due date), the one with the
// longest lead time among those.
func (e *explainer) latestSupply(w *gongxu.PlannedWork) (string, int64) {
	best, bestDue, bestLead := "", int64(0), int64(-1)
	for _, in := range w.Inputs {
		due, lead := int64(0), int64(0)
		if at, ok := e.r.arrivals[in]; ok {
			due = at
		} else if i := slices.IndexFunc(e.purchases, func(p gongxu.PlannedPurchase) bool { return p.ID == in }); i >= 0 {
			due, lead = e.purchases[i].Due, e.purchases[i].Due-e.purchases[i].Release
		} else {
			continue // a work order
		}
		if due > bestDue || due == bestDue && lead > bestLead {
			best, bestDue, bestLead = in, due, lead
		}
	}
	return best, bestDue
}

// describe names a supply for people.
func (e *explainer) describe(ref string) string {
	if s, ok := e.r.supplies[ref]; ok {
		return s
	}
	return ref
}

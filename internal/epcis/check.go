package epcis

import (
	"sort"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// CheckTime rejects an event time more than maxSkew after now (KindInvalid):
// a clock running ahead is tolerated, an event from the future is not. On
// the ledger now is the block time.
func CheckTime(eventTime, now time.Time, maxSkew time.Duration) error {
	if ahead := eventTime.Sub(now); ahead > maxSkew {
		return gongxu.Errorf(gongxu.KindInvalid, "epcis: %s is %s in the future, more than the %s allowed",
			eventTime.UTC().Format("2006-01-02T15:04:05.000Z"), ahead.Truncate(time.Millisecond), maxSkew)
	}
	return nil
}

// CheckAggregation finds a parent that would contain itself through a chain
// of AggregationEvents of the given events: it replays them in event time
// order (ADD puts the childEPCs in the parent, DELETE takes them out, or all
// of them when it names none) and fails with KindInvalid, naming the cycle,
// the moment a containment loops. Identifiers are compared by their
// Canonical key, so a URN and a Digital Link URI of one SSCC are one thing.
//
// Its work is bounded: a child that contains nothing (an item, a new
// container) cannot close a loop and costs O(1); otherwise an ADD looks up,
// once, what contains its parent (when goods are packed, items into cases
// into pallets, the parent is new and nothing contains it yet). The
// look-ups of all events together take at most maxAggregationSteps steps
// (KindTooLarge beyond, which no real packing hierarchy comes near).
func CheckAggregation(events []Event) error {
	type agg struct {
		i int
		e *Event
	}
	var aggs []agg
	for i := range events {
		if events[i].Type == AggregationEvent && events[i].ParentID != "" && events[i].ErrorDeclaration == nil {
			aggs = append(aggs, agg{i, &events[i]})
		}
	}
	sort.SliceStable(aggs, func(a, b int) bool { return aggs[a].e.EventTime < aggs[b].e.EventTime })

	key := func(id string) string {
		if c, err := Canonical(id); err == nil {
			return c
		}
		return id
	}
	g := &containment{children: map[string]map[string]int{}, parents: map[string]map[string]int{}}
	names := map[string]string{} // key → the identifier as first written
	name := func(k, written string) {
		if _, ok := names[k]; !ok {
			names[k] = written
		}
	}
	for _, a := range aggs {
		p := key(a.e.ParentID)
		name(p, a.e.ParentID)
		switch a.e.Action {
		case "ADD":
			var above map[string]string // what contains p, computed once for the event
			for _, c := range a.e.ChildEPCs {
				ck := key(c)
				name(ck, c)
				if _, in := g.children[p][ck]; in {
					continue
				}
				if ck != p && len(g.children[ck]) == 0 {
					g.add(p, ck) // ck contains nothing, so not p: the usual case, an item or a new container
					continue
				}
				if above == nil && ck != p {
					var err error
					if above, err = g.above(p); err != nil {
						return gongxu.Errorf(gongxu.KindTooLarge, "epcis: aggregation at event %d: %s", a.i, gongxu.ErrorMessage(err))
					}
				}
				_, loops := above[ck]
				if ck == p || loops {
					cycle := []string{p}
					for k := ck; k != p; k = above[k] {
						cycle = append(cycle, k)
					}
					cycle = append(cycle, p)
					written := make([]string, len(cycle))
					for i, k := range cycle {
						written[i] = names[k]
					}
					return gongxu.Errorf(gongxu.KindInvalid, "epcis: aggregation cycle at event %d: %s", a.i,
						strings.Join(written, " contains "))
				}
				g.add(p, ck)
			}
		case "DELETE":
			if len(a.e.ChildEPCs) == 0 {
				for c := range g.children[p] {
					delete(g.parents[c], p)
				}
				delete(g.children, p)
				continue
			}
			for _, c := range a.e.ChildEPCs {
				ck := key(c)
				delete(g.children[p], ck)
				delete(g.parents[ck], p)
			}
		}
	}
	return nil
}

// maxAggregationSteps bounds the work of CheckAggregation's look-ups.
const maxAggregationSteps = 1 << 21

// containment is what contains what, both ways, each containment numbered
// in the order it was made.
type containment struct {
	children map[string]map[string]int // parent → child → number
	parents  map[string]map[string]int // child → parent → number
	made     int
	steps    int
}

func (g *containment) add(parent, child string) {
	g.made++
	if g.children[parent] == nil {
		g.children[parent] = map[string]int{}
	}
	if g.parents[child] == nil {
		g.parents[child] = map[string]int{}
	}
	g.children[parent][child] = g.made
	g.parents[child][parent] = g.made
}

// above returns every key that contains k, directly or not, with the next
// key on a shortest way down from it to k. It walks breadth-first, each
// key's parents in the order they took it in, so the way is always the
// same.
func (g *containment) above(k string) (map[string]string, error) {
	next := map[string]string{}
	queue := []string{k}
	var ps []string
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		ps = ps[:0]
		for p := range g.parents[x] {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return g.parents[x][ps[i]] < g.parents[x][ps[j]] })
		for _, p := range ps {
			if g.steps++; g.steps > maxAggregationSteps {
				return nil, gongxu.Errorf(gongxu.KindTooLarge, "the containments are too many to check for cycles (more than %d steps)", maxAggregationSteps)
			}
			if _, seen := next[p]; !seen && p != k {
				next[p] = x
				queue = append(queue, p)
			}
		}
	}
	return next, nil
}

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
// Its work is bounded: each event's search for a loop visits every
// containment at most once, and the searches of all events together take
// at most maxAggregationSteps steps (KindTooLarge beyond, which no real
// packing hierarchy comes near).
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
	g := &containment{children: map[string][]string{}, in: map[string]map[string]bool{}}
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
			seen := map[string]bool{} // shared by the searches of this event: what cannot reach p now cannot later in it
			for _, c := range a.e.ChildEPCs {
				ck := key(c)
				name(ck, c)
				path, err := g.path(ck, p, seen)
				if err != nil {
					return gongxu.Errorf(gongxu.KindTooLarge, "epcis: aggregation at event %d: %s", a.i, gongxu.ErrorMessage(err))
				}
				if path != nil {
					cycle := append([]string{p}, path...)
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
				delete(g.children, p)
				delete(g.in, p)
				continue
			}
			gone := map[string]bool{}
			for _, c := range a.e.ChildEPCs {
				gone[key(c)] = true
			}
			g.remove(p, gone)
		}
	}
	return nil
}

// maxAggregationSteps bounds the work of CheckAggregation's searches.
const maxAggregationSteps = 1 << 21

// containment is what contains what: each parent's children in the order
// they were put in, and as a set.
type containment struct {
	children map[string][]string
	in       map[string]map[string]bool
	steps    int
}

func (g *containment) add(parent, child string) {
	set := g.in[parent]
	if set == nil {
		set = map[string]bool{}
		g.in[parent] = set
	}
	if !set[child] {
		set[child] = true
		g.children[parent] = append(g.children[parent], child)
	}
}

func (g *containment) remove(parent string, gone map[string]bool) {
	kids := g.children[parent][:0:0]
	for _, k := range g.children[parent] {
		if gone[k] {
			delete(g.in[parent], k)
		} else {
			kids = append(kids, k)
		}
	}
	g.children[parent] = kids
}

// path returns the chain from → … → to through the children, or nil when to
// is not (transitively) inside from; from == to is a chain of one. It skips
// what seen holds, and adds what it visits: a key it visited without
// reaching to cannot reach it. The search is depth-first in the order the
// children were put in, without recursion.
func (g *containment) path(from, to string, seen map[string]bool) ([]string, error) {
	if from == to {
		return []string{from}, nil
	}
	if seen[from] {
		return nil, nil
	}
	type frame struct {
		k    string
		next int
	}
	seen[from] = true
	stack := []frame{{k: from}}
	for len(stack) > 0 {
		if g.steps++; g.steps > maxAggregationSteps {
			return nil, gongxu.Errorf(gongxu.KindTooLarge, "the containments are too many to check for cycles (more than %d steps)", maxAggregationSteps)
		}
		top := &stack[len(stack)-1]
		kids := g.children[top.k]
		if top.next == len(kids) {
			stack = stack[:len(stack)-1]
			continue
		}
		c := kids[top.next]
		top.next++
		if c == to {
			out := make([]string, 0, len(stack)+1)
			for _, f := range stack {
				out = append(out, f.k)
			}
			return append(out, c), nil
		}
		if !seen[c] {
			seen[c] = true
			stack = append(stack, frame{k: c})
		}
	}
	return nil, nil
}

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
	children := map[string][]string{} // parent → children, in insertion order
	names := map[string]string{}      // key → the identifier as first written
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
			for _, c := range a.e.ChildEPCs {
				ck := key(c)
				name(ck, c)
				if path := containmentPath(children, ck, p); path != nil {
					cycle := append([]string{p}, path...)
					written := make([]string, len(cycle))
					for i, k := range cycle {
						written[i] = names[k]
					}
					return gongxu.Errorf(gongxu.KindInvalid, "epcis: aggregation cycle at event %d: %s", a.i,
						strings.Join(written, " contains "))
				}
				if !contains(children[p], ck) {
					children[p] = append(children[p], ck)
				}
			}
		case "DELETE":
			if len(a.e.ChildEPCs) == 0 {
				delete(children, p)
				continue
			}
			for _, c := range a.e.ChildEPCs {
				ck := key(c)
				kids := children[p][:0:0]
				for _, k := range children[p] {
					if k != ck {
						kids = append(kids, k)
					}
				}
				children[p] = kids
			}
		}
	}
	return nil
}

// containmentPath returns the chain from → … → to through children, or nil
// when to is not (transitively) inside from. from == to is a chain of one.
func containmentPath(children map[string][]string, from, to string) []string {
	seen := map[string]bool{}
	var walk func(k string) []string
	walk = func(k string) []string {
		if k == to {
			return []string{k}
		}
		if seen[k] {
			return nil
		}
		seen[k] = true
		for _, c := range children[k] {
			if p := walk(c); p != nil {
				return append([]string{k}, p...)
			}
		}
		return nil
	}
	return walk(from)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

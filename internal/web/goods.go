package web

import (
	"cmp"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A pool's goods on the ledger, as the pages name them: the unit a factory
// packs a hub's share into and ships it (pool/ship), the hub confirming the
// delivery (pool/confirm_delivery), and consumers picking up their pledges
// (pool/pickup), named by the pledge, never by the person.

// The flows of a pool's goods: the root's names, short.
const (
	flowShipToHub   = gongxu.FlowShipToHub
	flowHubDelivery = gongxu.FlowHubDelivery
	flowPickup      = gongxu.FlowPickup
)

// pledgeLabel names a pledge URN for people, shortly: "a1b2c3d4…CAFE:4"
// for the leaf 4 of a hub's batch, "#12 of pool 3" for a direct pledge;
// pages put the whole URN in a title.
func pledgeLabel(urn string) string {
	if rest, ok := strings.CutPrefix(urn, gongxu.URNPrefix+"pledge:"); ok {
		if i := strings.LastIndexByte(rest, ':'); i > 0 {
			return shortKey(rest[:i]) + rest[i:]
		}
		return shortKey(rest)
	}
	if rest, ok := strings.CutPrefix(urn, gongxu.URNPrefix+"pool:"); ok {
		if pool, id, ok := strings.Cut(rest, ":pledge:"); ok {
			return "#" + id + " of pool " + pool
		}
	}
	return shortKey(urn)
}

// pledgeOf is the pledge an event names as a business transaction ("" when
// none): the pledge a pickup handed over.
func pledgeOf(ev gongxu.TraceEvent) string {
	for _, t := range ev.BizTransactions {
		if gongxu.IsPledgeURN(t.ID) {
			return t.ID
		}
	}
	return ""
}

// sumLots is the quantity of lots, in milli-units.
func sumLots(lots []gongxu.LotQty) gongxu.Qty {
	var n gongxu.Qty
	for _, l := range lots {
		n += l.Qty
	}
	return n
}

// pickedOf is how much of the lots in shipped the pickups took, in
// milli-units.
func pickedOf(shipped []gongxu.LotQty, pickups []gongxu.Pickup) gongxu.Qty {
	in := map[gongxu.LotID]bool{}
	for _, l := range shipped {
		in[l.Lot] = true
	}
	var n gongxu.Qty
	for _, p := range pickups {
		for _, l := range p.Lots {
			if in[l.Lot] {
				n += l.Qty
			}
		}
	}
	return n
}

// goodsHub is the hub a step of a pool's goods is about: the one its
// shipping unit names, else the org that recorded it (the hub receives and
// hands out); "" when neither says.
func goodsHub(st gongxu.TraceStep) gongxu.OrgID {
	for _, ids := range [][]string{st.To, st.From} {
		for _, id := range ids {
			if _, hub, ok := gongxu.ParseShipmentURN(id); ok {
				return hub
			}
		}
	}
	if st.Flow == flowHubDelivery || st.Flow == flowPickup {
		return st.Org
	}
	return ""
}

// goodsStep says what a step of a pool's goods did, for people: in full
// ("Shipped to Hilltown Community Hub") and shortly, for the graph
// ("Shipped to hub"). It is false for a step of any other flow.
func (ix traceIndex) goodsStep(st gongxu.TraceStep) (full, short string, ok bool) {
	hub := "the hub"
	if h := goodsHub(st); h != "" {
		hub = cmp.Or(ix.names[h], string(h))
	}
	switch bizStep, _ := cbvName(st.BizStep, "BizStep"); {
	case st.Flow == flowShipToHub && (bizStep == "packing" || st.Type == "AggregationEvent"):
		return "Packed for " + hub, "Packed for hub", true
	case st.Flow == flowShipToHub:
		return "Shipped to " + hub, "Shipped to hub", true
	case st.Flow == flowHubDelivery:
		return "Received at " + hub, "Received at hub", true
	case st.Flow == flowPickup:
		return "Picked up by a consumer", "Picked up", true
	}
	return "", "", false
}

// goodsFormat is goodsStep's full words as a message and its argument (the
// hub), for the pages' languages: ("Shipped to %s", "Hilltown Community
// Hub"); "" for a step of any other flow, or one the message names no hub
// in.
func (ix traceIndex) goodsFormat(st gongxu.TraceStep) (format, arg string) {
	full, _, ok := ix.goodsStep(st)
	if !ok {
		return "", ""
	}
	for _, f := range []string{"Packed for %s", "Shipped to %s", "Received at %s"} {
		prefix := strings.TrimSuffix(f, "%s")
		if rest, ok := strings.CutPrefix(full, prefix); ok {
			return f, rest
		}
	}
	return "", ""
}

// label is what a step did, for people: a step of a pool's goods in words,
// any other by its business step.
func (ix traceIndex) label(st gongxu.TraceStep) string {
	if full, _, ok := ix.goodsStep(st); ok {
		return full
	}
	return stepLabel(st)
}

// shortLabel is label as the graph writes it, in a few characters.
func (ix traceIndex) shortLabel(st gongxu.TraceStep) string {
	if _, short, ok := ix.goodsStep(st); ok {
		return short
	}
	return stepLabel(st)
}

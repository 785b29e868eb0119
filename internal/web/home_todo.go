package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/gongxu-network/gongxu"
)

// The home page's orientation: what this network is, the pools filling up
// now, and the to-dos of the org this browser acts for (the node's operator
// org, or the org a signed-in person chose), each a link to the page where
// it is done.

// How much the orientation reads.
const (
	homePools     = 6   // open pool cards
	todoPools     = 100 // an org's pools read for to-dos
	todoPOs       = 200 // an org's purchase orders read for to-dos
	maxTodos      = 12  // to-dos shown
	homePoolsRead = 50
)

// todo is one thing the org should do next, in the page's language.
type todo struct {
	Text string
	Href string
}

// orientation is the top of the home page.
type orientation struct {
	Org       gongxu.Org // the org the to-dos are for (zero: none)
	Todos     []todo
	More      int // to-dos not shown
	Pools     []poolCard
	MorePools int // open pools not shown
	HasPools  bool
	HasTrace  bool
}

// orient reads the orientation; failures to read are logged and leave a
// part out (the network page still shows).
func (s *server) orient(r *http.Request, names map[gongxu.OrgID]string, now int64) orientation {
	ctx := r.Context()
	o := orientation{HasPools: s.pools != nil, HasTrace: s.trace != nil}
	if s.pools != nil {
		open, err := s.pools.Pools(ctx, gongxu.PoolFilter{Status: gongxu.PoolOpen, Limit: homePoolsRead})
		if err != nil {
			s.log.Warn("web: home pools", "err", err)
		}
		slices.SortStableFunc(open, func(a, b gongxu.Pool) int {
			return cmp.Or(cmp.Compare(a.Deadline, b.Deadline), cmp.Compare(a.ID, b.ID))
		})
		for i, p := range open {
			if i == homePools {
				o.MorePools = len(open) - homePools
				break
			}
			o.Pools = append(o.Pools, newPoolCard(p, names, now))
		}
	}
	op := s.operator(r)
	if op == nil {
		return o
	}
	id, err := op.Org(ctx)
	if err != nil || id == "" {
		return o
	}
	org, err := s.members.Org(ctx, id)
	if err != nil {
		return o
	}
	o.Org = org
	l := s.langs.pick(r)
	add := func(href, key string, args ...any) {
		o.Todos = append(o.Todos, todo{Text: l.T(key, args...), Href: href})
	}
	if s.pools != nil {
		s.poolTodos(r, org, names, add)
	}
	if s.prod != nil {
		pos, err := s.prod.POs(ctx, org.ID, todoPOs)
		if err != nil {
			s.log.Warn("web: home purchase orders", "org", org.ID, "err", err)
		}
		for _, po := range pos {
			switch {
			case po.Supplier == org.ID && po.Status == gongxu.POSent:
				add(poPath(po.ID), "Answer purchase order #%d from %s.", po.ID, nameOr(names, po.Factory))
			case po.Factory == org.ID && po.Status == gongxu.POChangesProposed:
				add(poPath(po.ID), "%s proposed changes to purchase order #%d: accept or reject them.", nameOr(names, po.Supplier), po.ID)
			case po.Factory == org.ID && po.Status == gongxu.POShipped:
				add(poPath(po.ID), "Purchase order #%d from %s was shipped: receive it.", po.ID, nameOr(names, po.Supplier))
			}
		}
	}
	if s.disputes != nil {
		s.disputeTodos(r, org, names, now, add)
	}
	if s.legs != nil && org.HasRole(gongxu.RoleLogistics) {
		s.legTodos(r, org, names, add)
	}
	if len(o.Todos) > maxTodos {
		o.More, o.Todos = len(o.Todos)-maxTodos, o.Todos[:maxTodos]
	}
	return o
}

// poolTodos adds a factory's and a hub's to-dos of their pools.
func (s *server) poolTodos(r *http.Request, org gongxu.Org, names map[gongxu.OrgID]string, add func(href, key string, args ...any)) {
	ctx := r.Context()
	if org.HasRole(gongxu.RoleFactory) {
		ps, err := s.pools.Pools(ctx, gongxu.PoolFilter{Factory: org.ID, Limit: todoPools})
		if err != nil {
			s.log.Warn("web: home pools of a factory", "org", org.ID, "err", err)
		}
		for _, p := range ps {
			switch p.Status {
			case gongxu.PoolSucceeded:
				add(poolPath(p.ID), "Pool #%d (%s) succeeded with %s units: start its production.", p.ID, p.Title, num(p.Total))
			case gongxu.PoolReady:
				add(poolPath(p.ID), "Pool #%d (%s) is made: ship the goods to its hubs.", p.ID, p.Title)
			}
		}
	}
	if !org.HasRole(gongxu.RoleHub) {
		return
	}
	ps, err := s.pools.Pools(ctx, gongxu.PoolFilter{Hub: org.ID, Limit: todoPools})
	if err != nil {
		s.log.Warn("web: home pools of a hub", "org", org.ID, "err", err)
	}
	gathering := 0
	for _, p := range ps {
		switch p.Status {
		case gongxu.PoolOpen:
			gathering++
			continue
		case gongxu.PoolFailed, gongxu.PoolCancelled, gongxu.PoolSucceeded:
			continue
		}
		shares, err := s.pools.HubShares(ctx, p.ID)
		if err != nil {
			s.log.Warn("web: home hub shares", "pool", p.ID, "err", err)
			continue
		}
		for _, sh := range shares {
			switch {
			case sh.Hub != org.ID:
			case len(sh.Shipped) > 0 && !sh.Delivered:
				add(poolPath(p.ID), "The goods of pool #%d (%s) were shipped to you: confirm their delivery.", p.ID, p.Title)
			case sh.Delivered && sh.PickedUp < sh.Qty:
				add(poolPath(p.ID), "%s of %s units of pool #%d (%s) wait for their consumers to pick them up.", num(sh.Qty-sh.PickedUp), num(sh.Qty), p.ID, p.Title)
			}
		}
	}
	if gathering > 0 {
		add("/hub", "%d pools are gathering pledges: record your walk-in consumers' pledges.", gathering)
	}
}

// nameOr is the org's name, or its id when it has none.
func nameOr(names map[gongxu.OrgID]string, id gongxu.OrgID) string {
	if n := names[id]; n != "" {
		return n
	}
	return string(id)
}

// todoDisputes is how many of an org's unresolved disputes the to-dos read.
const todoDisputes = 100

// disputeTodos adds the org's to-dos of disputes: a party answers a dispute
// open against it or accepts a proposal made to it; a panelist votes.
func (s *server) disputeTodos(r *http.Request, org gongxu.Org, names map[gongxu.OrgID]string, now int64, add func(href, key string, args ...any)) {
	ctx := r.Context()
	l := s.langs.pick(r)
	for _, st := range []gongxu.DisputeStatus{gongxu.DisputeOpen, gongxu.DisputePanel} {
		ds, err := s.disputes.Disputes(ctx, gongxu.DisputeFilter{Status: st, Org: org.ID, Limit: todoDisputes})
		if err != nil {
			s.log.Warn("web: home disputes", "org", org.ID, "err", err)
			return
		}
		for _, d := range ds {
			left := l.timeLeft(d.Deadline, now)
			switch {
			case st == gongxu.DisputeOpen && d.Proposal != nil && d.Proposal.By != org.ID && (d.Claimant == org.ID || d.Respondent == org.ID):
				add(disputePath(d.ID), "Dispute #%d: %s proposes a split; accept it or propose yours (%s).", d.ID, nameOr(names, d.Proposal.By), left)
			case st == gongxu.DisputeOpen && d.Respondent == org.ID && d.Proposal == nil:
				add(disputePath(d.ID), "Dispute #%d: %s claims %s from you; propose a split before a panel is drawn (%s).", d.ID, nameOr(names, d.Claimant), money(d.Claimed, d.Currency), left)
			case st == gongxu.DisputePanel && slices.Contains(d.Panel, org.ID) && !slices.ContainsFunc(d.Votes, func(v gongxu.DisputeVote) bool { return v.Org == org.ID }):
				add(disputePath(d.ID), "You sit on the panel of dispute #%d: vote a split (%s).", d.ID, left)
			}
		}
	}
}

// legTodos adds a carrier's to-dos: the legs it is to pick up, and those in
// transit to deliver.
func (s *server) legTodos(r *http.Request, org gongxu.Org, names map[gongxu.OrgID]string, add func(href, key string, args ...any)) {
	for _, st := range []gongxu.LegStatus{gongxu.LegAssigned, gongxu.LegPickedUp} {
		ls, err := s.legs.Legs(r.Context(), gongxu.LegFilter{Org: org.ID, Status: st, Limit: listLegs})
		if err != nil {
			s.log.Warn("web: home legs", "org", org.ID, "err", err)
			return
		}
		for _, l := range ls {
			switch {
			case l.Carrier != org.ID:
			case st == gongxu.LegAssigned:
				add("/carrier", "Pick up leg #%d at %s, for %s.", l.ID, nameOr(names, l.Shipper), nameOr(names, l.Consignee))
			default:
				add("/carrier", "Leg #%d is in transit to %s: record its delivery.", l.ID, nameOr(names, l.Consignee))
			}
		}
	}
}

package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The rule of PreferOnTime.
const (
	// ComparablePriceBps is how much dearer than the item's own supplier
	// another supplier's unit price may be and still count as comparable:
	// 5 %, in basis points.
	ComparablePriceBps = 500
	// MinOnTimeFacts is how many closed obligations make an on-time record;
	// a supplier with fewer has none.
	MinOnTimeFacts = 3
)

// PreferOnTime makes the plan buy each purchased item from the supplier that
// keeps its dates when prices are comparable. The rule: the candidates are
// the item's own supplier (its master data's) and every other supplier with
// an offer for the item in the same currency whose unit price for the
// planned quantity is at most ComparablePriceBps above the own supplier's.
// A candidate's record is its recency-weighted on-time rate (rep's
// gongxu.Reputation.OnTime.Weighted) when it has at least MinOnTimeFacts
// closed obligations. The own supplier is replaced only by a candidate with
// a record strictly better than its own record (a supplier without a record
// is never chosen over it, nor replaced); among several, the best record,
// then the lower price, then the org id. Without an offer from the own
// supplier nothing changes (the plan says so as before). The reasons name
// the supplier replaced and both records. It returns p.
func (p *Planner) PreferOnTime(rep gongxu.ReputationService) *Planner {
	p.rep = rep
	return p
}

// supplierChoice is what a run knows of the suppliers it compares: the
// offers by item, and the records it read.
type supplierChoice struct {
	rep     gongxu.ReputationService
	byItem  map[gongxu.ItemID][]gongxu.SupplyOffer // nil until read
	records map[gongxu.OrgID]int64                 // weighted on-time rate, bps; −1: no record
}

// record is a supplier's weighted on-time rate in basis points, −1 when it
// has none.
func (c *supplierChoice) record(ctx context.Context, org gongxu.OrgID) (int64, error) {
	if v, ok := c.records[org]; ok {
		return v, nil
	}
	r, err := c.rep.Reputation(ctx, org, 0)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		err, r.OnTime.Count = nil, 0
	}
	if err != nil {
		return 0, err
	}
	v := int64(-1)
	if r.OnTime.Count >= MinOnTimeFacts {
		v = r.OnTime.Weighted
	}
	c.records[org] = v
	return v, nil
}

// chooseSuppliers applies PreferOnTime's rule to the planned purchases, in
// place.
func (r *run) chooseSuppliers(ctx context.Context, c *supplierChoice, purchases []gongxu.PlannedPurchase) error {
	for i := range purchases {
		p := &purchases[i]
		if p.Supplier == "" || p.Supplier == r.factory {
			continue
		}
		if c.byItem == nil {
			all, err := r.prod.Offers(ctx, "")
			if err != nil {
				return err
			}
			c.byItem = map[gongxu.ItemID][]gongxu.SupplyOffer{}
			for _, o := range all {
				c.byItem[o.Item] = append(c.byItem[o.Item], o)
			}
		}
		offers := c.byItem[p.Item]
		var own *gongxu.SupplyOffer
		for j := range offers {
			if offers[j].Supplier == p.Supplier {
				own = &offers[j]
			}
		}
		if own == nil || len(offers) < 2 {
			continue
		}
		ownPrice := own.PriceFor(p.Qty)
		ownRec, err := c.record(ctx, p.Supplier)
		if err != nil {
			return err
		}
		if ownRec < 0 {
			continue
		}
		best, bestRec, bestPrice := p.Supplier, ownRec, ownPrice
		for _, o := range offers {
			if o.Supplier == p.Supplier || o.Supplier == r.factory || o.Currency != own.Currency {
				continue
			}
			price := o.PriceFor(p.Qty)
			lhs, err1 := gongxu.Mul(price, 10000)
			rhs, err2 := gongxu.Mul(ownPrice, 10000+ComparablePriceBps)
			if price <= 0 || err1 != nil || err2 != nil || lhs > rhs {
				continue // not comparable
			}
			rec, err := c.record(ctx, o.Supplier)
			if err != nil {
				return err
			}
			if rec > bestRec || rec == bestRec && best != p.Supplier && (price < bestPrice || price == bestPrice && o.Supplier < best) {
				best, bestRec, bestPrice = o.Supplier, rec, price
			}
		}
		if best != p.Supplier {
			r.supplies[p.ID] = fmt.Sprintf("%s from %s, on time %s against %s for %s at a comparable price", p.Item, best,
				percent(bestRec), percent(ownRec), p.Supplier)
			p.Supplier = best
		}
	}
	return nil
}

// percent is basis points as "92.5%".
func percent(bp int64) string {
	s := fmt.Sprintf("%d.%d%%", bp/100, bp%100/10)
	return strings.Replace(s, ".0%", "%", 1)
}

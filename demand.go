package gongxu

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
)

// Demand series: what consumers pledged, what succeeded pools captured, what
// was refunded and what was picked up, by product, variant, hub and period,
// derived by every node's read model from the ledger's pool events, and
// shared under privacy thresholds (DemandThresholds).

// DemandPeriod is the length of a demand series' period.
type DemandPeriod string

// The periods of demand series. Days are UTC calendar days of block time;
// weeks are ISO 8601 weeks (Monday to Sunday, "2026-W49"); months are
// calendar months ("2026-12").
const (
	DemandDay   DemandPeriod = "day"
	DemandWeek  DemandPeriod = "week"
	DemandMonth DemandPeriod = "month"
)

// DemandPeriods are the periods, shortest first.
var DemandPeriods = []DemandPeriod{DemandDay, DemandWeek, DemandMonth}

// DemandMeasure names one measure of a demand cell.
type DemandMeasure string

// The measures of a demand cell, each in units and money (the pool's
// currency, minor units).
const (
	// MeasurePledged: units pledged (direct pledges and hub batches' leaves)
	// on the day, gross of later reductions, and their escrow at the pool's
	// first-tier price.
	MeasurePledged DemandMeasure = "pledged"
	// MeasureCaptured: units of a pool that succeeded, counted on the day it
	// closed, and their charge at the final price.
	MeasureCaptured DemandMeasure = "captured"
	// MeasureRefunded: units taken back (a reduction, on its day) or left in
	// a pool that failed (on the day it closed), and the escrow refunded.
	MeasureRefunded DemandMeasure = "refunded"
	// MeasurePickedUp: units collected by consumers at their hub, and their
	// value at the pool's final price.
	MeasurePickedUp DemandMeasure = "picked_up"
)

// DemandMeasures are the measures, in the order of a cell's fields and of
// the CSV columns.
var DemandMeasures = []DemandMeasure{MeasurePledged, MeasureCaptured, MeasureRefunded, MeasurePickedUp}

// DemandVariantUnknown is the variant of picked-up units whose variant the
// ledger does not say: a hub batch leaf's pickup, in a pool of several
// variants (batch events carry the batch's totals, not its leaves).
const DemandVariantUnknown = "?"

// DemandThresholds are the privacy thresholds of shared demand cells. A cell
// is shown to a reader other than its hub only when it has at least
// MinContributors distinct contributors (a pledge's payer: the hub for its
// batches, the consumer's key for a direct pledge; a week of a hub's
// recorded past sales, SalesHistory, counts its consumers as that many
// anonymous contributors with equal shares) and its DominanceN
// largest contributors hold at most DominancePct % of each of its measures.
// Cells that would let a reader recover a suppressed one by subtraction are
// suppressed too. Once a period has closed (DemandGraceDays), what was
// shown for it is frozen, and facts dated in it that arrive later are
// shown only as revisions that pass on their own, so answers saved over
// time cannot be subtracted into a suppressed cell either. The network
// sets them by governance (Params.Demand); a node's config may only make
// them stricter (Stricter).
type DemandThresholds struct {
	MinContributors int `json:"min_contributors"` // k
	DominanceN      int `json:"dominance_n"`      // n
	DominancePct    int `json:"dominance_pct"`    // k %, 1 to 100
}

// DemandGraceDays is how long after its last day a period's published
// cells may still change: from the first block of the day after the grace
// (block time) the period is closed, and what was shown for it is frozen.
// It is 0: every fact is dated on its block's day, except those dated
// before it (a hub's recorded past sales), which are published only as
// revisions of the cells they touch, each revision thresholded on its own
// (a revision that fails is withheld and the cell marked,
// DemandCell.RevisionsWithheld). So a period's values are final when its
// last day ends, and a grace would only leave its shown cells open to
// being suppressed later to protect a newer cell, which a reader who saved
// the earlier answer would subtract.
const DemandGraceDays = 0

// DefaultDemandThresholds are the thresholds of a node that sets none.
var DefaultDemandThresholds = DemandThresholds{MinContributors: 3, DominanceN: 2, DominancePct: 85}

// OrDefault returns t with each zero field replaced by its default.
func (t DemandThresholds) OrDefault() DemandThresholds {
	d := DefaultDemandThresholds
	if t.MinContributors > 0 {
		d.MinContributors = t.MinContributors
	}
	if t.DominanceN > 0 {
		d.DominanceN = t.DominanceN
	}
	if t.DominancePct > 0 {
		d.DominancePct = t.DominancePct
	}
	return d
}

// Stricter returns, field by field, the stricter of t and u: more
// contributors, more of the largest counted, a lower share allowed.
func (t DemandThresholds) Stricter(u DemandThresholds) DemandThresholds {
	return DemandThresholds{MinContributors: max(t.MinContributors, u.MinContributors), DominanceN: max(t.DominanceN, u.DominanceN),
		DominancePct: min(t.DominancePct, u.DominancePct)}
}

// Validate checks the thresholds. Errors: KindInvalid.
func (t DemandThresholds) Validate() error {
	if t.MinContributors < 1 || t.DominanceN < 1 || t.DominancePct < 1 || t.DominancePct > 100 {
		return Errorf(KindInvalid, "demand thresholds: want min_contributors ≥ 1, dominance_n ≥ 1 and dominance_pct 1 to 100, got %d, %d, %d",
			t.MinContributors, t.DominanceN, t.DominancePct)
	}
	return nil
}

// DemandFilter selects demand cells. Filters choose which cells are
// returned, never what a cell holds or whether it is suppressed: the same
// cell has the same answer in every query.
type DemandFilter struct {
	Product ProductID     // "" for all products
	Hub     OrgID         // "" for every hub (and the totals over hubs)
	Variant string        // "" for every variant
	Period  DemandPeriod  // "" means DemandDay
	From    string        // first day, YYYY-MM-DD; periods that end before it are left out; "" for no bound
	To      string        // last day, YYYY-MM-DD; periods that start after it are left out; "" for no bound
	Measure DemandMeasure // "" for every measure

	// Reader is the org whose own hub cells are shown in full. The API sets
	// it only for the node's operator org, asked with the node's API token;
	// never from the query. "" is an anonymous reader.
	Reader OrgID
}

// DemandValue is one measure of a cell.
type DemandValue struct {
	Units Units  `json:"units"`
	Money Amount `json:"money"`
}

// DemandCell is the demand of one product variant at one hub (or, with Hub
// "", the total over the hubs) in one period and currency. A suppressed
// cell has no values: it is never shown as zero.
type DemandCell struct {
	Period     string    `json:"period"` // "2026-12-07", "2026-W49" or "2026-12"
	Product    ProductID `json:"product"`
	Variant    string    `json:"variant"`
	Hub        OrgID     `json:"hub"` // "": the total over hubs
	Currency   string    `json:"currency"`
	Suppressed bool      `json:"suppressed,omitempty"`
	Own        bool      `json:"own,omitempty"` // the reader's own hub cell, shown in full

	// RevisionsWithheld: facts dated in this cell's period arrived later
	// (revisions) and some of them are left out of its values, because
	// they could not be shown on their own under the thresholds.
	RevisionsWithheld bool `json:"revisions_withheld,omitempty"`

	Contributors int64        `json:"contributors,omitempty"` // distinct payers, and recorded history's consumers
	Consumers    int64        `json:"consumers,omitempty"`    // pledges made: batch leaves and direct pledges
	Pledged      *DemandValue `json:"pledged,omitempty"`
	Captured     *DemandValue `json:"captured,omitempty"`
	Refunded     *DemandValue `json:"refunded,omitempty"`
	PickedUp     *DemandValue `json:"picked_up,omitempty"`
}

// Value returns the cell's measure m (nil when suppressed or not asked).
func (c *DemandCell) Value(m DemandMeasure) *DemandValue {
	switch m {
	case MeasurePledged:
		return c.Pledged
	case MeasureCaptured:
		return c.Captured
	case MeasureRefunded:
		return c.Refunded
	case MeasurePickedUp:
		return c.PickedUp
	}
	return nil
}

// DemandReport is the answer to a demand query: the cells in (product,
// variant, currency, period, hub) order, each period's total over hubs
// (Hub "") before the hubs' cells.
type DemandReport struct {
	Period     DemandPeriod     `json:"period"`
	Thresholds DemandThresholds `json:"thresholds"`
	Reader     OrgID            `json:"reader,omitempty"` // whose own cells are in full
	Cells      []DemandCell     `json:"cells"`
}

// DemandService serves demand series from the read model.
type DemandService interface {
	// Demand returns the cells f selects, thresholded for f.Reader.
	// Errors: KindInvalid for a bad filter (period, measure, dates, ids);
	// KindInternal.
	Demand(ctx context.Context, f DemandFilter) (DemandReport, error)
}

// WriteDemandCSV writes a report as CSV with a header: period, product,
// variant, hub, currency, suppressed, contributors, consumers, then units
// and money of each measure (only m's when m is not ""). A suppressed cell's
// values are empty, never 0.
func WriteDemandCSV(w io.Writer, r DemandReport, m DemandMeasure) error {
	ms := DemandMeasures
	if m != "" {
		ms = []DemandMeasure{m}
	}
	cw := csv.NewWriter(w)
	head := []string{"period", "product", "variant", "hub", "currency", "suppressed", "contributors", "consumers"}
	for _, x := range ms {
		head = append(head, string(x)+"_units", string(x)+"_money")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := range r.Cells {
		c := &r.Cells[i]
		row := []string{c.Period, string(c.Product), c.Variant, string(c.Hub), c.Currency, strconv.FormatBool(c.Suppressed)}
		if c.Suppressed {
			row = append(row, "", "")
		} else {
			row = append(row, strconv.FormatInt(c.Contributors, 10), strconv.FormatInt(c.Consumers, 10))
		}
		for _, x := range ms {
			if v := c.Value(x); v != nil && !c.Suppressed {
				row = append(row, strconv.FormatInt(int64(v.Units), 10), strconv.FormatInt(int64(v.Money), 10))
			} else {
				row = append(row, "", "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

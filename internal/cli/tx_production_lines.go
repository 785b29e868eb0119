package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// The --line values of purchase orders, proposals and change orders: one
// parser for ITEM:QTY:DATE (a purchase order, priced by the supplier's
// offer) and ITEM:QTY:DATE:UNIT_PRICE (a proposal or change order), each
// with an optional @RELEASE at its end for a framework order's line.

const (
	poLineForm    = "ITEM:QTY:DATE[@RELEASE]"
	priceLineForm = "ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]"
)

// releaseHelp says how a line gets its release date.
const releaseHelp = `A line of a framework order ends in @RELEASE, the date it is released (the
supplier ships it from then on, not before; at most the line's DATE), e.g.
waxed-cotton:300:2025-06-30@2025-06-01 or thread:4000:60d@30d. A line without
@RELEASE is released at once. A proposal repeats each line's release as the
order has it; a change order repeats it or moves one that has not come yet.`

// orderLine is one --line value as read; its dates are resolved against
// the block clock later (times).
type orderLine struct {
	item       gongxu.ItemID
	qty        gongxu.Qty
	date       when
	release    when
	hasRelease bool
	price      gongxu.Amount // priced lines only
}

// parseOrderLine reads one --line value. ITEM is up to the first ':' (it
// may hold '@'); @RELEASE is searched only after it, and is last, so an
// RFC 3339 DATE or RELEASE (which hold ':') stays unambiguous: a priced
// line's UNIT_PRICE is after the last ':' before '@'. zeroQty lets QTY be 0
// (a change order removing the line).
func parseOrderLine(s string, priced, zeroQty bool) (orderLine, error) {
	form := poLineForm
	if priced {
		form = priceLineForm
	}
	bad := func() (orderLine, error) {
		return orderLine{}, invalidf("--line takes %s, got %q", form, clip(s))
	}
	item, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	item = strings.TrimSpace(item)
	if !ok || item == "" {
		return bad()
	}
	var l orderLine
	l.item = gongxu.ItemID(item)
	if body, rel, has := strings.Cut(rest, "@"); has {
		rel = strings.TrimSpace(rel)
		if rel == "" || strings.Contains(rel, "@") {
			return orderLine{}, invalidf("--line takes %s with one @RELEASE at its end, got %q", form, clip(s))
		}
		w, err := parseDate("line", rel)
		if err != nil {
			return orderLine{}, invalidf("--line %q: RELEASE %q must be a date (2025-03-10), an RFC 3339 time or a duration after the latest block (30d), and comes last (%s)",
				clip(s), clip(rel), form)
		}
		l.release, l.hasRelease, rest = w, true, body
	}
	qty, date, ok := strings.Cut(rest, ":")
	if !ok {
		return bad()
	}
	price := ""
	if priced {
		j := strings.LastIndexByte(date, ':')
		if j < 0 {
			return bad()
		}
		date, price = date[:j], strings.TrimSpace(date[j+1:])
		if price == "" {
			return bad()
		}
	}
	qty, date = strings.TrimSpace(qty), strings.TrimSpace(date)
	if qty == "" || date == "" {
		return bad()
	}
	var err error
	if !zeroQty || qty != "0" {
		if l.qty, err = parseQty("--line quantity", qty); err != nil {
			return orderLine{}, err
		}
	}
	if l.date, err = parseDate("line", date); err != nil {
		return orderLine{}, invalidf("--line %q: DATE %q must be a date (2025-03-10), an RFC 3339 time or a duration after the latest block (30d) (%s)",
			clip(s), clip(date), form)
	}
	if priced {
		p, err := strconv.ParseInt(price, 10, 64)
		if err != nil {
			return orderLine{}, invalidf("--line unit price must be an integer of minor units, got %q", clip(price))
		}
		l.price = gongxu.Amount(p)
	}
	return l, nil
}

// parseOrderLines reads every --line value.
func parseOrderLines(lines []string, priced, zeroQty bool) ([]orderLine, error) {
	out := make([]orderLine, len(lines))
	for i, s := range lines {
		l, err := parseOrderLine(s, priced, zeroQty)
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// placeholder is a line's date and release before the block clock is
// asked (1, and 1 when the line has a release), so a message can be
// checked (ValidateBasic) without a node.
func (l orderLine) placeholder() (date, release int64) {
	if l.hasRelease {
		return 1, 1
	}
	return 1, 0
}

// times resolves the n-th line's date and release in unix ms; a release
// after its date, or not after 1970, is refused here with the line named.
func (l orderLine) times(n int, now func() (time.Time, error)) (date, release int64, err error) {
	if date, err = l.date.ms(now); err != nil {
		return 0, 0, err
	}
	if !l.hasRelease {
		return date, 0, nil
	}
	if release, err = l.release.ms(now); err != nil {
		return 0, 0, err
	}
	if release <= 0 {
		return 0, 0, invalidf("--line %d (%s): its release must be after 1970", n, l.item)
	}
	if release > date {
		return 0, 0, invalidf("--line %d (%s): release %s is after the line's date %s; a line is released by its date",
			n, l.item, msTime(release), msTime(date))
	}
	return date, release, nil
}

// parsePOLines reads a purchase order's --line values (ITEM:QTY:DATE
// [@RELEASE]) into lines with placeholder times (placeholder).
func parsePOLines(lines []string) ([]production.LineIn, []orderLine, error) {
	ls, err := parseOrderLines(lines, false, false)
	if err != nil {
		return nil, nil, err
	}
	out := make([]production.LineIn, len(ls))
	for i, l := range ls {
		d, r := l.placeholder()
		out[i] = production.LineIn{Item: l.item, Qty: l.qty, Date: d, Release: r}
	}
	return out, ls, nil
}

// parsePriceLines reads --line values ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]
// into lines with placeholder times (placeholder), resolved later
// against the block clock (times). A change order may give quantity 0 (the
// line is removed): zeroQty.
func parsePriceLines(lines []string, zeroQty bool) ([]gongxu.POLine, []orderLine, error) {
	ls, err := parseOrderLines(lines, true, zeroQty)
	if err != nil {
		return nil, nil, err
	}
	out := make([]gongxu.POLine, len(ls))
	for i, l := range ls {
		d, r := l.placeholder()
		out[i] = gongxu.POLine{Item: l.item, Qty: l.qty, Date: d, UnitPrice: l.price, Release: r}
	}
	return out, ls, nil
}

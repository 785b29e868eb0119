package plan

import (
	"math"
	"math/bits"

	"github.com/gongxu-network/gongxu"
)

var errOverflow = gongxu.Errorf(gongxu.KindInvalid, "quantity overflow")

// mulDiv returns a×b/d rounded up (ceil) or down, for a, b ≥ 0 and d > 0,
// through a 128-bit product, or errOverflow when the result exceeds int64.
func mulDiv(a, b, d int64, ceil bool) (int64, error) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) {
		return 0, errOverflow
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if ceil && r > 0 {
		q++
	}
	if q > math.MaxInt64 {
		return 0, errOverflow
	}
	return int64(q), nil
}

// need is the gross requirement of a component line for a parent quantity
// p: ceil(ceil(p × qtyPer / 1000) × (10000 + scrap) / 10000).
func need(p int64, l line) (int64, error) {
	q, err := mulDiv(p, l.qtyPer, 1000, true)
	if err != nil || l.scrap == 0 {
		return q, err
	}
	return mulDiv(q, 10_000+l.scrap, 10_000, true)
}

// yield is what a by-product line yields for a parent quantity p:
// floor(p × qtyPer / 1000).
func yield(p int64, l line) (int64, error) { return mulDiv(p, l.qtyPer, 1000, false) }

// lotSize is the order quantity for a net requirement: at least the lot
// minimum, then rounded up to a whole multiple.
func lotSize(net int64, it *Item) (int64, error) {
	q := max(net, int64(it.LotMin))
	if m := int64(it.LotMultiple); m > 0 {
		k := q / m
		if q%m != 0 {
			k++
		}
		return gongxu.MulInt64(k, m)
	}
	return q, nil
}

// floorDiv is a/b rounded towards minus infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

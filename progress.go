package gongxu

import (
	"math"
	"math/bits"
)

// Progress is where a demand pool stands against its MOQ, its cap, its price
// ladder and its deadline: numbers derived from a Pool and a time, for the
// API, the pages and the CLI alike. PoolProgress computes it.
type Progress struct {
	MOQ          Units     `json:"moq"`            // the pool's minimum batch
	Total        Units     `json:"total"`          // units pledged
	ToMOQ        Units     `json:"to_moq"`         // units still missing to reach the MOQ: max(0, moq − total)
	CapLeft      Units     `json:"cap_left"`       // units that may still be pledged: max(0, cap − total)
	Tier         int       `json:"tier"`           // index in the pool's Tiers of the tier the total earns
	UnitPrice    Amount    `json:"unit_price"`     // that tier's unit price
	Next         *NextTier `json:"next"`           // the next cheaper tier within the cap; nil at the last reachable one
	MsLeft       int64     `json:"ms_left"`        // deadline − now, in ms, never below 0
	PercentOfMOQ int64     `json:"percent_of_moq"` // ⌊total × 100 / moq⌋; above 100 once the MOQ is passed
	// Closing: the pool is open at now but its deadline has passed: it
	// takes nothing more and closes in the next blocks (a block closes a
	// bounded number of pools).
	Closing bool `json:"closing,omitempty"`
}

// NextTier is the next step of a pool's price ladder, and how far off it is.
type NextTier struct {
	MinQty    Units  `json:"min_qty"`
	UnitPrice Amount `json:"unit_price"`
	Units     Units  `json:"units"` // units still to pledge to reach it: min_qty − total
}

// PoolView is a pool with its progress at some time: what GET
// /v1/pools/{id} answers.
type PoolView struct {
	Pool
	Progress Progress `json:"progress"`
}

// PoolProgress computes the progress of p at time now (unix ms). now should
// be a block time (the latest committed block's), not the wall clock, so that
// every node reports the same numbers. The numbers are derived whatever the
// pool's status; negative totals or limits count as 0. A tier whose MinQty
// lies beyond the cap can never be reached and is not offered as Next.
func PoolProgress(p Pool, now int64) Progress {
	total, moq, capQty := max(p.Total, 0), max(p.MOQ, 0), max(p.Cap, 0)
	i, t := TierFor(p.Tiers, total)
	pr := Progress{
		MOQ:       moq,
		Total:     total,
		ToMOQ:     max(moq-total, 0),
		CapLeft:   max(capQty-total, 0),
		Tier:      i,
		UnitPrice: t.UnitPrice,
		MsLeft:    max(satSub(p.Deadline, now), 0),
		Closing:   p.Status == PoolOpen && now >= p.Deadline,
	}
	if i+1 < len(p.Tiers) {
		if n := p.Tiers[i+1]; n.MinQty > total && n.MinQty <= capQty {
			pr.Next = &NextTier{MinQty: n.MinQty, UnitPrice: n.UnitPrice, Units: n.MinQty - total}
		}
	}
	pr.PercentOfMOQ = percent(int64(total), int64(moq))
	return pr
}

// percent returns ⌊part × 100 / whole⌋ without overflow, saturating at
// MaxInt64; 100 when whole is 0 (an empty goal is met). Both are ≥ 0.
func percent(part, whole int64) int64 {
	if whole == 0 {
		return 100
	}
	hi, lo := bits.Mul64(uint64(part), 100)
	if hi >= uint64(whole) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(whole))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// satSub returns a − b, saturating at the int64 limits.
func satSub(a, b int64) int64 {
	d, err := SubInt64(a, b)
	if err != nil {
		if b < 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return d
}

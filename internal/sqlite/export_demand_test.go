package sqlite

import (
	"context"

	gongxu "github.com/gongxu-network/gongxu"
)

// DemandSum is the demand facts of one pool, hub and variant, summed over
// days and contributors (for the tests of package sqlite_test).
type DemandSum struct {
	Pool                                    uint64
	Hub                                     gongxu.OrgID
	Variant                                 string
	Pledged, Captured, Refunded, PickedUp   gongxu.Units
	PledgedM, CapturedM, RefundedM, PickedM gongxu.Amount
	Consumers                               int64
}

// DemandSums sums the demand facts by pool, hub and variant.
func (db *DB) DemandSums(ctx context.Context) ([]DemandSum, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT pool, hub, variant, sum(pledged_units), sum(captured_units), sum(refunded_units),
		sum(picked_units), sum(pledged_money), sum(captured_money), sum(refunded_money), sum(picked_money), sum(consumers)
		FROM demand_facts GROUP BY pool, hub, variant ORDER BY pool, hub, variant`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DemandSum
	for rows.Next() {
		var s DemandSum
		if err := rows.Scan(&s.Pool, &s.Hub, &s.Variant, &s.Pledged, &s.Captured, &s.Refunded, &s.PickedUp,
			&s.PledgedM, &s.CapturedM, &s.RefundedM, &s.PickedM, &s.Consumers); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

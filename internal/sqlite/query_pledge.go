package sqlite

import (
	"context"
	"database/sql"

	"github.com/gongxu-network/gongxu"
)

// Pickup returns the pickup of one pledge (a gongxu.PledgeURN or
// gongxu.DirectPledgeURN) of a pool: what a consumer's pledge page shows.
// Errors: KindNotFound when it was not picked up, KindInternal.
func (db *DB) Pickup(ctx context.Context, pool uint64, pledge string) (gongxu.Pickup, error) {
	var pk gongxu.Pickup
	if pool > 1<<63-1 || len(pledge) > 256 {
		return pk, gongxu.Errorf(gongxu.KindNotFound, "pledge %s of pool %d was not picked up", pledge, pool)
	}
	err := getJSON(ctx, db.r, &pk, `SELECT json FROM pickups WHERE pool = ? AND pledge = ?`, int64(pool), pledge)
	if err == sql.ErrNoRows {
		return pk, gongxu.Errorf(gongxu.KindNotFound, "pledge %s of pool %d was not picked up", pledge, pool)
	}
	return pk, gongxu.Wrap(err, "read model: read the pickup of pledge %s", pledge)
}

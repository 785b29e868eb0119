package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Legs lists carriers' legs, newest first, narrowed by f (an org matches as
// carrier, shipper or consignee; a lot as one the leg moved). Never nil.
// Errors: KindInvalid for an unknown status or a malformed org or lot,
// KindInternal.
func (db *DB) Legs(ctx context.Context, f gongxu.LegFilter) ([]gongxu.Leg, error) {
	var where []string
	var args []any
	switch f.Status {
	case "":
	case gongxu.LegAssigned, gongxu.LegPickedUp, gongxu.LegDelivered:
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid, "unknown leg status %q (want one of assigned, picked_up, delivered)", f.Status)
	}
	if f.Org != "" {
		if err := f.Org.Validate(); err != nil {
			return nil, err
		}
		where = append(where, `(carrier = ? OR shipper = ? OR consignee = ?)`)
		args = append(args, string(f.Org), string(f.Org), string(f.Org))
	}
	if f.Lot != "" {
		if err := f.Lot.Validate(); err != nil {
			return nil, err
		}
		where, args = append(where, `id IN (SELECT leg FROM leg_lots WHERE lot = ?)`), append(args, string(f.Lot))
	}
	for _, c := range []struct {
		col string
		v   uint64
	}{{"pool", f.Pool}, {"po", f.PO}} {
		if c.v == 0 {
			continue
		}
		if c.v > 1<<63-1 {
			return []gongxu.Leg{}, nil
		}
		where, args = append(where, c.col+" = ?"), append(args, int64(c.v))
	}
	q := `SELECT json FROM legs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	out, err := queryJSON[gongxu.Leg](ctx, db.r, "legs", q, append(args, clampLimit(f.Limit))...)
	if out == nil && err == nil {
		out = []gongxu.Leg{}
	}
	return out, err
}

// Leg returns one leg. Errors: KindNotFound, KindInternal.
func (db *DB) Leg(ctx context.Context, id uint64) (gongxu.Leg, error) {
	var l gongxu.Leg
	if id > 1<<63-1 {
		return l, gongxu.Errorf(gongxu.KindNotFound, "no leg %d", id)
	}
	err := getJSON(ctx, db.r, &l, `SELECT json FROM legs WHERE id = ?`, int64(id))
	if err == sql.ErrNoRows {
		return l, gongxu.Errorf(gongxu.KindNotFound, "no leg %d", id)
	}
	return l, gongxu.Wrap(err, "read model: read leg %d", id)
}

// carriersOf lists the legs that moved any of lots, by leg id (the carriers
// a recall reaches). Never nil.
func carriersOf(ctx context.Context, tx *sql.Tx, lots []gongxu.LotID) ([]gongxu.Leg, error) {
	out := []gongxu.Leg{}
	if len(lots) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT json FROM legs WHERE id IN
		(SELECT leg FROM leg_lots WHERE lot IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?`, jsonList(lots), MaxLimit)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: carriers")
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, gongxu.Wrap(err, "read model: carriers")
		}
		var l gongxu.Leg
		if err := json.Unmarshal([]byte(js), &l); err != nil {
			return nil, gongxu.Wrap(err, "read model: carriers")
		}
		out = append(out, l)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: carriers")
}

var _ gongxu.LegService = (*DB)(nil)

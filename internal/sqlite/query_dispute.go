package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Disputes lists disputes, newest first, narrowed by f (an org matches as
// claimant, respondent or panelist). Never nil. Errors: KindInvalid for an
// unknown status, KindInternal.
func (db *DB) Disputes(ctx context.Context, f gongxu.DisputeFilter) ([]gongxu.Dispute, error) {
	var where []string
	var args []any
	switch f.Status {
	case "":
	case gongxu.DisputeOpen, gongxu.DisputePanel, gongxu.DisputeResolved:
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid, "unknown dispute status %q (want one of open, panel, resolved)", f.Status)
	}
	if f.Org != "" {
		where = append(where, `(claimant = ? OR respondent = ? OR EXISTS (SELECT 1 FROM json_each(disputes.json, '$.panel') WHERE value = ?))`)
		args = append(args, string(f.Org), string(f.Org), string(f.Org))
	}
	if f.Pool != 0 {
		if f.Pool > 1<<63-1 {
			return []gongxu.Dispute{}, nil
		}
		where, args = append(where, "pool = ?"), append(args, int64(f.Pool))
	}
	q := `SELECT json FROM disputes`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	out, err := queryJSON[gongxu.Dispute](ctx, db.r, "disputes", q, append(args, clampLimit(f.Limit))...)
	if out == nil && err == nil {
		out = []gongxu.Dispute{}
	}
	return out, err
}

// Dispute returns one dispute. Errors: KindNotFound, KindInternal.
func (db *DB) Dispute(ctx context.Context, id uint64) (gongxu.Dispute, error) {
	var d gongxu.Dispute
	if id > 1<<63-1 {
		return d, gongxu.Errorf(gongxu.KindNotFound, "no dispute %d", id)
	}
	err := getJSON(ctx, db.r, &d, `SELECT json FROM disputes WHERE id = ?`, int64(id))
	if err == sql.ErrNoRows {
		return d, gongxu.Errorf(gongxu.KindNotFound, "no dispute %d", id)
	}
	return d, gongxu.Wrap(err, "read model: read dispute %d", id)
}

var _ gongxu.DisputeService = (*DB)(nil)

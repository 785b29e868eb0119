package sqlite

import (
	"context"

	"github.com/gongxu-network/gongxu"
)

// RecallAcks returns the hubs' acknowledgements of a recall, oldest
// first; never nil. Errors: KindInternal.
func (db *DB) RecallAcks(ctx context.Context, recall uint64) ([]gongxu.RecallAck, error) {
	if recall > 1<<63-1 {
		return []gongxu.RecallAck{}, nil
	}
	out, err := queryJSON[gongxu.RecallAck](ctx, db.r, "recall acknowledgements",
		`SELECT json FROM trace_recall_acks WHERE recall = ? ORDER BY height, hub`, int64(recall))
	if out == nil {
		out = []gongxu.RecallAck{}
	}
	return out, err
}

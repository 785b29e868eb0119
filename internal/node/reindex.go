package node

import (
	"context"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// Reindex rebuilds the read model of a stopped node in home from its block
// store, in chunks of blocks; progress, when not nil, is told how many of
// the total blocks are done after each chunk. It returns the number of
// blocks projected. Errors: KindConflict when the block store is pruned,
// KindUnavailable when the node still runs.
func Reindex(ctx context.Context, home string, progress func(done, total int64)) (int64, error) {
	stores, err := comet.OpenStores(home)
	if err != nil {
		return 0, err
	}
	defer stores.Close()
	db, err := sqlite.Open(DataPath(home, "read.db"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := db.Reset(ctx); err != nil {
		return 0, err
	}
	base, top := stores.Base(), stores.Height()
	if base > 1 {
		return 0, gongxu.Errorf(gongxu.KindConflict, "the block store starts at height %d (pruned); the read model needs every block from 1", base)
	}
	const chunk = 200
	for h := int64(1); h <= top; {
		var bs []gongxu.CommittedBlock
		for ; h <= top && len(bs) < chunk; h++ {
			b, err := stores.Block(h)
			if err != nil {
				return 0, err
			}
			bs = append(bs, b)
		}
		if err := db.ProjectBlocks(ctx, bs); err != nil {
			return 0, err
		}
		if progress != nil {
			progress(h-1, top)
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	return top, nil
}

package comet

import (
	"path/filepath"

	dbm "github.com/cometbft/cometbft-db"
	cfg "github.com/cometbft/cometbft/config"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"

	"github.com/gongxu-network/gongxu"
)

func loadBlock(bs *store.BlockStore, ss sm.Store, h int64) (gongxu.CommittedBlock, error) {
	if ss == nil {
		return gongxu.CommittedBlock{}, gongxu.Errorf(gongxu.KindUnavailable, "state store not open")
	}
	blk := bs.LoadBlock(h)
	if blk == nil {
		return gongxu.CommittedBlock{}, gongxu.Errorf(gongxu.KindNotFound, "block %d is not in the block store (base %d, height %d)", h, bs.Base(), bs.Height())
	}
	resp, err := ss.LoadFinalizeBlockResponse(h)
	if err != nil {
		return gongxu.CommittedBlock{}, gongxu.Errorf(gongxu.KindNotFound, "no stored results for block %d: %v", h, err)
	}
	txs := make([][]byte, len(blk.Txs))
	for i, t := range blk.Txs {
		txs[i] = t
	}
	return storedBlock(h, blk.Time.UnixMilli(), blk.Hash(), txs, resp), nil
}

// Stores are CometBFT's block and state stores of a stopped node, opened for
// reading (gongxu reindex).
type Stores struct {
	blockDB, stateDB dbm.DB
	blocks           *store.BlockStore
	state            sm.Store
}

// OpenStores opens the stores of the node home. The node must not be running.
func OpenStores(home string) (*Stores, error) {
	conf := cfg.DefaultConfig()
	conf.SetRoot(home)
	if err := readConfig(home, conf); err != nil {
		return nil, err
	}
	open := func(id string) (dbm.DB, error) {
		db, err := cfg.DefaultDBProvider(&cfg.DBContext{ID: id, Config: conf})
		if err != nil {
			return nil, gongxu.Errorf(gongxu.KindUnavailable, "open %s in %s (is the node still running?): %v", id, filepath.Join(home, "data"), err)
		}
		return db, nil
	}
	bdb, err := open("blockstore")
	if err != nil {
		return nil, err
	}
	sdb, err := open("state")
	if err != nil {
		bdb.Close()
		return nil, err
	}
	return &Stores{blockDB: bdb, stateDB: sdb, blocks: store.NewBlockStore(bdb), state: sm.NewStore(sdb, sm.StoreOptions{})}, nil
}

// Height is the last block in the block store.
func (s *Stores) Height() int64 { return s.blocks.Height() }

// Base is the first block in the block store.
func (s *Stores) Base() int64 { return s.blocks.Base() }

// Block returns block h as the read side sees it.
func (s *Stores) Block(h int64) (gongxu.CommittedBlock, error) {
	return loadBlock(s.blocks, s.state, h)
}

// Close closes the stores.
func (s *Stores) Close() error {
	e1 := s.blockDB.Close()
	e2 := s.stateDB.Close()
	if e1 != nil {
		return gongxu.Wrap(e1, "close block store")
	}
	return gongxu.Wrap(e2, "close state store")
}

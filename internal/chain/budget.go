package chain

import (
	"github.com/gongxu-network/gongxu"
)

// blockBudget is what one block may hold beyond its bytes, set by
// governance (gongxu.Params): per signer a number of transactions, for the
// keys of no member org together a number of transactions, and for all a
// total weight of work (module.WeightOf). PrepareProposal fills a block
// within it, ProcessProposal refuses a proposal over it, and FinalizeBlock
// rejects (KindQuota, nothing changed, the sequence not used) what a block
// holds beyond it, so the limit holds even if a proposer ignores it.
type blockBudget struct {
	params    gongxu.Params
	perSigner map[string]int64
	open      int64
	weight    int64
}

func newBlockBudget(p gongxu.Params) *blockBudget {
	return &blockBudget{params: p, perSigner: map[string]int64{}}
}

// fits says why a transaction of signer (a key of no member org when open)
// with weight w does not fit in what is left, or nil.
func (b *blockBudget) fits(signer []byte, open bool, w int64) error {
	if n := b.perSigner[string(signer)]; n >= b.params.MaxTxsPerSignerBlock {
		return gongxu.Errorf(gongxu.KindQuota, "signer %x… is over its quota of %d transactions per block; it can go in a later block", signer[:6], b.params.MaxTxsPerSignerBlock)
	}
	if open && b.open >= b.params.OpenTxsPerBlock() {
		return gongxu.Errorf(gongxu.KindQuota, "keys of no member org share a budget of %d transactions per block, spent in this one; it can go in a later block", b.params.OpenTxsPerBlock())
	}
	if b.weight+w > b.params.BlockWeight() {
		return gongxu.Errorf(gongxu.KindQuota, "the block's work budget of %d is spent (this transaction weighs %d); it can go in a later block", b.params.BlockWeight(), w)
	}
	return nil
}

// take counts a transaction that fits.
func (b *blockBudget) take(signer []byte, open bool, w int64) {
	b.perSigner[string(signer)]++
	if open {
		b.open++
	}
	b.weight += w
}

// checkWeight refuses a transaction that could never fit in a block.
func checkWeight(typ string, w int64, p gongxu.Params) error {
	if w > p.BlockWeight() {
		return gongxu.Errorf(gongxu.KindTooLarge, "%s weighs %d, more than a whole block's work budget of %d: split it", typ, w, p.BlockWeight())
	}
	return nil
}

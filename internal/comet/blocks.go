package comet

import (
	"encoding/hex"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
)

func rfc3339(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano) }

func kindName(code uint32) string {
	if code == 0 {
		return ""
	}
	return gongxu.Kind(code).String()
}

// committedBlock builds the read side's view of a block from the chain's result.
func committedBlock(res chain.BlockResult, blockHash []byte) gongxu.CommittedBlock {
	b := gongxu.CommittedBlock{
		Height: res.Height, Time: res.Time, Hash: strings.ToUpper(hex.EncodeToString(blockHash)),
		AppHash: strings.ToUpper(hex.EncodeToString(res.AppHash)), Txs: make([]gongxu.TxRecord, len(res.Txs)), Events: res.Events, EndEvents: res.EndEvents,
	}
	if b.Events == nil {
		b.Events = []gongxu.Event{}
	}
	for i, t := range res.Txs {
		b.Txs[i] = gongxu.TxRecord{
			Hash: t.Hash, Height: res.Height, Index: i, Time: rfc3339(res.Time), Type: t.Type, Signer: t.Signer,
			Org: t.Org, Code: t.Code, Kind: kindName(t.Code), Message: t.Log, Events: t.Events,
		}
	}
	return b
}

// storedBlock builds the same view from what CometBFT stored: the block and
// the FinalizeBlock response. It must agree with committedBlock exactly.
func storedBlock(height, timeMs int64, blockHash []byte, txs [][]byte, resp *abci.ResponseFinalizeBlock) gongxu.CommittedBlock {
	b := gongxu.CommittedBlock{
		Height: height, Time: timeMs, Hash: strings.ToUpper(hex.EncodeToString(blockHash)),
		AppHash: strings.ToUpper(hex.EncodeToString(resp.AppHash)), Txs: make([]gongxu.TxRecord, len(txs)),
	}
	b.Events, b.EndEvents = splitStages(resp.Events)
	for i, raw := range txs {
		r := gongxu.TxRecord{Hash: gongxu.TxHash(raw), Height: height, Index: i, Time: rfc3339(timeMs)}
		if tx, _, err := gongxu.DecodeTx(raw, 0); err == nil {
			r.Type, r.Signer = tx.Type, tx.SignerKey()
		}
		if i < len(resp.TxResults) {
			x := resp.TxResults[i]
			r.Code, r.Kind, r.Message, r.Org = x.Code, kindName(x.Code), x.Log, gongxu.OrgID(x.Info)
			if len(x.Events) > 0 {
				r.Events = fromABCI(x.Events)
			}
		}
		b.Txs[i] = r
	}
	return b
}

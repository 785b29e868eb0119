package chain

// EmptyToNil is the decoder's empty-list normalisation, for the fuzz test's
// comparison with encoding/json.
var EmptyToNil = emptyToNil

// TxCacheLen is the number of transactions the node's cache holds.
func (a *App) TxCacheLen() int { return a.txs.len() }

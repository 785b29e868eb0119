package trace

// Weight implements module.Weigher: a capture's work (schema validation,
// the CBV event hash, identifiers, index keys in the state tree) grows with
// its document. Measured with the chain's BenchmarkBlock, 20 bytes of a
// capture cost about what one ordinary message does, so a document of the
// largest size weighs some 26,000 of a block's default 40,000.
func (m *MsgCapture) Weight() int64 { return 1 + int64(len(m.Document))/20 }

// HoldVisits is the bound of a recall's hold walk (production.MaxHoldLots,
// checked equal in internal/modules): the lots and work orders a recall of
// a ledger lot may visit, each a read, a write and an event.
const HoldVisits = 256

// Weight implements module.Weigher: a recall of a ledger lot walks the lots
// derived from it, up to HoldVisits of them; a visit costs about a quarter
// of an ordinary message (one lot read and written, no signature or
// decoding) — an estimate, not measured with BenchmarkBlock.
func (m *MsgRecall) Weight() int64 { return 1 + HoldVisits/4 }

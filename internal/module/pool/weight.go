package pool

// Weight implements module.Weigher: a batch's work grows with its pledges
// (each checked, hashed into the Merkle tree and summed). Measured with the
// chain's BenchmarkBlock, 8 leaves cost about what one ordinary message
// does, so a batch of the most leaves weighs 626.
func (m *MsgBatch) Weight() int64 { return 1 + int64(len(m.Leaves))/8 }

// AllocLots is the bound of the lots one allocation of stock reads
// (production.MaxAllocLots, checked in internal/modules): a shipment's, and
// a pool on stock's at its close.
const AllocLots = 64

// Weight implements module.Weigher: a shipment allocates the factory's
// lots, reading up to AllocLots of them and writing those it takes; a read
// costs about a quarter of an ordinary message (an estimate, as the
// recall's walk, not measured with BenchmarkBlock).
func (m *MsgShip) Weight() int64 { return 1 + AllocLots/4 }

// Weight implements module.Weigher: a pool on stock is filled at its close,
// in block processing, by an allocation the opening pays for.
func (m *MsgOpen) Weight() int64 {
	if m.FromStock {
		return 1 + AllocLots/4
	}
	return 1
}

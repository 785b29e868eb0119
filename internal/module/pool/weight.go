package pool

// Weight implements module.Weigher: a batch's work grows with its pledges
// (each checked, hashed into the Merkle tree and summed). Measured with the
// chain's BenchmarkBlock, 8 leaves cost about what one ordinary message
// does, so a batch of the most leaves weighs 626.
func (m *MsgBatch) Weight() int64 { return 1 + int64(len(m.Leaves))/8 }

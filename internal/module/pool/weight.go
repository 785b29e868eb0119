package pool

// Weight implements module.Weigher: a batch's work grows with its pledges
// (each checked, hashed into the Merkle tree and summed), about one ordinary
// message's worth per 20 leaves.
func (m *MsgBatch) Weight() int64 { return 1 + int64(len(m.Leaves))/20 }

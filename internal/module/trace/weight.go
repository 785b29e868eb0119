package trace

// Weight implements module.Weigher: a capture's work (schema validation,
// the CBV event hash, identifiers, index keys in the state tree) grows with
// its document. Measured with the chain's BenchmarkBlock, 20 bytes of a
// capture cost about what one ordinary message does, so a document of the
// largest size weighs some 26,000 of a block's default 40,000.
func (m *MsgCapture) Weight() int64 { return 1 + int64(len(m.Document))/20 }

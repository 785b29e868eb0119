package trace

// Weight implements module.Weigher: a capture's work (schema validation,
// the CBV event hash, identifiers, index keys) grows with its document,
// about one ordinary message's worth per 200 bytes; a document of the
// largest size weighs some 2,600.
func (m *MsgCapture) Weight() int64 { return 1 + int64(len(m.Document))/200 }

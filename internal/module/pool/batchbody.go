package pool

import (
	"bytes"
	"encoding/binary"
	"encoding/json"

	"github.com/gongxu-network/gongxu"
)

// The binary body of pool/batch: the packed leaves (leafcodec.go) without
// JSON or base64 around them, so a batch travels, is gossiped, hashed and
// stored in 70 bytes a 64-hex leaf instead of 94. Version 1:
//
//	0x01
//	pool      uvarint, minimal (the pool id)
//	leaves    the packed leaves, version 1, to the end of the body
//
// The first byte is never '{', so a body is JSON or binary by its first
// byte alone (the chain's decodeBody). Every byte string decodes to at most
// one message and each message has one binary encoding (EncodeBatchBinary):
// a non-minimal uvarint, a missing or wrong version, a blob DecodeLeaves
// refuses (trailing bytes among them) are refused. The leaves, receipts,
// leaf hashes and state effects are those of the same batch sent as a JSON
// list or packed in base64; only the transaction's bytes, and so its hash,
// differ.

// BatchBinaryVersion is the first byte of a binary pool/batch body.
const BatchBinaryVersion = 0x01

// MaxBatchBinaryBytes bounds a binary body: the version, a 10-byte uvarint
// and the largest packed blob.
const MaxBatchBinaryBytes = 1 + binary.MaxVarintLen64 + MaxPackedBytes

// EncodeBatchBinary returns the binary body of a batch of leaves for poolID.
// Errors: KindInvalid, as EncodeLeaves, or for pool id 0.
func EncodeBatchBinary(poolID uint64, leaves []Leaf) ([]byte, error) {
	if err := checkPoolID(poolID); err != nil {
		return nil, err
	}
	packed, err := EncodeLeaves(leaves)
	if err != nil {
		return nil, err
	}
	return AppendBatchBinary(make([]byte, 0, 1+binary.MaxVarintLen64+len(packed)), poolID, packed), nil
}

// AppendBatchBinary appends the binary body of poolID's batch whose leaves
// are already packed (EncodeLeaves's bytes) to dst.
func AppendBatchBinary(dst []byte, poolID uint64, packed []byte) []byte {
	dst = append(dst, BatchBinaryVersion)
	dst = binary.AppendUvarint(dst, poolID)
	return append(dst, packed...)
}

// DecodeBinary implements the chain's binaryBody: it reads a binary body's
// version and pool id and keeps the packed leaves in m.Binary (a slice of
// body, not a copy), which ValidateBasic decodes, checks and replaces by
// m.Leaves, as it does a base64 blob. Errors: KindInvalid (a wrong version,
// a malformed or non-minimal pool id, an oversized body).
func (m *MsgBatch) DecodeBinary(body []byte) error {
	if len(body) > MaxBatchBinaryBytes {
		return invalid("binary batch: %d bytes, at most %d", len(body), MaxBatchBinaryBytes)
	}
	if len(body) == 0 || body[0] != BatchBinaryVersion {
		return invalid("binary batch: the first byte must be version %d", BatchBinaryVersion)
	}
	id, n := binary.Uvarint(body[1:])
	if n <= 0 {
		return invalid("binary batch: malformed pool id")
	}
	if n != len(binary.AppendUvarint(nil, id)) {
		return invalid("binary batch: non-minimal pool id")
	}
	*m = MsgBatch{Pool: id, Binary: body[1+n:]}
	return nil
}

// DecodeBatchBody decodes a committed pool/batch body, JSON or binary, into
// its leaves (m.Leaves; Packed and Binary empty), for readers of the block
// store (the node's receipt service). It checks the form, not the batch's
// rules, which the chain checked when it committed it.
func DecodeBatchBody(body []byte) (MsgBatch, error) {
	var m MsgBatch
	if len(body) > 0 && body[0] != '{' {
		if err := m.DecodeBinary(body); err != nil {
			return MsgBatch{}, err
		}
	} else if err := json.NewDecoder(bytes.NewReader(body)).Decode(&m); err != nil {
		return MsgBatch{}, gongxu.Errorf(gongxu.KindInvalid, "batch body: %v", err)
	}
	if err := m.Unpack(); err != nil {
		return MsgBatch{}, err
	}
	return m, nil
}

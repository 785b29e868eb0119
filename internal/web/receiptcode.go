package web

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// A receipt code is what a consumer's copy of a receipt comes down to: the
// batch transaction, the leaf's index in it and the pickup secret. It is
// short enough for a QR code (the receipt page draws it, as the address of
// the consumer's pledge page with the code after "#", which browsers never
// send to a server) and is what the hub's scanner and the pledge page read:
//
//	"GX1" + base64url(tx (32 bytes) || index (2 bytes, big-endian) || secret (32 bytes))
//
// 91 characters. Everything else about the pledge (the leaf, its proof, the
// batch's root, the pool) is on the ledger, found by the transaction and the
// index; the secret proves the holder is the consumer (it opens the leaf's
// commitment), so that a code reveals nothing of anybody else's pledge.
const (
	receiptCodePrefix = "GX1"
	receiptCodeBytes  = 32 + 2 + gongxu.PickupSecretBytes
	receiptCodeLen    = len(receiptCodePrefix) + (receiptCodeBytes*8+5)/6
	// maxReceiptInput bounds what the readers take: a receipt file of the
	// largest batch (a proof of 13 steps) is under 2 KiB.
	maxReceiptInput = 8 << 10
	// maxLeafIndex is the largest leaf index of a batch (pool's MaxLeaves
	// is 5,000).
	maxLeafIndex = 4999
)

// receiptKey is what a receipt code holds.
type receiptKey struct {
	Tx     string // upper-case hex, as CometBFT writes hashes
	Index  int
	Secret string // lower-case hex
}

// receiptCode encodes k. The caller gives a well-formed key (hex of the
// right sizes); anything else gives "".
func receiptCode(k receiptKey) string {
	tx, err := hex.DecodeString(k.Tx)
	sec, err2 := hex.DecodeString(k.Secret)
	if err != nil || err2 != nil || len(tx) != 32 || len(sec) != gongxu.PickupSecretBytes || k.Index < 0 || k.Index > maxLeafIndex {
		return ""
	}
	b := make([]byte, 0, receiptCodeBytes)
	b = append(b, tx...)
	b = binary.BigEndian.AppendUint16(b, uint16(k.Index))
	b = append(b, sec...)
	return receiptCodePrefix + base64.RawURLEncoding.EncodeToString(b)
}

// errReceipt is the reason a receipt could not be read, for people (a
// message key).
type errReceipt string

func (e errReceipt) Error() string { return string(e) }

// The reasons.
const (
	errReceiptEmpty  errReceipt = "Give the receipt code, or the receipt file."
	errReceiptLarge  errReceipt = "This is too long to be a receipt."
	errReceiptFormat errReceipt = "This is not a receipt code: it starts with GX1 and has 91 letters and digits. Copy it again, or scan the receipt's QR code."
	errReceiptIndex  errReceipt = "This receipt names no leaf of a batch."
	errReceiptFile   errReceipt = "This file is not a receipt: a receipt file is the JSON the hub gave the consumer, with its pickup secret."
	errReceiptPublic errReceipt = "This receipt has no pickup secret: it is the public copy. Use the consumer's own copy."
)

// parseReceiptCode reads a receipt code exactly (no spaces, no other
// letters).
func parseReceiptCode(code string) (receiptKey, error) {
	if len(code) != receiptCodeLen || !strings.HasPrefix(code, receiptCodePrefix) {
		return receiptKey{}, errReceiptFormat
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(code[len(receiptCodePrefix):])
	if err != nil || len(b) != receiptCodeBytes {
		return receiptKey{}, errReceiptFormat
	}
	idx := int(binary.BigEndian.Uint16(b[32:34]))
	if idx > maxLeafIndex {
		return receiptKey{}, errReceiptIndex
	}
	return receiptKey{Tx: strings.ToUpper(hex.EncodeToString(b[:32])), Index: idx, Secret: hex.EncodeToString(b[34:])}, nil
}

// readReceipt reads what a consumer shows: a receipt code, the address of
// their pledge page that a QR code holds (the code after "#", or after
// "code="), or their receipt file (the JSON of gongxu.Receipt with its
// secret). Surrounding white space is ignored. It never consults the
// ledger; the caller checks the key against it.
func readReceipt(raw []byte) (receiptKey, error) {
	if len(raw) > maxReceiptInput {
		return receiptKey{}, errReceiptLarge
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return receiptKey{}, errReceiptEmpty
	}
	if raw[0] == '{' {
		return readReceiptFile(raw)
	}
	if !utf8.Valid(raw) {
		return receiptKey{}, errReceiptFormat
	}
	s := string(raw)
	if i := strings.LastIndex(s, receiptCodePrefix); i > 0 && (strings.Contains(s[:i], "#") || strings.HasSuffix(s[:i], "code=")) {
		s = s[i:] // an address from a QR code: the code is at its end
	}
	return parseReceiptCode(s)
}

// receiptFile is the consumer's copy of a receipt as the hub writes it
// (gongxu.Receipt).
type receiptFile struct {
	Tx     string          `json:"tx"`
	Pool   uint64          `json:"pool"`
	Hub    gongxu.OrgID    `json:"hub"`
	Index  int             `json:"index"`
	Leaves int             `json:"leaves"`
	Leaf   gongxu.PoolLeaf `json:"leaf"`
	Proof  []string        `json:"proof"`
	Root   string          `json:"root"`
	Secret string          `json:"secret"`
}

// readReceiptFile reads a receipt file: one JSON object with one meaning
// (gongxu.CheckJSON: no key twice, none that folds to another) and no
// member a receipt does not have.
func readReceiptFile(raw []byte) (receiptKey, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return receiptKey{}, errReceiptFile
	}
	if err := gongxu.CheckJSON(compact.Bytes(), gongxu.JSONLimits{MaxDepth: 4, MaxMembers: 200, MaxKeyLen: 16}); err != nil {
		return receiptKey{}, errReceiptFile
	}
	dec := json.NewDecoder(bytes.NewReader(compact.Bytes()))
	dec.DisallowUnknownFields()
	var f receiptFile
	if err := dec.Decode(&f); err != nil || dec.More() {
		return receiptKey{}, errReceiptFile
	}
	if f.Secret == "" {
		return receiptKey{}, errReceiptPublic
	}
	tx, err := hex.DecodeString(f.Tx)
	if err != nil || len(tx) != 32 || strings.ToUpper(f.Tx) != f.Tx {
		return receiptKey{}, errReceiptFile
	}
	if _, err := gongxu.PickupCommit(f.Secret); err != nil {
		return receiptKey{}, errReceiptFile
	}
	if f.Index < 0 || f.Index > maxLeafIndex {
		return receiptKey{}, errReceiptIndex
	}
	return receiptKey{Tx: f.Tx, Index: f.Index, Secret: f.Secret}, nil
}

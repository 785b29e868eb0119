package gongxu

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// Wire format v1 of a signed transaction (docs/wire.md describes it in full,
// testdata/wire holds vectors):
//
//	tx        = version type body signer sequence signature
//	version   = 0x01
//	type      = uvarint(len) bytes      message type, "module/action", 3..64 bytes
//	body      = uvarint(len) bytes      the message, a JSON object
//	signer    = 32 bytes                Ed25519 public key
//	sequence  = uvarint                 the signer's sequence number, from 1
//	signature = 64 bytes                Ed25519 over SignBytes
//
// SignBytes = "gongxu/tx/v1" 0x00 uvarint(len(chain_id)) chain_id tx[:len(tx)-64]
//
// The chain id is signed but not sent, so a transaction signed for one network
// never verifies on another. uvarints are minimal (canonical) encodings.
const (
	TxVersion     = 0x01
	TxDomain      = "gongxu/tx/v1"
	MaxTypeLen    = 64
	SignatureSize = 64
	PubKeySize    = 32
)

// Tx is a decoded transaction envelope.
type Tx struct {
	Type      string
	Body      []byte
	Signer    []byte // 32 bytes
	Sequence  uint64
	Signature []byte // 64 bytes
}

// Unsigned returns the encoding of everything but the signature.
func (t *Tx) Unsigned() []byte {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(t.Type)+len(t.Body)+PubKeySize+binary.MaxVarintLen64+SignatureSize)
	b = append(b, TxVersion)
	b = binary.AppendUvarint(b, uint64(len(t.Type)))
	b = append(b, t.Type...)
	b = binary.AppendUvarint(b, uint64(len(t.Body)))
	b = append(b, t.Body...)
	b = append(b, t.Signer...)
	b = binary.AppendUvarint(b, t.Sequence)
	return b
}

// Encode returns the wire bytes of the signed transaction.
func (t *Tx) Encode() []byte {
	return append(t.Unsigned(), t.Signature...)
}

// SignBytes returns the bytes that are signed for chainID, given the wire
// encoding of the transaction without its signature.
func SignBytes(chainID string, unsigned []byte) []byte {
	b := make([]byte, 0, len(TxDomain)+1+binary.MaxVarintLen64+len(chainID)+len(unsigned))
	b = append(b, TxDomain...)
	b = append(b, 0)
	b = binary.AppendUvarint(b, uint64(len(chainID)))
	b = append(b, chainID...)
	return append(b, unsigned...)
}

// SignTx builds and signs a transaction with the standard library's Ed25519
// (signing is the same under every verification rule set).
func SignTx(chainID string, key ed25519.PrivateKey, typ string, body []byte, seq uint64) *Tx {
	t := &Tx{Type: typ, Body: body, Signer: []byte(key.Public().(ed25519.PublicKey)), Sequence: seq}
	t.Signature = ed25519.Sign(key, SignBytes(chainID, t.Unsigned()))
	return t
}

// TxHash is the hash of a transaction's wire bytes, as CometBFT computes it:
// upper-case hex of sha256.
func TxHash(raw []byte) string {
	h := sha256.Sum256(raw)
	return strings.ToUpper(hex.EncodeToString(h[:]))
}

// DecodeTx parses wire bytes strictly: version, canonical lengths, bounds, no
// trailing bytes. It does not verify the signature. maxSize bounds the whole tx.
func DecodeTx(raw []byte, maxSize int) (*Tx, []byte, error) {
	if maxSize > 0 && len(raw) > maxSize {
		return nil, nil, Errorf(KindTooLarge, "transaction is %d bytes, the limit is %d", len(raw), maxSize)
	}
	if len(raw) == 0 {
		return nil, nil, Errorf(KindInvalid, "empty transaction")
	}
	if raw[0] != TxVersion {
		return nil, nil, Errorf(KindInvalid, "unknown transaction version %d (want %d)", raw[0], TxVersion)
	}
	p := 1
	readLen := func(what string) (int, error) {
		v, n := binary.Uvarint(raw[p:])
		if n <= 0 {
			return 0, Errorf(KindInvalid, "malformed %s length", what)
		}
		if n != uvarintLen(v) {
			return 0, Errorf(KindInvalid, "non-canonical %s length", what)
		}
		p += n
		if v > uint64(len(raw)-p) {
			return 0, Errorf(KindInvalid, "%s length %d runs past the end of the transaction", what, v)
		}
		return int(v), nil
	}
	tl, err := readLen("type")
	if err != nil {
		return nil, nil, err
	}
	if tl < 3 || tl > MaxTypeLen {
		return nil, nil, Errorf(KindInvalid, "message type must be 3 to %d bytes, got %d", MaxTypeLen, tl)
	}
	t := &Tx{Type: string(raw[p : p+tl])}
	for _, c := range t.Type {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '/') {
			return nil, nil, Errorf(KindInvalid, "message type %q may hold only a-z, 0-9, '_' and '/'", t.Type)
		}
	}
	p += tl
	bl, err := readLen("body")
	if err != nil {
		return nil, nil, err
	}
	t.Body = raw[p : p+bl]
	p += bl
	if len(raw)-p < PubKeySize+1+SignatureSize {
		return nil, nil, Errorf(KindInvalid, "transaction is truncated: signer, sequence or signature missing")
	}
	t.Signer = raw[p : p+PubKeySize]
	p += PubKeySize
	seq, n := binary.Uvarint(raw[p:])
	if n <= 0 || n != uvarintLen(seq) {
		return nil, nil, Errorf(KindInvalid, "malformed sequence number")
	}
	t.Sequence = seq
	p += n
	if len(raw)-p != SignatureSize {
		return nil, nil, Errorf(KindInvalid, "transaction has %d bytes after the sequence, want a %d-byte signature", len(raw)-p, SignatureSize)
	}
	t.Signature = raw[p:]
	return t, raw[:p], nil
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// SignerKey returns the signer as a PubKey (lower-case hex).
func (t *Tx) SignerKey() PubKey { return PubKey(hex.EncodeToString(t.Signer)) }

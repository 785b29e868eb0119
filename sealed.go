package gongxu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// SealKey is a hex-encoded X25519 public key (64 lower-case hex characters)
// that an org registers on the ledger so that others can seal terms to it.
type SealKey string

// Bytes decodes the key, checking its length.
func (k SealKey) Bytes() ([]byte, error) {
	b, err := hex.DecodeString(string(k))
	if err != nil || len(b) != 32 || strings.ToLower(string(k)) != string(k) {
		return nil, Errorf(KindInvalid, "seal key %q must be 64 lower-case hex characters (an X25519 public key)", string(k))
	}
	var zero [32]byte
	if subtle.ConstantTimeCompare(b, zero[:]) == 1 {
		return nil, Errorf(KindInvalid, "seal key must not be all zeros")
	}
	return b, nil
}

// Validate reports whether k is well formed.
func (k SealKey) Validate() error {
	_, err := k.Bytes()
	return err
}

// Limits of sealed terms, checked on the ledger (which never decrypts).
const (
	// SealedKeyBoxLen is the length of a content key sealed to one org's
	// seal key: an anonymous NaCl box (32-byte ephemeral key, 16-byte tag)
	// around a 32-byte content key.
	SealedKeyBoxLen = 32 + 16 + 32
	// SealedNonceLen is XChaCha20-Poly1305's nonce, which begins the box.
	SealedNonceLen = 24
	// MaxSealedBox bounds the encrypted terms (nonce, ciphertext, tag).
	MaxSealedBox = 16 << 10
	// MaxTermsNote bounds the free-text terms sealed with the prices.
	MaxTermsNote = 2000
	// SaltLen is the length of the commitment's salt.
	SaltLen = 32
)

// SealedKeyBox is the content key of sealed terms, sealed to one org's seal
// key (the key it had registered when the terms were sealed).
type SealedKeyBox struct {
	Org OrgID   `json:"org"`
	Key SealKey `json:"key"`
	Box string  `json:"box"` // base64 (standard, padded) of SealedKeyBoxLen bytes
}

// SealedTerms are terms only their readers can open: Box is the terms
// encrypted with a fresh content key (XChaCha20-Poly1305, base64 of nonce ‖
// ciphertext), the content key is sealed to each reader in Keys, and
// Commitment is the hex SHA-256 of the terms' canonical encoding with their
// salt (Terms.Commit), so a party that discloses the terms later proves they
// are what was agreed.
type SealedTerms struct {
	Commitment string         `json:"commitment"`
	Box        string         `json:"box"`
	Keys       []SealedKeyBox `json:"keys"`
}

// Terms are what sealed terms hold in clear: a unit price per line of the
// purchase order (or proposal) they belong to, free-text terms, and the
// random salt of the commitment.
type Terms struct {
	Prices []Amount `json:"prices"`
	Note   string   `json:"note,omitempty"`
	Salt   string   `json:"salt"` // hex of SaltLen random bytes
}

// Validate checks the terms' shape for n lines.
func (t Terms) Validate(n int) error {
	if len(t.Prices) != n {
		return Errorf(KindInvalid, "the terms hold %d prices for %d lines", len(t.Prices), n)
	}
	for i, p := range t.Prices {
		if p <= 0 {
			return Errorf(KindInvalid, "terms line %d: unit price must be positive, got %d", i+1, p)
		}
	}
	if len(t.Note) > MaxTermsNote {
		return Errorf(KindInvalid, "the terms' note is %d bytes, the limit is %d", len(t.Note), MaxTermsNote)
	}
	if s, err := hex.DecodeString(t.Salt); err != nil || len(s) != SaltLen || strings.ToLower(t.Salt) != t.Salt {
		return Errorf(KindInvalid, "the terms' salt must be %d lower-case hex characters", 2*SaltLen)
	}
	return nil
}

// Commit is the commitment to the terms of the given public lines: the hex
// SHA-256 of a canonical binary encoding (a version tag, the salt, each
// line's item, quantity, date and sealed price, the note), so the same terms
// always give the same commitment and different terms a different one.
func (t Terms) Commit(lines []POLine) string {
	h := sha256.New()
	var b [8]byte
	put := func(v uint64) {
		binary.BigEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	str := func(s string) {
		put(uint64(len(s)))
		h.Write([]byte(s))
	}
	str("gongxu/terms/v1")
	str(t.Salt)
	put(uint64(len(lines)))
	for i, l := range lines {
		str(string(l.Item))
		put(uint64(l.Qty))
		put(uint64(l.Date))
		var p Amount
		if i < len(t.Prices) {
			p = t.Prices[i]
		}
		put(uint64(p))
	}
	put(uint64(len(t.Prices)))
	str(t.Note)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyTerms checks disclosed terms against the commitment on the ledger
// for the public lines. Errors: KindInvalid when they are malformed,
// KindUnauthorized when they are not what was committed to (forged).
func VerifyTerms(commitment string, lines []POLine, t Terms) error {
	if err := t.Validate(len(lines)); err != nil {
		return err
	}
	got := t.Commit(lines)
	if subtle.ConstantTimeCompare([]byte(got), []byte(commitment)) != 1 {
		return Errorf(KindUnauthorized, "the disclosed terms do not match the commitment %s on the ledger", commitment)
	}
	return nil
}

// ValidateShape checks sealed terms as the ledger can without opening them:
// a commitment of 64 lower-case hex characters, a box of base64 within
// MaxSealedBox, and one well-formed key box per reader in readers, in that
// order.
func (s *SealedTerms) ValidateShape(readers ...OrgID) error {
	if c, err := hex.DecodeString(s.Commitment); err != nil || len(c) != sha256.Size || strings.ToLower(s.Commitment) != s.Commitment {
		return Errorf(KindInvalid, "sealed terms: the commitment must be 64 lower-case hex characters")
	}
	if len(s.Box) > base64.StdEncoding.EncodedLen(MaxSealedBox) {
		return Errorf(KindInvalid, "sealed terms: the box is %d characters, the limit is %d", len(s.Box), base64.StdEncoding.EncodedLen(MaxSealedBox))
	}
	box, err := base64.StdEncoding.Strict().DecodeString(s.Box)
	if err != nil {
		return Errorf(KindInvalid, "sealed terms: the box is not base64")
	}
	if len(box) > MaxSealedBox {
		return Errorf(KindInvalid, "sealed terms: the box is %d bytes, the limit is %d", len(box), MaxSealedBox)
	}
	if len(box) < SealedNonceLen+16+1 {
		return Errorf(KindInvalid, "sealed terms: the box is %d bytes, too short to hold a nonce, terms and a tag", len(box))
	}
	if len(s.Keys) != len(readers) {
		return Errorf(KindInvalid, "sealed terms: %d key boxes, want one for each of %d readers", len(s.Keys), len(readers))
	}
	for i, k := range s.Keys {
		if k.Org != readers[i] {
			return Errorf(KindInvalid, "sealed terms: key box %d is for %s, want %s", i+1, k.Org, readers[i])
		}
		if err := k.Key.Validate(); err != nil {
			return Errorf(KindInvalid, "sealed terms: key box %d: %v", i+1, ErrorMessage(err))
		}
		if len(k.Box) != base64.StdEncoding.EncodedLen(SealedKeyBoxLen) {
			return Errorf(KindInvalid, "sealed terms: key box %d must be %d bytes of base64", i+1, SealedKeyBoxLen)
		}
		if b, err := base64.StdEncoding.Strict().DecodeString(k.Box); err != nil || len(b) != SealedKeyBoxLen {
			return Errorf(KindInvalid, "sealed terms: key box %d must be %d bytes of base64", i+1, SealedKeyBoxLen)
		}
	}
	return nil
}

package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/nacl/box"

	"github.com/gongxu-network/gongxu"
)

// Reader is an org the terms are sealed to, with the seal key it registered.
type Reader struct {
	Org gongxu.OrgID
	Key gongxu.SealKey
}

// NewTerms makes terms of the given unit prices and note with a fresh random
// salt from r (crypto/rand when r is nil). Errors: KindInternal.
func NewTerms(r io.Reader, prices []gongxu.Amount, note string) (gongxu.Terms, error) {
	if r == nil {
		r = rand.Reader
	}
	salt := make([]byte, gongxu.SaltLen)
	if _, err := io.ReadFull(r, salt); err != nil {
		return gongxu.Terms{}, gongxu.Wrap(err, "draw the terms' salt")
	}
	return gongxu.Terms{Prices: append([]gongxu.Amount{}, prices...), Note: note, Salt: hex.EncodeToString(salt)}, nil
}

// Seal seals t, the terms of the public lines, to the readers in their
// order, with randomness from r (crypto/rand when r is nil).
// Errors: KindInvalid for malformed terms or a reader's key, KindInternal.
func Seal(r io.Reader, lines []gongxu.POLine, t gongxu.Terms, readers ...Reader) (gongxu.SealedTerms, error) {
	if r == nil {
		r = rand.Reader
	}
	if err := t.Validate(len(lines)); err != nil {
		return gongxu.SealedTerms{}, err
	}
	commitment := t.Commit(lines)
	plain, err := json.Marshal(t)
	if err != nil {
		return gongxu.SealedTerms{}, gongxu.Wrap(err, "encode the terms")
	}
	var ck [chacha20poly1305.KeySize]byte
	if _, err := io.ReadFull(r, ck[:]); err != nil {
		return gongxu.SealedTerms{}, gongxu.Wrap(err, "draw a content key")
	}
	aead, err := chacha20poly1305.NewX(ck[:])
	if err != nil {
		return gongxu.SealedTerms{}, gongxu.Wrap(err, "content cipher")
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plain)+aead.Overhead())
	if _, err := io.ReadFull(r, nonce); err != nil {
		return gongxu.SealedTerms{}, gongxu.Wrap(err, "draw a nonce")
	}
	sealed := aead.Seal(nonce, nonce, plain, []byte(commitment))
	if len(sealed) > gongxu.MaxSealedBox {
		return gongxu.SealedTerms{}, gongxu.Errorf(gongxu.KindInvalid, "the sealed terms are %d bytes, the limit is %d", len(sealed), gongxu.MaxSealedBox)
	}
	out := gongxu.SealedTerms{Commitment: commitment, Box: base64.StdEncoding.EncodeToString(sealed)}
	for _, rd := range readers {
		pub, err := rd.Key.Bytes()
		if err != nil {
			return gongxu.SealedTerms{}, gongxu.Errorf(gongxu.KindInvalid, "org %s: %v", rd.Org, gongxu.ErrorMessage(err))
		}
		kb, err := box.SealAnonymous(nil, ck[:], (*[32]byte)(pub), r)
		if err != nil {
			return gongxu.SealedTerms{}, gongxu.Wrap(err, "seal the content key to %s", rd.Org)
		}
		out.Keys = append(out.Keys, gongxu.SealedKeyBox{Org: rd.Org, Key: rd.Key, Box: base64.StdEncoding.EncodeToString(kb)})
	}
	return out, nil
}

// Open opens sealed terms of the public lines as org, with the private half
// of the seal key they were sealed to it with (priv, 32 bytes), and checks
// them against their commitment. Errors: KindNotFound when they are not
// sealed to org, KindUnauthorized when the key does not open them or they
// are not what the commitment says (forged), KindInvalid when malformed.
func Open(s gongxu.SealedTerms, lines []gongxu.POLine, org gongxu.OrgID, priv []byte) (gongxu.Terms, error) {
	var kb *gongxu.SealedKeyBox
	for i := range s.Keys {
		if s.Keys[i].Org == org {
			kb = &s.Keys[i]
			break
		}
	}
	if kb == nil {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindNotFound, "the terms are not sealed to %s", org)
	}
	pub, err := kb.Key.Bytes()
	if err != nil {
		return gongxu.Terms{}, err
	}
	sk, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil || !bytes.Equal(sk.PublicKey().Bytes(), pub) {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindUnauthorized, "the terms are sealed to %s's seal key %s, not to this key", org, kb.Key)
	}
	ek, err := base64.StdEncoding.Strict().DecodeString(kb.Box)
	if err != nil {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindInvalid, "the key box of %s is not base64", org)
	}
	ck, ok := box.OpenAnonymous(nil, ek, (*[32]byte)(pub), (*[32]byte)(priv))
	if !ok || len(ck) != chacha20poly1305.KeySize {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindUnauthorized, "the key box of %s does not open with its seal key", org)
	}
	sealed, err := base64.StdEncoding.Strict().DecodeString(s.Box)
	if err != nil || len(sealed) > gongxu.MaxSealedBox || len(sealed) < chacha20poly1305.NonceSizeX {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindInvalid, "the sealed terms are not a box of base64")
	}
	aead, err := chacha20poly1305.NewX(ck)
	if err != nil {
		return gongxu.Terms{}, gongxu.Wrap(err, "content cipher")
	}
	plain, err := aead.Open(nil, sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:], []byte(s.Commitment))
	if err != nil {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindUnauthorized, "the sealed terms do not open: altered, or sealed with another commitment")
	}
	t, err := DecodeTerms(plain, len(lines))
	if err != nil {
		return gongxu.Terms{}, err
	}
	if err := gongxu.VerifyTerms(s.Commitment, lines, t); err != nil {
		return gongxu.Terms{}, err
	}
	return t, nil
}

// DecodeTerms decodes terms in JSON for n lines, strictly: one object, no
// unknown fields, no trailing data, the shape Terms.Validate checks.
// Errors: KindInvalid.
func DecodeTerms(b []byte, n int) (gongxu.Terms, error) {
	if len(b) > gongxu.MaxSealedBox {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindInvalid, "terms of %d bytes, the limit is %d", len(b), gongxu.MaxSealedBox)
	}
	if err := gongxu.CheckJSON(b, termsJSON); err != nil {
		return gongxu.Terms{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t gongxu.Terms
	if err := dec.Decode(&t); err != nil {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindInvalid, "terms: %v", err)
	}
	if dec.More() {
		return gongxu.Terms{}, gongxu.Errorf(gongxu.KindInvalid, "terms: trailing data")
	}
	if err := t.Validate(n); err != nil {
		return gongxu.Terms{}, err
	}
	return t, nil
}

// termsJSON bounds sealed terms' JSON: an object of prices (one per line), a
// note and a salt.
var termsJSON = gongxu.JSONLimits{MaxDepth: 2, MaxMembers: 3 + 1000, MaxKeyLen: 16}

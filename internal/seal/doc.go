// Package seal seals and opens private terms between members (purchase order
// prices and free-text terms) on the sending and reading nodes, never at
// block time: the terms are encrypted with a fresh content key
// (XChaCha20-Poly1305, the commitment as associated data), the content key is
// sealed to each reader's registered X25519 seal key with an anonymous NaCl
// box, and the ledger keeps the ciphertexts with a SHA-256 commitment to the
// terms and a random salt (gongxu.Terms.Commit). All the cryptography is
// golang.org/x/crypto's and the standard library's.
package seal

package gongxu

import (
	"errors"
	"fmt"
)

// Kind classifies an Error. Kinds are append-only: a Kind's number is its ABCI
// result code on the ledger, so a number is never reused or renumbered.
type Kind uint32

// The Kinds. Append new ones at the end; never reorder.
const (
	KindOK           Kind = 0  // not an error
	KindInternal     Kind = 1  // a broken invariant or failed I/O
	KindInvalid      Kind = 2  // malformed or semantically invalid input
	KindUnauthorized Kind = 3  // the signer may not do this
	KindNotFound     Kind = 4  // the thing named does not exist
	KindConflict     Kind = 5  // already exists, or the state does not allow it now
	KindSequence     Kind = 6  // replayed or skipped per-signer sequence
	KindTooLarge     Kind = 7  // over a size limit
	KindQuota        Kind = 8  // over a per-signer quota
	KindExpired      Kind = 9  // past a deadline
	KindBadSignature Kind = 10 // the signature does not verify
	KindUnknownType  Kind = 11 // unknown message type
	KindWrongChain   Kind = 12 // signed for another chain (detected as a bad signature, reported as this when known)
	KindUnavailable  Kind = 13 // the node cannot serve this now (not synced, shutting down, mempool full)
	KindTimeout      Kind = 14 // waited too long for a commit

	KindUnauthenticated Kind = 15 // no valid credential (an API token, a signed-in session) for what makes the node sign
	// KindBusy: the node is admitting no more transactions for now (its
	// mempool holds more than the next few blocks can commit); send the same
	// transaction again after a short wait. Unlike KindUnavailable it is
	// never about this node being unfit: it clears as blocks commit.
	KindBusy Kind = 16
)

var kindNames = [...]string{
	KindOK:           "ok",
	KindInternal:     "internal",
	KindInvalid:      "invalid",
	KindUnauthorized: "unauthorized",
	KindNotFound:     "not_found",
	KindConflict:     "conflict",
	KindSequence:     "sequence",
	KindTooLarge:     "too_large",
	KindQuota:        "quota",
	KindExpired:      "expired",
	KindBadSignature: "bad_signature",
	KindUnknownType:  "unknown_type",
	KindWrongChain:   "wrong_chain",
	KindUnavailable:  "unavailable",
	KindTimeout:      "timeout",

	KindUnauthenticated: "unauthenticated",
	KindBusy:            "busy",
}

// String is the stable, machine-readable name of the kind ("not_found").
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind_%d", uint32(k))
}

// KindFromString is the inverse of Kind.String; unknown names are KindInternal.
func KindFromString(s string) Kind {
	for i, n := range kindNames {
		if n == s {
			return Kind(i)
		}
	}
	return KindInternal
}

// Kinds lists every defined kind, in order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindNames))
	for i := range kindNames {
		out = append(out, Kind(i))
	}
	return out
}

// Error is the one error type of gongxu. Msg is a clear sentence for people;
// Kind tells programs what happened.
type Error struct {
	Kind Kind
	Msg  string
	Err  error // optional cause, for I/O failures
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of kind KindInternal that wraps err, or nil when err is nil.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: KindInternal, Msg: fmt.Sprintf(format, args...), Err: err}
}

// ErrorKind returns the kind of err: KindOK for nil, KindInternal for errors
// that are not an *Error.
func ErrorKind(err error) Kind {
	if err == nil {
		return KindOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the message of an *Error, or err.Error() otherwise.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

package module

import (
	"encoding/json"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Context is what a handler or block hook sees. Everything in it is a function
// of the block being executed: no clock, no randomness, no I/O.
type Context struct {
	KV      store.KV
	ChainID string
	Height  int64
	Time    int64 // block time, unix milliseconds
	// PrevAppHash is the app hash the previous block committed (the state
	// root before this block; CheckTx: the last committed one). It was fixed
	// before this block's proposer chose anything, so it is a seed that
	// proposer cannot grind (panel draws). Nil in InitChain.
	PrevAppHash []byte

	// Set for transaction handlers only.
	Signer gongxu.PubKey // hex Ed25519 key that signed the transaction
	Org    gongxu.OrgID  // the member org the signer's key belongs to, "" for none
	TxHash string

	events     []gongxu.Event
	valUpdates []ValidatorUpdate
}

// ValidatorUpdate changes a consensus validator's power; 0 removes it.
type ValidatorUpdate struct {
	PubKey []byte // Ed25519, 32 bytes
	Power  int64
}

// Emit records an event of the current transaction or block hook.
func (c *Context) Emit(ev gongxu.Event) { c.events = append(c.events, ev) }

// Events returns what was emitted so far.
func (c *Context) Events() []gongxu.Event { return c.events }

// ResetEvents drops emitted events and validator updates (the chain calls it
// when a transaction fails).
func (c *Context) ResetEvents() { c.events, c.valUpdates = nil, nil }

// UpdateValidator schedules a validator change for the end of the block.
func (c *Context) UpdateValidator(pub []byte, power int64) {
	c.valUpdates = append(c.valUpdates, ValidatorUpdate{PubKey: append([]byte(nil), pub...), Power: power})
}

// ValidatorUpdates returns the scheduled validator changes.
func (c *Context) ValidatorUpdates() []ValidatorUpdate { return c.valUpdates }

// Msg is the body of a transaction, decoded from JSON.
type Msg interface {
	// ValidateBasic checks the message without state: required fields, ranges,
	// formats. It returns an *gongxu.Error of KindInvalid (or KindTooLarge).
	ValidateBasic() error
}

// Weigher is a message whose work at block time grows with its content (the
// events of a capture, the pledges of a hub batch). Its weight, in units of
// an ordinary message's work, counts against the block's work budget
// (gongxu.Params.MaxBlockWeight); a message that is no Weigher weighs 1.
// Weight must be a pure function of the message, checked by ValidateBasic.
type Weigher interface {
	Weight() int64
}

// WeightOf returns msg's weight: its Weight when it is a Weigher (at least
// 1), 1 otherwise.
func WeightOf(msg Msg) int64 {
	if w, ok := msg.(Weigher); ok {
		return max(1, w.Weight())
	}
	return 1
}

// Route binds a message type to its handler.
type Route struct {
	Type string     // "module/action"
	New  func() Msg // a new, empty message to decode the body into
	// Handle executes the message. Whatever it returns or panics with, a
	// failure rejects the transaction and discards its writes: an
	// *gongxu.Error with its kind, anything else (a broken invariant, a
	// panic) as KindInternal, logged and counted. Only a failed read of the
	// node's own storage stops the node.
	Handle func(ctx *Context, msg Msg) error
	// Open routes may be signed by any key; all others need a member org's key.
	Open bool
}

// Module is a domain module of the chain.
type Module interface {
	// Name is the module's name and the prefix of its message types and keys.
	Name() string
	Routes() []Route
	// InitGenesis loads the module's part of the genesis app state (raw may be
	// nil when genesis has nothing for the module).
	InitGenesis(ctx *Context, raw json.RawMessage) error
	// BeginBlock runs before the block's transactions: deadlines fall due here.
	BeginBlock(ctx *Context) error
	// EndBlock runs after them.
	EndBlock(ctx *Context) error
}

// Prefixed returns a view of kv in which every key is prefixed with prefix.
// Each keeper keeps its keys under its module's name this way.
func Prefixed(kv store.KV, prefix string) store.KV {
	return &prefixed{kv: kv, p: []byte(prefix)}
}

type prefixed struct {
	kv store.KV
	p  []byte
}

func (x *prefixed) key(k []byte) []byte {
	out := make([]byte, 0, len(x.p)+len(k))
	return append(append(out, x.p...), k...)
}

func (x *prefixed) Get(k []byte) ([]byte, error) { return x.kv.Get(x.key(k)) }
func (x *prefixed) Set(k, v []byte) error        { return x.kv.Set(x.key(k), v) }
func (x *prefixed) Delete(k []byte) error        { return x.kv.Delete(x.key(k)) }

func (x *prefixed) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	s := x.key(start)
	var e []byte
	if end != nil {
		e = x.key(end)
	} else {
		e = prefixEnd(x.p)
	}
	n := len(x.p)
	return x.kv.Iterate(s, e, func(k, v []byte) bool { return fn(k[n:], v) })
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// PrefixEnd is the exclusive upper bound of all keys starting with p (nil when
// there is none), for Iterate.
func PrefixEnd(p []byte) []byte { return prefixEnd(p) }

package trace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "trace"

const prefix = Name + "/"

// Module is the trace module. All of its state is in the KV.
type Module struct {
	parser  Parser
	lots    Lots
	members Members
}

// New returns the trace module. Errors: KindInvalid when a dependency is
// missing.
func New(parser Parser, lots Lots, members Members) (*Module, error) {
	if err := module.Require(Name, "an EPCIS parser", parser, "lots", lots, "members", members); err != nil {
		return nil, err
	}
	return &Module{parser: parser, lots: lots, members: members}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// InitGenesis implements module.Module: the module starts empty.
func (*Module) InitGenesis(*module.Context, json.RawMessage) error { return nil }

// BeginBlock implements module.Module.
func (*Module) BeginBlock(*module.Context) error { return nil }

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
func pad(n uint64) string {
	var b [20]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

func seqKey(what string) []byte { return []byte(prefix + "seq/" + what) }
func eventKey(id string, decl bool) []byte {
	if decl {
		return []byte(prefix + "decl/" + id)
	}
	return []byte(prefix + "event/" + id)
}

// The walking index: one key per (identifier, event), grouped by the
// capturing org, so that "does any event of this org name it" (a recall's
// check) is one step of an iterator, and an identifier's events are all
// under one prefix.
func identPrefix(ident string) []byte { return []byte(prefix + "ident/" + ident + "\x00") }
func identOrgPrefix(ident string, org gongxu.OrgID) []byte {
	return append(identPrefix(ident), string(org)+"\x00"...)
}
func identKey(ident string, org gongxu.OrgID, seq uint64) []byte {
	k := make([]byte, 0, len(prefix)+len("ident/")+len(ident)+len(org)+2+20)
	k = append(k, prefix+"ident/"...)
	k = append(k, ident...)
	k = append(k, 0)
	k = append(k, org...)
	k = append(k, 0)
	return append(k, pad(seq)...)
}

// identSeq is the storage sequence at the end of an index key.
func identSeq(k []byte) (uint64, bool) {
	i := bytes.LastIndexByte(k, 0)
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(k[i+1:]), 10, 64)
	return n, err == nil
}

// EventKey is the state key of an event's record (of its error declaration
// with decl): what `gongxu verify trace` proves against verified headers.
func EventKey(id string, decl bool) []byte { return eventKey(id, decl) }

// BatchKey is the state key of the record of the batch a transaction at a
// height anchored.
func BatchKey(height int64, tx string) []byte { return batchKey(height, tx) }

func batchKey(height int64, tx string) []byte {
	return []byte(prefix + "batch/" + pad(uint64(height)) + "/" + tx)
}
func recallKey(id uint64) []byte         { return []byte(prefix + "recall/" + pad(id)) }
func recalledPrefix(ident string) []byte { return []byte(prefix + "recalled/" + ident + "\x00") }

func notFound(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindNotFound, format, args...)
}

func nextSeq(kv store.KV, what string) (uint64, error) {
	var n uint64
	if _, err := module.Load(kv, seqKey(what), &n); err != nil {
		return 0, err
	}
	n++
	_, err := module.Save(kv, seqKey(what), n)
	return n, err
}

// Event returns a stored event by id (not its error declaration).
// Errors: KindNotFound.
func (*Module) Event(r store.Reader, id string) (gongxu.TraceEvent, error) {
	return module.Find[gongxu.TraceEvent](r, eventKey(id, false), "no event %s", id)
}

// Declaration returns the stored error declaration of an event id.
// Errors: KindNotFound.
func (*Module) Declaration(r store.Reader, id string) (gongxu.TraceEvent, error) {
	return module.Find[gongxu.TraceEvent](r, eventKey(id, true), "no error declaration of event %s", id)
}

// Batch returns the batch a transaction anchored at a height.
// Errors: KindNotFound.
func (*Module) Batch(r store.Reader, height int64, tx string) (gongxu.TraceBatch, error) {
	return module.Find[gongxu.TraceBatch](r, batchKey(height, tx), "no trace batch of transaction %s at height %d", tx, height)
}

// Recall returns a recall. Errors: KindNotFound.
func (*Module) Recall(r store.Reader, id uint64) (gongxu.Recall, error) {
	return module.Find[gongxu.Recall](r, recallKey(id), "no recall %d", id)
}

// EventsFor calls fn with every stored event (and error declaration) that
// names the identifier (a canonical key; a ledger lot's gongxu.LotURN) as
// what it is about, in storage order, until fn returns false.
func (*Module) EventsFor(r store.Reader, ident string, fn func(gongxu.TraceEvent) bool) error {
	refs, err := eventRefs(r, ident, -1)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		var e gongxu.TraceEvent
		ok, err := module.Load(r, ref.key, &e)
		if err == nil && !ok {
			err = fmt.Errorf("trace: index names %s, which is not stored", ref.key)
		}
		if err != nil {
			return err
		}
		if !fn(e) {
			return nil
		}
	}
	return nil
}

// indexRef is one entry of the walking index: the storage sequence of an
// event and the key of its record.
type indexRef struct {
	seq uint64
	key []byte
}

// eventRefs returns the index entries of an identifier in storage order;
// with limit ≥ 0, at most limit+1 of them (more than limit says the
// identifier names more events than the caller may read).
func eventRefs(r store.Reader, ident string, limit int) ([]indexRef, error) {
	p := identPrefix(ident)
	var refs []indexRef
	var ierr error
	err := r.Iterate(p, module.PrefixEnd(p), func(k, v []byte) bool {
		seq, ok := identSeq(k)
		if !ok {
			ierr = fmt.Errorf("trace: malformed index key %q", k)
			return false
		}
		refs = append(refs, indexRef{seq, bytes.Clone(v)})
		return limit < 0 || len(refs) <= limit
	})
	if err != nil {
		return nil, err
	}
	if ierr != nil {
		return nil, ierr
	}
	slices.SortFunc(refs, func(a, b indexRef) int { return cmp.Compare(a.seq, b.seq) })
	return refs, nil
}

// RecallsFor returns the recalls of an identifier (a canonical key), oldest
// first; never nil.
func (m *Module) RecallsFor(r store.Reader, ident string) ([]gongxu.Recall, error) {
	p := recalledPrefix(ident)
	var ids []uint64
	err := r.Iterate(p, module.PrefixEnd(p), func(k, _ []byte) bool {
		n, err := strconv.ParseUint(string(k[len(p):]), 10, 64)
		if err == nil {
			ids = append(ids, n)
		}
		return true
	})
	out := []gongxu.Recall{}
	if err != nil {
		return out, err
	}
	for _, id := range ids {
		rc, err := m.Recall(r, id)
		if err != nil {
			return out, err
		}
		out = append(out, rc)
	}
	return out, nil
}

// named reports whether any stored event names the identifier; with org,
// any event that org captured.
func named(r store.Reader, ident string, org gongxu.OrgID) (bool, error) {
	p := identPrefix(ident)
	if org != "" {
		p = identOrgPrefix(ident, org)
	}
	found := false
	err := r.Iterate(p, module.PrefixEnd(p), func(_, _ []byte) bool {
		found = true
		return false
	})
	return found, err
}

// saveEvent stores an event and its index entries and emits it.
func saveEvent(ctx *module.Context, e *gongxu.TraceEvent) error {
	key := eventKey(e.ID, e.IsErrorDeclaration())
	b, err := marshalEvent(e) // e.Raw is compact: anchor made it so
	if err != nil {
		return err
	}
	if err := ctx.KV.Set(key, b); err != nil {
		return err
	}
	for _, id := range identifiers(e) {
		if err := ctx.KV.Set(identKey(id, e.Org, e.Seq), key); err != nil {
			return err
		}
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventTraceEvent, "id", e.ID, "type", e.Type, "org", string(e.Org), "json", string(b)))
	return nil
}

// identifiers is e.Identifiers() (its identifiers, each once, sorted)
// without a map: an event names a handful, and sorting then dropping
// repeats is cheaper than a set per event (TestIdentifiersSame).
func identifiers(e *gongxu.TraceEvent) []string {
	n := len(e.EPCs) + len(e.Quantities) + len(e.Inputs) + len(e.InputQuantities) + len(e.Outputs) +
		len(e.OutputQuantities) + 1 + len(e.Children) + len(e.ChildQuantities)
	out := make([]string, 0, n)
	for _, l := range [][]string{e.EPCs, e.Inputs, e.Outputs, e.Children} {
		for _, id := range l {
			if id != "" {
				out = append(out, id)
			}
		}
	}
	for _, qs := range [][]gongxu.TraceQuantity{e.Quantities, e.InputQuantities, e.OutputQuantities, e.ChildQuantities} {
		for i := range qs {
			if qs[i].Class != "" {
				out = append(out, qs[i].Class)
			}
		}
	}
	if e.Parent != "" {
		out = append(out, e.Parent)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

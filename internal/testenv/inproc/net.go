package inproc

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/planner"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/store"
)

// ChainID is the chain id of every Net (chaintest's).
const ChainID = chaintest.ChainID

// M is a message body as JSON sees it: the tests send the modules'
// messages by their JSON fields, which the ledger's app hashes pin, rather
// than by the modules' Go types.
type M = map[string]any

// Key is the public key of the test key named name (chaintest.Key): an
// org's first key is named after the org.
func Key(name string) gongxu.PubKey { return chaintest.PubKey(name) }

// Genesis is a Net's first state: its member orgs (an org without keys gets
// Key(its id)) and validators.
type Genesis struct {
	Orgs       []gongxu.Org
	Validators []gongxu.Validator
}

// Net is one chain and its read model. Its methods may be called from any
// goroutine (the handlers under test submit from theirs); blocks are
// executed, committed and projected one at a time.
type Net struct {
	t       testing.TB
	mu      sync.Mutex
	h       *chaintest.Harness
	read    *sqlite.DB
	raw     map[string][]byte        // committed transactions by hash
	pending [][]byte                 // accepted without waiting: the next block's
	names   map[gongxu.PubKey]string // key names by public key
	last    int64                    // the last block's time
}

// New starts a chain at genesis over a fresh in-memory store, opens a read
// model in a temporary directory of t and projects the genesis block.
func New(t testing.TB, g Genesis) *Net {
	t.Helper()
	n := &Net{t: t, raw: map[string][]byte{}, names: map[gongxu.PubKey]string{}}
	members := M{"orgs": g.Orgs, "validators": g.Validators}
	for i, o := range g.Orgs {
		if len(o.Keys) == 0 {
			g.Orgs[i].Keys = []gongxu.PubKey{Key(string(o.ID))}
		}
		n.names[Key(string(o.ID))] = string(o.ID)
	}
	body, err := json.Marshal(members)
	if err != nil {
		t.Fatal(err)
	}
	n.h = chaintest.Open(t, store.NewMemDB())
	n.h.InitChain(map[string]json.RawMessage{"member": body})
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "read.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	n.read = db
	n.Block()
	return n
}

// NameKey records that the key named name (chaintest.Key) signs, so that
// transactions submitted signed with it resynchronize its sequence.
func (n *Net) NameKey(name string) gongxu.PubKey {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := Key(name)
	n.names[k] = name
	return k
}

// Read is the read model.
func (n *Net) Read() *sqlite.DB { return n.read }

// Height is the height of the last committed block.
func (n *Net) Height() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.h.Height
}

// Now is the block time of the last committed block, unix ms.
func (n *Net) Now() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.last
}

// Advance moves block time forward by ms before the next block (blocks
// are otherwise a second apart).
func (n *Net) Advance(ms int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.h.Advance(ms)
}

// AdvanceTo makes the next block's time at, unless block time is past it.
func (n *Net) AdvanceTo(at int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if at-1000 > n.h.Time {
		n.h.Time = at - 1000
	}
}

// Block executes, commits and projects a block of txs (with the
// transactions submitted without waiting first).
func (n *Net) Block(txs ...[]byte) *chain.BlockResult {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.block(txs)
}

func (n *Net) block(txs [][]byte) *chain.BlockResult {
	n.t.Helper()
	txs = append(n.pending, txs...)
	n.pending = nil
	res := n.h.Block(txs...)
	n.last = res.Time
	for i, r := range res.Txs {
		n.raw[r.Hash] = txs[i]
		if r.Code != 0 {
			n.resync(r.Signer)
		}
	}
	if err := n.read.Project(context.Background(), committed(res)); err != nil {
		n.t.Fatalf("project block %d: %v", res.Height, err)
	}
	return res
}

// resync forgets the automatic sequence of a key whose transaction failed:
// the next one reads it from the chain.
func (n *Net) resync(k gongxu.PubKey) {
	if name, ok := n.names[k]; ok {
		n.h.ResetSeq(name)
	}
}

// Sign signs a message with the key named signer at its next sequence.
func (n *Net) Sign(signer, typ string, body any) []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.names[Key(signer)] = signer
	return n.h.Sign(signer, typ, body)
}

// Try delivers a message signed by signer in a block of its own and returns
// its result, failed or not.
func (n *Net) Try(signer, typ string, body any) chain.TxResult {
	n.t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.names[Key(signer)] = signer
	return n.block([][]byte{n.h.Sign(signer, typ, body)}).Txs[0]
}

// Send delivers a message signed by signer in a block of its own; the test
// fails unless the ledger takes it.
func (n *Net) Send(signer, typ string, body any) chain.TxResult {
	n.t.Helper()
	r := n.Try(signer, typ, body)
	if r.Code != 0 {
		n.t.Fatalf("%s by %s: %s (%s)", typ, signer, r.Log, gongxu.Kind(r.Code))
	}
	return r
}

// committed is the read side's view of a block as internal/comet builds
// it; the block hash, which a chain without consensus has not, is derived
// from the height and app hash.
func committed(res *chain.BlockResult) gongxu.CommittedBlock {
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], uint64(res.Height))
	bh := sha256.Sum256(append(hb[:], res.AppHash...))
	b := gongxu.CommittedBlock{Height: res.Height, Time: res.Time, Hash: strings.ToUpper(hex.EncodeToString(bh[:])),
		AppHash: strings.ToUpper(hex.EncodeToString(res.AppHash)), Txs: make([]gongxu.TxRecord, len(res.Txs)),
		Events: res.Events, EndEvents: res.EndEvents}
	if b.Events == nil {
		b.Events = []gongxu.Event{}
	}
	for i, t := range res.Txs {
		b.Txs[i] = gongxu.TxRecord{Hash: t.Hash, Height: res.Height, Index: i, Time: rfc3339(res.Time), Type: t.Type,
			Signer: t.Signer, Org: t.Org, Code: t.Code, Kind: kindName(t.Code), Message: t.Log, Events: t.Events}
	}
	return b
}

func rfc3339(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano) }

func kindName(code uint32) string {
	if code == 0 {
		return ""
	}
	return gongxu.Kind(code).String()
}

// Plans is the planner over the read model, planning from the latest
// block's time, for member factories and suppliers only (as a node wires
// it).
func (n *Net) Plans() *planner.Planner {
	return planner.New(n.read, n.blockTime).RequireFactory(n.read).WithLateness(n.read)
}

// blockTime is the latest projected block's time, as the node's planner
// reads it.
func (n *Net) blockTime(ctx context.Context) (int64, error) {
	bs, err := n.read.RecentBlocks(ctx, 1)
	if err != nil {
		return 0, err
	}
	if len(bs) == 0 {
		return 0, gongxu.Errorf(gongxu.KindUnavailable, "no block projected yet")
	}
	t, err := time.Parse(sqlite.TimeLayout, bs[0].Time)
	if err != nil {
		return 0, gongxu.Wrap(err, "read model block time %q", bs[0].Time)
	}
	return t.UnixMilli(), nil
}

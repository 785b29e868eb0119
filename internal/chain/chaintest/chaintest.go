package chaintest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/store"
)

// ChainID of harness chains.
const ChainID = "gongxu-test"

// GenesisTime is the block time of genesis, unix ms (2026-01-01T00:00:00Z).
const GenesisTime int64 = 1767225600000

// Key derives a deterministic test key from a name.
func Key(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("gongxu test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// PubKey is the hex public key of Key(name).
func PubKey(name string) gongxu.PubKey {
	return gongxu.PubKey(hex.EncodeToString(Key(name).Public().(ed25519.PublicKey)))
}

// OrgSpec is a genesis org; its key is Key(ID).
type OrgSpec struct {
	ID    string
	Roles []gongxu.Role
}

// Harness is a chain in a test.
type Harness struct {
	T      testing.TB
	App    *chain.App
	DB     store.DB
	State  *store.State
	Member *member.Module
	Mods   *modules.Set
	Height int64
	Time   int64
	// Vars are a scenario's named values: $var(NAME) in a tx's JSON is
	// replaced by Vars[NAME] (set by "save NAME", or by a module's check).
	Vars map[string]string
	seq  map[string]uint64
}

// Genesis returns the app state for orgs, each with its Key(ID); the first org
// runs one validator with key Key(ID+"/val").
func Genesis(orgs ...OrgSpec) map[string]json.RawMessage {
	g := member.Genesis{}
	for _, o := range orgs {
		g.Orgs = append(g.Orgs, gongxu.Org{ID: gongxu.OrgID(o.ID), Name: o.ID, Roles: o.Roles, Keys: []gongxu.PubKey{PubKey(o.ID)}})
	}
	if len(orgs) > 0 {
		g.Validators = []gongxu.Validator{{PubKey: PubKey(orgs[0].ID + "/val"), Power: 10, Org: gongxu.OrgID(orgs[0].ID)}}
	}
	b, _ := json.Marshal(g)
	return map[string]json.RawMessage{member.Name: b}
}

// New starts a chain at genesis over a fresh MemDB.
func New(t testing.TB, orgs ...OrgSpec) *Harness {
	t.Helper()
	h := Open(t, store.NewMemDB())
	h.InitChain(Genesis(orgs...))
	h.Block() // genesis is committed with the first block, as under CometBFT
	return h
}

// Open builds a harness over an existing database (a restored copy), at the
// height stored in it.
func Open(t testing.TB, db store.DB) *Harness {
	t.Helper()
	h, err := OpenWith(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.T = t
	return h
}

// OpenWith builds a harness over db like Open, with edit (when not nil)
// changing the chain's configuration first (another binary: its registered
// upgrades); it returns chain.New's error. The caller sets Harness.T.
func OpenWith(db store.DB, edit func(*chain.Config)) (*Harness, error) {
	st, err := store.Open(db)
	if err != nil {
		return nil, err
	}
	mods := modules.New()
	cfg := mods.ChainConfig(ChainID)
	if edit != nil {
		edit(&cfg)
	}
	app, err := chain.New(st, cfg)
	if err != nil {
		return nil, err
	}
	h := &Harness{App: app, DB: db, State: st, Member: mods.Member, Mods: mods, Height: st.Height(), Time: GenesisTime + st.Height()*1000, Vars: map[string]string{}, seq: map[string]uint64{}}
	return h, nil
}

// InitChain loads genesis.
func (h *Harness) InitChain(appState map[string]json.RawMessage) {
	h.T.Helper()
	if _, _, err := h.App.InitChain(chain.Genesis{Time: GenesisTime, AppState: appState}); err != nil {
		h.T.Fatal(err)
	}
}

// Sign signs a message from the named key with its next sequence.
func (h *Harness) Sign(keyName, typ string, body any) []byte {
	h.T.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		h.T.Fatal(err)
	}
	return h.SignRaw(keyName, typ, b)
}

// SignRaw signs raw body bytes from the named key with its next sequence.
func (h *Harness) SignRaw(keyName, typ string, body []byte) []byte {
	seq := h.NextSeq(keyName)
	h.seq[keyName] = seq + 1
	return gongxu.SignTx(ChainID, Key(keyName), typ, body, seq).Encode()
}

// SignSeq signs with an explicit sequence, leaving the automatic one alone.
func (h *Harness) SignSeq(keyName, typ string, body any, seq uint64) []byte {
	b, _ := json.Marshal(body)
	return gongxu.SignTx(ChainID, Key(keyName), typ, b, seq).Encode()
}

// NextSeq is the sequence the harness will sign the next tx of keyName with.
func (h *Harness) NextSeq(keyName string) uint64 {
	if s, ok := h.seq[keyName]; ok {
		return s
	}
	acc, err := h.App.Account(PubKey(keyName))
	if err != nil {
		h.T.Fatal(err)
	}
	return acc.Sequence
}

// ResetSeq forgets the automatic sequence of keyName (after a rejected tx).
func (h *Harness) ResetSeq(keyName string) { delete(h.seq, keyName) }

// Advance moves block time forward by ms before the next block.
func (h *Harness) Advance(ms int64) { h.Time += ms }

// Block executes and commits a block one second after the previous one.
func (h *Harness) Block(txs ...[]byte) *chain.BlockResult {
	h.T.Helper()
	h.Time += 1000
	h.Height++
	res, err := h.App.FinalizeBlock(chain.Block{Height: h.Height, Time: h.Time, Txs: txs})
	if err != nil {
		h.T.Fatalf("block %d: %v", h.Height, err)
	}
	if _, err := h.App.Commit(); err != nil {
		h.T.Fatalf("commit %d: %v", h.Height, err)
	}
	return res
}

// Deliver runs one tx in its own block and returns its result.
func (h *Harness) Deliver(tx []byte) chain.TxResult {
	h.T.Helper()
	return h.Block(tx).Txs[0]
}

// MustOK fails the test unless r succeeded.
func MustOK(t testing.TB, r chain.TxResult) {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("tx %s failed: %s (%s)", r.Type, r.Log, gongxu.Kind(r.Code))
	}
}

// Root is the committed app hash, hex.
func (h *Harness) Root() string { return hex.EncodeToString(h.State.Root()) }

// Dump returns every data key and value of the committed state, for
// comparing states.
func (h *Harness) Dump() map[string]string {
	out := map[string]string{}
	if err := h.State.Iterate(nil, nil, func(k, v []byte) bool {
		out[string(k)] = string(v)
		return true
	}); err != nil {
		h.T.Fatal(err)
	}
	return out
}

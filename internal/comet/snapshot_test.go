package comet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/store"
)

const snapChainID = "gongxu-snap"

// abciChain is an App driven through ABCI by the test, as CometBFT would.
type abciChain struct {
	app *App
	key ed25519.PrivateKey
	seq uint64
	t0  time.Time
}

func newABCIChain(t *testing.T, key ed25519.PrivateKey, genesis bool, so SnapshotOptions) *abciChain {
	t.Helper()
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	c, err := newChain(st, snapChainID)
	if err != nil {
		t.Fatal(err)
	}
	ac := &abciChain{app: NewApp(c), key: key, seq: 1, t0: time.UnixMilli(1_700_000_000_000)}
	ac.app.SetSnapshots(so)
	if !genesis {
		return ac
	}
	pub := key.Public().(ed25519.PublicKey)
	org := gongxu.Org{ID: "operator", Name: "Operator", Roles: []gongxu.Role{gongxu.RoleValidator, gongxu.RoleFactory, gongxu.RoleHub},
		Keys: []gongxu.PubKey{gongxu.PubKey(hex.EncodeToString(pub))}}
	vpub, _, _ := ed25519.GenerateKey(nil)
	val := gongxu.Validator{PubKey: gongxu.PubKey(hex.EncodeToString(vpub)), Power: 10, Org: org.ID}
	app, _ := json.Marshal(map[string]any{member.Name: member.Genesis{Orgs: []gongxu.Org{org}, Validators: []gongxu.Validator{val}}})
	if _, err := ac.app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: snapChainID, Time: ac.t0, AppStateBytes: app}); err != nil {
		t.Fatal(err)
	}
	return ac
}

// block finalizes and commits block h with txs, and returns its app hash.
func (ac *abciChain) block(t *testing.T, h int64, txs ...[]byte) []byte {
	t.Helper()
	ctx := context.Background()
	res, err := ac.app.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: h, Time: ac.t0.Add(time.Duration(h) * time.Second), Txs: txs, Hash: []byte{byte(h)}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.TxResults {
		if r.Code != 0 {
			t.Fatalf("block %d tx %d: %s", h, i, r.Log)
		}
	}
	if _, err := ac.app.Commit(ctx, &abci.RequestCommit{}); err != nil {
		t.Fatal(err)
	}
	return res.AppHash
}

func (ac *abciChain) updateTx(desc string) []byte {
	b, _ := json.Marshal(member.MsgUpdateOrg{Description: desc})
	tx := gongxu.SignTx(snapChainID, ac.key, member.TypeUpdateOrg, b, ac.seq).Encode()
	ac.seq++
	return tx
}

func (ac *abciChain) info(t *testing.T) (int64, []byte) {
	t.Helper()
	r, err := ac.app.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	return r.LastBlockHeight, r.LastBlockAppHash
}

// source is a chain of 6 blocks taking a snapshot every 2 (keeping 2), in
// small chunks; it returns the chain and the app hash of each height.
func source(t *testing.T) (*abciChain, map[int64][]byte) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(nil)
	src := newABCIChain(t, key, true, SnapshotOptions{Interval: 2, Keep: 2, Dir: t.TempDir(), ChunkSize: 64})
	hashes := map[int64][]byte{}
	for h := int64(1); h <= 6; h++ {
		hashes[h] = src.block(t, h, src.updateTx(fmt.Sprintf("block %d %s", h, bytes.Repeat([]byte("x"), int(h)*50))))
		src.app.snaps.wait()
	}
	return src, hashes
}

func listSnaps(t *testing.T, a *App) []*abci.Snapshot {
	t.Helper()
	r, err := a.ListSnapshots(context.Background(), &abci.RequestListSnapshots{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Snapshots
}

func loadChunk(t *testing.T, a *App, s *abci.Snapshot, i uint32) []byte {
	t.Helper()
	r, err := a.LoadSnapshotChunk(context.Background(), &abci.RequestLoadSnapshotChunk{Height: s.Height, Format: s.Format, Chunk: i})
	if err != nil || len(r.Chunk) == 0 {
		t.Fatalf("chunk %d of %d: %v", i, s.Height, err)
	}
	return r.Chunk
}

func offer(t *testing.T, a *App, s *abci.Snapshot, appHash []byte) abci.ResponseOfferSnapshot_Result {
	t.Helper()
	r, err := a.OfferSnapshot(context.Background(), &abci.RequestOfferSnapshot{Snapshot: s, AppHash: appHash})
	if err != nil {
		t.Fatal(err)
	}
	return r.Result
}

func applyChunk(t *testing.T, a *App, i uint32, chunk []byte, sender string) *abci.ResponseApplySnapshotChunk {
	t.Helper()
	r, err := a.ApplySnapshotChunk(context.Background(), &abci.RequestApplySnapshotChunk{Index: i, Chunk: chunk, Sender: sender})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A snapshot served by one app restores another to the same height and app
// hash, and both compute the same next block.
func TestSnapshotServedAndRestored(t *testing.T) {
	src, hashes := source(t)
	snaps := listSnaps(t, src.app)
	if len(snaps) != 2 || snaps[0].Height != 6 || snaps[1].Height != 4 {
		t.Fatalf("snapshots kept: %v", snaps)
	}
	s := snaps[0]
	if s.Chunks < 3 {
		t.Fatalf("%d chunks; the test wants several", s.Chunks)
	}
	dst := newABCIChain(t, src.key, false, SnapshotOptions{})
	if res := offer(t, dst.app, s, hashes[6]); res != abci.ResponseOfferSnapshot_ACCEPT {
		t.Fatalf("offer: %v", res)
	}
	for i := uint32(0); i < s.Chunks; i++ {
		if r := applyChunk(t, dst.app, i, loadChunk(t, src.app, s, i), "peer"); r.Result != abci.ResponseApplySnapshotChunk_ACCEPT {
			t.Fatalf("chunk %d: %v", i, r)
		}
	}
	h, hash := dst.info(t)
	if h != 6 || !bytes.Equal(hash, hashes[6]) {
		t.Fatalf("restored %d %X, want 6 %X", h, hash, hashes[6])
	}
	dst.seq = src.seq
	tx := src.updateTx("after the snapshot")
	if a, b := src.block(t, 7, tx), dst.block(t, 7, tx); !bytes.Equal(a, b) {
		t.Fatalf("block 7: source %X, restored %X", a, b)
	}
}

// A chunk that does not match its hash is refused (fetched again, its sender
// rejected) and changes nothing; data that does not rebuild the trusted app
// hash is refused at the end and leaves the state empty; malformed offers are
// refused.
func TestSnapshotRefusesBadInput(t *testing.T) {
	src, hashes := source(t)
	s := listSnaps(t, src.app)[0]
	var chunks [][]byte
	for i := uint32(0); i < s.Chunks; i++ {
		chunks = append(chunks, loadChunk(t, src.app, s, i))
	}
	dst := newABCIChain(t, src.key, false, SnapshotOptions{})
	empty := func() {
		t.Helper()
		if h, _ := dst.info(t); h != 0 {
			t.Fatalf("state at height %d", h)
		}
		n := 0
		_ = dst.app.chain.State().Iterate(nil, nil, func(k, v []byte) bool { n++; return true })
		if n != 0 {
			t.Fatalf("%d keys left in the state", n)
		}
	}

	t.Run("corrupted chunk", func(t *testing.T) {
		if res := offer(t, dst.app, s, hashes[6]); res != abci.ResponseOfferSnapshot_ACCEPT {
			t.Fatalf("offer: %v", res)
		}
		if r := applyChunk(t, dst.app, 0, chunks[0], "good"); r.Result != abci.ResponseApplySnapshotChunk_ACCEPT {
			t.Fatal(r)
		}
		bad := bytes.Clone(chunks[1])
		bad[len(bad)/2] ^= 0xff
		r := applyChunk(t, dst.app, 1, bad, "liar")
		if r.Result != abci.ResponseApplySnapshotChunk_RETRY || fmt.Sprint(r.RefetchChunks) != "[1]" || fmt.Sprint(r.RejectSenders) != "[liar]" {
			t.Fatalf("corrupted chunk: %v", r)
		}
		if h, _ := dst.info(t); h != 0 {
			t.Fatal("height moved")
		}
		// Garbage of any length, the same.
		if r := applyChunk(t, dst.app, 1, []byte{0xff, 0xff, 0xff}, "liar"); r.Result != abci.ResponseApplySnapshotChunk_RETRY {
			t.Fatal(r)
		}
		// A chunk out of order drops the snapshot.
		if r := applyChunk(t, dst.app, 2, chunks[2], "good"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
			t.Fatalf("chunk 2 before 1: %v", r)
		}
		empty()
		if r := applyChunk(t, dst.app, 1, chunks[1], "good"); r.Result != abci.ResponseApplySnapshotChunk_ABORT {
			t.Fatalf("a chunk with no snapshot offered: %v", r)
		}
	})

	t.Run("forged snapshot", func(t *testing.T) {
		// A peer's own metadata over altered chunks: every chunk matches its
		// hash, the whole does not rebuild the trusted app hash.
		forged := make([][]byte, len(chunks))
		copy(forged, chunks)
		last, err := DecodeSnapshotChunk(chunks[len(chunks)-1])
		if err != nil {
			t.Fatal(err)
		}
		last[len(last)-1] ^= 1 // the last byte of the last value
		if forged[len(forged)-1], err = compressChunk(last); err != nil {
			t.Fatal(err)
		}
		m, _ := DecodeSnapshotMeta(s.Metadata)
		for i, c := range forged {
			m.Chunks[i] = sha256.Sum256(c)
		}
		meta := m.Encode()
		mh := sha256.Sum256(meta)
		fs := &abci.Snapshot{Height: s.Height, Format: s.Format, Chunks: s.Chunks, Hash: mh[:], Metadata: meta}
		if res := offer(t, dst.app, fs, hashes[6]); res != abci.ResponseOfferSnapshot_ACCEPT {
			t.Fatalf("offer: %v", res)
		}
		var r *abci.ResponseApplySnapshotChunk
		for i, c := range forged {
			r = applyChunk(t, dst.app, uint32(i), c, "forger")
		}
		if r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT || fmt.Sprint(r.RejectSenders) != "[forger]" {
			t.Fatalf("forged snapshot's last chunk: %v", r)
		}
		empty()
		// Chunks that match the metadata but do not inflate: refused at the
		// chunk.
		junk := [][]byte{[]byte("not deflate")}
		m.Chunks = [][32]byte{sha256.Sum256(junk[0])}
		meta = m.Encode()
		mh = sha256.Sum256(meta)
		js := &abci.Snapshot{Height: s.Height, Format: s.Format, Chunks: 1, Hash: mh[:], Metadata: meta}
		if res := offer(t, dst.app, js, hashes[6]); res != abci.ResponseOfferSnapshot_ACCEPT {
			t.Fatalf("offer: %v", res)
		}
		if r := applyChunk(t, dst.app, 0, junk[0], "forger"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
			t.Fatalf("a chunk that does not inflate: %v", r)
		}
		empty()
		// The true snapshot at a wrong trusted hash: the same.
		if res := offer(t, dst.app, s, hashes[5]); res != abci.ResponseOfferSnapshot_ACCEPT {
			t.Fatalf("offer: %v", res)
		}
		for i, c := range chunks {
			r = applyChunk(t, dst.app, uint32(i), c, "peer")
		}
		if r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
			t.Fatalf("snapshot against a wrong app hash: %v", r)
		}
		empty()
	})

	t.Run("malformed offers", func(t *testing.T) {
		bad := func(f func(s *abci.Snapshot)) *abci.Snapshot {
			c := *s
			c.Metadata = bytes.Clone(s.Metadata)
			f(&c)
			return &c
		}
		cases := map[string]struct {
			snap *abci.Snapshot
			want abci.ResponseOfferSnapshot_Result
		}{
			"nil":            {nil, abci.ResponseOfferSnapshot_REJECT},
			"unknown format": {bad(func(c *abci.Snapshot) { c.Format = 2 }), abci.ResponseOfferSnapshot_REJECT_FORMAT},
			"chunk count":    {bad(func(c *abci.Snapshot) { c.Chunks++ }), abci.ResponseOfferSnapshot_REJECT_SENDER},
			"hash":           {bad(func(c *abci.Snapshot) { c.Hash = c.Hash[1:] }), abci.ResponseOfferSnapshot_REJECT_SENDER},
			"truncated meta": {bad(func(c *abci.Snapshot) { c.Metadata = c.Metadata[:30] }), abci.ResponseOfferSnapshot_REJECT_SENDER},
			"no meta":        {bad(func(c *abci.Snapshot) { c.Metadata = nil }), abci.ResponseOfferSnapshot_REJECT_SENDER},
			"height 0":       {bad(func(c *abci.Snapshot) { c.Height = 0 }), abci.ResponseOfferSnapshot_REJECT_SENDER},
			"meta version":   {bad(func(c *abci.Snapshot) { c.Metadata[0] = 9 }), abci.ResponseOfferSnapshot_REJECT_SENDER},
		}
		for name, tc := range cases {
			if res := offer(t, dst.app, tc.snap, hashes[6]); res != tc.want {
				t.Errorf("%s: %v, want %v", name, res, tc.want)
			}
		}
		if res := offer(t, dst.app, s, []byte{1, 2}); res != abci.ResponseOfferSnapshot_REJECT {
			t.Errorf("short app hash: %v", res)
		}
		empty()
		// A node with state refuses to restore over it.
		if res := offer(t, src.app, s, hashes[6]); res != abci.ResponseOfferSnapshot_ABORT {
			t.Errorf("offer to a node with state: %v", res)
		}
	})
	// After all that, the true snapshot still restores.
	if res := offer(t, dst.app, s, hashes[6]); res != abci.ResponseOfferSnapshot_ACCEPT {
		t.Fatalf("offer: %v", res)
	}
	for i, c := range chunks {
		applyChunk(t, dst.app, uint32(i), c, "peer")
	}
	if h, hash := dst.info(t); h != 6 || !bytes.Equal(hash, hashes[6]) {
		t.Fatalf("restored %d %X", h, hash)
	}
	if r := applyChunk(t, src.app, 0, chunks[0], "x"); r.Result != abci.ResponseApplySnapshotChunk_ABORT {
		t.Fatalf("chunk without an offer: %v", r)
	}
	if got := loadChunk0(src.app, s.Height, 99); got != nil {
		t.Fatal("served a chunk that does not exist")
	}
	if got := loadChunk0(src.app, 3, 0); got != nil {
		t.Fatal("served a chunk of a snapshot that does not exist")
	}
}

func loadChunk0(a *App, h uint64, i uint32) []byte {
	r, _ := a.LoadSnapshotChunk(context.Background(), &abci.RequestLoadSnapshotChunk{Height: h, Format: SnapshotFormat, Chunk: i})
	return r.Chunk
}

func FuzzDecodeSnapshotChunk(f *testing.F) {
	c, _ := compressChunk([]byte{1, 'a', 1, '1'})
	f.Add(c)
	f.Add([]byte("not deflate"))
	f.Fuzz(func(t *testing.T, b []byte) {
		raw, err := DecodeSnapshotChunk(b)
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("error kind %v", gongxu.ErrorKind(err))
			}
			return
		}
		if len(raw) > store.MaxSnapshotChunk {
			t.Fatalf("inflated to %d bytes", len(raw))
		}
	})
}

func TestRetainHeight(t *testing.T) {
	for _, tc := range []struct{ h, keep, want int64 }{{10, 0, 0}, {10, 10, 0}, {11, 10, 2}, {1000, 100, 901}} {
		if got := retainHeight(tc.h, tc.keep); got != tc.want {
			t.Errorf("retainHeight(%d, %d) = %d, want %d", tc.h, tc.keep, got, tc.want)
		}
	}
}

func FuzzDecodeSnapshotMeta(f *testing.F) {
	f.Add(SnapshotMeta{Time: 5, Pairs: 9, Chunks: [][32]byte{{1}, {2}}}.Encode())
	f.Add([]byte{1})
	f.Add(append([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, make([]byte, 32)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeSnapshotMeta(b)
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("error kind %v", gongxu.ErrorKind(err))
			}
			return
		}
		if len(m.Chunks) == 0 || len(m.Chunks) > maxSnapshotChunks || m.Time < 0 {
			t.Fatalf("decoded out of bounds: %d chunks, time %d", len(m.Chunks), m.Time)
		}
		if !bytes.Equal(m.Encode(), b) {
			t.Fatalf("%x decodes and re-encodes to %x", b, m.Encode())
		}
	})
}

// A chunk that inflates past the bound is refused, however small it is.
func TestSnapshotChunkInflationBound(t *testing.T) {
	bomb, err := compressChunk(make([]byte, store.MaxSnapshotChunk+1))
	if err != nil {
		t.Fatal(err)
	}
	if len(bomb) > 100_000 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	if _, err := DecodeSnapshotChunk(bomb); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("err = %v", err)
	}
	ok, _ := compressChunk(make([]byte, store.MaxSnapshotChunk))
	if raw, err := DecodeSnapshotChunk(ok); err != nil || len(raw) != store.MaxSnapshotChunk {
		t.Fatalf("a chunk at the bound: %d %v", len(raw), err)
	}
}

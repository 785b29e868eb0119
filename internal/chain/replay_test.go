package chain_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// block is a recorded block: what a consensus engine would deliver.
type block struct {
	height, time int64
	txs          [][]byte
}

// genBlocks drives machine h with random valid and invalid transactions and
// returns the blocks it executed, with h's app hash after each.
func genBlocks(t *testing.T, h *chaintest.Harness, seed uint64, n int) ([]block, []string, map[gongxu.Kind]int) {
	codes := map[gongxu.Kind]int{}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	names := []string{"factory-a", "supplier-b", "hub-c"}
	var blocks []block
	var roots []string
	extraKeys := 0
	for len(blocks) < n {
		var txs [][]byte
		for i := rng.IntN(12); i > 0; i-- {
			who := names[rng.IntN(len(names))]
			switch rng.IntN(12) {
			case 0, 1, 2:
				txs = append(txs, h.Sign(who, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("d%d", rng.IntN(1000))}))
			case 3:
				extraKeys++
				txs = append(txs, h.Sign(who, member.TypeAddKey, member.MsgAddKey{Key: chaintest.PubKey(fmt.Sprintf("extra-%d", extraKeys))}))
			case 4:
				txs = append(txs, h.Sign(who, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalSetParam, Title: "p", Param: "max_org_keys", Value: int64(2 + rng.IntN(10))}))
			case 5:
				id := fmt.Sprintf("org-%d", rng.IntN(20))
				txs = append(txs, h.Sign(who, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "admit", Org: &gongxu.Org{ID: gongxu.OrgID(id), Name: id, Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{chaintest.PubKey(id)}}}))
			case 6, 7:
				txs = append(txs, h.Sign(who, member.TypeVote, member.MsgVote{Proposal: uint64(1 + rng.IntN(8)), Yes: rng.IntN(3) > 0}))
			case 8: // garbage
				b := make([]byte, rng.IntN(200))
				for j := range b {
					b[j] = byte(rng.Uint32())
				}
				txs = append(txs, b)
			case 9: // forged signature; the harness's sequence is not consumed
				tx := h.Sign(who, member.TypeUpdateOrg, member.MsgUpdateOrg{Name: "forged"})
				h.ResetSeq(who)
				tx = append([]byte(nil), tx...)
				tx[len(tx)-1-rng.IntN(64)] ^= byte(1 + rng.IntN(255))
				txs = append(txs, tx)
			case 10: // replay of an earlier tx
				if len(blocks) > 0 {
					b := blocks[rng.IntN(len(blocks))]
					if len(b.txs) > 0 {
						txs = append(txs, b.txs[rng.IntN(len(b.txs))])
					}
				}
			case 11: // unknown type
				txs = append(txs, h.Sign(who, "member/unknown", map[string]int{"x": 1}))
				h.ResetSeq(who)
			}
		}
		if rng.IntN(10) == 0 {
			h.Advance(int64(rng.IntN(8)) * 24 * 3600 * 1000) // deadlines fall due
		}
		res := h.Block(txs...)
		for _, r := range res.Txs {
			codes[gongxu.Kind(r.Code)]++
		}
		// Resync the harness's sequences with the chain (rejected txs).
		for _, who := range names {
			h.ResetSeq(who)
		}
		blocks = append(blocks, block{height: h.Height, time: h.Time, txs: txs})
		roots = append(roots, h.Root())
	}
	return blocks, roots, codes
}

func feed(t *testing.T, app *chain.App, st *store.State, b block) string {
	t.Helper()
	if _, err := app.FinalizeBlock(chain.Block{Height: b.height, Time: b.time, Txs: b.txs}); err != nil {
		t.Fatalf("height %d: %v", b.height, err)
	}
	if _, err := app.Commit(); err != nil {
		t.Fatalf("commit %d: %v", b.height, err)
	}
	return fmt.Sprintf("%x", st.Root())
}

// TestReplay is the determinism test: the same blocks fed into fresh machines
// (in memory and on Pebble) and into one restored from a Pebble copy taken
// midway give identical app hashes at every height.
func TestReplay(t *testing.T) {
	final := map[string]string{} // the app hash after the last block, per seed
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			gen := chaintest.New(t, orgs...)
			genesis := chaintest.Genesis(orgs...)
			blocks, roots, codes := genBlocks(t, gen, seed, 120)
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindBadSignature, gongxu.KindSequence, gongxu.KindUnknownType} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			// blocks[0] is height 2: height 1 was the harness's first block.

			mem := chaintest.Open(t, store.NewMemDB())
			mem.InitChain(genesis)
			mem.Block()
			dir := t.TempDir()
			pdb, err := pebblekv.Open(filepath.Join(dir, "a"))
			if err != nil {
				t.Fatal(err)
			}
			defer pdb.Close()
			peb := chaintest.Open(t, pdb)
			peb.InitChain(genesis)
			peb.Block()
			if mem.Root() != peb.Root() {
				t.Fatal("genesis roots differ")
			}
			var restored *chaintest.Harness
			for i, b := range blocks {
				want := roots[i]
				if got := feed(t, mem.App, mem.State, b); got != want {
					t.Fatalf("height %d: in-memory machine %s, generator %s", b.height, got, want)
				}
				if got := feed(t, peb.App, peb.State, b); got != want {
					t.Fatalf("height %d: pebble machine %s, generator %s", b.height, got, want)
				}
				if restored != nil {
					if got := feed(t, restored.App, restored.State, b); got != want {
						t.Fatalf("height %d: restored machine %s, generator %s", b.height, got, want)
					}
				}
				if i == len(blocks)/2 {
					cp := filepath.Join(dir, "copy")
					if err := pdb.Checkpoint(cp); err != nil {
						t.Fatal(err)
					}
					cdb, err := pebblekv.Open(cp)
					if err != nil {
						t.Fatal(err)
					}
					defer cdb.Close()
					restored = chaintest.Open(t, cdb)
					if restored.Root() != want || restored.State.Height() != b.height {
						t.Fatalf("restored copy at height %d root %s, want %d %s", restored.State.Height(), restored.Root(), b.height, want)
					}
				}
			}
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}

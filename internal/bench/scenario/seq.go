package scenario

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
)

// The benchmarks' keys, their sequences on the chain, and the commit of
// set-up transactions.

// key derives key i of a role: "signer" (the member orgs bench-00000 …),
// "factory" or "consumer".
func key(role string, i int) ed25519.PrivateKey {
	seed := sha256.Sum256(fmt.Appendf(nil, "gongxu-bench/%s/%d", role, i))
	return ed25519.NewKeyFromSeed(seed[:])
}

// signerKey is the key of member org bench-i, which the genesis of every
// benchmark network holds.
func signerKey(i int) ed25519.PrivateKey { return key("signer", i) }

// signerKeys are the keys of the first n member orgs.
func signerKeys(n int) []ed25519.PrivateKey {
	keys := make([]ed25519.PrivateKey, n)
	for i := range keys {
		keys[i] = signerKey(i)
	}
	return keys
}

func pubHex(k ed25519.PrivateKey) string { return hex.EncodeToString(k.Public().(ed25519.PublicKey)) }

// signTx signs msg, written as compact JSON, as a transaction of typ.
func signTx(key ed25519.PrivateKey, typ string, msg any, seq uint64) []byte {
	body, _ := json.Marshal(msg)
	return gongxu.SignTx(chainID, key, typ, body, seq).Encode()
}

// seqBase maps the sequences a bench.Runner counts for each signer (from 1)
// onto the signer's sequences on the chain: base[i] is the last one signer i
// used before the runner started.
type seqBase []uint64

// readSeqBase asks node for the next sequence of every key.
func readSeqBase(ctx context.Context, rpc *bench.RPC, node string, keys []ed25519.PrivateKey) (seqBase, error) {
	base := make(seqBase, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			next, err := accountSeq(ctx, rpc, node, k)
			base[i], errs[i] = next-1, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return base, nil
}

// accountSeq asks node for key's next sequence (mempool included).
func accountSeq(ctx context.Context, rpc *bench.RPC, node string, key ed25519.PrivateKey) (uint64, error) {
	v, err := rpc.ABCIQuery(ctx, node, "/account", []byte(pubHex(key)))
	if err != nil {
		return 0, err
	}
	var acc gongxu.Account
	if err := json.Unmarshal(v, &acc); err != nil {
		return 0, err
	}
	if acc.Sequence < 1 {
		return 0, fmt.Errorf("account %s: sequence %d", pubHex(key), acc.Sequence)
	}
	return acc.Sequence, nil
}

// wrap makes a builder signed with the chain's sequences out of one that is
// given them.
func (b seqBase) wrap(build func(int, uint64) []byte) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte { return build(i, b[i]+seq) }
}

// prebuilt is wrap(build) with every signer's transactions at the runner's
// sequences 1 … n built ahead, on every CPU, before it returns: the runner
// gets those from memory, and builds any other sequence (after a resync past
// n) on demand. The result is read-only, safe for the runner's concurrent
// signers.
func (b seqBase) prebuilt(build func(int, uint64) []byte, signers, n int) func(int, uint64) []byte {
	txs := make([][][]byte, signers)
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				txs[i] = make([][]byte, n)
				for s := range n {
					txs[i][s] = build(i, b[i]+uint64(s)+1)
				}
			}
		}()
	}
	for i := range signers {
		work <- i
	}
	close(work)
	wg.Wait()
	return func(i int, seq uint64) []byte {
		if seq >= 1 && seq <= uint64(n) {
			return txs[i][seq-1]
		}
		return build(i, b[i]+seq)
	}
}

// nextSeq is bench.Load.NextSeq for keys, in the runner's numbering.
func (b seqBase) nextSeq(keys []ed25519.PrivateKey) func(context.Context, *bench.RPC, string, int) (uint64, error) {
	return func(ctx context.Context, rpc *bench.RPC, node string, i int) (uint64, error) {
		next, err := accountSeq(ctx, rpc, node, keys[i])
		if err != nil {
			return 0, err
		}
		if next <= b[i] {
			return 0, fmt.Errorf("signer %d: next sequence %d is not after the runner's base %d", i, next, b[i])
		}
		return next - b[i], nil
	}
}

// seqKeyPrefix is the chain's state key prefix of a signer's next sequence
// (internal/chain: "chain/seq/" + the raw 32-byte public key, a value of 8
// bytes big-endian, absent before the signer's first tx). TestSeqKeyLayout
// holds it to the chain's.
const seqKeyPrefix = "chain/seq/"

// committedSeq reads key's next sequence from node's committed state (the
// mempool left out, unlike accountSeq), and the height it was read at.
func committedSeq(ctx context.Context, rpc *bench.RPC, node string, key ed25519.PrivateKey) (uint64, int64, error) {
	v, h, err := rpc.ABCIQueryAt(ctx, node, "/prove", append([]byte(seqKeyPrefix), key.Public().(ed25519.PublicKey)...))
	if err != nil {
		return 0, 0, err
	}
	next, err := decodeSeq(v)
	return next, h, err
}

// decodeSeq reads a sequence value of the state: 8 bytes big-endian, or
// nothing for a signer that has sent no tx (next 1).
func decodeSeq(v []byte) (uint64, error) {
	switch {
	case len(v) == 0:
		return 1, nil
	case len(v) != 8:
		return 0, fmt.Errorf("a sequence of %d bytes", len(v))
	}
	next := binary.BigEndian.Uint64(v)
	if next < 1 {
		return 0, fmt.Errorf("sequence %d", next)
	}
	return next, nil
}

// succeeded is bench.Settle.Succeeded for keys: the signer's txs that
// passed every check in a block since the runner's base, by its committed
// sequence.
func (b seqBase) succeeded(keys []ed25519.PrivateKey) func(context.Context, *bench.RPC, string, int) (uint64, int64, error) {
	return func(ctx context.Context, rpc *bench.RPC, node string, i int) (uint64, int64, error) {
		next, h, err := committedSeq(ctx, rpc, node, keys[i])
		if err != nil {
			return 0, 0, err
		}
		if next-1 < b[i] {
			return 0, 0, fmt.Errorf("signer %d: committed sequence %d is before the runner's base %d", i, next, b[i])
		}
		return next - 1 - b[i], h, nil
	}
}

// commitTxs submits txs to node in order and waits until every one is
// committed with code 0.
func commitTxs(ctx context.Context, rpc *bench.RPC, node string, txs [][]byte) error {
	h0, err := rpc.Height(ctx, node)
	if err != nil {
		return err
	}
	want := map[[32]byte]int{}
	for i, tx := range txs {
		res, err := rpc.BroadcastTxSync(ctx, node, tx)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		if res.Code != 0 {
			return fmt.Errorf("tx %d refused by CheckTx: code %d: %s", i, res.Code, res.Log)
		}
		want[sha256.Sum256(tx)] = i
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for next := h0 + 1; len(want) > 0; {
		if top, err := rpc.Height(ctx, node); err == nil {
			for ; next <= top; next++ {
				blk, err := rpc.Block(ctx, node, next, true)
				if err != nil {
					break // stored, not yet executed
				}
				for j, h := range blk.Hashes {
					i, ok := want[h]
					if !ok {
						continue
					}
					if blk.Codes[j] != 0 {
						return fmt.Errorf("tx %d failed in block %d: code %d: %s", i, next, blk.Codes[j], blk.Logs[j])
					}
					delete(want, h)
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d txs not committed: %w", len(want), len(txs), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

package scenario

import (
	"crypto/ed25519"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// The transactions of bench pools, and the arithmetic of its pledges.

// leafVariants are the variants of the bench product; leaf i names
// leafVariants[i%3].
var leafVariants = []string{"s", "m", "l"}

// leafQty is the quantity of leaf i of a batch, and of nothing else: 1, 2 or 3
// units in turn.
func leafQty(i int) int64 { return int64(1 + i%3) }

// batchUnits is the number of units a batch of n leaves pledges.
func batchUnits(n int) int64 {
	var u int64
	for i := range n {
		u += leafQty(i)
	}
	return u
}

// mix64 is SplitMix64's finalizer, a bijection on uint64: distinct inputs give
// distinct outputs, which look random.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// appendLeafID appends the id of leaf i of hub's batch number batch: idLen
// (16 to 64) lower-case hex characters that look like the pseudonyms `gongxu
// tx pool batch` writes. The first 16 characters are a bijection of (hub <
// 2^16, batch mod 2^32, i < 2^16), so ids never repeat within a hub's batches.
func appendLeafID(dst []byte, hub int, batch uint64, i, idLen int) []byte {
	const digits = "0123456789abcdef"
	key := uint64(hub)<<48 | (batch&0xffffffff)<<16 | uint64(i)
	for j := 0; j*16 < idLen; j++ {
		v := mix64(key ^ uint64(j)*0x9e3779b97f4a7c15)
		for k := 0; k < 16 && j*16+k < idLen; k++ {
			dst = append(dst, digits[v>>60])
			v <<= 4
		}
	}
	return dst
}

// batchBody is the JSON body of pool/batch for pool with n leaves of hub's
// batch number batch, written directly (the same fields json.Marshal
// writes for pool.MsgBatch). Hub is below 2^15: its top bit makes the
// leaves' pickup commitments.
func batchBody(poolID uint64, hub int, batch uint64, n, idLen int) []byte {
	b := make([]byte, 0, 32+n*(idLen+32))
	b = append(b, `{"pool":`...)
	b = strconv.AppendUint(b, poolID, 10)
	b = append(b, `,"leaves":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":"`...)
		b = appendLeafID(b, hub, batch, i, idLen)
		b = append(b, `","variant":"`...)
		b = append(b, leafVariants[i%len(leafVariants)]...)
		b = append(b, `","qty":`...)
		b = strconv.AppendInt(b, leafQty(i), 10)
		b = append(b, `,"commit":"`...)
		b = appendLeafID(b, hub|1<<15, batch, i, 64) // a pickup commitment, distinct within the batch
		b = append(b, `"}`...)
	}
	return append(b, "]}"...)
}

// packedBatchBody is batchBody's batch with its leaves packed, as a binary
// pool/batch body (pool/batchbody.go: no JSON or base64 around the packed
// leaves; the same leaves, so the same units and receipts).
func packedBatchBody(poolID uint64, hub int, batch uint64, n, idLen int) []byte {
	ls := make([]pool.Leaf, n)
	var buf []byte
	for i := range ls {
		buf = appendLeafID(buf[:0], hub, batch, i, idLen)
		id := string(buf)
		buf = appendLeafID(buf[:0], hub|1<<15, batch, i, 64)
		ls[i] = pool.Leaf{ID: id, Variant: leafVariants[i%len(leafVariants)], Qty: gongxu.Units(leafQty(i)), Commit: string(buf)}
	}
	b, err := pool.EncodeBatchBinary(poolID, ls)
	if err != nil {
		panic(err) // the bench's own leaves: always packable
	}
	return b
}

// leafBytes is the size of one leaf in a batch body, its comma included; for
// a packed batch, its bytes in the binary body.
func leafBytes(idLen int, packed bool) int {
	if packed {
		return 1 + (idLen+1)/2 + 1 + 4 + 32
	}
	return len(`{"id":"","variant":"s","qty":1,"commit":""},`) + idLen + 64
}

// batchTx returns the builder of hub batches for poolID: signer i is hub i
// (keys[i]); the sequence numbers the batch, so its leaf ids are new.
func batchTx(keys []ed25519.PrivateKey, poolID uint64, n, idLen int, packed bool) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		if packed {
			return gongxu.SignTx(chainID, keys[i], pool.TypeBatch, packedBatchBody(poolID, i, seq, n, idLen), seq).Encode()
		}
		return gongxu.SignTx(chainID, keys[i], pool.TypeBatch, batchBody(poolID, i, seq, n, idLen), seq).Encode()
	}
}

// pledgeTx returns the builder of consumers' direct pledges of 1 unit to
// poolID: consumer i picks up at hubs[i%len(hubs)] a variant in turn.
func pledgeTx(consumers []ed25519.PrivateKey, poolID uint64, hubs []gongxu.OrgID) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		return signTx(consumers[i], pool.TypePledge, pool.MsgPledge{Pool: poolID, Hub: hubs[i%len(hubs)], Variant: leafVariants[int(seq)%len(leafVariants)], Qty: 1}, seq)
	}
}

// pledgeCount is what the harness saw committed into a pool.
type pledgeCount struct {
	Batches int64 `json:"batches"` // hub batches committed with code 0
	Direct  int64 `json:"direct"`  // direct pledges committed with code 0
}

// pledges and units the count adds up to, batches of leaves leaves each.
func (c pledgeCount) pledges(leaves int) int64 { return c.Batches*int64(leaves) + c.Direct }
func (c pledgeCount) units(leaves int) int64   { return c.Batches*batchUnits(leaves) + c.Direct }

// poolCheck compares a pool's totals on the chain with the harness's count.
type poolCheck struct {
	Pool           uint64 `json:"pool"`
	Status         string `json:"status"`
	Pledges        int64  `json:"pledges"` // on the chain
	Units          int64  `json:"units"`
	CountedPledges int64  `json:"counted_pledges"` // by the harness, in its steps' windows and drains
	CountedUnits   int64  `json:"counted_units"`
}

func newPoolCheck(p gongxu.Pool, c pledgeCount, leaves int) poolCheck {
	return poolCheck{Pool: p.ID, Status: string(p.Status), Pledges: p.Pledges, Units: int64(p.Total),
		CountedPledges: c.pledges(leaves), CountedUnits: c.units(leaves)}
}

// verdict says whether the chain holds what the harness counted. More on the
// chain is possible: transactions committed after their step's drain ended
// are not counted.
func (c poolCheck) verdict() string {
	switch {
	case c.Pledges == c.CountedPledges && c.Units == c.CountedUnits:
		return "matches the harness's count"
	case c.Pledges > c.CountedPledges && c.Units > c.CountedUnits:
		return fmt.Sprintf("%d pledges more than the harness counted (committed after their step's drain)", c.Pledges-c.CountedPledges)
	default:
		return fmt.Sprintf("MISMATCH: the harness counted %d pledges, %d units", c.CountedPledges, c.CountedUnits)
	}
}

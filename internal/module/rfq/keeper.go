package rfq

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "rfq"

const prefix = Name + "/"

// CommitmentDomain separates bid commitments from every other sha256 use.
const CommitmentDomain = "gongxu/rfq/bid/v1"

// Commitment is the sealed form of a bid: the lower-case hex of
//
//	sha256("gongxu/rfq/bid/v1" 0x00 || rfq (8 bytes BE) || bidder || 0x00 ||
//	       unit price (8 BE) || qty (8 BE) || lead days (8 BE) || salt)
//
// Binding the RFQ and the bidder means a commitment cannot be replayed on
// another RFQ or copied by another factory; the salt (16 to 64 random bytes)
// keeps the terms from being guessed.
func Commitment(rfq uint64, bidder gongxu.OrgID, price gongxu.Amount, qty gongxu.Units, leadDays int64, salt []byte) string {
	b := make([]byte, 0, len(CommitmentDomain)+1+8+len(bidder)+1+24+len(salt))
	b = append(b, CommitmentDomain...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint64(b, rfq)
	b = append(b, bidder...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint64(b, uint64(price))
	b = binary.BigEndian.AppendUint64(b, uint64(qty))
	b = binary.BigEndian.AppendUint64(b, uint64(leadDays))
	b = append(b, salt...)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Module is the rfq module.
type Module struct {
	members  Members
	settle   Settle
	openPool OpenPool
}

// New returns the rfq module. settle holds the bid bonds; openPool turns
// each awarded bid into a pool. Errors: KindInvalid when a dependency is
// missing.
func New(members Members, settle Settle, openPool OpenPool) (*Module, error) {
	if err := module.Require(Name, "members", members, "settle", settle, "a pool opener", openPool); err != nil {
		return nil, err
	}
	return &Module{members: members, settle: settle, openPool: openPool}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

func pad(n uint64) string { return fmt.Sprintf("%020d", n) }

func rfqKey(id uint64) []byte { return []byte(prefix + "rfq/" + pad(id)) }
func bidKey(id uint64, b gongxu.OrgID) []byte {
	return []byte(prefix + "bid/" + pad(id) + "/" + string(b))
}

var seqKey = []byte(prefix + "seq")

// expiries indexes open RFQs by when they expire.
var expiries = module.Deadlines{Prefix: prefix + "exp/"}

// reveals indexes open RFQs that ask a bid bond by their reveal deadline,
// when the bonds of bids not revealed are forfeited.
var reveals = module.Deadlines{Prefix: prefix + "rev/"}

// RFQ returns a request for quote. Errors: KindNotFound.
func (*Module) RFQ(r store.Reader, id uint64) (gongxu.RFQ, error) {
	var x gongxu.RFQ
	ok, err := module.Load(r, rfqKey(id), &x)
	if err != nil {
		return x, err
	}
	if !ok {
		return x, gongxu.Errorf(gongxu.KindNotFound, "no RFQ %d", id)
	}
	return x, nil
}

// Bid returns a bidder's bid on an RFQ. Errors: KindNotFound.
func (*Module) Bid(r store.Reader, id uint64, bidder gongxu.OrgID) (gongxu.Bid, error) {
	var b gongxu.Bid
	ok, err := module.Load(r, bidKey(id, bidder), &b)
	if err != nil {
		return b, err
	}
	if !ok {
		return b, gongxu.Errorf(gongxu.KindNotFound, "org %s has no bid on RFQ %d", bidder, id)
	}
	return b, nil
}

// Bids lists an RFQ's bids, by bidder.
func (*Module) Bids(r store.Reader, id uint64) ([]gongxu.Bid, error) {
	var out []gongxu.Bid
	err := module.Each(r, []byte(prefix+"bid/"+pad(id)+"/"), func(_ []byte, b gongxu.Bid) bool {
		out = append(out, b)
		return true
	})
	return out, err
}

// saveRFQ writes an RFQ and emits its snapshot.
func saveRFQ(ctx *module.Context, r gongxu.RFQ) error {
	b, err := module.Save(ctx.KV, rfqKey(r.ID), r)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventRFQ, "rfq", strconv.FormatUint(r.ID, 10), "status", string(r.Status), "json", string(b)))
	return nil
}

// saveBid writes a bid and emits its snapshot (only the commitment while
// sealed). note, when not empty, says why a revealed bid is not eligible.
func saveBid(ctx *module.Context, x gongxu.Bid, note string) error {
	x.Time = ctx.Time
	b, err := module.Save(ctx.KV, bidKey(x.RFQ, x.Bidder), x)
	if err != nil {
		return err
	}
	status := "sealed"
	switch {
	case x.Revealed:
		status = "revealed"
	case x.Forfeited:
		status = "forfeited"
	}
	kvs := []string{"rfq", strconv.FormatUint(x.RFQ, 10), "bidder", string(x.Bidder), "status", status, "json", string(b)}
	if note != "" {
		kvs = append(kvs, "note", note)
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventBid, kvs...))
	return nil
}

func bondRef(id uint64) string { return "rfq:" + strconv.FormatUint(id, 10) }

// moveBond moves a bid's bond out of the RFQ's bond account, to to, and
// clears it on the bid (the caller saves the bid). A bond account short of
// a bond it holds is a broken invariant.
func (m *Module) moveBond(ctx *module.Context, r gongxu.RFQ, b *gongxu.Bid, to gongxu.AccountID, reason gongxu.MoveReason) error {
	if b.Bond <= 0 {
		return nil
	}
	if err := m.settle.Transfer(ctx, gongxu.BondAccount(r.ID), to, r.Currency, b.Bond, reason, bondRef(r.ID)); err != nil {
		return fmt.Errorf("rfq %d: moving the bid bond of %s: %w", r.ID, b.Bidder, err)
	}
	b.Bond = 0
	return nil
}

func nextID(ctx *module.Context) (uint64, error) {
	var seq uint64
	if _, err := module.Load(ctx.KV, seqKey, &seq); err != nil {
		return 0, err
	}
	seq++
	_, err := module.Save(ctx.KV, seqKey, seq)
	return seq, err
}

// close ends an open RFQ (awarded, cancelled or expired) and drops it from
// the expiry and reveal indexes.
func closeRFQ(ctx *module.Context, r gongxu.RFQ, st gongxu.RFQStatus, reason string) error {
	if err := expiries.Remove(ctx.KV, r.TargetDate+ExpireAfterMs, r.ID); err != nil {
		return err
	}
	if err := reveals.Remove(ctx.KV, r.RevealDeadline, r.ID); err != nil {
		return err
	}
	r.Status, r.Reason = st, reason
	return saveRFQ(ctx, r)
}

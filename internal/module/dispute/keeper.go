package dispute

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "dispute"

const prefix = Name + "/"

// Module is the dispute module. All of its state is in the KV.
type Module struct {
	members Members
	shares  Shares
	orders  Orders
}

// New returns the dispute module. Errors: KindInvalid when a dependency is
// missing.
func New(members Members, shares Shares, orders Orders) (*Module, error) {
	if err := module.Require(Name, "members", members, "shares", shares, "orders", orders); err != nil {
		return nil, err
	}
	return &Module{members: members, shares: shares, orders: orders}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// InitGenesis implements module.Module: a network starts with no disputes.
func (*Module) InitGenesis(*module.Context, json.RawMessage) error { return nil }

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

func pad(n uint64) string { return fmt.Sprintf("%020d", n) }

var seqKey = []byte(prefix + "seq")

func disputeKey(id uint64) []byte { return []byte(prefix + "d/" + pad(id)) }

// poKey holds the dispute a claimant opened over a purchase order: one per
// purchase order and claimant, ever.
func poKey(po uint64, claimant gongxu.OrgID) []byte {
	return []byte(prefix + "po/" + pad(po) + "/" + string(claimant))
}

// deadlines indexes disputes open or before a panel by their step's deadline.
var deadlines = module.Deadlines{Prefix: prefix + "due/"}

// Dispute returns a dispute. Errors: KindNotFound.
func (*Module) Dispute(r store.Reader, id uint64) (gongxu.Dispute, error) {
	var d gongxu.Dispute
	ok, err := module.Load(r, disputeKey(id), &d)
	if err != nil {
		return d, err
	}
	if !ok {
		return d, gongxu.Errorf(gongxu.KindNotFound, "no dispute %d", id)
	}
	return d, nil
}

func nextID(ctx *module.Context) (uint64, error) {
	b, err := ctx.KV.Get(seqKey)
	if err != nil {
		return 0, err
	}
	var n uint64
	if b != nil {
		if n, err = strconv.ParseUint(string(b), 10, 64); err != nil {
			return 0, fmt.Errorf("corrupt dispute sequence %q", b)
		}
	}
	n++
	return n, ctx.KV.Set(seqKey, []byte(strconv.FormatUint(n, 10)))
}

// save writes a dispute and emits the event of the step that changed it,
// with split the step's split (a proposal, vote or ruling).
func save(ctx *module.Context, d *gongxu.Dispute, event string, split gongxu.Amount) error {
	b, err := module.Save(ctx.KV, disputeKey(d.ID), d)
	if err != nil {
		return err
	}
	emit(ctx, d, event, split, string(b))
	return nil
}

func emit(ctx *module.Context, d *gongxu.Dispute, event string, split gongxu.Amount, js string) {
	ctx.Emit(gongxu.NewEvent(event,
		"id", strconv.FormatUint(d.ID, 10),
		"kind", string(d.Kind),
		"pool", strconv.FormatUint(d.Pool, 10),
		"hub", string(d.Hub),
		"claimant", string(d.Claimant),
		"respondent", string(d.Respondent),
		"claimed", strconv.FormatInt(int64(d.Claimed), 10),
		"to_claimant", strconv.FormatInt(int64(split), 10),
		"outcome", string(d.Outcome),
		"po", strconv.FormatUint(d.PO, 10),
		"json", js))
}

package settle

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "settle"

// Message types.
const (
	TypeDeposit  = gongxu.TypeDeposit
	TypeWithdraw = "settle/withdraw"
)

// The reasons of movements are the root's (gongxu.MoveReason); these names
// keep the module's callers short.
const (
	ReasonDeposit    = gongxu.ReasonDeposit
	ReasonWithdrawal = gongxu.ReasonWithdrawal
	ReasonEscrow     = gongxu.ReasonEscrow
	ReasonCapture    = gongxu.ReasonCapture
	ReasonRelease    = gongxu.ReasonRelease
	ReasonRefund     = gongxu.ReasonRefund
	ReasonPayout     = gongxu.ReasonPayout
)

// Members is what settle needs from the member module.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
}

// Module is the settle module.
type Module struct{ members Members }

// New returns the settle module. Errors: KindInvalid when a dependency is
// missing.
func New(members Members) (*Module, error) {
	if err := module.Require(Name, "members", members); err != nil {
		return nil, err
	}
	return &Module{members: members}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// The account names and rules are the root vocabulary's (gongxu.OrgAccount,
// gongxu.ValidateAccount …); these names keep the module's callers short.
var (
	OrgAccount       = gongxu.OrgAccount
	KeyAccount       = gongxu.KeyAccount
	EscrowAccount    = gongxu.EscrowAccount
	CapturedAccount  = gongxu.CapturedAccount
	ValidateAccount  = gongxu.ValidateAccount
	ValidateCurrency = gongxu.ValidateCurrency
)

func balKey(cur string, a gongxu.AccountID) []byte {
	return []byte(Name + "/bal/" + cur + "/" + string(a))
}
func supplyKey(cur string) []byte { return []byte(Name + "/supply/" + cur) }

func readAmount(r store.Reader, k []byte) (gongxu.Amount, error) {
	b, err := r.Get(k)
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("settle: corrupt amount at %q", k)
	}
	return gongxu.Amount(binary.BigEndian.Uint64(b)), nil
}

func writeAmount(kv store.KV, k []byte, v gongxu.Amount) error {
	if v == 0 {
		return kv.Delete(k)
	}
	return kv.Set(k, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

// Balance returns an account's balance in a currency.
func (*Module) Balance(r store.Reader, a gongxu.AccountID, cur string) (gongxu.Amount, error) {
	return readAmount(r, balKey(cur, a))
}

// Supply returns a currency's deposits minus withdrawals.
func (*Module) Supply(r store.Reader, cur string) (gongxu.Amount, error) {
	return readAmount(r, supplyKey(cur))
}

// Transfer moves amount of cur from one account to another and records the
// movement. Errors: KindInvalid for a non-positive amount or bad names,
// KindConflict when from holds less than amount.
func (m *Module) Transfer(ctx *module.Context, from, to gongxu.AccountID, cur string, amount gongxu.Amount, reason gongxu.MoveReason, ref string) error {
	if amount <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "transfer amount must be positive, got %d", amount)
	}
	if from == to {
		return gongxu.Errorf(gongxu.KindInvalid, "transfer from %s to itself", from)
	}
	if err := m.debit(ctx, from, cur, amount); err != nil {
		return err
	}
	if err := m.credit(ctx, to, cur, amount); err != nil {
		return err
	}
	emit(ctx, from, to, cur, amount, reason, ref)
	return nil
}

func (m *Module) debit(ctx *module.Context, a gongxu.AccountID, cur string, amount gongxu.Amount) error {
	bal, err := readAmount(ctx.KV, balKey(cur, a))
	if err != nil {
		return err
	}
	if bal < amount {
		return gongxu.Errorf(gongxu.KindConflict, "account %s holds %d %s, %d needed", a, bal, cur, amount)
	}
	return writeAmount(ctx.KV, balKey(cur, a), bal-amount)
}

func (m *Module) credit(ctx *module.Context, a gongxu.AccountID, cur string, amount gongxu.Amount) error {
	bal, err := readAmount(ctx.KV, balKey(cur, a))
	if err != nil {
		return err
	}
	nb, err := gongxu.Add(bal, amount)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "account %s would overflow", a)
	}
	return writeAmount(ctx.KV, balKey(cur, a), nb)
}

func emit(ctx *module.Context, from, to gongxu.AccountID, cur string, amount gongxu.Amount, reason gongxu.MoveReason, ref string) {
	ctx.Emit(gongxu.NewEvent(gongxu.EventMove, "from", string(from), "to", string(to), "currency", cur,
		"amount", strconv.FormatInt(int64(amount), 10), "reason", string(reason), "ref", ref))
}

// MsgDeposit records money a hub received off-ledger, into its own account
// or a consumer's key account, or money a factory puts on the ledger, into
// its own account (for bid bonds) (gongxu.DepositBody, which the pages
// build).
type MsgDeposit gongxu.DepositBody

// ValidateBasic implements module.Msg.
func (m *MsgDeposit) ValidateBasic() error {
	if m.To != "" {
		if err := ValidateAccount(m.To); err != nil {
			return err
		}
	}
	return checkAmount(m.Currency, m.Amount, m.Ref)
}

func checkAmount(cur string, amount gongxu.Amount, ref string) error {
	if err := ValidateCurrency(cur); err != nil {
		return err
	}
	if amount <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "amount must be positive, got %d", amount)
	}
	if len(ref) > 128 {
		return gongxu.Errorf(gongxu.KindInvalid, "ref is %d bytes, the limit is 128", len(ref))
	}
	return nil
}

// MsgWithdraw records money leaving the ledger from the signer's own account
// (its org's, or its key's for a consumer).
type MsgWithdraw struct {
	Currency string        `json:"currency"`
	Amount   gongxu.Amount `json:"amount"`
	Ref      string        `json:"ref,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgWithdraw) ValidateBasic() error { return checkAmount(m.Currency, m.Amount, m.Ref) }

// Routes implements module.Module. Withdrawals are open to consumers' keys.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeDeposit, New: func() module.Msg { return &MsgDeposit{} }, Handle: m.handleDeposit},
		{Type: TypeWithdraw, New: func() module.Msg { return &MsgWithdraw{} }, Handle: m.handleWithdraw, Open: true},
	}
}

func (m *Module) handleDeposit(ctx *module.Context, msg module.Msg) error {
	d := msg.(*MsgDeposit)
	hub, err := m.members.HasRole(ctx.KV, ctx.Org, gongxu.RoleHub)
	if err != nil {
		return err
	}
	factory := false
	if !hub {
		if factory, err = m.members.HasRole(ctx.KV, ctx.Org, gongxu.RoleFactory); err != nil {
			return err
		}
	}
	if !hub && !factory {
		return gongxu.Errorf(gongxu.KindUnauthorized, "org %s is neither a hub nor a factory; hubs record deposits, and factories into their own account", ctx.Org)
	}
	to := d.To
	if to == "" {
		to = OrgAccount(ctx.Org)
	}
	switch {
	case to == OrgAccount(ctx.Org):
	case hub && strings.HasPrefix(string(to), "key:"):
	case hub:
		return gongxu.Errorf(gongxu.KindUnauthorized, "a hub deposits into its own account or a consumer's key account, not %s", to)
	default:
		return gongxu.Errorf(gongxu.KindUnauthorized, "a factory deposits into its own account only (the money its bid bonds need), not %s", to)
	}
	if err := m.credit(ctx, to, d.Currency, d.Amount); err != nil {
		return err
	}
	if err := m.addSupply(ctx, d.Currency, d.Amount); err != nil {
		return err
	}
	emit(ctx, "", to, d.Currency, d.Amount, ReasonDeposit, d.Ref)
	return nil
}

func (m *Module) addSupply(ctx *module.Context, cur string, delta gongxu.Amount) error {
	s, err := readAmount(ctx.KV, supplyKey(cur))
	if err != nil {
		return err
	}
	ns, err := gongxu.Add(s, delta)
	if err != nil || ns < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "supply of %s would overflow", cur)
	}
	return writeAmount(ctx.KV, supplyKey(cur), ns)
}

func (m *Module) handleWithdraw(ctx *module.Context, msg module.Msg) error {
	w := msg.(*MsgWithdraw)
	from := KeyAccount(ctx.Signer)
	if ctx.Org != "" {
		from = OrgAccount(ctx.Org)
	}
	if err := m.debit(ctx, from, w.Currency, w.Amount); err != nil {
		return err
	}
	if err := m.addSupply(ctx, w.Currency, -w.Amount); err != nil {
		return err
	}
	emit(ctx, from, "", w.Currency, w.Amount, ReasonWithdrawal, w.Ref)
	return nil
}

// CheckInvariant verifies that, for every currency, the balances add up to
// the deposits minus the withdrawals and none is negative: money is neither
// created nor destroyed on the ledger.
func (m *Module) CheckInvariant(r store.Reader) error {
	sums := map[string]int64{}
	var ierr error
	start := []byte(Name + "/bal/")
	if err := r.Iterate(start, module.PrefixEnd(start), func(k, v []byte) bool {
		cur, _, _ := strings.Cut(string(k[len(start):]), "/")
		if len(v) != 8 {
			ierr = fmt.Errorf("corrupt balance %q", k)
			return false
		}
		b := int64(binary.BigEndian.Uint64(v))
		if b < 0 {
			ierr = fmt.Errorf("negative balance %q: %d", k, b)
			return false
		}
		sums[cur] += b
		return true
	}); err != nil {
		return err
	}
	if ierr != nil {
		return ierr
	}
	start = []byte(Name + "/supply/")
	supplies := map[string]int64{}
	if err := r.Iterate(start, module.PrefixEnd(start), func(k, v []byte) bool {
		supplies[string(k[len(start):])] = int64(binary.BigEndian.Uint64(v))
		return true
	}); err != nil {
		return err
	}
	for cur, s := range sums {
		if supplies[cur] != s {
			return fmt.Errorf("money invariant broken for %s: balances sum to %d, deposits minus withdrawals are %d", cur, s, supplies[cur])
		}
	}
	for cur, s := range supplies {
		if sums[cur] != s {
			return fmt.Errorf("money invariant broken for %s: balances sum to %d, deposits minus withdrawals are %d", cur, sums[cur], s)
		}
	}
	return nil
}

// InitGenesis implements module.Module: the ledger starts with no money.
func (*Module) InitGenesis(_ *module.Context, raw json.RawMessage) error {
	if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
		return gongxu.Errorf(gongxu.KindInvalid, "settle genesis must be empty: money enters by deposits")
	}
	return nil
}

// BeginBlock implements module.Module.
func (*Module) BeginBlock(*module.Context) error { return nil }

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

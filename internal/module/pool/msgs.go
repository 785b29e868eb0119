package pool

import (
	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeOpen            = "pool/open"               // a factory, on its own product
	TypeCancel          = "pool/cancel"             // the factory, before any pledge
	TypePledge          = "pool/pledge"             // any key: a consumer's direct pledge
	TypeReduce          = "pool/reduce"             // the consumer who made the pledge, before the lock
	TypeBatch           = gongxu.TypePoolBatch      // a hub: its consumers' pledges
	TypeHubReduce       = "pool/hub_reduce"         // a hub: its batched pledges, before the lock
	TypeStartProduction = "pool/start_production"   // the factory, once succeeded
	TypeConfirmDelivery = gongxu.FlowHubDelivery    // a hub with a share, in production
	TypeShip            = gongxu.FlowShipToHub      // the factory: a hub's share, from the order's lots
	TypePickup          = gongxu.FlowPickup         // a hub: a consumer collected a pledge
	TypeStopRepeat      = gongxu.TypePoolStopRepeat // the factory: a series of pools stops reopening
)

// Limits.
const (
	MaxTiers    = 16
	MaxVariants = 200
	MaxHubs     = 256
	MaxTerms    = 4000
	MaxReason   = 200
	MaxLeaves   = 5000
	MinLeafID   = 16
	MaxLeafID   = 64
	MaxOpenMs   = 365 * 24 * 3600 * 1000 // a deadline is at most this far after the block time
	MaxTitle    = 200
	MaxProof    = 64 // sibling hashes in a receipt's proof (a tree of 2^64 leaves)
)

func invalid(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

func checkPoolID(id uint64) error {
	if id == 0 {
		return invalid("a pool id from 1 is needed")
	}
	return nil
}

func checkVariantID(v string) error {
	if v == "" {
		return nil
	}
	return gongxu.ValidateSlug("variant id", v)
}

// ValidateTiers checks a price ladder: 1 to 16 tiers, the first from 1 unit,
// MinQty strictly ascending, UnitPrice positive and strictly decreasing.
func ValidateTiers(tiers []gongxu.Tier) error {
	if len(tiers) == 0 || len(tiers) > MaxTiers {
		return invalid("a pool needs 1 to %d price tiers, got %d", MaxTiers, len(tiers))
	}
	if tiers[0].MinQty != 1 {
		return invalid("the first tier must start at 1 unit, got %d", tiers[0].MinQty)
	}
	for i, t := range tiers {
		if t.UnitPrice <= 0 {
			return invalid("tier %d: unit price must be positive, got %d", i+1, t.UnitPrice)
		}
		if i > 0 {
			if t.MinQty <= tiers[i-1].MinQty {
				return invalid("tier %d: min_qty %d must be above the previous tier's %d", i+1, t.MinQty, tiers[i-1].MinQty)
			}
			if t.UnitPrice >= tiers[i-1].UnitPrice {
				return invalid("tier %d: unit price %d must be below the previous tier's %d (prices fall as the total grows)", i+1, t.UnitPrice, tiers[i-1].UnitPrice)
			}
		}
	}
	return nil
}

// MsgOpen opens a pool on one of the signer's factory's products
// (gongxu.PoolOpenBody, which the pages build).
type MsgOpen gongxu.PoolOpenBody

// ValidateBasic implements module.Msg.
func (m *MsgOpen) ValidateBasic() error {
	if err := m.Product.Validate(); err != nil {
		return err
	}
	if err := ValidateTiers(m.Tiers); err != nil {
		return err
	}
	if m.MOQ < 1 {
		return invalid("moq must be at least 1, got %d", m.MOQ)
	}
	if m.Cap < m.MOQ {
		return invalid("cap %d must be at least the moq %d", m.Cap, m.MOQ)
	}
	if m.CasePack < 1 {
		return invalid("case_pack must be at least 1, got %d", m.CasePack)
	}
	if m.Cap%m.CasePack != 0 {
		return invalid("cap %d must be a multiple of the case pack %d", m.Cap, m.CasePack)
	}
	if _, err := gongxu.Cost(m.Cap, m.Tiers[0].UnitPrice); err != nil {
		return invalid("cap %d × first-tier price %d overflows: lower the cap or the price", m.Cap, m.Tiers[0].UnitPrice)
	}
	if err := validateCurrency(m.Currency); err != nil {
		return err
	}
	if m.Deadline <= 0 {
		return invalid("deadline must be a block time in unix ms, got %d", m.Deadline)
	}
	if m.LockMs < 0 {
		return invalid("lock_ms must not be negative, got %d", m.LockMs)
	}
	if len(m.Variants) > MaxVariants {
		return invalid("%d variants, the limit is %d", len(m.Variants), MaxVariants)
	}
	seen := map[string]bool{}
	for _, v := range m.Variants {
		if err := gongxu.ValidateSlug("variant id", v); err != nil {
			return err
		}
		if seen[v] {
			return invalid("variant %q is listed twice", v)
		}
		seen[v] = true
	}
	if len(m.Hubs) > MaxHubs {
		return invalid("%d hubs, the limit is %d", len(m.Hubs), MaxHubs)
	}
	seenHub := map[gongxu.OrgID]bool{}
	for _, h := range m.Hubs {
		if err := h.Validate(); err != nil {
			return err
		}
		if seenHub[h] {
			return invalid("hub %s is listed twice", h)
		}
		seenHub[h] = true
	}
	if len(m.Terms) > MaxTerms {
		return invalid("terms are %d bytes, the limit is %d", len(m.Terms), MaxTerms)
	}
	if m.StartBy != 0 && (m.StartBy <= m.Deadline || m.StartBy-m.Deadline > MaxOpenMs) {
		return invalid("start_by %d must be after the deadline %d and at most 365 days after it (0: the deadline plus %d days)",
			m.StartBy, m.Deadline, gongxu.DefaultPoolStartMs/(24*3600*1000))
	}
	if d := m.DisputeDefaultBPS; d != nil && (*d < 0 || *d > gongxu.BPS) {
		return invalid("dispute_default_bps must be 0 to %d (basis points of the claimed amount refunded to the claimant), got %d", gongxu.BPS, *d)
	}
	if err := ValidateRepeat(m.Repeat, m.LockMs); err != nil {
		return err
	}
	return ValidateShares(m.HubBPS, m.Enablers)
}

// ValidateRepeat checks a pool's repeat (nil: none): every 1 to 366 days
// and longer than the pool's lock (a reopened pool is not locked when it
// opens), 1 to 52 reopenings.
func ValidateRepeat(r *gongxu.PoolRepeat, lockMs int64) error {
	if r == nil {
		return nil
	}
	if r.EveryMs < gongxu.MinPoolRepeatMs || r.EveryMs > gongxu.MaxPoolRepeatMs {
		return invalid("repeat every_ms must be 1 to 366 days (%d to %d ms), got %d", gongxu.MinPoolRepeatMs, gongxu.MaxPoolRepeatMs, r.EveryMs)
	}
	if r.Times < 1 || r.Times > gongxu.MaxPoolRepeats {
		return invalid("repeat times must be 1 to %d reopenings, got %d", gongxu.MaxPoolRepeats, r.Times)
	}
	if lockMs >= r.EveryMs {
		return invalid("lock_ms %d must be shorter than the repeat's every_ms %d: a reopened pool would be locked as it opens", lockMs, r.EveryMs)
	}
	return nil
}

// MaxRole is the longest role of a named org's share.
const MaxRole = 32

// ValidateShares checks a pool's shares for enablers: hubBPS 0 to
// MaxShareBPS; at most MaxEnablers named orgs, each a well-formed org id
// named once, with a role (a slug of at most 32 characters) and 1 to
// MaxShareBPS basis points; hubBPS and the named shares together at most
// MaxShareBPS. Whether the orgs are members is the handler's to check.
func ValidateShares(hubBPS int64, enablers []gongxu.EnablerShare) error {
	if hubBPS < 0 || hubBPS > gongxu.MaxShareBPS {
		return invalid("hub_bps must be 0 to %d basis points, got %d", gongxu.MaxShareBPS, hubBPS)
	}
	if len(enablers) > gongxu.MaxEnablers {
		return invalid("%d named shares, the limit is %d", len(enablers), gongxu.MaxEnablers)
	}
	total := hubBPS
	seen := map[gongxu.OrgID]bool{}
	for i, e := range enablers {
		if err := e.Org.Validate(); err != nil {
			return invalid("share %d: %v", i+1, gongxu.ErrorMessage(err))
		}
		if seen[e.Org] {
			return invalid("share %d: org %s is named twice", i+1, e.Org)
		}
		seen[e.Org] = true
		if len(e.Role) > MaxRole {
			return invalid("share %d: role is %d bytes, the limit is %d", i+1, len(e.Role), MaxRole)
		}
		if err := gongxu.ValidateSlug("role", e.Role); err != nil {
			return invalid("share %d: %v", i+1, gongxu.ErrorMessage(err))
		}
		if e.BPS < 1 || e.BPS > gongxu.MaxShareBPS {
			return invalid("share %d: bps must be 1 to %d, got %d", i+1, gongxu.MaxShareBPS, e.BPS)
		}
		total += e.BPS // ≤ 9 × MaxShareBPS: no overflow
	}
	if total > gongxu.MaxShareBPS {
		return invalid("the shares for enablers add up to %d basis points, the limit is %d (the factory keeps at least %d %%)",
			total, gongxu.MaxShareBPS, (gongxu.BPS-gongxu.MaxShareBPS)/100)
	}
	return nil
}

var validateCurrency = gongxu.ValidateCurrency

// MsgCancel cancels an open pool that never received a pledge.
type MsgCancel struct {
	Pool   uint64 `json:"pool"`
	Reason string `json:"reason,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgCancel) ValidateBasic() error {
	if len(m.Reason) > MaxReason {
		return invalid("reason is %d bytes, the limit is %d", len(m.Reason), MaxReason)
	}
	return checkPoolID(m.Pool)
}

// MsgStopRepeat is the factory stopping a series of pools that reopen on a
// schedule, named by any pool of it (gongxu.PoolStopRepeatBody).
type MsgStopRepeat gongxu.PoolStopRepeatBody

// ValidateBasic implements module.Msg.
func (m *MsgStopRepeat) ValidateBasic() error {
	if len(m.Reason) > MaxReason {
		return invalid("reason is %d bytes, the limit is %d", len(m.Reason), MaxReason)
	}
	return checkPoolID(m.Pool)
}

// MsgPledge is a consumer's direct pledge, signed with their own key: the
// escrow (qty × the first-tier price) comes from the signer's key account,
// or its org's account when the key belongs to a member org.
type MsgPledge struct {
	Pool    uint64       `json:"pool"`
	Hub     gongxu.OrgID `json:"hub"` // where the goods will be picked up
	Variant string       `json:"variant,omitempty"`
	Qty     gongxu.Units `json:"qty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPledge) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	if err := m.Hub.Validate(); err != nil {
		return err
	}
	if err := checkVariantID(m.Variant); err != nil {
		return err
	}
	if m.Qty <= 0 {
		return invalid("qty must be positive, got %d", m.Qty)
	}
	return nil
}

// MsgReduce lowers the quantity of the signer's direct pledge; 0 withdraws
// it. The difference is refunded.
type MsgReduce struct {
	Pool   uint64       `json:"pool"`
	Pledge uint64       `json:"pledge"`
	Qty    gongxu.Units `json:"qty"` // the new quantity
}

// ValidateBasic implements module.Msg.
func (m *MsgReduce) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	if m.Pledge == 0 {
		return invalid("a pledge id from 1 is needed")
	}
	if m.Qty < 0 {
		return invalid("qty must not be negative, got %d (0 withdraws the pledge)", m.Qty)
	}
	return nil
}

// MsgBatch carries a hub's consumers' pledges; the escrow comes from the
// hub's account (gongxu.BatchBody, which the pages build).
type MsgBatch gongxu.BatchBody

// ValidateBasic implements module.Msg. A packed batch is unpacked here, once:
// on success m.Leaves holds its leaves and m.Packed is empty, the message in
// its JSON form (same leaves, same receipts, same leaf hashes).
func (m *MsgBatch) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	packed := m.Packed != "" || m.Binary != nil
	if err := m.Unpack(); err != nil {
		return err
	}
	if len(m.Leaves) == 0 || len(m.Leaves) > MaxLeaves {
		return invalid("a batch holds 1 to %d leaves, got %d", MaxLeaves, len(m.Leaves))
	}
	seen := make(map[string]struct{}, len(m.Leaves))
	commits := make(map[string]int, len(m.Leaves))
	var total gongxu.Units
	lastVariant := "\x00" // not a variant id: the first leaf's is checked
	for i, l := range m.Leaves {
		// Unpacked ids and commitments are lower-case hex of allowed sizes
		// by construction (DecodeLeaves); a packed batch's variants come
		// from a short table, so each is checked once per run of leaves.
		if !packed {
			if err := checkLeafID(l.ID); err != nil {
				return invalid("leaf %d: %v", i, err)
			}
		}
		if _, dup := seen[l.ID]; dup {
			return invalid("leaf %d: id %s appears twice in the batch", i, l.ID)
		}
		seen[l.ID] = struct{}{}
		if !packed || l.Variant != lastVariant {
			if err := checkVariantID(l.Variant); err != nil {
				return invalid("leaf %d: %v", i, err)
			}
			lastVariant = l.Variant
		}
		if l.Qty <= 0 {
			return invalid("leaf %d: qty must be positive, got %d", i, l.Qty)
		}
		if !packed {
			if err := checkCommit(l.Commit); err != nil {
				return invalid("leaf %d: %v", i, gongxu.ErrorMessage(err))
			}
		}
		if j, dup := commits[l.Commit]; dup {
			return invalid("leaf %d: its pickup commitment is also leaf %d's: each consumer gets a secret of their own", i, j)
		}
		commits[l.Commit] = i
		var err error
		if total, err = gongxu.Add(total, l.Qty); err != nil {
			return invalid("the batch's quantities overflow at leaf %d", i)
		}
	}
	return nil
}

// Unpack replaces a packed batch's blob, base64 (Packed) or the raw bytes of
// a binary body (Binary), by its leaves (see leafcodec.go, batchbody.go); a
// batch with leaves in more than one form is refused. Errors: KindInvalid.
func (m *MsgBatch) Unpack() error {
	if m.Packed == "" && m.Binary == nil {
		return nil
	}
	if len(m.Leaves) > 0 || m.Packed != "" && m.Binary != nil {
		return invalid("a batch carries its leaves as a list (leaves) or packed (packed), not both")
	}
	var leaves []Leaf
	var err error
	if m.Binary != nil {
		leaves, err = DecodeLeaves(m.Binary)
	} else {
		leaves, err = UnpackLeaves(m.Packed)
	}
	if err != nil {
		return err
	}
	m.Leaves, m.Packed, m.Binary = leaves, "", nil
	return nil
}

func checkLeafID(id string) error {
	if len(id) < MinLeafID || len(id) > MaxLeafID {
		return invalid("leaf id must be %d to %d lower-case hex characters, got %d", MinLeafID, MaxLeafID, len(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return invalid("leaf id %q must be lower-case hex (a pseudonym, never personal data)", id)
		}
	}
	return nil
}

// checkCommit checks a leaf's pickup commitment: 64 lower-case hex
// characters (gongxu.PickupCommit of the consumer's secret).
func checkCommit(c string) error {
	if len(c) != 64 {
		return invalid("the pickup commitment (commit) must be 64 lower-case hex characters, got %d", len(c))
	}
	for i := 0; i < len(c); i++ {
		if ch := c[i]; !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f') {
			return invalid("the pickup commitment %q must be lower-case hex", c)
		}
	}
	return nil
}

// MsgHubReduce lowers the signing hub's batched quantity of a variant in an
// open pool (its consumers cancelled at the hub), before the lock. Pledges is
// how many whole pledges were withdrawn (0 when they were only reduced).
type MsgHubReduce struct {
	Pool    uint64       `json:"pool"`
	Variant string       `json:"variant,omitempty"`
	Qty     gongxu.Units `json:"qty"`               // units to remove
	Pledges int64        `json:"pledges,omitempty"` // pledges withdrawn entirely
}

// ValidateBasic implements module.Msg.
func (m *MsgHubReduce) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	if err := checkVariantID(m.Variant); err != nil {
		return err
	}
	if m.Qty <= 0 {
		return invalid("qty to remove must be positive, got %d", m.Qty)
	}
	if m.Pledges < 0 {
		return invalid("pledges must not be negative, got %d", m.Pledges)
	}
	return nil
}

// MsgStartProduction moves a succeeded pool into production.
type MsgStartProduction struct {
	Pool uint64 `json:"pool"`
}

// ValidateBasic implements module.Msg.
func (m *MsgStartProduction) ValidateBasic() error { return checkPoolID(m.Pool) }

// MsgConfirmDelivery is a hub confirming it received its share of a pool in
// production; the captured money for that share goes to the factory.
type MsgConfirmDelivery struct {
	Pool uint64 `json:"pool"`
}

// ValidateBasic implements module.Msg.
func (m *MsgConfirmDelivery) ValidateBasic() error { return checkPoolID(m.Pool) }

// MsgShip is the factory shipping a hub's share of a pool in production or
// ready: its quantity is taken from the factory's stock of the product (the
// lots it chooses, else the pool's allotted lots first, then free lots
// first to expire, first in), packed into the hub's shipping unit and sent
// to the hub (gongxu.PoolShipBody).
type MsgShip gongxu.PoolShipBody

// MaxShipLots bounds the lots a shipment may choose.
const MaxShipLots = 32

// ValidateBasic implements module.Msg.
func (m *MsgShip) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	if err := m.Hub.Validate(); err != nil {
		return err
	}
	if m.Qty < 0 {
		return invalid("qty %d must not be negative", m.Qty)
	}
	if len(m.Lots) > MaxShipLots {
		return invalid("%d lots chosen; at most %d", len(m.Lots), MaxShipLots)
	}
	seen := map[gongxu.LotID]bool{}
	var sum gongxu.Qty
	for i, l := range m.Lots {
		if err := l.Lot.Validate(); err != nil {
			return invalid("lot %d: %s", i+1, gongxu.ErrorMessage(err))
		}
		if l.Qty <= 0 {
			return invalid("lot %d: quantity %d must be positive", i+1, l.Qty)
		}
		if seen[l.Lot] {
			return invalid("lot %d: lot %s is listed twice", i+1, l.Lot)
		}
		seen[l.Lot] = true
		var err error
		if sum, err = gongxu.Add(sum, l.Qty); err != nil {
			return invalid("the chosen quantities overflow")
		}
	}
	if len(m.Lots) > 0 && m.Qty != 0 && sum != m.Qty {
		return invalid("the chosen lots hold %d; the shipment is %d", sum, m.Qty)
	}
	return nil
}

// MsgPickup is a hub recording that a consumer collected a pledge: one of
// its batch's leaves, shown by the consumer's copy of the receipt (checked
// against the batch record) with its pickup secret (Receipt.Secret, checked
// against the leaf's commitment: a receipt alone is public), or a direct
// pledge naming the hub. Qty is what was handed over (default: the pledged
// quantity). Nothing names the person.
type MsgPickup struct {
	Pool    uint64          `json:"pool"`
	Receipt *gongxu.Receipt `json:"receipt,omitempty"`
	Pledge  uint64          `json:"pledge,omitempty"`
	Qty     gongxu.Units    `json:"qty,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPickup) ValidateBasic() error {
	if err := checkPoolID(m.Pool); err != nil {
		return err
	}
	if (m.Receipt == nil) == (m.Pledge == 0) {
		return invalid("a pickup names one pledge: a batch leaf's receipt, or a direct pledge's id")
	}
	if m.Qty < 0 {
		return invalid("qty must not be negative, got %d (0: the pledged quantity)", m.Qty)
	}
	r := m.Receipt
	if r == nil {
		return nil
	}
	if err := checkTxHash(r.Tx); err != nil {
		return invalid("receipt: %v", gongxu.ErrorMessage(err))
	}
	if r.Pool != m.Pool {
		return invalid("the receipt is for pool %d, the pickup for pool %d", r.Pool, m.Pool)
	}
	if r.Index < 0 || r.Leaves < 1 || r.Index >= r.Leaves || r.Leaves > MaxLeaves {
		return invalid("receipt: leaf %d of %d is not a leaf of a batch (1 to %d leaves)", r.Index, r.Leaves, MaxLeaves)
	}
	if len(r.Proof) > MaxProof {
		return invalid("receipt: the proof has %d steps, the limit is %d", len(r.Proof), MaxProof)
	}
	if err := checkLeafID(r.Leaf.ID); err != nil {
		return invalid("receipt leaf: %v", gongxu.ErrorMessage(err))
	}
	if err := checkVariantID(r.Leaf.Variant); err != nil {
		return invalid("receipt leaf: %v", gongxu.ErrorMessage(err))
	}
	if r.Leaf.Qty <= 0 {
		return invalid("receipt leaf: qty must be positive, got %d", r.Leaf.Qty)
	}
	if err := checkCommit(r.Leaf.Commit); err != nil {
		return invalid("receipt leaf: %v", gongxu.ErrorMessage(err))
	}
	if r.Secret == "" {
		return invalid("a pickup by receipt needs the consumer's pickup secret (the secret of their copy of the receipt); a receipt alone is public")
	}
	if _, err := gongxu.PickupCommit(r.Secret); err != nil {
		return invalid("receipt: %v", gongxu.ErrorMessage(err))
	}
	return r.Hub.Validate()
}

// checkTxHash checks a transaction hash: 64 upper-case hex characters, as
// CometBFT writes them.
func checkTxHash(h string) error {
	if len(h) != 64 {
		return invalid("a transaction hash is 64 hex characters, got %d", len(h))
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return invalid("transaction hash %q is not upper-case hex", h)
		}
	}
	return nil
}

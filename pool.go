package gongxu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
)

// ProductID names a product: "<factory org id>/<sku>". The sku is 1 to 64
// characters of a-z, 0-9, '-' and '.'.
type ProductID string

// NewProductID joins a factory and a sku.
func NewProductID(factory OrgID, sku string) ProductID { return ProductID(string(factory) + "/" + sku) }

// Split returns the factory and sku of the id.
func (id ProductID) Split() (OrgID, string) {
	f, s, _ := strings.Cut(string(id), "/")
	return OrgID(f), s
}

// Validate reports whether id is well formed.
func (id ProductID) Validate() error {
	f, s, ok := strings.Cut(string(id), "/")
	if !ok {
		return Errorf(KindInvalid, "product id %q must be <factory>/<sku>", string(id))
	}
	if err := OrgID(f).Validate(); err != nil {
		return err
	}
	return ValidateSlug("sku", s)
}

// ValidateSlug checks a short identifier: 1 to 64 characters of a-z, 0-9,
// '-' and '.', starting with a letter or digit.
func ValidateSlug(what, s string) error {
	if len(s) < 1 || len(s) > 64 {
		return Errorf(KindInvalid, "%s %q must be 1 to 64 characters", what, s)
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (i > 0 && (r == '-' || r == '.'))
		if !ok {
			return Errorf(KindInvalid, "%s %q may hold only a-z, 0-9, '-' and '.'", what, s)
		}
	}
	return nil
}

// Variant is one variant of a product (a size, a colour …).
type Variant struct {
	ID   string `json:"id"`   // slug, unique within the product
	Name string `json:"name"` // "M / navy"
}

// Product is a factory's product in the catalog. Updates bump Version.
type Product struct {
	ID           ProductID `json:"id"`
	Factory      OrgID     `json:"factory"`
	Name         string    `json:"name"`
	Description  string    `json:"description,omitempty"`
	Unit         string    `json:"unit"` // "piece", "kg", "m"
	Variants     []Variant `json:"variants"`
	GTIN         string    `json:"gtin,omitempty"` // GTIN-8/12/13/14 with a valid check digit
	LeadTimeDays int64     `json:"lead_time_days"`
	Version      int64     `json:"version"`
	Updated      int64     `json:"updated"` // block time, unix ms
}

// Tier is a step of a pool's price ladder: from MinQty units in total, each
// unit costs UnitPrice (minor units of the pool's currency).
type Tier struct {
	MinQty    Units  `json:"min_qty"`
	UnitPrice Amount `json:"unit_price"`
}

// PoolStatus is where a demand pool stands.
type PoolStatus string

// The pool statuses.
const (
	PoolOpen         PoolStatus = "open"          // taking pledges (MOQ may already be reached)
	PoolSucceeded    PoolStatus = "succeeded"     // closed with the MOQ reached: escrow captured at the final price
	PoolFailed       PoolStatus = "failed"        // closed short of the MOQ: every pledge refunded
	PoolInProduction PoolStatus = "in_production" // the factory started making it
	PoolReady        PoolStatus = "ready"         // its production order completed: finished lots wait for the hubs
	PoolDelivered    PoolStatus = "delivered"     // every hub confirmed its delivery
	PoolSettled      PoolStatus = "settled"       // the captured money was released to the factory
	PoolCancelled    PoolStatus = "cancelled"     // by the factory, before any pledge
)

// PoolChange is one step of a pool's status history.
type PoolChange struct {
	Status PoolStatus `json:"status"`
	Time   int64      `json:"time"` // block time, unix ms
	Height int64      `json:"height"`
	Reason string     `json:"reason"`
}

// Pool is a demand pool (a C2M group-buy): pledges gathered by hubs until the
// deadline; made at the tier price the final total earns if the MOQ is
// reached, refunded otherwise.
type Pool struct {
	ID       uint64     `json:"id"`
	Factory  OrgID      `json:"factory"`
	Product  ProductID  `json:"product"`  // empty for a pool awarded from a request for quote
	Title    string     `json:"title"`    // the product's name, or the awarded request's title
	Variants []string   `json:"variants"` // variant ids pledges may name; empty: the product has none
	Tiers    []Tier     `json:"tiers"`    // MinQty ascending, UnitPrice strictly decreasing; the first MinQty is 1
	MOQ      Units      `json:"moq"`      // minimum batch
	Cap      Units      `json:"cap"`      // capacity cap; the total never exceeds it
	CasePack Units      `json:"case_pack"`
	Currency string     `json:"currency"` // ISO 4217, e.g. "CNY"
	Deadline int64      `json:"deadline"` // block time, unix ms
	LockMs   int64      `json:"lock_ms"`  // pledges may be reduced until Deadline-LockMs
	Hubs     []OrgID    `json:"hubs"`     // hubs allowed to gather pledges; empty: any member hub
	Terms    string     `json:"terms,omitempty"`
	Status   PoolStatus `json:"status"`
	Total    Units      `json:"total"`       // units pledged
	Pledges  int64      `json:"pledges"`     // number of pledges (direct pledges and batch leaves)
	Price    Amount     `json:"final_price"` // unit price at close (0 while open or after failure)
	Escrowed Amount     `json:"escrowed"`    // money held in the pool's escrow now
	Captured Amount     `json:"captured"`    // money captured at success, not yet released to the factory
	Released Amount     `json:"released"`    // money released to the factory on delivery
	// Refunded is captured money given back: to a hub when a dispute over
	// its share was resolved with a split (pool.ResolveShare), to every
	// payer when production did not start by StartDue.
	Refunded Amount `json:"refunded,omitempty"`
	// Shared is captured money paid to the shares of the terms (HubBPS,
	// Enablers) as hubs' shares were settled.
	Shared Amount `json:"shared,omitempty"`
	// StartBy is the production start the factory promised (block time,
	// unix ms): the pool's start_by, or its deadline plus
	// DefaultPoolStartMs. StartDue, set when the pool succeeds, is when a
	// pool still not in production fails over and every payer is refunded
	// (StartBy, or the close if later, plus Params.PoolStartGraceMs then).
	StartBy  int64 `json:"start_by,omitempty"`
	StartDue int64 `json:"start_due,omitempty"`
	// HubBPS is each hub's share of the payout of its own share of the
	// pool, in basis points; Enablers are named orgs' shares of every
	// payout. Agreed when the pool opens (pool/open), public.
	HubBPS   int64          `json:"hub_bps,omitempty"`
	Enablers []EnablerShare `json:"enablers,omitempty"`
	// DisputeDefaultBPS is what a dispute over a hub's share falls back to
	// when its panel does not decide in time: this share of the claimed
	// amount, in basis points, is refunded to the claimant (the dispute
	// module reads it). Nil when the terms are silent: the network's
	// parameter dispute_default_bps applies.
	DisputeDefaultBPS *int64       `json:"dispute_default_bps,omitempty"`
	Created           int64        `json:"created"`
	History           []PoolChange `json:"history"`
	RFQ               uint64       `json:"rfq,omitempty"` // the request for quote it was awarded from
	MOQReached        bool         `json:"moq_reached"`
	// FromStock: the factory sells goods it already holds. When the pool
	// succeeds its production order is filled from the factory's free
	// stock of the product (allotted to the pool, the order completed, the
	// pool ready) if that stock covers the total; else the order is to be
	// made as any other.
	FromStock bool `json:"from_stock,omitempty"`
	// Series is the pool's place in a series of pools that reopen on a
	// schedule (pool/open's repeat); nil for a pool opened once.
	Series *PoolSeries `json:"series,omitempty"`
}

// PoolRepeat asks a pool to reopen on a schedule (pool/open's repeat): when
// its deadline passes (whether it succeeded or failed), the next pool opens
// at block time with the same terms, its deadline and start_by EveryMs
// later, Times times in all after the first pool.
type PoolRepeat struct {
	EveryMs int64 `json:"every_ms"`
	Times   int64 `json:"times"`
}

// The bounds of a repeat: every 1 to 366 days, 1 to 52 reopenings (a
// weekly pool for a year).
const (
	MinPoolRepeatMs = 24 * 3600 * 1000
	MaxPoolRepeatMs = 366 * 24 * 3600 * 1000
	MaxPoolRepeats  = 52
)

// PoolSeries is a pool's place in a series of pools reopening on a
// schedule. Series is the first pool's id; N counts the periods since the
// first pool (0 for it; a period the network missed, with no block in it,
// is skipped, so N may jump); the series ends once N reaches Times, or when
// it is stopped (Stopped says why, on the pool it stopped at: by the
// factory, a cancelled pool, or a check that failed at the reopening).
// Next is set on a pool once its successor opened, at its deadline (NextAt,
// while it is pending).
type PoolSeries struct {
	EveryMs int64  `json:"every_ms"`
	Times   int64  `json:"times"`
	Series  uint64 `json:"series"`
	N       int64  `json:"n"`
	Prev    uint64 `json:"prev,omitempty"`
	Next    uint64 `json:"next,omitempty"`
	NextAt  int64  `json:"next_at,omitempty"`
	Stopped string `json:"stopped,omitempty"`
}

// Pending reports whether the series still reopens after this pool.
func (s *PoolSeries) Pending() bool {
	return s != nil && s.Next == 0 && s.Stopped == "" && s.N < s.Times
}

// BPS is 100 % in basis points: shares of a pool's proceeds are named in
// basis points of 10000.
const BPS = 10_000

// MaxShareBPS bounds the sum of a pool's shares for enablers (HubBPS plus
// every Enablers' BPS): 30 %. A community group leader's commission is
// commonly 10–20 %, a carrier's and a designer's a few per cent each; the
// factory keeps at least 70 % of every payout, so a pool stays a factory's
// sale and cannot be opened as a reseller's behind a factory's name.
const MaxShareBPS = 3_000

// MaxEnablers bounds the named orgs with a share of one pool.
const MaxEnablers = 8

// DefaultPoolStartMs is how long after its deadline a pool whose terms name
// no start_by promises to start production: 14 days.
const DefaultPoolStartMs = 14 * 24 * 3600 * 1000

// EnablerShare is a named org's share of a pool's proceeds: a carrier, a
// designer, any member org that made the sale possible (never the network,
// never the factory itself). Each payout to the factory pays it
// floor(payout × BPS / 10000) first.
type EnablerShare struct {
	Org  OrgID  `json:"org"`
	Role string `json:"role"` // what it does: a slug, "carrier", "designer"
	BPS  int64  `json:"bps"`
}

// BPSOf returns floor(amount × bps / 10000) for 0 ≤ bps ≤ 10000 and a
// non-negative amount, exactly and without overflow.
func BPSOf(amount Amount, bps int64) Amount {
	if amount <= 0 || bps <= 0 {
		return 0
	}
	return amount/BPS*Amount(bps) + amount%BPS*Amount(bps)/BPS
}

// MOQWasReached reports whether the pool's total reached its MOQ at some
// point, even if reductions took it back below since: it has now, or its
// history records the moment it first did (the one change to PoolOpen after
// the opening).
func (p *Pool) MOQWasReached() bool {
	if p.MOQReached {
		return true
	}
	n := 0
	for _, c := range p.History {
		if c.Status == PoolOpen {
			n++
		}
	}
	return n > 1
}

// TierFor returns the unit price for a total of qty units: the price of the
// highest tier whose MinQty is ≤ qty (the first tier's below it).
func TierFor(tiers []Tier, qty Units) (int, Tier) {
	i := 0
	for j, t := range tiers {
		if qty >= t.MinQty {
			i = j
		}
	}
	if len(tiers) == 0 {
		return 0, Tier{}
	}
	return i, tiers[i]
}

// HubShare is what one hub gathered in one pool.
type HubShare struct {
	Pool      uint64       `json:"pool"`
	Hub       OrgID        `json:"hub"`
	Qty       Units        `json:"qty"`
	Pledges   int64        `json:"pledges"`
	Variants  []VariantQty `json:"variants"`
	Delivered bool         `json:"delivered"`
	// ConfirmBy is when a shipped share not confirmed by the hub, nor
	// frozen by a dispute, is confirmed automatically (ShippedAt plus
	// Params.PoolConfirmGraceMs then); 0 before shipment.
	ConfirmBy int64 `json:"confirm_by,omitempty"`
	// What the factory shipped to the hub (pool/ship): lots in milli-units,
	// packed into the unit named ShipmentURN(pool, hub), the last shipment
	// at ShippedAt. A share may ship in several shipments (Shipments, at
	// most MaxShareShipments): ShippedQty adds them up (milli-units), and
	// the share is shipped once it reaches the share's quantity.
	Shipped    []LotQty        `json:"shipped,omitempty"`
	ShippedAt  int64           `json:"shipped_at,omitempty"`
	ShippedQty Qty             `json:"shipped_qty,omitempty"`
	Shipments  []ShareShipment `json:"shipments,omitempty"`
	// What consumers picked up at the hub (pool/pickup): units, pickups,
	// and the shipped lots they took (milli-units).
	PickedUp Units    `json:"picked_up,omitempty"`
	Pickups  int64    `json:"pickups,omitempty"`
	Picked   []LotQty `json:"picked,omitempty"`
}

// MaxShareShipments bounds the shipments of one hub's share of a pool.
const MaxShareShipments = 16

// ShareShipment is one shipment of a hub's share (pool/ship): its number
// (from 1), quantity (milli-units), lots and block time.
type ShareShipment struct {
	N    int      `json:"n"`
	Qty  Qty      `json:"qty"`
	Lots []LotQty `json:"lots"`
	Time int64    `json:"time"`
}

// ShippedInFull reports whether a hub's share was shipped whole: the
// shipments add up to its quantity.
func (s HubShare) ShippedInFull() bool {
	q, err := s.Qty.Milli()
	return err == nil && len(s.Shipped) > 0 && s.ShippedQty >= q
}

// Pickup is a consumer collecting a pledge at its hub: named by the pledge
// (PledgeURN or DirectPledgeURN), never by the person. Lots are the shipped
// lots the goods came from, in milli-units (none when the pool's goods were
// not shipped on the ledger).
type Pickup struct {
	Pool   uint64   `json:"pool"`
	Hub    OrgID    `json:"hub"`
	Pledge string   `json:"pledge"`
	Qty    Units    `json:"qty"`
	Lots   []LotQty `json:"lots"`
	Time   int64    `json:"time"` // block time, unix ms
	Height int64    `json:"height"`
	Tx     string   `json:"tx"`
}

// PledgeURN names the pledge at leaf index of a hub's batch transaction:
// urn:gongxu:pledge:<batch tx>:<index>.
func PledgeURN(batchTx string, index int) string {
	return URNPrefix + "pledge:" + batchTx + ":" + strconv.Itoa(index)
}

// DirectPledgeURN names a consumer's direct pledge:
// urn:gongxu:pool:<pool>:pledge:<id>.
func DirectPledgeURN(pool, id uint64) string {
	return PoolURN(pool) + ":pledge:" + strconv.FormatUint(id, 10)
}

// IsPledgeURN reports whether s is a PledgeURN (a 64-hex transaction hash
// and a leaf index) or a DirectPledgeURN.
func IsPledgeURN(s string) bool {
	if rest, ok := strings.CutPrefix(s, URNPrefix+"pledge:"); ok {
		tx, idx, ok := strings.Cut(rest, ":")
		_, err := strconv.ParseUint(idx, 10, 31)
		return ok && err == nil && len(tx) == 64 && strings.Trim(tx, "0123456789ABCDEFabcdef") == ""
	}
	if rest, ok := strings.CutPrefix(s, URNPrefix+"pool:"); ok {
		pool, id, ok := strings.Cut(rest, ":pledge:")
		return ok && positiveDecimal(pool) && positiveDecimal(id)
	}
	return false
}

// ParseShipmentURN reads a ShipmentURN: the pool and the hub; ok is false
// for anything else.
func ParseShipmentURN(s string) (pool uint64, hub OrgID, ok bool) {
	rest, ok := strings.CutPrefix(s, URNPrefix+"pool:")
	if !ok {
		return 0, "", false
	}
	id, h, ok := strings.Cut(rest, ":hub:")
	if !ok || !positiveDecimal(id) || OrgID(h).Validate() != nil {
		return 0, "", false
	}
	pool, _ = strconv.ParseUint(id, 10, 64)
	return pool, OrgID(h), true
}

// positiveDecimal reports whether s is a uint64 from 1, in decimal.
func positiveDecimal(s string) bool {
	n, err := strconv.ParseUint(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatUint(n, 10) == s
}

// PoolURN names a pool: urn:gongxu:pool:<id>.
func PoolURN(pool uint64) string { return URNPrefix + "pool:" + strconv.FormatUint(pool, 10) }

// ShipmentURN names the unit a factory packs a hub's share of a pool into:
// urn:gongxu:pool:<id>:hub:<hub>.
func ShipmentURN(pool uint64, hub OrgID) string { return PoolURN(pool) + ":hub:" + string(hub) }

// VariantQty is a quantity of one variant.
type VariantQty struct {
	Variant string `json:"variant"`
	Qty     Units  `json:"qty"`
}

// Pledge is a direct pledge: a consumer signed it with their own key.
type Pledge struct {
	Pool     uint64 `json:"pool"`
	ID       uint64 `json:"id"` // within the pool
	Consumer PubKey `json:"consumer"`
	Hub      OrgID  `json:"hub"` // where the goods are picked up
	Variant  string `json:"variant"`
	Qty      Units  `json:"qty"`
	Escrow   Amount `json:"escrow"`
	Created  int64  `json:"created"`
}

// Batch is a hub's batch of pledges: one transaction, many consumers, a
// Merkle root over the leaves so each consumer can verify their receipt.
type Batch struct {
	Pool   uint64 `json:"pool"`
	Hub    OrgID  `json:"hub"`
	Tx     string `json:"tx"`   // hash of the transaction that carried it
	Root   string `json:"root"` // hex Merkle root over the leaves
	Leaves int64  `json:"leaves"`
	Qty    Units  `json:"qty"`
	Escrow Amount `json:"escrow"`
	Height int64  `json:"height"`
}

// AccountID names a money account on the ledger: "org:<id>", "key:<hex>"
// (a consumer's own key), "escrow:<pool id>" or "captured:<pool id>".
type AccountID string

// Balance is an account's balance in one currency.
type Balance struct {
	Account  AccountID `json:"account"`
	Currency string    `json:"currency"`
	Amount   Amount    `json:"amount"`
}

// Movement is one movement of money on the ledger, with its reason.
// From or To is "" for money entering (deposit) or leaving (withdrawal) the
// ledger through a bank.
type Movement struct {
	Height   int64      `json:"height"`
	Time     int64      `json:"time"`
	Tx       string     `json:"tx,omitempty"`
	From     AccountID  `json:"from"`
	To       AccountID  `json:"to"`
	Currency string     `json:"currency"`
	Amount   Amount     `json:"amount"`
	Reason   MoveReason `json:"reason"`
	Ref      string     `json:"ref,omitempty"`
}

// MoveReason says why money moved on the ledger (Movement.Reason).
type MoveReason string

// The reasons money moves.
const (
	ReasonDeposit    MoveReason = "deposit"    // into the ledger, through a bank or a hub's till
	ReasonWithdrawal MoveReason = "withdrawal" // out of the ledger, to a bank
	ReasonEscrow     MoveReason = "escrow"     // a pledge's money, held by its pool until it closes
	ReasonCapture    MoveReason = "capture"    // a succeeded pool's money at the final price
	ReasonRelease    MoveReason = "release"    // escrow above the final price, back to the payer
	ReasonRefund     MoveReason = "refund"     // a failed pool or a withdrawn pledge
	ReasonPayout     MoveReason = "payout"     // captured money to the factory on delivery
	ReasonShare      MoveReason = "share"      // captured money to a hub's or named org's share of the pool's terms
)

// The reasons of an RFQ's bid bonds (bond:<rfq>).
const (
	ReasonBond       MoveReason = "bond"        // a bidder's bid bond, held by the RFQ until the bid is revealed
	ReasonBondReturn MoveReason = "bond_return" // a bid bond back to its bidder: revealed in time, or the RFQ cancelled
	ReasonForfeit    MoveReason = "forfeit"     // a bid bond to the requester: the bid was not revealed by the reveal deadline
)

// PoolFilter narrows a pool listing.
type PoolFilter struct {
	Status  PoolStatus
	Factory OrgID
	Hub     OrgID
	Series  uint64 // the pools of a series (PoolSeries.Series); 0: any
	Limit   int
}

// PoolService reads products, pools and money.
// Errors: KindNotFound for an unknown id, KindInvalid for a malformed one,
// KindInternal otherwise.
type PoolService interface {
	Products(ctx context.Context, factory OrgID) ([]Product, error)
	Product(ctx context.Context, id ProductID) (Product, error)
	Pools(ctx context.Context, f PoolFilter) ([]Pool, error)
	Pool(ctx context.Context, id uint64) (Pool, error)
	HubShares(ctx context.Context, pool uint64) ([]HubShare, error)
	Batches(ctx context.Context, pool uint64) ([]Batch, error)
	Balances(ctx context.Context, acct AccountID) ([]Balance, error)
	Movements(ctx context.Context, acct AccountID, limit int) ([]Movement, error)
}

// PoolLeaf is one pledge of a hub batch: a pseudonymous consumer id (hex,
// chosen by the hub; never personal data), a variant, a quantity, and the
// commitment to the consumer's pickup secret.
type PoolLeaf struct {
	ID      string `json:"id"`
	Variant string `json:"variant,omitempty"`
	Qty     Units  `json:"qty"`
	// Commit is PickupCommit(secret) of a secret the hub drew for this
	// consumer and gave to them only (their copy of the receipt): the goods
	// are handed over to whoever shows the secret, never to a receipt alone,
	// which is public.
	Commit string `json:"commit"`
}

// PickupSecretBytes is the size of a pickup secret.
const PickupSecretBytes = 32

// PickupDomain separates pickup commitments from every other hash of gongxu.
const PickupDomain = "gongxu/pool/pickup/v1"

// PickupCommit returns the commitment to a pickup secret (64 lower-case hex
// characters: 32 random bytes) that a batch leaf holds:
//
//	hex(sha256(PickupDomain || 0x00 || secret))
//
// Errors: KindInvalid for a malformed secret.
func PickupCommit(secret string) (string, error) {
	b, err := hex.DecodeString(secret)
	if err != nil || len(b) != PickupSecretBytes || strings.ToLower(secret) != secret {
		return "", Errorf(KindInvalid, "a pickup secret is %d lower-case hex characters", 2*PickupSecretBytes)
	}
	h := sha256.New()
	h.Write([]byte(PickupDomain))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// NewPoolLeaf draws one consumer's leaf of a hub batch from rnd (give it
// crypto/rand.Reader): a pseudonymous id of 16 random bytes, and a pickup
// secret of PickupSecretBytes, committed in the leaf. The secret goes to the
// consumer only (Receipt.Secret of their copy); the ledger never sees it
// before the pickup. Errors: those of rnd.
func NewPoolLeaf(rnd io.Reader, variant string, qty Units) (PoolLeaf, string, error) {
	var b [16 + PickupSecretBytes]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return PoolLeaf{}, "", Wrap(err, "draw a leaf")
	}
	secret := hex.EncodeToString(b[16:])
	commit, err := PickupCommit(secret)
	if err != nil {
		return PoolLeaf{}, "", err
	}
	return PoolLeaf{ID: hex.EncodeToString(b[:16]), Variant: variant, Qty: qty, Commit: commit}, secret, nil
}

// Receipt is what a hub hands a consumer for one leaf of a batch: with it and
// the ledger's Batch record (found by Tx), anyone can check that the pledge is
// in the batch the ledger accepted. The consumer's copy also holds the pickup
// secret (Secret); the receipt the node serves to anyone never does.
type Receipt struct {
	Tx     string   `json:"tx"`     // hash of the batch transaction
	Pool   uint64   `json:"pool"`   // the pool
	Hub    OrgID    `json:"hub"`    // the hub that signed the batch
	Index  int      `json:"index"`  // the leaf's index in the batch
	Leaves int      `json:"leaves"` // how many leaves the batch has
	Leaf   PoolLeaf `json:"leaf"`
	Proof  []string `json:"proof"` // hex sibling hashes, from the leaf up
	Root   string   `json:"root"`  // hex Merkle root, as the Batch record holds it
	// Secret is the pickup secret whose commitment the leaf holds: in the
	// consumer's copy only, shown at the hub to collect the goods.
	Secret string `json:"secret,omitempty"`
}

// ReceiptService builds receipts of committed hub batches from the block
// store (the leaves are in the batch transaction, public and pseudonymous).
// Errors: KindNotFound for an unknown batch or leaf.
type ReceiptService interface {
	Receipt(ctx context.Context, batchTx string, index int) (Receipt, error)
}

// OrgAccount is an org's money account.
func OrgAccount(id OrgID) AccountID { return AccountID("org:" + string(id)) }

// KeyAccount is the money account of a consumer's own key.
func KeyAccount(k PubKey) AccountID { return AccountID("key:" + string(k)) }

// EscrowAccount holds a pool's pledged money until it closes.
func EscrowAccount(pool uint64) AccountID { return AccountID("escrow:" + strconv.FormatUint(pool, 10)) }

// CapturedAccount holds a succeeded pool's money until delivery.
func CapturedAccount(pool uint64) AccountID {
	return AccountID("captured:" + strconv.FormatUint(pool, 10))
}

// BondAccount holds the bid bonds of an RFQ's sealed bids until they are
// revealed, forfeited or returned.
func BondAccount(rfq uint64) AccountID { return AccountID("bond:" + strconv.FormatUint(rfq, 10)) }

// ValidateAccount checks an account name: org:<org id>, key:<hex public key>,
// escrow:<pool id>, captured:<pool id> or bond:<rfq id>. Errors: KindInvalid.
func ValidateAccount(a AccountID) error {
	kind, rest, ok := strings.Cut(string(a), ":")
	if ok {
		switch kind {
		case "org":
			if OrgID(rest).Validate() == nil {
				return nil
			}
		case "key":
			if PubKey(rest).Validate() == nil {
				return nil
			}
		case "escrow", "captured", "bond":
			if _, err := strconv.ParseUint(rest, 10, 64); err == nil && !strings.HasPrefix(rest, "0") {
				return nil
			}
		}
	}
	return Errorf(KindInvalid, "account %q must be org:<id>, key:<hex>, escrow:<pool>, captured:<pool> or bond:<rfq>", string(a))
}

// ValidateCurrency checks an ISO 4217 style code: three upper-case letters.
// Errors: KindInvalid.
func ValidateCurrency(c string) error {
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Errorf(KindInvalid, "currency %q must be three upper-case letters (ISO 4217)", c)
	}
	return nil
}

package pool

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "pool"

const prefix = Name + "/"

// Module is the pool module. All of its state is in the KV.
type Module struct {
	Stages // what the production module calls, as a pool's order moves

	members    Members
	catalog    Catalog
	settle     Settle
	goods      Goods
	production Production

	batchSums sumCache // handleBatch's per-message sums (batchsums.go)
}

// New returns the pool module. Errors: KindInvalid when a dependency is
// missing.
func New(members Members, catalog Catalog, settle Settle, goods Goods, production Production) (*Module, error) {
	if err := module.Require(Name, "members", members, "a catalog", catalog, "settle", settle, "goods", goods, "production", production); err != nil {
		return nil, err
	}
	return &Module{members: members, catalog: catalog, settle: settle, goods: goods, production: production}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
func pad(n uint64) string   { return fmt.Sprintf("%020d", n) }

func seqKey() []byte           { return []byte(prefix + "seq") }
func poolKey(id uint64) []byte { return []byte(prefix + "p/" + pad(id)) }
func metaKey(id uint64) []byte { return []byte(prefix + "meta/" + pad(id)) }

// deadlines indexes open pools by deadline.
var deadlines = module.Deadlines{Prefix: prefix + "due/"}

func sharePrefix(id uint64) []byte { return []byte(prefix + "share/" + pad(id) + "/") }
func shareKey(id uint64, hub gongxu.OrgID) []byte {
	return append(sharePrefix(id), hub...)
}
func hubBatchKey(id uint64, hub gongxu.OrgID) []byte {
	return append(hubBatchPrefix(id), hub...)
}
func demandPrefix(id uint64) []byte { return []byte(prefix + "vq/" + pad(id) + "/") }
func demandKey(id uint64, variant string) []byte {
	return append(demandPrefix(id), variant...)
}
func payerPrefix(id uint64) []byte { return []byte(prefix + "payer/" + pad(id) + "/") }
func payerKey(id uint64, a gongxu.AccountID) []byte {
	return append(payerPrefix(id), a...)
}
func pledgeKey(pool, id uint64) []byte { return []byte(prefix + "pledge/" + pad(pool) + "/" + pad(id)) }
func batchPrefix(pool uint64) []byte   { return []byte(prefix + "batch/" + pad(pool) + "/") }
func batchKey(pool uint64, tx string) []byte {
	return append(batchPrefix(pool), tx...)
}
func hubBatchPrefix(pool uint64) []byte { return []byte(prefix + "hb/" + pad(pool) + "/") }
func pickupKey(pool uint64, pledge string) []byte {
	return []byte(prefix + "pickup/" + pad(pool) + "/" + pledge)
}

// meta is a pool's bookkeeping that is not part of the public Pool.
type meta struct {
	PledgeSeq uint64 `json:"pledge_seq"`       // direct pledges ever made (the last pledge id)
	Batches   uint64 `json:"batches"`          // batches ever accepted
	Pending   int64  `json:"pending"`          // hubs with a share still to confirm delivery
	Payers    int64  `json:"payers,omitempty"` // payer accounts holding escrow while open (at most MaxPayersPerPool); at close, those it settled
}

// payer is one payer's escrow in an open pool.
type payer struct {
	Qty    gongxu.Units  `json:"qty"`
	Escrow gongxu.Amount `json:"escrow"`
}

// hubBatches is what a hub gathered in batches (its share less the direct
// pledges naming it): the most hub_reduce may take back.
type hubBatches struct {
	Qty      gongxu.Units        `json:"qty"`
	Pledges  int64               `json:"pledges"`
	Variants []gongxu.VariantQty `json:"variants"`
}

// pledgeRec is a stored direct pledge: the public Pledge and who paid.
type pledgeRec struct {
	gongxu.Pledge
	Payer gongxu.AccountID `json:"payer"`
}

// Pool returns a pool. Errors: KindNotFound.
func (*Module) Pool(r store.Reader, id uint64) (gongxu.Pool, error) { return loadPool(r, id) }

func loadPool(r store.Reader, id uint64) (gongxu.Pool, error) {
	var p gongxu.Pool
	ok, err := module.Load(r, poolKey(id), &p)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
	}
	return p, nil
}

// HubShare returns what a hub gathered in a pool. Errors: KindNotFound when
// the hub has no share.
func (*Module) HubShare(r store.Reader, pool uint64, hub gongxu.OrgID) (gongxu.HubShare, error) {
	var s gongxu.HubShare
	ok, err := module.Load(r, shareKey(pool, hub), &s)
	if err != nil {
		return s, err
	}
	if !ok {
		return s, gongxu.Errorf(gongxu.KindNotFound, "hub %s has no share in pool %d", hub, pool)
	}
	return s, nil
}

// HubShares lists the hubs' shares of a pool, sorted by hub.
func (*Module) HubShares(r store.Reader, pool uint64) ([]gongxu.HubShare, error) {
	var out []gongxu.HubShare
	err := module.Each(r, sharePrefix(pool), func(_ []byte, s gongxu.HubShare) bool {
		out = append(out, s)
		return true
	})
	return out, err
}

// Demand returns a pool's pledged quantity per variant, sorted by variant
// ("" for a product without variants).
func (*Module) Demand(r store.Reader, pool uint64) ([]gongxu.VariantQty, error) {
	var out []gongxu.VariantQty
	err := module.Each(r, demandPrefix(pool), func(variant []byte, q gongxu.Units) bool {
		out = append(out, gongxu.VariantQty{Variant: string(variant), Qty: q})
		return true
	})
	return out, err
}

// Pledge returns a direct pledge. Errors: KindNotFound.
func (*Module) Pledge(r store.Reader, pool, id uint64) (gongxu.Pledge, error) {
	rec, err := loadPledge(r, pool, id)
	return rec.Pledge, err
}

func loadPledge(r store.Reader, pool, id uint64) (pledgeRec, error) {
	var rec pledgeRec
	ok, err := module.Load(r, pledgeKey(pool, id), &rec)
	if err != nil {
		return rec, err
	}
	if !ok {
		return rec, gongxu.Errorf(gongxu.KindNotFound, "no pledge %d in pool %d", id, pool)
	}
	return rec, nil
}

// Batch returns the batch of pool carried by the transaction txHash. A
// failed pool's batches leave the state after its close (every pledge was
// refused; the read model and the block store keep them). Errors:
// KindNotFound.
func (*Module) Batch(r store.Reader, pool uint64, txHash string) (gongxu.Batch, error) {
	var b gongxu.Batch
	if p, err := loadPool(r, pool); err != nil {
		return b, err
	} else if p.Status == gongxu.PoolFailed {
		return b, gongxu.Errorf(gongxu.KindNotFound, "pool %d failed and refunded every pledge: its batches are in the block store and the read model only", pool)
	}
	ok, err := module.Load(r, batchKey(pool, strings.ToUpper(txHash)), &b)
	if err != nil {
		return b, err
	}
	if !ok {
		return b, gongxu.Errorf(gongxu.KindNotFound, "no batch of pool %d in transaction %s", pool, txHash)
	}
	return b, nil
}

func loadMeta(r store.Reader, id uint64) (meta, error) {
	var m meta
	_, err := module.Load(r, metaKey(id), &m)
	return m, err
}

func saveMeta(ctx *module.Context, id uint64, m meta) error {
	_, err := module.Save(ctx.KV, metaKey(id), m)
	return err
}

// savePool writes a pool and emits its snapshot.
func savePool(ctx *module.Context, p *gongxu.Pool) error {
	b, err := module.Save(ctx.KV, poolKey(p.ID), p)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventPool, "pool", uitoa(p.ID), "status", string(p.Status), "json", string(b)))
	return nil
}

func saveShare(ctx *module.Context, s *gongxu.HubShare) error {
	b, err := module.Save(ctx.KV, shareKey(s.Pool, s.Hub), s)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventShare, "pool", uitoa(s.Pool), "hub", string(s.Hub), "json", string(b)))
	return nil
}

func savePledge(ctx *module.Context, rec *pledgeRec) error {
	if _, err := module.Save(ctx.KV, pledgeKey(rec.Pool, rec.ID), rec); err != nil {
		return err
	}
	b, err := json.Marshal(rec.Pledge)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventPledge, "pool", uitoa(rec.Pool), "id", uitoa(rec.ID), "json", string(b)))
	return nil
}

func loadShare(r store.Reader, pool uint64, hub gongxu.OrgID) (gongxu.HubShare, error) {
	s := gongxu.HubShare{Pool: pool, Hub: hub, Variants: []gongxu.VariantQty{}}
	_, err := module.Load(r, shareKey(pool, hub), &s)
	return s, err
}

// addVariant adds delta to variant v of a sorted VariantQty list, keeping it
// sorted and dropping entries that fall to zero. Errors: KindInvalid on
// overflow; KindConflict when an entry would go negative.
func addVariant(list []gongxu.VariantQty, v string, delta gongxu.Units) ([]gongxu.VariantQty, error) {
	i, found := slices.BinarySearchFunc(list, v, func(x gongxu.VariantQty, t string) int { return strings.Compare(x.Variant, t) })
	if !found {
		if delta < 0 {
			return nil, gongxu.Errorf(gongxu.KindConflict, "variant %q has no quantity to reduce", v)
		}
		return slices.Insert(list, i, gongxu.VariantQty{Variant: v, Qty: delta}), nil
	}
	q, err := gongxu.Add(list[i].Qty, delta)
	if err != nil {
		return nil, err
	}
	if q < 0 {
		return nil, gongxu.Errorf(gongxu.KindConflict, "variant %q holds %d, cannot take %d away", v, list[i].Qty, -delta)
	}
	if q == 0 {
		return slices.Delete(list, i, i+1), nil
	}
	list[i].Qty = q
	return list, nil
}

// addUnits adds delta to the units (a JSON number) at key; zero deletes it.
func addUnits(kv store.KV, key []byte, delta gongxu.Units) error {
	var q gongxu.Units
	if _, err := module.Load(kv, key, &q); err != nil {
		return err
	}
	q, err := gongxu.Add(q, delta)
	if err != nil {
		return err
	}
	if q < 0 {
		return fmt.Errorf("pool state %s would go negative", key)
	}
	if q == 0 {
		return kv.Delete(key)
	}
	_, err = module.Save(kv, key, q)
	return err
}

// addPayer adds qty and escrow to a payer's record; a record that falls to
// zero is deleted. It returns the change in the pool's number of payers: 1
// for a new record, -1 for a deleted one, else 0.
func addPayer(kv store.KV, pool uint64, a gongxu.AccountID, qty gongxu.Units, escrow gongxu.Amount) (int64, error) {
	var p payer
	had, err := module.Load(kv, payerKey(pool, a), &p)
	if err != nil {
		return 0, err
	}
	if p.Qty, err = gongxu.Add(p.Qty, qty); err != nil {
		return 0, err
	}
	if p.Escrow, err = gongxu.Add(p.Escrow, escrow); err != nil {
		return 0, err
	}
	if p.Qty < 0 || p.Escrow < 0 || (p.Qty == 0) != (p.Escrow == 0) {
		return 0, fmt.Errorf("pool %d: payer %s escrow record broken: qty %d, escrow %d", pool, a, p.Qty, p.Escrow)
	}
	if p.Qty == 0 {
		if !had {
			return 0, nil
		}
		return -1, kv.Delete(payerKey(pool, a))
	}
	if _, err = module.Save(kv, payerKey(pool, a), p); err != nil || had {
		return 0, err
	}
	return 1, nil
}

// checkPayers refuses a pledge or batch that would add a payer account to
// a pool holding MaxPayersPerPool of them already (what bounds the work of
// its close). Errors: KindQuota.
func checkPayers(kv store.KV, p *gongxu.Pool, a gongxu.AccountID) error {
	if v, err := kv.Get(payerKey(p.ID, a)); err != nil || v != nil {
		return err
	}
	mt, err := loadMeta(kv, p.ID)
	if err != nil {
		return err
	}
	if mt.Payers >= closeBudget.perPool {
		return gongxu.Errorf(gongxu.KindQuota, "pool %d holds the pledges of %d payer accounts, the most one pool takes (its close settles each at once): pledge through one of its hubs, whose batches are one payer", p.ID, mt.Payers)
	}
	return nil
}

type payerEntry struct {
	account gongxu.AccountID
	payer
}

// payers lists the payers of a pool, sorted by account.
func payers(r store.Reader, pool uint64) ([]payerEntry, error) {
	var out []payerEntry
	err := module.Each(r, payerPrefix(pool), func(acct []byte, p payer) bool {
		out = append(out, payerEntry{account: gongxu.AccountID(acct), payer: p})
		return true
	})
	return out, err
}

func nextPoolID(ctx *module.Context) (uint64, error) {
	var n uint64
	if _, err := module.Load(ctx.KV, seqKey(), &n); err != nil {
		return 0, err
	}
	n++
	_, err := module.Save(ctx.KV, seqKey(), n)
	return n, err
}

func history(ctx *module.Context, p *gongxu.Pool, s gongxu.PoolStatus, reason string) {
	p.Status = s
	p.History = append(p.History, gongxu.PoolChange{Status: s, Time: ctx.Time, Height: ctx.Height, Reason: reason})
}

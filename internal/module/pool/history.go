package pool

import (
	"encoding/json"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TypeHistory is a hub recording its own past weekly sales of a product
// (issue 13): a new network starts with the hubs' history in its demand
// series. It lives in the pool module, which already knows the hubs and the
// catalog and owns the demand the read model builds its series from; a
// module of its own would change the fixed module order, so every app hash.
const TypeHistory = "pool/history"

// History limits.
const (
	MaxHistoryWeeks  = 104                   // weeks per message
	MaxHistoryBack   = 156                   // weeks before the block time's week
	MaxHistoryUnits  = 1_000_000_000         // units in a week
	MaxHistoryMoney  = 1_000_000_000_000_000 // money in a week, minor units
	historyPerWeight = 8                     // weeks per unit of block weight
)

// MsgHistory records a hub's past weekly sales of a product, signed by the
// hub (gongxu.SalesHistory without Hub). Each (hub, product, variant, week)
// is recorded once: history is immutable.
type MsgHistory struct {
	Product  gongxu.ProductID   `json:"product"`
	Variant  string             `json:"variant,omitempty"`
	Currency string             `json:"currency"`
	Weeks    []gongxu.SalesWeek `json:"weeks"`
}

// ValidateBasic implements module.Msg.
func (m *MsgHistory) ValidateBasic() error {
	if err := m.Product.Validate(); err != nil {
		return err
	}
	if err := checkVariantID(m.Variant); err != nil {
		return err
	}
	if err := validateCurrency(m.Currency); err != nil {
		return err
	}
	if len(m.Weeks) == 0 || len(m.Weeks) > MaxHistoryWeeks {
		return invalid("a history holds 1 to %d weeks, got %d", MaxHistoryWeeks, len(m.Weeks))
	}
	seen := make(map[int64]bool, len(m.Weeks))
	for i, w := range m.Weeks {
		day, err := gongxu.ParseISOWeek(w.Week)
		if err != nil {
			return invalid("week %d: %v", i+1, gongxu.ErrorMessage(err))
		}
		if seen[day] {
			return invalid("week %s is listed twice", w.Week)
		}
		seen[day] = true
		if w.Units < 1 || w.Units > MaxHistoryUnits {
			return invalid("week %s: units must be 1 to %d, got %d", w.Week, MaxHistoryUnits, w.Units)
		}
		if w.Money < 0 || w.Money > MaxHistoryMoney {
			return invalid("week %s: money must be 0 to %d, got %d", w.Week, int64(MaxHistoryMoney), w.Money)
		}
		if w.Consumers < 1 || w.Consumers > int64(w.Units) {
			return invalid("week %s: consumers must be 1 to its %d units, got %d", w.Week, w.Units, w.Consumers)
		}
	}
	return nil
}

// Weight implements module.Weigher: each week is parsed, checked against
// the state and written.
func (m *MsgHistory) Weight() int64 { return 1 + int64(len(m.Weeks))/historyPerWeight }

func historyKey(hub gongxu.OrgID, product gongxu.ProductID, variant, week string) []byte {
	return []byte(prefix + "hist/" + string(hub) + "/" + string(product) + "/" + variant + "/" + week)
}

func (m *Module) handleHistory(ctx *module.Context, msg module.Msg) error {
	h := msg.(*MsgHistory)
	ok, err := m.members.HasRole(ctx.KV, ctx.Org, gongxu.RoleHub)
	if err != nil {
		return err
	}
	if !ok {
		return unauthorized("org %s is not a hub; only a hub records its own past sales", ctx.Org)
	}
	prod, err := m.catalog.Product(ctx.KV, h.Product)
	if err != nil {
		return err
	}
	if h.Variant != "" {
		found := false
		for _, v := range prod.Variants {
			found = found || v.ID == h.Variant
		}
		if !found {
			return invalid("product %s has no variant %q", prod.ID, h.Variant)
		}
	}
	_, thisWeek := gongxu.ISOWeekOfDay(floorDiv(ctx.Time, 86_400_000))
	oldest := thisWeek - MaxHistoryBack*7
	for _, w := range h.Weeks {
		day, err := gongxu.ParseISOWeek(w.Week)
		if err != nil {
			return invalid("%v", gongxu.ErrorMessage(err))
		}
		if day >= thisWeek {
			return invalid("week %s is not before the block time's week; history is of past weeks only", w.Week)
		}
		if day < oldest {
			return invalid("week %s is more than %d weeks before the block time's week", w.Week, MaxHistoryBack)
		}
		key := historyKey(ctx.Org, prod.ID, h.Variant, w.Week)
		had, err := module.Has(ctx.KV, key)
		if err != nil {
			return err
		}
		if had {
			return conflict("hub %s already recorded week %s of %s%s; history is immutable", ctx.Org, w.Week, prod.ID, variantSuffix(h.Variant))
		}
		if _, err := module.Save(ctx.KV, key, w); err != nil {
			return err
		}
	}
	rec := gongxu.SalesHistory{Hub: ctx.Org, Product: prod.ID, Variant: h.Variant, Currency: h.Currency, Weeks: h.Weeks}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventHistory, "hub", string(ctx.Org), "product", string(prod.ID), "json", string(b)))
	return nil
}

func variantSuffix(v string) string {
	if v == "" {
		return ""
	}
	return " variant " + v
}

// HistoryWeek returns a hub's recorded week of a product's sales, if any.
func (*Module) HistoryWeek(r store.Reader, hub gongxu.OrgID, product gongxu.ProductID, variant, week string) (gongxu.SalesWeek, bool, error) {
	var w gongxu.SalesWeek
	found, err := module.Load(r, historyKey(hub, product, variant, week), &w)
	return w, found, err
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

package production

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Master data message types: each factory's own, signed by it.
const (
	TypeItem       = "production/item"        // a factory or supplier: one of its items
	TypeBOM        = "production/bom"         // the item's owner: the bill of materials of one of its made items
	TypeRouting    = "production/routing"     // the item's owner: the operations of one of its made items
	TypeWorkCenter = "production/work_center" // a factory or supplier: one of its work centers
	TypePlanDate   = "production/plan_date"   // the order's factory: its planned completion, with the reason
)

// MsgItem publishes or replaces one of the signing org's items.
type MsgItem struct {
	Item gongxu.Item `json:"item"`
}

// ValidateBasic implements module.Msg.
func (m *MsgItem) ValidateBasic() error { return m.Item.Validate() }

// BOMIn is one line of a bill of materials as sent: the parent is the
// message's.
type BOMIn struct {
	Child     gongxu.ItemID `json:"child"`
	QtyPer    gongxu.Qty    `json:"qty_per"`
	ScrapBP   int64         `json:"scrap_bp,omitempty"`
	ByProduct bool          `json:"by_product,omitempty"`
}

// MsgBOM replaces the bill of materials of one of the signing org's made
// items; no lines removes it.
type MsgBOM struct {
	Parent gongxu.ItemID `json:"parent"`
	Lines  []BOMIn       `json:"lines"`
}

// ValidateBasic implements module.Msg.
func (m *MsgBOM) ValidateBasic() error {
	if err := m.Parent.Validate(); err != nil {
		return err
	}
	if len(m.Lines) > gongxu.MaxBOMLines {
		return invalid("%d bom lines, the limit is %d", len(m.Lines), gongxu.MaxBOMLines)
	}
	seen := make(map[gongxu.ItemID]bool, len(m.Lines))
	for i, l := range m.Lines {
		if err := m.line(l).Validate(); err != nil {
			return within(err, "line %d", i+1)
		}
		if seen[l.Child] {
			return invalid("line %d: %s is listed twice; give one line per child", i+1, l.Child)
		}
		seen[l.Child] = true
	}
	return nil
}

func (m *MsgBOM) line(l BOMIn) gongxu.BOMLine {
	return gongxu.BOMLine{Parent: m.Parent, Child: l.Child, QtyPer: l.QtyPer, ScrapBP: l.ScrapBP, ByProduct: l.ByProduct}
}

// MsgRouting publishes or replaces the routing of one of the signing org's
// made items.
type MsgRouting struct {
	Routing gongxu.Routing `json:"routing"`
}

// ValidateBasic implements module.Msg.
func (m *MsgRouting) ValidateBasic() error { return m.Routing.Validate() }

// MsgWorkCenter publishes or replaces one of the signing org's work centers.
type MsgWorkCenter struct {
	WorkCenter gongxu.WorkCenter `json:"work_center"`
}

// ValidateBasic implements module.Msg.
func (m *MsgWorkCenter) ValidateBasic() error { return m.WorkCenter.Validate() }

// MsgPlanDate publishes a production order's planned completion with the
// reason it is what it is (a re-plan after a late purchase order, a slip).
type MsgPlanDate struct {
	Order      uint64 `json:"order"`
	Completion int64  `json:"completion"` // unix ms
	Reason     string `json:"reason"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPlanDate) ValidateBasic() error {
	if err := checkID("production order", m.Order); err != nil {
		return err
	}
	if m.Completion <= 0 || m.Completion > gongxu.MaxTimeMs {
		return invalid("completion must be a time in unix ms up to year 9999, got %d", m.Completion)
	}
	if m.Reason == "" {
		return invalid("a reason is required: say why the order completes then")
	}
	return checkReason(m.Reason)
}

// within puts a place in front of err's message, keeping its kind (an I/O
// failure stays internal).
func within(err error, format string, args ...any) error {
	k := gongxu.ErrorKind(err)
	if k == gongxu.KindInternal {
		return gongxu.Wrap(err, format, args...)
	}
	return gongxu.Errorf(k, "%s: %s", fmt.Sprintf(format, args...), gongxu.ErrorMessage(err))
}

func (m *Module) masterRoutes() []module.Route {
	return []module.Route{
		{Type: TypeItem, New: func() module.Msg { return &MsgItem{} }, Handle: m.handleItem},
		{Type: TypeBOM, New: func() module.Msg { return &MsgBOM{} }, Handle: m.handleBOM},
		{Type: TypeRouting, New: func() module.Msg { return &MsgRouting{} }, Handle: m.handleRouting},
		{Type: TypeWorkCenter, New: func() module.Msg { return &MsgWorkCenter{} }, Handle: m.handleWorkCenter},
		{Type: TypePlanDate, New: func() module.Msg { return &MsgPlanDate{} }, Handle: m.handlePlanDate},
	}
}

func itemKey(o gongxu.OrgID, i gongxu.ItemID) []byte {
	return []byte(prefix + "item/" + string(o) + "/" + string(i))
}
func bomKey(o gongxu.OrgID, parent gongxu.ItemID) []byte {
	return []byte(prefix + "bom/" + string(o) + "/" + string(parent))
}
func routingKey(o gongxu.OrgID, i gongxu.ItemID) []byte {
	return []byte(prefix + "routing/" + string(o) + "/" + string(i))
}
func wcKey(o gongxu.OrgID, id string) []byte { return []byte(prefix + "wc/" + string(o) + "/" + id) }

// requireMaker: master data, production orders, purchase orders and work
// orders belong to the orgs that make what they sell, factories and
// suppliers alike.
func (m *Module) requireMaker(ctx *module.Context, what string) error {
	ok, err := m.isMaker(ctx, ctx.Org)
	if err != nil || ok {
		return err
	}
	return unauthorized("org %s is neither a factory nor a supplier; only they %s", ctx.Org, what)
}

// isMaker tells whether org is a member factory or supplier.
func (m *Module) isMaker(ctx *module.Context, org gongxu.OrgID) (bool, error) {
	for _, r := range []gongxu.Role{gongxu.RoleFactory, gongxu.RoleSupplier} {
		ok, err := m.members.HasRole(ctx.KV, org, r)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Item returns one of an org's items. Errors: KindNotFound.
func (*Module) Item(r store.Reader, org gongxu.OrgID, id gongxu.ItemID) (gongxu.Item, error) {
	return module.Find[gongxu.Item](r, itemKey(org, id), "org %s has no item %s", org, id)
}

// BOM returns the bill of materials of one of an org's items (nil when none).
func (*Module) BOM(r store.Reader, org gongxu.OrgID, parent gongxu.ItemID) ([]gongxu.BOMLine, error) {
	var ls []gongxu.BOMLine
	_, err := module.Load(r, bomKey(org, parent), &ls)
	return ls, err
}

// Routing returns the routing of one of an org's items. Errors: KindNotFound.
func (*Module) Routing(r store.Reader, org gongxu.OrgID, item gongxu.ItemID) (gongxu.Routing, error) {
	return module.Find[gongxu.Routing](r, routingKey(org, item), "org %s has no routing for %s", org, item)
}

// WorkCenter returns one of an org's work centers. Errors: KindNotFound.
func (*Module) WorkCenter(r store.Reader, org gongxu.OrgID, id string) (gongxu.WorkCenter, error) {
	return module.Find[gongxu.WorkCenter](r, wcKey(org, id), "org %s has no work center %s", org, id)
}

// Master returns an org's master data, each list sorted by id.
func (m *Module) Master(r store.Reader, org gongxu.OrgID) (gongxu.Master, error) {
	md := gongxu.Master{Items: []gongxu.Item{}, BOM: []gongxu.BOMLine{}, Routings: []gongxu.Routing{}, WorkCenters: []gongxu.WorkCenter{}}
	if err := scan(r, prefix+"item/"+string(org)+"/", func(it gongxu.Item) { md.Items = append(md.Items, it) }); err != nil {
		return md, err
	}
	if err := scan(r, prefix+"bom/"+string(org)+"/", func(ls []gongxu.BOMLine) { md.BOM = append(md.BOM, ls...) }); err != nil {
		return md, err
	}
	if err := scan(r, prefix+"routing/"+string(org)+"/", func(rt gongxu.Routing) { md.Routings = append(md.Routings, rt) }); err != nil {
		return md, err
	}
	err := scan(r, prefix+"wc/"+string(org)+"/", func(wc gongxu.WorkCenter) { md.WorkCenters = append(md.WorkCenters, wc) })
	return md, err
}

// scan decodes every value under a key prefix, in key order.
func scan[T any](r store.Reader, p string, fn func(T)) error {
	return module.Each(r, []byte(p), func(_ []byte, x T) bool {
		fn(x)
		return true
	})
}

func (m *Module) handleItem(ctx *module.Context, msg module.Msg) error {
	it := msg.(*MsgItem).Item
	if err := m.requireMaker(ctx, "keep master data"); err != nil {
		return err
	}
	if it.Supplier != "" {
		ok, err := m.members.HasRole(ctx.KV, it.Supplier, gongxu.RoleSupplier)
		if err != nil {
			return err
		}
		if !ok {
			return invalid("item %s: preferred supplier %s is not a member supplier org", it.ID, it.Supplier)
		}
	}
	bom, err := m.BOM(ctx.KV, ctx.Org, it.ID)
	if err != nil {
		return err
	}
	_, rerr := m.Routing(ctx.KV, ctx.Org, it.ID)
	hasRouting := rerr == nil
	if rerr != nil && gongxu.ErrorKind(rerr) != gongxu.KindNotFound {
		return rerr
	}
	switch {
	case !it.Make && (len(bom) > 0 || hasRouting):
		return conflict("item %s has a bill of materials or a routing, so it is made; remove them before making it bought", it.ID)
	case it.Phantom && hasRouting:
		return conflict("item %s has a routing; a phantom is exploded into its parent and has none", it.ID)
	case it.Phantom && slices.ContainsFunc(bom, func(l gongxu.BOMLine) bool { return l.ByProduct }):
		return conflict("item %s has by-products; a phantom cannot, put them on its parent", it.ID)
	}
	b, err := module.Save(ctx.KV, itemKey(ctx.Org, it.ID), it)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventItem, "org", string(ctx.Org), "item", string(it.ID), "json", string(b)))
	return nil
}

func (m *Module) handleBOM(ctx *module.Context, msg module.Msg) error {
	b := msg.(*MsgBOM)
	if err := m.requireMaker(ctx, "keep bills of materials"); err != nil {
		return err
	}
	parent, err := m.Item(ctx.KV, ctx.Org, b.Parent)
	if err != nil {
		return err
	}
	if !parent.Make {
		return invalid("%s is bought, so it has no bill of materials", b.Parent)
	}
	lines := make([]gongxu.BOMLine, 0, len(b.Lines))
	for i, l := range b.Lines {
		child, err := m.Item(ctx.KV, ctx.Org, l.Child)
		if err != nil {
			return within(err, "line %d", i+1)
		}
		if l.ByProduct && parent.Phantom {
			return invalid("line %d: phantom %s cannot have by-products; put them on its parent", i+1, b.Parent)
		}
		if l.ByProduct && child.Phantom {
			return invalid("line %d: by-product %s cannot be a phantom", i+1, l.Child)
		}
		lines = append(lines, b.line(l))
	}
	slices.SortFunc(lines, func(x, y gongxu.BOMLine) int { return strings.Compare(string(x.Child), string(y.Child)) })
	if err := m.checkCycle(ctx, b.Parent, lines); err != nil {
		return err
	}
	key := bomKey(ctx.Org, b.Parent)
	if len(lines) == 0 {
		if err := ctx.KV.Delete(key); err != nil {
			return err
		}
		ctx.Emit(gongxu.NewEvent(gongxu.EventBOM, "org", string(ctx.Org), "parent", string(b.Parent), "json", "[]"))
		return nil
	}
	raw, err := module.Save(ctx.KV, key, lines)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventBOM, "org", string(ctx.Org), "parent", string(b.Parent), "json", string(raw)))
	return nil
}

// checkCycle rejects a bill of materials for parent whose children reach
// parent again through the org's stored bills, naming the cycle
// ("a → b → c → a"). The stored bills have no cycle, so any cycle passes
// through parent; the search is depth first in child order, deterministic.
func (m *Module) checkCycle(ctx *module.Context, parent gongxu.ItemID, lines []gongxu.BOMLine) error {
	visited := map[gongxu.ItemID]bool{}
	var path []gongxu.ItemID
	var walk func(ls []gongxu.BOMLine) (bool, error)
	walk = func(ls []gongxu.BOMLine) (bool, error) {
		for _, l := range ls {
			if l.Child == parent {
				return true, nil
			}
			if visited[l.Child] {
				continue
			}
			visited[l.Child] = true
			path = append(path, l.Child)
			sub, err := m.BOM(ctx.KV, ctx.Org, l.Child)
			if err != nil {
				return false, err
			}
			found, err := walk(sub)
			if found || err != nil {
				return found, err
			}
			path = path[:len(path)-1]
		}
		return false, nil
	}
	found, err := walk(lines)
	if err != nil || !found {
		return err
	}
	names := []string{string(parent)}
	for _, p := range path {
		names = append(names, string(p))
	}
	names = append(names, string(parent))
	return invalid("bill of materials has a cycle: %s", strings.Join(names, " → "))
}

func (m *Module) handleRouting(ctx *module.Context, msg module.Msg) error {
	rt := msg.(*MsgRouting).Routing
	if err := m.requireMaker(ctx, "keep routings"); err != nil {
		return err
	}
	it, err := m.Item(ctx.KV, ctx.Org, rt.Item)
	if err != nil {
		return err
	}
	if !it.Make || it.Phantom {
		return invalid("routing for %s: only made, non-phantom items have routings", rt.Item)
	}
	for i, op := range rt.Ops {
		if _, err := m.WorkCenter(ctx.KV, ctx.Org, op.WorkCenter); err != nil {
			return within(err, "operation %d", i+1)
		}
	}
	b, err := module.Save(ctx.KV, routingKey(ctx.Org, rt.Item), rt)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventRouting, "org", string(ctx.Org), "item", string(rt.Item), "json", string(b)))
	return nil
}

func (m *Module) handleWorkCenter(ctx *module.Context, msg module.Msg) error {
	wc := msg.(*MsgWorkCenter).WorkCenter
	if err := m.requireMaker(ctx, "keep work centers"); err != nil {
		return err
	}
	b, err := module.Save(ctx.KV, wcKey(ctx.Org, wc.ID), wc)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventWorkCenter, "org", string(ctx.Org), "work_center", wc.ID, "json", string(b)))
	return nil
}

func (m *Module) handlePlanDate(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPlanDate)
	o, err := m.Order(ctx.KV, p.Order)
	if err != nil {
		return err
	}
	if ctx.Org != o.Factory {
		return unauthorized("production order %d is %s's; only it publishes its planned completion", o.ID, o.Factory)
	}
	if o.Status == gongxu.OrderCompleted {
		return conflict("production order %d is completed; its date is history", o.ID)
	}
	if p.Completion == o.PlannedCompletion && p.Reason == o.PlanReason {
		return conflict("production order %d already plans completion at %d for that reason", o.ID, p.Completion)
	}
	o.PlannedCompletion, o.PlanReason = p.Completion, p.Reason
	o.History = append(o.History, gongxu.OrderChange{Status: o.Status, Time: ctx.Time, Height: ctx.Height,
		Reason: "planned completion " + uitoa(uint64(p.Completion)) + ": " + p.Reason})
	return saveOrder(ctx, &o)
}

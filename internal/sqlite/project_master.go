package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// masterStmts are the statements of the master data projection: items,
// bills of materials, routings and work centers, per org.
type masterStmts struct {
	upItem, upRouting, upWorkCenter, delBOM, insBOM *sql.Stmt

	boms map[string]bomWrite // bills of materials changed in this block, by org "\x00" parent
}

// bomWrite is the last bill of materials of a parent seen in a block.
type bomWrite struct {
	org, parent string
	lines       []bomRow
}

// bomRow is one line to store: its child and its JSON.
type bomRow struct {
	child string
	js    []byte
}

func (s *masterStmts) defs() []stmtDef {
	return []stmtDef{
		{&s.upItem, `INSERT INTO items (org, id, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (org, id) DO UPDATE SET json = excluded.json, height = excluded.height`},
		{&s.upRouting, `INSERT INTO routings (org, item, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (org, item) DO UPDATE SET json = excluded.json, height = excluded.height`},
		{&s.upWorkCenter, `INSERT INTO work_centers (org, id, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (org, id) DO UPDATE SET json = excluded.json, height = excluded.height`},
		{&s.delBOM, `DELETE FROM bom_lines WHERE org = ? AND parent = ?`},
		{&s.insBOM, `INSERT INTO bom_lines (org, parent, child, json, height) VALUES (?, ?, ?, ?, ?)`},
	}
}

// orgAttr returns the event's org attr, checked.
func orgAttr(ev *gongxu.Event) (gongxu.OrgID, error) {
	org := gongxu.OrgID(ev.Get("org"))
	if err := org.Validate(); err != nil {
		return "", prefix(err, "org attr")
	}
	return org, nil
}

func (p *projector) item(ev *gongxu.Event) error {
	org, err := orgAttr(ev)
	if err != nil {
		return err
	}
	var it gongxu.Item
	js, err := decodeKeep(ev, &it)
	if err != nil {
		return err
	}
	if err := it.ID.Validate(); err != nil {
		return err
	}
	if err := match(ev, "item", string(it.ID)); err != nil {
		return err
	}
	if it.Supplier != "" {
		if err := it.Supplier.Validate(); err != nil {
			return prefix(err, "item %s supplier", it.ID)
		}
	}
	p.later("item\x00"+string(org)+"\x00"+string(it.ID), p.upItem, string(org), string(it.ID), js, p.height)
	return nil
}

func (p *projector) routing(ev *gongxu.Event) error {
	org, err := orgAttr(ev)
	if err != nil {
		return err
	}
	var rt gongxu.Routing
	js, err := decodeKeep(ev, &rt)
	if err != nil {
		return err
	}
	if err := rt.Item.Validate(); err != nil {
		return err
	}
	if err := match(ev, "item", string(rt.Item)); err != nil {
		return err
	}
	for i, op := range rt.Ops {
		if err := gongxu.ValidateWorkCenterID(op.WorkCenter); err != nil {
			return prefix(err, "routing for %s, operation %d", rt.Item, i+1)
		}
	}
	p.later("routing\x00"+string(org)+"\x00"+string(rt.Item), p.upRouting, string(org), string(rt.Item), js, p.height)
	return nil
}

func (p *projector) workCenter(ev *gongxu.Event) error {
	org, err := orgAttr(ev)
	if err != nil {
		return err
	}
	var wc gongxu.WorkCenter
	js, err := decodeKeep(ev, &wc)
	if err != nil {
		return err
	}
	if err := gongxu.ValidateWorkCenterID(wc.ID); err != nil {
		return err
	}
	if err := match(ev, "work_center", wc.ID); err != nil {
		return err
	}
	p.later("wc\x00"+string(org)+"\x00"+wc.ID, p.upWorkCenter, string(org), wc.ID, js, p.height)
	return nil
}

// bom projects the bill of materials of one parent: its json attr is the
// array of every line (each naming that parent, one per child), "[]" when
// the bill was removed. It replaces the lines the read model holds.
func (p *projector) bom(ev *gongxu.Event) error {
	org, err := orgAttr(ev)
	if err != nil {
		return err
	}
	parent := gongxu.ItemID(ev.Get("parent"))
	if err := parent.Validate(); err != nil {
		return prefix(err, "parent attr")
	}
	raw := strings.TrimSpace(ev.Get("json"))
	if !strings.HasPrefix(raw, "[") {
		return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: want an array of bom lines, got %.40q", raw)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &elems); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: %v", err)
	}
	w := bomWrite{org: string(org), parent: string(parent), lines: make([]bomRow, 0, len(elems))}
	seen := make(map[gongxu.ItemID]bool, len(elems))
	for i, e := range elems {
		var l gongxu.BOMLine
		if err := json.Unmarshal(e, &l); err != nil || !bytes.HasPrefix(bytes.TrimSpace(e), []byte("{")) {
			return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: line %d is not a bom line", i+1)
		}
		if l.Parent != parent {
			return gongxu.Errorf(gongxu.KindInvalid, "line %d: json parent %q does not match parent attr %q", i+1, l.Parent, parent)
		}
		if err := l.Child.Validate(); err != nil {
			return prefix(err, "line %d", i+1)
		}
		if l.Child == parent {
			return gongxu.Errorf(gongxu.KindInvalid, "line %d: %s is its own component", i+1, parent)
		}
		if seen[l.Child] {
			return gongxu.Errorf(gongxu.KindInvalid, "line %d: child %s is listed twice", i+1, l.Child)
		}
		seen[l.Child] = true
		var b bytes.Buffer
		if err := json.Compact(&b, e); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: %v", err)
		}
		w.lines = append(w.lines, bomRow{child: string(l.Child), js: b.Bytes()})
	}
	slices.SortFunc(w.lines, func(a, b bomRow) int { return strings.Compare(a.child, b.child) })
	if p.boms == nil {
		p.boms = map[string]bomWrite{}
	}
	p.boms[string(org)+"\x00"+string(parent)] = w
	return nil
}

// flushBOMs writes the bills of materials changed in the block, in key
// order: each replaces every line of its parent.
func (p *projector) flushBOMs() error {
	keys := make([]string, 0, len(p.boms))
	for k := range p.boms {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w := p.boms[k]
		if _, err := p.delBOM.ExecContext(p.ctx, w.org, w.parent); err != nil {
			return gongxu.Wrap(err, "clear bom of %s %s", w.org, w.parent)
		}
		for _, l := range w.lines {
			if _, err := p.insBOM.ExecContext(p.ctx, w.org, w.parent, l.child, l.js, p.height); err != nil {
				return gongxu.Wrap(err, "store bom line %s %s → %s", w.org, w.parent, l.child)
			}
		}
	}
	clear(p.boms)
	return nil
}

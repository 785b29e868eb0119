package member

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "member"

const prefix = Name + "/"

// Module is the member module. It has no fields: all of its state is in the KV.
type Module struct{}

// New returns the member module.
func New() *Module { return &Module{} }

// Name implements module.Module.
func (*Module) Name() string { return Name }

func pad(n uint64) string { return fmt.Sprintf("%020d", n) }

func orgKey(id gongxu.OrgID) []byte     { return []byte(prefix + "org/" + string(id)) }
func keyKey(k gongxu.PubKey) []byte     { return []byte(prefix + "key/" + string(k)) }
func propKey(id uint64) []byte          { return []byte(prefix + "prop/" + pad(id)) }
func valKey(k gongxu.PubKey) []byte     { return []byte(prefix + "val/" + string(k)) }
func gs1Key(p string) []byte            { return []byte(prefix + "gs1/" + p) }
func removedKey(id gongxu.OrgID) []byte { return []byte(prefix + "removed/" + string(id)) }

// Single keys.
var (
	paramsKey  = []byte(prefix + "params")
	countKey   = []byte(prefix + "count")
	propSeqKey = []byte(prefix + "propseq")
)

// Tombstone is what the module keeps of a removed org: its id is never
// admitted again, so nobody inherits its balances, lots or events.
type Tombstone struct {
	Org     gongxu.Org `json:"org"`     // the org as it was when removed
	Removed int64      `json:"removed"` // height of the removal
}

// Removed returns the tombstone of a removed org; ok is false when id was
// never removed.
func (*Module) Removed(r store.Reader, id gongxu.OrgID) (t Tombstone, ok bool, err error) {
	ok, err = module.Load(r, removedKey(id), &t)
	return t, ok, err
}

// PrefixOwner implements what the trace module expects of members: the org
// holding the longest declared GS1 company prefix that begins digits (the
// digits of a GS1 key from its company prefix on), and that prefix; "" when
// no declared prefix begins them. A removed org keeps its prefixes until
// governance takes them back, so its identifiers stay its own.
func (*Module) PrefixOwner(r store.Reader, digits string) (gongxu.OrgID, string, error) {
	for n := min(len(digits), 12); n >= 6; n-- {
		b, err := r.Get(gs1Key(digits[:n]))
		if err != nil {
			return "", "", err
		}
		if b != nil {
			return gongxu.OrgID(b), digits[:n], nil
		}
	}
	return "", "", nil
}

// prefixHolder returns the org holding a prefix exactly, or "".
func prefixHolder(r store.Reader, p string) (gongxu.OrgID, error) {
	b, err := r.Get(gs1Key(p))
	return gongxu.OrgID(b), err
}

// checkPrefixesFree refuses prefixes that are held already or overlap a
// held one (one begins the other), by any org, removed orgs included.
// Errors: KindConflict naming the holder.
func checkPrefixesFree(r store.Reader, ps []string) error {
	for _, p := range ps {
		for n := 6; n <= len(p); n++ {
			holder, err := prefixHolder(r, p[:n])
			if err != nil {
				return err
			}
			if holder == "" {
				continue
			}
			if n == len(p) {
				return gongxu.Errorf(gongxu.KindConflict, "GS1 company prefix %s is held by org %s", p, holder)
			}
			return gongxu.Errorf(gongxu.KindConflict, "GS1 company prefix %s overlaps prefix %s, held by org %s", p, p[:n], holder)
		}
		start := gs1Key(p)
		var longer string
		var holder gongxu.OrgID
		err := r.Iterate(start, module.PrefixEnd(start), func(k, v []byte) bool {
			longer, holder = string(k[len(prefix)+len("gs1/"):]), gongxu.OrgID(v)
			return false
		})
		if err != nil {
			return err
		}
		if longer != "" {
			return gongxu.Errorf(gongxu.KindConflict, "GS1 company prefix %s overlaps prefix %s, held by org %s", p, longer, holder)
		}
	}
	return nil
}

// openProposals indexes open proposals by deadline.
var openProposals = module.Deadlines{Prefix: prefix + "open/"}

// OrgOfKey implements chain.Auth: the org a signing key belongs to, or "".
func (*Module) OrgOfKey(r store.Reader, key gongxu.PubKey) (gongxu.OrgID, error) {
	b, err := r.Get(keyKey(key))
	if err != nil {
		return "", err
	}
	return gongxu.OrgID(b), nil
}

// Params implements chain.ParamsSource.
func (*Module) Params(r store.Reader) (gongxu.Params, error) {
	var p gongxu.Params
	ok, err := module.Load(r, paramsKey, &p)
	if err != nil {
		return p, err
	}
	if !ok {
		return gongxu.DefaultParams(), nil
	}
	return p, nil
}

// Org returns an org; KindNotFound when there is none.
func (*Module) Org(r store.Reader, id gongxu.OrgID) (gongxu.Org, error) {
	var o gongxu.Org
	b, err := r.Get(orgKey(id))
	if err != nil {
		return o, err
	}
	if b == nil {
		return o, gongxu.Errorf(gongxu.KindNotFound, "no member org %q", id)
	}
	if err := decodeOrg(orgKey(id), b, &o); err != nil {
		return o, err
	}
	return o, nil
}

// Orgs lists the member orgs, sorted by id (removed orgs are not members).
// Its cost grows with the membership, which only governance grows.
func (*Module) Orgs(r store.Reader) ([]gongxu.Org, error) {
	var out []gongxu.Org
	err := module.Each(r, []byte(prefix+"org/"), func(_ []byte, o gongxu.Org) bool {
		out = append(out, o)
		return true
	})
	return out, err
}

// SealKey returns the seal key org id registered ("" when none).
// Errors: KindNotFound for a non-member.
func (m *Module) SealKey(r store.Reader, id gongxu.OrgID) (gongxu.SealKey, error) {
	o, err := m.Org(r, id)
	return o.SealKey, err
}

// HasRole reports whether org id is a member with role. Other modules declare
// this in their expected interfaces.
func (m *Module) HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error) {
	o, err := m.Org(r, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return o.HasRole(role), nil
}

// Proposal returns a proposal; KindNotFound when there is none.
func (*Module) Proposal(r store.Reader, id uint64) (gongxu.Proposal, error) {
	var p gongxu.Proposal
	ok, err := module.Load(r, propKey(id), &p)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no proposal %d", id)
	}
	return p, nil
}

// Validators lists the validators, sorted by key.
func (*Module) Validators(r store.Reader) ([]gongxu.Validator, error) {
	var out []gongxu.Validator
	err := module.Each(r, []byte(prefix+"val/"), func(_ []byte, x gongxu.Validator) bool {
		out = append(out, x)
		return true
	})
	return out, err
}

func memberCount(r store.Reader) (int, error) {
	b, err := r.Get(countKey)
	if err != nil || b == nil {
		return 0, err
	}
	return strconv.Atoi(string(b))
}

func setCount(ctx *module.Context, n int) error {
	return ctx.KV.Set(countKey, []byte(strconv.Itoa(n)))
}

// saveOrg writes an org and emits its snapshot.
func saveOrg(ctx *module.Context, o gongxu.Org) error {
	b, err := encodeOrg(o) // module.Save's bytes, faster
	if err != nil {
		return err
	}
	if err := ctx.KV.Set(orgKey(o.ID), b); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventOrg, "org", string(o.ID), "json", string(b)))
	return nil
}

func saveProposal(ctx *module.Context, p gongxu.Proposal) error {
	p.Height = ctx.Height
	b, err := module.Save(ctx.KV, propKey(p.ID), p)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventProposal, "id", strconv.FormatUint(p.ID, 10), "status", string(p.Status), "json", string(b)))
	return nil
}

func saveParams(ctx *module.Context, p gongxu.Params) error {
	b, err := module.Save(ctx.KV, paramsKey, p)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventParams, "json", string(b)))
	return nil
}

// checkAdmissible checks that org o can be admitted now. Errors:
// KindConflict when its id is a member's or was ever admitted before (ids are
// never reused), or a key or a GS1 company prefix is taken.
func (m *Module) checkAdmissible(r store.Reader, o gongxu.Org) error {
	if _, err := m.Org(r, o.ID); err == nil {
		return gongxu.Errorf(gongxu.KindConflict, "org %s is already a member", o.ID)
	} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	if t, ok, err := m.Removed(r, o.ID); err != nil {
		return err
	} else if ok {
		return gongxu.Errorf(gongxu.KindConflict, "org id %s was admitted before and removed at height %d; org ids are never reused (its balances, lots and events stay its own): choose another id", o.ID, t.Removed)
	}
	for _, k := range o.Keys {
		if owner, err := m.OrgOfKey(r, k); err != nil {
			return err
		} else if owner != "" {
			return gongxu.Errorf(gongxu.KindConflict, "key %s already belongs to org %s", k, owner)
		}
	}
	return checkPrefixesFree(r, o.Prefixes)
}

// admit adds a new org with its keys and GS1 company prefixes. Errors: as
// checkAdmissible.
func (m *Module) admit(ctx *module.Context, o gongxu.Org) error {
	if err := m.checkAdmissible(ctx.KV, o); err != nil {
		return err
	}
	o.Since = ctx.Height
	o.Keys = slices.Clone(o.Keys)
	for _, k := range o.Keys {
		if err := ctx.KV.Set(keyKey(k), []byte(o.ID)); err != nil {
			return err
		}
	}
	o.Prefixes = sortedPrefixes(o.Prefixes)
	for _, p := range o.Prefixes {
		if err := setPrefix(ctx, p, o.ID); err != nil {
			return err
		}
	}
	n, err := memberCount(ctx.KV)
	if err != nil {
		return err
	}
	if err := setCount(ctx, n+1); err != nil {
		return err
	}
	return saveOrg(ctx, o)
}

// remove deletes an org, its keys and its validators. Errors: KindNotFound,
// KindConflict when it is the last org or runs the last validators.
func (m *Module) remove(ctx *module.Context, id gongxu.OrgID) error {
	o, err := m.Org(ctx.KV, id)
	if err != nil {
		return err
	}
	n, err := memberCount(ctx.KV)
	if err != nil {
		return err
	}
	if n <= 1 {
		return gongxu.Errorf(gongxu.KindConflict, "org %s is the last member and cannot be removed", id)
	}
	vals, err := m.Validators(ctx.KV)
	if err != nil {
		return err
	}
	var mine []gongxu.Validator
	for _, v := range vals {
		if v.Org == id {
			mine = append(mine, v)
		}
	}
	if len(mine) == len(vals) && len(vals) > 0 {
		return gongxu.Errorf(gongxu.KindConflict, "org %s runs every validator; add another validator first", id)
	}
	for _, v := range mine {
		if err := m.setValidator(ctx, gongxu.Validator{PubKey: v.PubKey, Org: v.Org, Power: 0}); err != nil {
			return err
		}
	}
	for _, k := range o.Keys {
		if err := ctx.KV.Delete(keyKey(k)); err != nil {
			return err
		}
	}
	if err := ctx.KV.Delete(orgKey(id)); err != nil {
		return err
	}
	// The id is never admitted again; its GS1 company prefixes stay reserved
	// to it until governance takes them back.
	if _, err := module.Save(ctx.KV, removedKey(id), Tombstone{Org: o, Removed: ctx.Height}); err != nil {
		return err
	}
	if err := setCount(ctx, n-1); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventOrgRemoved, "org", string(id)))
	return nil
}

// sortedPrefixes returns a sorted copy of ps (nil for none).
func sortedPrefixes(ps []string) []string {
	if len(ps) == 0 {
		return nil
	}
	out := slices.Clone(ps)
	slices.Sort(out)
	return out
}

// setPrefix records that org holds prefix p ("" releases it).
func setPrefix(ctx *module.Context, p string, org gongxu.OrgID) error {
	if org == "" {
		if err := ctx.KV.Delete(gs1Key(p)); err != nil {
			return err
		}
	} else if err := ctx.KV.Set(gs1Key(p), []byte(org)); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventGS1Prefix, "prefix", p, "org", string(org)))
	return nil
}

// assignPrefixes gives prefixes to a member org; execute has checked them
// (checkAction). Errors: KindNotFound for no such member.
func (m *Module) assignPrefixes(ctx *module.Context, id gongxu.OrgID, ps []string) error {
	o, err := m.Org(ctx.KV, id)
	if err != nil {
		return err
	}
	for _, p := range sortedPrefixes(ps) {
		if err := setPrefix(ctx, p, id); err != nil {
			return err
		}
	}
	o.Prefixes = sortedPrefixes(append(slices.Clone(o.Prefixes), ps...))
	return saveOrg(ctx, o)
}

// checkUnassign checks that org id (a member or a removed org) holds every
// prefix. Errors: KindNotFound naming the prefix and its holder.
func checkUnassign(r store.Reader, id gongxu.OrgID, ps []string) error {
	for _, p := range ps {
		holder, err := prefixHolder(r, p)
		if err != nil {
			return err
		}
		switch holder {
		case id:
		case "":
			return gongxu.Errorf(gongxu.KindNotFound, "no org holds GS1 company prefix %s", p)
		default:
			return gongxu.Errorf(gongxu.KindNotFound, "GS1 company prefix %s is held by org %s, not %s", p, holder, id)
		}
	}
	return nil
}

// unassignPrefixes takes prefixes back from the org holding them, a member
// or a removed org. Errors: as checkUnassign.
func (m *Module) unassignPrefixes(ctx *module.Context, id gongxu.OrgID, ps []string) error {
	if err := checkUnassign(ctx.KV, id, ps); err != nil {
		return err
	}
	for _, p := range sortedPrefixes(ps) {
		if err := setPrefix(ctx, p, ""); err != nil {
			return err
		}
	}
	drop := func(held []string) []string {
		return sortedPrefixes(slices.DeleteFunc(slices.Clone(held), func(p string) bool { return slices.Contains(ps, p) }))
	}
	if o, err := m.Org(ctx.KV, id); err == nil {
		o.Prefixes = drop(o.Prefixes)
		return saveOrg(ctx, o)
	} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	t, ok, err := m.Removed(ctx.KV, id)
	if err != nil || !ok {
		return err
	}
	t.Org.Prefixes = drop(t.Org.Prefixes)
	_, err = module.Save(ctx.KV, removedKey(id), t)
	return err
}

// setValidator records a validator (power 0 removes it) and schedules the
// consensus update.
func (m *Module) setValidator(ctx *module.Context, v gongxu.Validator) error {
	pub, err := v.PubKey.Bytes()
	if err != nil {
		return err
	}
	if v.Power == 0 {
		if err := ctx.KV.Delete(valKey(v.PubKey)); err != nil {
			return err
		}
	} else if _, err := module.Save(ctx.KV, valKey(v.PubKey), v); err != nil {
		return err
	}
	ctx.UpdateValidator(pub, v.Power)
	ctx.Emit(gongxu.NewEvent(gongxu.EventValidator, "pub_key", string(v.PubKey), "power", strconv.FormatInt(v.Power, 10), "org", string(v.Org)))
	return nil
}

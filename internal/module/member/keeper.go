package member

import (
	"encoding/json"
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

func kv(ctx *module.Context) store.KV { return module.Prefixed(ctx.KV, prefix) }

func get(r store.Reader, key string, v any) (bool, error) {
	b, err := r.Get([]byte(prefix + key))
	if err != nil || b == nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("member state %s: %w", key, err)
	}
	return true, nil
}

func put(s store.KV, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.Set([]byte(key), b)
}

func pad(n uint64) string { return fmt.Sprintf("%020d", n) }

func orgKey(id gongxu.OrgID) string { return "org/" + string(id) }
func keyKey(k gongxu.PubKey) string { return "key/" + string(k) }
func propKey(id uint64) string      { return "prop/" + pad(id) }
func valKey(k gongxu.PubKey) string { return "val/" + string(k) }

// openProposals indexes open proposals by deadline.
var openProposals = module.Deadlines{Prefix: prefix + "open/"}

// OrgOfKey implements chain.Auth: the org a signing key belongs to, or "".
func (*Module) OrgOfKey(r store.Reader, key gongxu.PubKey) (gongxu.OrgID, error) {
	b, err := r.Get([]byte(prefix + keyKey(key)))
	if err != nil {
		return "", err
	}
	return gongxu.OrgID(b), nil
}

// Params implements chain.ParamsSource.
func (*Module) Params(r store.Reader) (gongxu.Params, error) {
	var p gongxu.Params
	ok, err := get(r, "params", &p)
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
	ok, err := get(r, orgKey(id), &o)
	if err != nil {
		return o, err
	}
	if !ok {
		return o, gongxu.Errorf(gongxu.KindNotFound, "no member org %q", id)
	}
	return o, nil
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
	ok, err := get(r, propKey(id), &p)
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
	var ierr error
	start := []byte(prefix + "val/")
	err := r.Iterate(start, module.PrefixEnd(start), func(_, v []byte) bool {
		var x gongxu.Validator
		if ierr = json.Unmarshal(v, &x); ierr != nil {
			return false
		}
		out = append(out, x)
		return true
	})
	if err == nil {
		err = ierr
	}
	return out, err
}

func memberCount(r store.Reader) (int, error) {
	b, err := r.Get([]byte(prefix + "count"))
	if err != nil || b == nil {
		return 0, err
	}
	return strconv.Atoi(string(b))
}

func setCount(ctx *module.Context, n int) error {
	return kv(ctx).Set([]byte("count"), []byte(strconv.Itoa(n)))
}

// saveOrg writes an org and emits its snapshot.
func saveOrg(ctx *module.Context, o gongxu.Org) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := kv(ctx).Set([]byte(orgKey(o.ID)), b); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent("member.org", "org", string(o.ID), "json", string(b)))
	return nil
}

func saveProposal(ctx *module.Context, p gongxu.Proposal) error {
	p.Height = ctx.Height
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := kv(ctx).Set([]byte(propKey(p.ID)), b); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent("member.proposal", "id", strconv.FormatUint(p.ID, 10), "status", string(p.Status), "json", string(b)))
	return nil
}

func saveParams(ctx *module.Context, p gongxu.Params) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := kv(ctx).Set([]byte("params"), b); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent("member.params", "json", string(b)))
	return nil
}

// admit adds a new org with its keys. Errors: KindConflict when the id or a
// key is taken.
func (m *Module) admit(ctx *module.Context, o gongxu.Org) error {
	if _, err := m.Org(ctx.KV, o.ID); err == nil {
		return gongxu.Errorf(gongxu.KindConflict, "org %s is already a member", o.ID)
	} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	for _, k := range o.Keys {
		if owner, err := m.OrgOfKey(ctx.KV, k); err != nil {
			return err
		} else if owner != "" {
			return gongxu.Errorf(gongxu.KindConflict, "key %s already belongs to org %s", k, owner)
		}
	}
	o.Since = ctx.Height
	o.Keys = slices.Clone(o.Keys)
	for _, k := range o.Keys {
		if err := kv(ctx).Set([]byte(keyKey(k)), []byte(o.ID)); err != nil {
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
		if err := kv(ctx).Delete([]byte(keyKey(k))); err != nil {
			return err
		}
	}
	if err := kv(ctx).Delete([]byte(orgKey(id))); err != nil {
		return err
	}
	if err := setCount(ctx, n-1); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent("member.org_removed", "org", string(id)))
	return nil
}

// setValidator records a validator (power 0 removes it) and schedules the
// consensus update.
func (m *Module) setValidator(ctx *module.Context, v gongxu.Validator) error {
	pub, err := v.PubKey.Bytes()
	if err != nil {
		return err
	}
	if v.Power == 0 {
		if err := kv(ctx).Delete([]byte(valKey(v.PubKey))); err != nil {
			return err
		}
	} else if err := put(kv(ctx), valKey(v.PubKey), v); err != nil {
		return err
	}
	ctx.UpdateValidator(pub, v.Power)
	ctx.Emit(gongxu.NewEvent("member.validator", "pub_key", string(v.PubKey), "power", strconv.FormatInt(v.Power, 10), "org", string(v.Org)))
	return nil
}

package cli

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// DemoOrgs is the example network that gongxu up --demo admits.
var DemoOrgs = []gongxu.Org{
	{ID: "lakeside-fabrics", Name: "Lakeside Fabrics", Roles: []gongxu.Role{gongxu.RoleSupplier}, Description: "Cotton and linen weaving, dye works"},
	{ID: "acme-apparel", Name: "Acme Apparel", Roles: []gongxu.Role{gongxu.RoleFactory}, Description: "Jackets and outerwear, 40 sewing lines"},
	{ID: "sunrise-garments", Name: "Sunrise Garments", Roles: []gongxu.Role{gongxu.RoleFactory}, Description: "Knitwear and T-shirts"},
	{ID: "hilltown-hub", Name: "Hilltown Community Hub", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Group-buy leader for Hilltown village"},
	{ID: "riverside-hub", Name: "Riverside Shop", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Corner shop and pickup point"},
	{ID: "oldtown-hub", Name: "Old Town Pickup Point", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Parcel lockers by the bus station"},
}

// runDemo admits the demo orgs through governance, one proposal each, with the
// members already admitted voting yes until each passes. It signs with keys
// in the home's keyring (one per org, named after it) and is idempotent.
func runDemo(ctx context.Context, env *Env, n *node) error {
	kr, err := keyring.Open(env.KeysDir())
	if err != nil {
		return err
	}
	chainID := n.chain.ChainID()
	submit := func(keyName, typ string, body any) (gongxu.TxResult, error) {
		k, err := kr.Get(keyName)
		if err != nil {
			return gongxu.TxResult{}, err
		}
		acc, err := n.comet.Account(ctx, k.PubKey)
		if err != nil {
			return gongxu.TxResult{}, err
		}
		b, _ := json.Marshal(body)
		raw := gongxu.SignTx(chainID, k.Private, typ, b, acc.Sequence).Encode()
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return n.comet.Submit(wctx, raw, true)
	}
	// Wait for the first block, so genesis is committed.
	for n.comet.Height() < 1 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	voters := []string{OperatorKey}
	for _, o := range DemoOrgs {
		k, err := kr.Get(string(o.ID))
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			k, err = kr.Add(string(o.ID))
		}
		if err != nil {
			return err
		}
		if owner, err := n.chain.Account(k.PubKey); err != nil {
			return err
		} else if owner.Org != "" {
			voters = append(voters, string(o.ID))
			continue
		}
		o.Keys = []gongxu.PubKey{k.PubKey}
		r, err := submit(OperatorKey, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "Admit " + o.Name, Org: &o})
		if err != nil {
			return err
		}
		if r.Code != 0 {
			return gongxu.Errorf(gongxu.Kind(r.Code), "demo proposal to admit %s: %s", o.ID, r.Message)
		}
		id, err := lastProposal(ctx, n)
		if err != nil {
			return err
		}
		for _, v := range voters[1:] {
			p, err := n.member().Proposal(n.chain.State(), id)
			if err != nil {
				return err
			}
			if p.Status != gongxu.ProposalOpen {
				break
			}
			if r, err := submit(v, member.TypeVote, member.MsgVote{Proposal: id, Yes: true}); err != nil {
				return err
			} else if r.Code != 0 {
				return gongxu.Errorf(gongxu.Kind(r.Code), "demo vote of %s: %s", v, r.Message)
			}
		}
		voters = append(voters, string(o.ID))
		n.log.Info("demo: admitted", "org", o.ID)
	}
	// A little everyday activity, so the pages show more than governance.
	for _, o := range DemoOrgs[:3] {
		if _, err := submit(string(o.ID), member.TypeUpdateOrg, member.MsgUpdateOrg{Contact: "orders@" + string(o.ID) + ".example"}); err != nil {
			return err
		}
	}
	n.log.Info("demo: the example network is in place", "orgs", len(DemoOrgs)+1)
	return nil
}

// lastProposal returns the id of the newest proposal in the committed state.
func lastProposal(_ context.Context, n *node) (uint64, error) {
	var id uint64
	for i := uint64(1); ; i++ {
		if _, err := n.member().Proposal(n.chain.State(), i); err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				return id, nil
			}
			return 0, err
		}
		id = i
	}
}

package cli

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/seal"
)

// sealBody seals the prices of a purchase order (production/po: the
// supplier's offer prices) or of a proposal (production/po_propose) to the
// factory and the supplier, as a node does for what it signs, when both
// have registered seal keys (a proposal on a sealed order always). Other
// bodies, and orders between parties without seal keys, are returned as
// they are. A node that cannot be asked is no reason to fail a --dry-run:
// its body stays as given.
func (env *Env) sealBody(c *client.Client, signer gongxu.PubKey, typ string, body []byte, dryRun bool) ([]byte, error) {
	if typ != production.TypePO && typ != production.TypePOPropose {
		return body, nil
	}
	skip := func(err error) ([]byte, error) {
		switch k := gongxu.ErrorKind(err); {
		case k == gongxu.KindNotFound, dryRun && k == gongxu.KindUnavailable:
			return body, nil
		}
		return nil, env.nodeErr(err)
	}
	sealKey := func(org gongxu.OrgID) (gongxu.SealKey, error) {
		o, err := c.Org(env.Ctx, org)
		return o.SealKey, err
	}
	readers := func(factory, supplier gongxu.OrgID) ([]seal.Reader, error) {
		var out []seal.Reader
		for _, org := range []gongxu.OrgID{factory, supplier} {
			k, err := sealKey(org)
			if err != nil {
				return nil, err
			}
			if k == "" {
				return nil, nil
			}
			out = append(out, seal.Reader{Org: org, Key: k})
		}
		return out, nil
	}
	switch typ {
	case production.TypePO:
		var m production.MsgPO
		if err := json.Unmarshal(body, &m); err != nil || m.Terms != nil {
			return body, nil
		}
		acc, err := c.Account(env.Ctx, signer)
		if err != nil {
			return skip(err)
		}
		rs, err := readers(acc.Org, m.Supplier)
		if err != nil || rs == nil {
			return skip(err)
		}
		offers, err := c.Offers(env.Ctx, m.Supplier)
		if err != nil {
			return skip(err)
		}
		lines := make([]gongxu.POLine, len(m.Lines))
		prices := make([]gongxu.Amount, len(m.Lines))
		for i, l := range m.Lines {
			found := false
			for _, o := range offers {
				if o.Item != l.Item {
					continue
				}
				if o.Terms != nil {
					if o, err = env.openOffer(o, acc.Org); err != nil {
						return nil, err
					}
				}
				prices[i], found = o.PriceFor(l.Qty), true
			}
			if !found {
				return body, nil // the ledger refuses it with its reason
			}
			lines[i] = gongxu.POLine{Item: l.Item, Qty: l.Qty, Date: l.Date}
		}
		t, err := sealed(lines, prices, rs)
		if err != nil {
			return nil, err
		}
		m.Terms = t
		return json.Marshal(m)
	default:
		var m gongxu.POProposeBody
		if err := json.Unmarshal(body, &m); err != nil || m.Terms != nil {
			return body, nil
		}
		po, err := c.PO(env.Ctx, m.PO)
		if err != nil {
			return skip(err)
		}
		rs, err := readers(po.Factory, po.Supplier)
		if err != nil || rs == nil {
			return skip(err)
		}
		prices := make([]gongxu.Amount, len(m.Lines))
		for i := range m.Lines {
			prices[i], m.Lines[i].UnitPrice = m.Lines[i].UnitPrice, 0
		}
		t, err := sealed(m.Lines, prices, rs)
		if err != nil {
			return nil, err
		}
		m.Terms = t
		return json.Marshal(m)
	}
}

// sealOffer seals an offer's prices to the --from key's org and the named
// factories, with the seal keys they registered.
func (env *Env) sealOffer(o *txOptions, m *production.MsgOffer, to []string) error {
	if m.UnitPrice > 0 && len(m.Tiers) == 0 {
		m.Tiers, m.UnitPrice = []gongxu.OfferTier{{MinQty: 0, UnitPrice: m.UnitPrice}}, 0
	}
	if len(m.Tiers) == 0 {
		return invalidf("give --price or --tiers to seal")
	}
	kr, err := env.Keyring()
	if err != nil {
		return err
	}
	key, err := kr.Get(o.from)
	if err != nil {
		return err
	}
	c := env.Client()
	acc, err := c.Account(env.Ctx, key.PubKey)
	if err != nil {
		return env.nodeErr(err)
	}
	orgs := []gongxu.OrgID{acc.Org}
	for _, f := range to {
		orgs = append(orgs, gongxu.OrgID(strings.TrimSpace(f)))
	}
	var rs []seal.Reader
	for _, org := range orgs {
		og, err := c.Org(env.Ctx, org)
		if err != nil {
			return env.nodeErr(err)
		}
		if og.SealKey == "" {
			return invalidf("org %s has registered no seal key; nothing can be sealed to it", org)
		}
		rs = append(rs, seal.Reader{Org: org, Key: og.SealKey})
	}
	prices := make([]gongxu.Amount, len(m.Tiers))
	for i := range m.Tiers {
		prices[i], m.Tiers[i].UnitPrice = m.Tiers[i].UnitPrice, 0
	}
	lines := gongxu.SupplyOffer{Item: m.Item, Tiers: m.Tiers}.TermLines()
	t, err := sealed(lines, prices, rs)
	if err != nil {
		return err
	}
	m.Terms = t
	return nil
}

// openOffer fills in a sealed offer's tier prices with the home keyring's
// seal key of org.
func (env *Env) openOffer(off gongxu.SupplyOffer, org gongxu.OrgID) (gongxu.SupplyOffer, error) {
	kr, err := env.Keyring()
	if err != nil {
		return off, err
	}
	for _, kb := range off.Terms.Keys {
		if kb.Org != org {
			continue
		}
		k, err := kr.SealKeyFor(kb.Key)
		if err != nil {
			return off, err
		}
		t, err := seal.Open(*off.Terms, off.TermLines(), org, k.Private)
		if err != nil {
			return off, err
		}
		off.Tiers = append([]gongxu.OfferTier{}, off.Tiers...)
		for i := range off.Tiers {
			off.Tiers[i].UnitPrice = t.Prices[i]
		}
		return off, nil
	}
	return off, gongxu.Errorf(gongxu.KindUnauthorized, "%s's offer of %s is not sealed to %s", off.Supplier, off.Item, org)
}

func sealed(lines []gongxu.POLine, prices []gongxu.Amount, rs []seal.Reader) (*gongxu.SealedTerms, error) {
	t, err := seal.NewTerms(nil, prices, "")
	if err != nil {
		return nil, err
	}
	s, err := seal.Seal(nil, lines, t, rs...)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// newTxProdPODiscloseCmd builds "tx production po-disclose": a party of a
// sealed purchase order discloses its agreed terms to another member (a
// dispute panel). The terms are opened with the home keyring's seal key
// and sealed again to that org alone, under the same commitment; its node
// checks them against the commitment when it opens them.
func newTxProdPODiscloseCmd(env *Env, o *txOptions) *cobra.Command {
	var to string
	c := &cobra.Command{
		Use:   "po-disclose PO_ID --to ORG",
		Short: "Disclose a sealed purchase order's agreed terms to another member org (a dispute panel)",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "to"); err != nil {
				return err
			}
			m := production.MsgPODisclose{PO: id, To: gongxu.OrgID(to)}
			if err := m.To.Validate(); err != nil {
				return asUsage(err)
			}
			c := env.Client()
			po, err := c.PO(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			if po.Terms == nil {
				return invalidf("purchase order %d's terms are not sealed; there is nothing to disclose", id)
			}
			kr, err := env.Keyring()
			if err != nil {
				return err
			}
			var terms gongxu.Terms
			opened := false
			for _, kb := range po.Terms.Keys {
				k, err := kr.SealKeyFor(kb.Key)
				if err != nil {
					continue
				}
				if terms, err = seal.Open(*po.Terms, po.Lines, kb.Org, k.Private); err != nil {
					return err
				}
				opened = true
				break
			}
			if !opened {
				return gongxu.Errorf(gongxu.KindUnauthorized, "the keyring in %s holds no seal key purchase order %d's terms are sealed to", env.KeysDir(), id)
			}
			panel, err := c.Org(env.Ctx, m.To)
			if err != nil {
				return env.nodeErr(err)
			}
			if panel.SealKey == "" {
				return invalidf("org %s has registered no seal key; nothing can be disclosed to it", m.To)
			}
			s, err := seal.Seal(nil, po.Lines, terms, seal.Reader{Org: m.To, Key: panel.SealKey})
			if err != nil {
				return err
			}
			m.Terms = s
			return env.sendMsg(cmd, o, production.TypePODisclose, &m)
		},
	}
	c.Flags().StringVar(&to, "to", "", "the member `ORG` to disclose the terms to")
	return c
}

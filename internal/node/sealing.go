package node

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/seal"
)

// sealBody seals the prices of a purchase order (production/po), of a
// supplier's proposal (production/po_propose) or of a change to a sealed
// order (production/po_change) that the node is about to
// sign for org, when both parties have registered seal keys on the ledger:
// the prices go into terms sealed to both, the lines keep 0. A body that is
// sealed already, of another type, or between parties without seal keys is
// returned as it is (a proposal on a sealed order is refused by the ledger
// unless sealed). The randomness is drawn here, before signing, never at
// block time.
func (n *Node) sealBody(org gongxu.OrgID, typ string, b []byte) ([]byte, error) {
	switch typ {
	case production.TypePO:
		var m production.MsgPO
		if err := json.Unmarshal(b, &m); err != nil || m.Terms != nil {
			return b, nil // the ledger judges it
		}
		readers, ok := n.sealReaders(org, m.Supplier)
		if !ok {
			return b, nil
		}
		lines := make([]gongxu.POLine, len(m.Lines))
		prices := make([]gongxu.Amount, len(m.Lines))
		for i, l := range m.Lines {
			off, err := n.mods.Production.Offer(n.State(), m.Supplier, l.Item)
			if err != nil {
				return b, nil // no offer: the ledger refuses it with its reason
			}
			if off.Terms != nil {
				if off, err = n.openOffer(off, org); err != nil {
					return nil, err
				}
			}
			lines[i] = gongxu.POLine{Item: l.Item, Qty: l.Qty, Date: l.Date, Release: l.Release}
			prices[i] = off.PriceFor(l.Qty)
		}
		t, err := n.sealTerms(lines, prices, readers)
		if err != nil {
			return nil, err
		}
		m.Terms = t
		return json.Marshal(m)
	case production.TypePOPropose:
		var m gongxu.POProposeBody
		if err := json.Unmarshal(b, &m); err != nil || m.Terms != nil {
			return b, nil
		}
		po, err := n.mods.Production.PO(n.State(), m.PO)
		if err != nil || po.Supplier != org {
			return b, nil
		}
		readers, ok := n.sealReaders(po.Factory, po.Supplier)
		if !ok {
			return b, nil
		}
		prices := make([]gongxu.Amount, len(m.Lines))
		for i := range m.Lines {
			prices[i] = m.Lines[i].UnitPrice
			m.Lines[i].UnitPrice = 0
		}
		t, err := n.sealTerms(m.Lines, prices, readers)
		if err != nil {
			return nil, err
		}
		m.Terms = t
		return json.Marshal(m)
	case production.TypePOChange:
		// A change to a sealed order is sealed like the order's terms.
		var m gongxu.POChangeBody
		if err := json.Unmarshal(b, &m); err != nil || m.Terms != nil {
			return b, nil
		}
		po, err := n.mods.Production.PO(n.State(), m.PO)
		if err != nil || po.Terms == nil || (org != po.Factory && org != po.Supplier) {
			return b, nil
		}
		readers, ok := n.sealReaders(po.Factory, po.Supplier)
		if !ok {
			return b, nil
		}
		prices := make([]gongxu.Amount, len(m.Lines))
		for i := range m.Lines {
			prices[i] = m.Lines[i].UnitPrice
			m.Lines[i].UnitPrice = 0
		}
		t, err := n.sealTerms(m.Lines, prices, readers)
		if err != nil {
			return nil, err
		}
		m.Terms = t
		return json.Marshal(m)
	}
	return b, nil
}

// openOffer fills in the tier prices of a sealed offer with the seal key of
// org in the node's keyring. Errors: KindUnauthorized when the offer is not
// sealed to org or does not open as committed, KindNotFound when the
// keyring lacks the key.
func (n *Node) openOffer(off gongxu.SupplyOffer, org gongxu.OrgID) (gongxu.SupplyOffer, error) {
	if n.sign == nil {
		return off, gongxu.Errorf(gongxu.KindUnavailable, "the node has no keyring to open sealed offers with")
	}
	for _, kb := range off.Terms.Keys {
		if kb.Org != org {
			continue
		}
		k, err := n.sign.kr.SealKeyFor(kb.Key)
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

// sealReaders are the factory and the supplier with the seal keys they
// have registered; false when either has none.
func (n *Node) sealReaders(factory, supplier gongxu.OrgID) ([]seal.Reader, bool) {
	var out []seal.Reader
	for _, org := range []gongxu.OrgID{factory, supplier} {
		k, err := n.mods.Member.SealKey(n.State(), org)
		if err != nil || k == "" {
			return nil, false
		}
		out = append(out, seal.Reader{Org: org, Key: k})
	}
	return out, true
}

func (n *Node) sealTerms(lines []gongxu.POLine, prices []gongxu.Amount, readers []seal.Reader) (*gongxu.SealedTerms, error) {
	t, err := seal.NewTerms(nil, prices, "")
	if err != nil {
		return nil, err
	}
	if err := t.Validate(len(lines)); err != nil {
		return nil, err
	}
	s, err := seal.Seal(nil, lines, t, readers...)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// openPO fills in a sealed purchase order's prices when the node's keyring
// holds the seal key of one of its readers: a party (the order's terms and
// its proposal's) or an org a party disclosed the terms to. Terms that do
// not open or do not match their commitment are not shown; Opened.Refused
// says why. Every other node sees the prices as 0, sealed.
func (n *Node) openPO(po gongxu.PurchaseOrder) gongxu.PurchaseOrder {
	if po.Terms == nil || n.sign == nil {
		return po
	}
	kr := n.sign.kr
	open := func(t *gongxu.SealedTerms, lines []gongxu.POLine) (gongxu.OrgID, gongxu.Terms, bool, error) {
		for _, kb := range t.Keys {
			k, err := kr.SealKeyFor(kb.Key)
			if err != nil {
				continue
			}
			terms, err := seal.Open(*t, lines, kb.Org, k.Private)
			return kb.Org, terms, true, err
		}
		return "", gongxu.Terms{}, false, nil
	}
	fill := func(lines []gongxu.POLine, prices []gongxu.Amount) []gongxu.POLine {
		out := append([]gongxu.POLine{}, lines...)
		for i := range out {
			out[i].UnitPrice = prices[i]
		}
		return out
	}
	var opened *gongxu.OpenedTerms
	if as, terms, ok, err := open(po.Terms, po.Lines); ok {
		opened = &gongxu.OpenedTerms{As: as}
		if err != nil {
			opened.Refused = gongxu.ErrorMessage(err)
		} else {
			po.Lines, opened.Note = fill(po.Lines, terms.Prices), terms.Note
			for i, st := range po.Negotiation {
				if st.Commitment == po.Terms.Commitment && len(st.Lines) == len(terms.Prices) {
					po.Negotiation[i].Lines = fill(st.Lines, terms.Prices)
				}
			}
		}
		if po.ProposalTerms != nil {
			if _, pt, ok, err := open(po.ProposalTerms, po.Proposal); ok && err == nil {
				po.Proposal, opened.Proposal = fill(po.Proposal, pt.Prices), true
				for i, st := range po.Negotiation {
					if st.Commitment == po.ProposalTerms.Commitment && len(st.Lines) == len(pt.Prices) {
						po.Negotiation[i].Lines = fill(st.Lines, pt.Prices)
					}
				}
			}
		}
	} else {
		for _, d := range po.Disclosures {
			d := d
			as, terms, ok, err := open(&d.Terms, po.Lines)
			if !ok {
				continue
			}
			opened = &gongxu.OpenedTerms{As: as, Disclose: d.By}
			if err == nil && d.Terms.Commitment != po.Terms.Commitment {
				err = gongxu.Errorf(gongxu.KindUnauthorized, "the disclosure is under another commitment than the order's")
			}
			if err != nil {
				opened.Refused = gongxu.ErrorMessage(err)
				continue // another party's disclosure may be honest
			}
			po.Lines, opened.Note, opened.Refused = fill(po.Lines, terms.Prices), terms.Note, ""
			break
		}
	}
	po.Opened = opened
	return po
}

// ownKey marks a request's context as the node's own org's: from this
// machine, or with one of the node's API tokens. Only such requests see the
// sealed terms this node opens; anyone else reaching the node's public read
// routes (a node bound beyond loopback, remote sign-ins included) sees them
// sealed, as on any other member's node.
type ownKey struct{}

// tokenChecker is the node's API token store.
type tokenChecker interface {
	Check(secret string) (id, name string, ok bool)
}

// ownReaders marks the requests of the node's own org (ownKey). Behind a
// reverse proxy on this machine every request comes from loopback, so a request the proxy forwarded (it carries Forwarded,
// X-Forwarded-For or X-Real-IP) never counts as from this machine, and with
// behindProxy (HTTPConfig.BehindProxy) none does: then only an API token
// shows the opened terms.
func ownReaders(h http.Handler, tokens tokenChecker, behindProxy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		own := false
		forwarded := r.Header.Get("Forwarded") != "" || r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Real-Ip") != ""
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && !behindProxy && !forwarded {
			if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
				own = true
			}
		}
		if secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && !own && tokens != nil {
			_, _, own = tokens.Check(secret)
		}
		if own {
			r = r.WithContext(context.WithValue(r.Context(), ownKey{}, true))
		}
		h.ServeHTTP(w, r)
	})
}

func own(ctx context.Context) bool { v, _ := ctx.Value(ownKey{}).(bool); return v }

// unsealed is the read model's production service with the purchase
// orders this node may open opened (openPO): what the node's own pages and
// API show its org.
type unsealed struct {
	gongxu.ProductionService
	n *Node
}

func (u unsealed) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	po, err := u.ProductionService.PO(ctx, id)
	if err != nil || !own(ctx) {
		return po, err
	}
	return u.n.openPO(po), nil
}

// Offers opens the sealed offers this node's keyring opens, for its own org.
func (u unsealed) Offers(ctx context.Context, supplier gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	offs, err := u.ProductionService.Offers(ctx, supplier)
	if err != nil || !own(ctx) || u.n.sign == nil {
		return offs, err
	}
	for i, off := range offs {
		if off.Terms == nil {
			continue
		}
		for _, kb := range off.Terms.Keys {
			if _, err := u.n.sign.kr.SealKeyFor(kb.Key); err == nil {
				if o, err := u.n.openOffer(off, kb.Org); err == nil {
					offs[i] = o
				}
				break
			}
		}
	}
	return offs, nil
}

func (u unsealed) POs(ctx context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	pos, err := u.ProductionService.POs(ctx, org, limit)
	if err != nil || !own(ctx) {
		return pos, err
	}
	for i := range pos {
		pos[i] = u.n.openPO(pos[i])
	}
	return pos, nil
}

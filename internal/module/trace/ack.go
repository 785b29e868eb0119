package trace

import (
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Bounds of the walk that decides whether a recall reaches a hub's goods:
// the lots it visits and the stored events it reads. A genealogy beyond
// them refuses the acknowledgement (deterministically: the same bound on
// every node).
const (
	maxAckLots   = 256
	maxAckEvents = 4096
)

func ackKey(recall uint64, hub gongxu.OrgID) []byte {
	return []byte(prefix + "ack/" + pad(recall) + "/" + string(hub))
}

// handleRecallAck records a hub's acknowledgement of a recall: the sender
// is a hub; the recall reaches the goods of the pool that the factory
// shipped to it (a lot of the shipment is the recalled lot, or was made of
// it or received from it, however many steps back); once per hub and
// recall.
func (m *Module) handleRecallAck(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgRecallAck)
	hub := ctx.Org
	isHub, err := m.members.HasRole(ctx.KV, hub, gongxu.RoleHub)
	if err != nil {
		return err
	}
	if !isHub {
		return unauthorized("org %s is not a hub: recalls are acknowledged by the hubs they reach", hub)
	}
	rc, err := m.Recall(ctx.KV, a.Recall)
	if err != nil {
		return err
	}
	if ok, err := module.Has(ctx.KV, ackKey(rc.ID, hub)); err != nil {
		return err
	} else if ok {
		return conflict("hub %s already acknowledged recall %d", hub, rc.ID)
	}
	shipped, err := m.shippedToHub(ctx.KV, a.Pool, hub)
	if err != nil {
		return err
	}
	if len(shipped) == 0 {
		return unauthorized("nothing of pool %d was shipped to hub %s: a hub acknowledges a recall that reaches the goods shipped to it", a.Pool, hub)
	}
	reached, err := m.reaches(ctx.KV, rc.Identifier, shipped)
	if err != nil {
		return err
	}
	if !reached {
		return unauthorized("recall %d (%s) does not reach the goods of pool %d shipped to hub %s", rc.ID, rc.Identifier, a.Pool, hub)
	}
	ack := gongxu.RecallAck{Recall: rc.ID, Hub: hub, Pool: a.Pool, Height: ctx.Height, Time: ctx.Time, Tx: ctx.TxHash}
	b, err := module.Save(ctx.KV, ackKey(rc.ID, hub), ack)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventTraceRecallAck, "recall", uitoa(rc.ID), "hub", string(hub), "pool", uitoa(a.Pool), "json", string(b)))
	return nil
}

// shippedToHub returns the identifiers of what the factory packed into the
// shipping unit of pool's goods for hub (pool/ship), in order; none when
// nothing was shipped.
func (m *Module) shippedToHub(r store.Reader, pool uint64, hub gongxu.OrgID) ([]string, error) {
	unit, err := m.parser.Canonical(gongxu.ShipmentURN(pool, hub))
	if err != nil {
		return nil, err
	}
	var out []string
	n := 0
	err = m.EventsFor(r, unit, func(e gongxu.TraceEvent) bool {
		n++
		if e.Flow == gongxu.FlowShipToHub && e.Parent == unit {
			for _, q := range e.ChildQuantities {
				if !slices.Contains(out, q.Class) {
					out = append(out, q.Class)
				}
			}
			out = append(out, e.Children...)
		}
		return n < maxAckEvents
	})
	return out, err
}

// reaches reports whether ident (a recall's canonical identifier) is one of
// from, or behind one of them: an input of a transformation that made it,
// or the lot a ledger lot was received from, any number of steps back
// within the walk's bounds.
func (m *Module) reaches(r store.Reader, ident string, from []string) (bool, error) {
	seen := map[string]bool{}
	queue := slices.Clone(from)
	events := 0
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		if id == ident {
			return true, nil
		}
		seen[id] = true
		if len(seen) > maxAckLots {
			return false, conflict("the goods' genealogy is longer than %d lots: this recall cannot be acknowledged on the ledger", maxAckLots)
		}
		// The transformations that made it: their inputs.
		var ierr error
		err := m.EventsFor(r, id, func(e gongxu.TraceEvent) bool {
			events++
			if events > maxAckEvents {
				ierr = conflict("the goods' genealogy names more than %d events: this recall cannot be acknowledged on the ledger", maxAckEvents)
				return false
			}
			if e.Type != "TransformationEvent" || e.IsErrorDeclaration() {
				return true
			}
			made := slices.Contains(e.Outputs, id)
			for _, q := range e.OutputQuantities {
				made = made || q.Class == id
			}
			if made {
				queue = append(queue, e.Inputs...)
				for _, q := range e.InputQuantities {
					queue = append(queue, q.Class)
				}
			}
			return true
		})
		if err != nil {
			return false, err
		}
		if ierr != nil {
			return false, ierr
		}
		// A ledger lot received from a supplier's lot.
		if gongxu.IsLotURN(id) {
			lot, err := gongxu.ParseLotURN(id)
			if err != nil {
				continue
			}
			l, err := m.lots.Lot(r, lot)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				continue
			}
			if err != nil {
				return false, err
			}
			if l.From != "" {
				queue = append(queue, gongxu.LotURN(l.From))
			}
		}
	}
	return false, nil
}

// RecallAck returns a hub's acknowledgement of a recall. Errors:
// KindNotFound.
func (*Module) RecallAck(r store.Reader, recall uint64, hub gongxu.OrgID) (gongxu.RecallAck, error) {
	return module.Find[gongxu.RecallAck](r, ackKey(recall, hub), "hub %s did not acknowledge recall %d", hub, recall)
}

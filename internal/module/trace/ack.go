package trace

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Bounds of the walk that decides whether a recall reaches a hub's goods:
// the lots it visits, the stored events it reads and their bytes. A
// genealogy beyond them refuses the acknowledgement (deterministically: the
// same bound on every node), so that an acknowledgement costs at most its
// Weight whatever events members captured about the lots.
const (
	maxAckLots   = 64
	maxAckEvents = 256
	maxAckBytes  = 64 << 10
)

// Weight implements module.Weigher: an acknowledgement may read up to
// maxAckBytes of stored event records, which it weighs as a capture of a
// fifth of that size would (reading a record is lighter than capturing
// it: no schema, no hash, no writes). A bound chosen with margin, not
// measured; acknowledgements are rare (one per hub and recall).
func (m *MsgRecallAck) Weight() int64 { return 1 + maxAckBytes/5/20 }

// ackWalk is the budget of one acknowledgement's walk.
type ackWalk struct {
	events, bytes int
}

// eventsFor calls fn with the stored events naming ident, like EventsFor,
// within the walk's budget: over it, a conflict.
func (w *ackWalk) eventsFor(r store.Reader, ident string, fn func(gongxu.TraceEvent)) error {
	refs, err := eventRefs(r, ident, max(maxAckEvents-w.events, 0))
	if err != nil {
		return err
	}
	for _, ref := range refs {
		w.events++
		if w.events > maxAckEvents {
			return conflict("the goods' genealogy names more than %d events: this recall cannot be acknowledged on the ledger", maxAckEvents)
		}
		b, err := r.Get(ref.key)
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("trace: index names %s, which is not stored", ref.key)
		}
		w.bytes += len(b)
		if w.bytes > maxAckBytes {
			return conflict("the goods' genealogy holds more than %d bytes of events: this recall cannot be acknowledged on the ledger", maxAckBytes)
		}
		var e gongxu.TraceEvent
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("trace: event %s: %w", ref.key, err)
		}
		fn(e)
	}
	return nil
}

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
	var w ackWalk
	shipped, err := m.shippedToHub(ctx.KV, &w, a.Pool, hub)
	if err != nil {
		return err
	}
	if len(shipped) == 0 {
		return unauthorized("nothing of pool %d was shipped to hub %s: a hub acknowledges a recall that reaches the goods shipped to it", a.Pool, hub)
	}
	reached, err := m.reaches(ctx.KV, &w, rc.Identifier, shipped)
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
func (m *Module) shippedToHub(r store.Reader, w *ackWalk, pool uint64, hub gongxu.OrgID) ([]string, error) {
	unit, err := m.parser.Canonical(gongxu.ShipmentURN(pool, hub))
	if err != nil {
		return nil, err
	}
	var out []string
	err = w.eventsFor(r, unit, func(e gongxu.TraceEvent) {
		if e.Flow == gongxu.FlowShipToHub && e.Parent == unit {
			for _, q := range e.ChildQuantities {
				if !slices.Contains(out, q.Class) {
					out = append(out, q.Class)
				}
			}
			out = append(out, e.Children...)
		}
	})
	return out, err
}

// reaches reports whether ident (a recall's canonical identifier) is one of
// from, or behind one of them: an input of a transformation that made it,
// or the lot a ledger lot was received from, any number of steps back
// within the walk's bounds.
func (m *Module) reaches(r store.Reader, w *ackWalk, ident string, from []string) (bool, error) {
	seen := map[string]bool{}
	queue := slices.Clone(from)
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
		err := w.eventsFor(r, id, func(e gongxu.TraceEvent) {
			if e.Type != "TransformationEvent" || e.IsErrorDeclaration() {
				return
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
		})
		if err != nil {
			return false, err
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

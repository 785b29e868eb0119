package logistics

import (
	"encoding/hex"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeAssign  = gongxu.TypeLogisticsAssign  // the shipper
	TypePickup  = gongxu.TypeLogisticsPickup  // the leg's carrier
	TypeDeliver = gongxu.TypeLogisticsDeliver // the leg's carrier
)

// Limits.
const (
	MaxLegLots    = 200                     // lots in one leg (production.MaxLots lots ship at once)
	MaxEvidence   = gongxu.LegMaxEvidence   // POD document hashes
	MaxReceivedBy = gongxu.LegMaxReceivedBy // bytes
	MaxNote       = gongxu.LegMaxNote       // bytes
)

func invalid(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

func tooLarge(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindTooLarge, format, args...)
}

func checkLeg(id uint64) error {
	if id == 0 {
		return invalid("a leg id is required")
	}
	return nil
}

// MsgAssign assigns a shipment to a carrier: a hub's share of a pool
// (pool, hub), as a whole (shipment 0: what has shipped of the share so
// far) or one of its shipments (shipment n, from 1: pool/ship's n-th); or
// a purchase order's shipment (po, shipment from 1).
type MsgAssign gongxu.LegAssignBody

// ValidateBasic implements module.Msg.
func (m *MsgAssign) ValidateBasic() error {
	pool, po := m.Pool != 0 || m.Hub != "", m.PO != 0
	if pool == po {
		return invalid("a leg is a pool share's shipment (pool, hub[, shipment]) or a purchase order's (po, shipment): give exactly one")
	}
	if pool {
		if m.Pool == 0 {
			return invalid("a pool id is required with hub")
		}
		if err := m.Hub.Validate(); err != nil {
			return invalid("hub: %s", gongxu.ErrorMessage(err))
		}
		if m.Shipment < 0 || m.Shipment > gongxu.MaxShareShipments {
			return invalid("a share's shipment is 1 to %d (0: the whole share), got %d", gongxu.MaxShareShipments, m.Shipment)
		}
	} else if m.Shipment < 1 {
		return invalid("a shipment number from 1 is required with po, got %d", m.Shipment)
	}
	if err := m.Carrier.Validate(); err != nil {
		return invalid("carrier: %s", gongxu.ErrorMessage(err))
	}
	return nil
}

// MsgPickup is the carrier taking the goods.
type MsgPickup gongxu.LegRefBody

// ValidateBasic implements module.Msg.
func (m *MsgPickup) ValidateBasic() error { return checkLeg(m.Leg) }

// Weight implements module.Weigher: a pickup reads up to MaxLegLots lots
// and writes an EPCIS event of as many quantities (an estimate: a lot read
// and a quantity written cost about an eighth of an ordinary message).
func (m *MsgPickup) Weight() int64 { return 1 + MaxLegLots/8 }

// MsgDeliver is the carrier's proof of delivery.
type MsgDeliver gongxu.LegDeliverBody

// ValidateBasic implements module.Msg.
func (m *MsgDeliver) ValidateBasic() error {
	if err := checkLeg(m.Leg); err != nil {
		return err
	}
	if len(m.ReceivedBy) > MaxReceivedBy {
		return tooLarge("received_by is %d bytes, the limit is %d", len(m.ReceivedBy), MaxReceivedBy)
	}
	if len(m.Note) > MaxNote {
		return tooLarge("note is %d bytes, the limit is %d", len(m.Note), MaxNote)
	}
	if len(m.Evidence) > MaxEvidence {
		return tooLarge("%d evidence hashes, the limit is %d", len(m.Evidence), MaxEvidence)
	}
	seen := map[string]bool{}
	for _, h := range m.Evidence {
		if b, err := hex.DecodeString(h); err != nil || len(b) != 32 || strings.ToLower(h) != h {
			return invalid("evidence %q must be a SHA-256: 64 lower-case hex characters", h)
		}
		if seen[h] {
			return invalid("evidence %s is listed twice", h)
		}
		seen[h] = true
	}
	return nil
}

// Weight implements module.Weigher, as MsgPickup's.
func (m *MsgDeliver) Weight() int64 { return 1 + MaxLegLots/8 }

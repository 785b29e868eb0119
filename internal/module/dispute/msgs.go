package dispute

import (
	"encoding/hex"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeOpen     = gongxu.TypeDisputeOpen     // the hub of a share of a pool, against its factory
	TypePropose  = gongxu.TypeDisputePropose  // either party, while open
	TypeAccept   = gongxu.TypeDisputeAccept   // the other party than the proposer, while open
	TypeVote     = gongxu.TypeDisputeVote     // a panelist, while the panel votes
	TypeWithdraw = gongxu.TypeDisputeWithdraw // the claimant, before resolved
)

// Limits.
const (
	MaxEvidence = 16  // evidence hashes per dispute
	MaxNote     = 500 // bytes
)

func invalid(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

func checkID(id uint64) error {
	if id == 0 {
		return invalid("a dispute id is required")
	}
	return nil
}

func checkSplit(v gongxu.Amount) error {
	if v < 0 {
		return invalid("to_claimant must be 0 or more, got %d", v)
	}
	return nil
}

// MsgOpen opens a dispute over the signer's org's share of a pool.
type MsgOpen gongxu.DisputeOpenBody

// ValidateBasic implements module.Msg.
func (m *MsgOpen) ValidateBasic() error {
	if (m.Pool == 0) == (m.PO == 0) {
		return invalid("a dispute is over a pool share (pool) or a purchase order (po): give exactly one")
	}
	if err := m.Kind.Validate(); err != nil {
		return err
	}
	if m.Claimed <= 0 {
		return invalid("claimed must be positive, got %d", m.Claimed)
	}
	if len(m.Evidence) > MaxEvidence {
		return gongxu.Errorf(gongxu.KindTooLarge, "%d evidence hashes, the limit is %d", len(m.Evidence), MaxEvidence)
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
	if len(m.Note) > MaxNote {
		return gongxu.Errorf(gongxu.KindTooLarge, "note is %d bytes, the limit is %d", len(m.Note), MaxNote)
	}
	return nil
}

// MsgPropose signs a split for the other party to accept.
type MsgPropose gongxu.DisputeSplitBody

// ValidateBasic implements module.Msg.
func (m *MsgPropose) ValidateBasic() error {
	if err := checkID(m.Dispute); err != nil {
		return err
	}
	return checkSplit(m.ToClaimant)
}

// MsgAccept signs the standing proposal's split, naming it.
type MsgAccept gongxu.DisputeSplitBody

// ValidateBasic implements module.Msg.
func (m *MsgAccept) ValidateBasic() error {
	if err := checkID(m.Dispute); err != nil {
		return err
	}
	return checkSplit(m.ToClaimant)
}

// MsgVote is a panelist's split.
type MsgVote gongxu.DisputeSplitBody

// ValidateBasic implements module.Msg.
func (m *MsgVote) ValidateBasic() error {
	if err := checkID(m.Dispute); err != nil {
		return err
	}
	return checkSplit(m.ToClaimant)
}

// MsgWithdraw drops the claimant's claim.
type MsgWithdraw gongxu.DisputeRefBody

// ValidateBasic implements module.Msg.
func (m *MsgWithdraw) ValidateBasic() error { return checkID(m.Dispute) }

package trace

import (
	"encoding/json"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeCapture = "trace/capture" // a member org: an EPCIS document
	TypeRecall  = "trace/recall"  // a member org that held or made the lot
	// TypeRecallAck: a hub that the recall reaches through the goods of a
	// pool shipped to it, once per recall.
	TypeRecallAck = "trace/recall_ack"
)

// Limits.
const (
	// MaxDocumentBytes bounds a captured document (half the default
	// transaction limit, which leaves room for the envelope).
	MaxDocumentBytes = 512 << 10
	// MaxEvents bounds the events of one capture.
	MaxEvents = 1000
	// MaxEventID bounds an event id, MaxTarget a recalled identifier.
	MaxEventID = 1024
	MaxTarget  = 1024
	// MaxReason bounds a recall's reason.
	MaxReason = 500
)

func invalid(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

// MsgCapture captures an EPCIS 2.0 document (an EPCISDocument, an
// EPCISQueryDocument or a single event) given as a JSON object.
type MsgCapture struct {
	Document json.RawMessage `json:"document"`
}

// ValidateBasic implements module.Msg: a JSON object within the size limit.
// The Parser checks the rest at delivery.
func (m *MsgCapture) ValidateBasic() error {
	if len(m.Document) > MaxDocumentBytes {
		return gongxu.Errorf(gongxu.KindTooLarge, "the document is %d bytes, over the limit of %d", len(m.Document), MaxDocumentBytes)
	}
	d := strings.TrimSpace(string(m.Document))
	if d == "" || d == "null" {
		return invalid("a document is needed: an EPCIS 2.0 document or event as a JSON object")
	}
	if d[0] != '{' {
		return invalid("the document must be a JSON object (an EPCIS 2.0 document or event)")
	}
	return nil
}

// DecodedOnce marks MsgCapture for the chain's decoded-message cache
// (internal/chain/txcache.go): nothing after ValidateBasic changes it
// (handleCapture only reads the document; the parser copies what it keeps),
// so a node decodes a capture once and reuses it in Recheck (each block it
// waits), ProcessProposal and FinalizeBlock instead of checking and
// decoding the whole document again (issue 17). The decoded message holds a
// copy of the document next to the cached transaction bytes.
func (*MsgCapture) DecodedOnce() {}

// MsgRecall recalls a lot: a ledger lot id ("factory-a/fab-001"), a lot URN
// or any EPC, class or Digital Link identifier, with a reason.
type MsgRecall struct {
	Lot    string `json:"lot"`
	Reason string `json:"reason"`
}

// ValidateBasic implements module.Msg.
func (m *MsgRecall) ValidateBasic() error {
	if strings.TrimSpace(m.Lot) == "" {
		return invalid("a recall names a lot: a ledger lot id, a lot URN or an EPC, class or Digital Link identifier")
	}
	if len(m.Lot) > MaxTarget {
		return invalid("lot is %d bytes, the limit is %d", len(m.Lot), MaxTarget)
	}
	if err := checkText("lot", m.Lot); err != nil {
		return err
	}
	if strings.TrimSpace(m.Reason) == "" {
		return invalid("a recall needs a reason")
	}
	if len(m.Reason) > MaxReason {
		return invalid("reason is %d bytes, the limit is %d", len(m.Reason), MaxReason)
	}
	return nil
}

// MsgRecallAck is a hub acknowledging a recall: the recall reaches the
// goods of the pool the factory shipped to it (their lots, or the lots they
// were made of or received from).
type MsgRecallAck struct {
	Recall uint64 `json:"recall"`
	Pool   uint64 `json:"pool"`
}

// ValidateBasic implements module.Msg.
func (m *MsgRecallAck) ValidateBasic() error {
	if m.Recall == 0 {
		return invalid("a recall id from 1 is needed")
	}
	if m.Pool == 0 {
		return invalid("a pool id from 1 is needed: the pool whose goods the recall reaches at the hub")
	}
	return nil
}

// checkText rejects control characters (which the state keys use as
// separators).
func checkText(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return invalid("%s %q holds a control character", what, s)
		}
	}
	return nil
}

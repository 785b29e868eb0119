package rfq_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

// TestCommitmentVector pins the commitment layout, so the CLI and any other
// client can compute it. The expected value was computed independently:
//
//	python3 -c "import hashlib,struct; print(hashlib.sha256(b'gongxu/rfq/bid/v1\x00'
//	  + struct.pack('>Q',7) + b'factory-a\x00' + struct.pack('>qqq',12345,1000,30)
//	  + bytes(range(16))).hexdigest())"
func TestCommitmentVector(t *testing.T) {
	salt, _ := hex.DecodeString("000102030405060708090a0b0c0d0e0f")
	got := rfq.Commitment(7, "factory-a", 12345, 1000, 30, salt)
	const want = "3cd100a11e77e11ee2f813b74e28abf7cbc2a95fec526c2e71817cecfe0fce32"
	if got != want {
		t.Fatalf("Commitment = %s, want %s", got, want)
	}
	// Every input is bound: changing any one changes the commitment.
	for name, c := range map[string]string{
		"rfq":    rfq.Commitment(8, "factory-a", 12345, 1000, 30, salt),
		"bidder": rfq.Commitment(7, "factory-b", 12345, 1000, 30, salt),
		"price":  rfq.Commitment(7, "factory-a", 12346, 1000, 30, salt),
		"qty":    rfq.Commitment(7, "factory-a", 12345, 1001, 30, salt),
		"lead":   rfq.Commitment(7, "factory-a", 12345, 1000, 31, salt),
		"salt":   rfq.Commitment(7, "factory-a", 12345, 1000, 30, salt[1:]),
	} {
		if c == want {
			t.Errorf("changing the %s does not change the commitment", name)
		}
	}
}

func TestValidateBasic(t *testing.T) {
	post := func(f func(*rfq.MsgPost)) *rfq.MsgPost {
		m := &rfq.MsgPost{Title: "Tote bags", Unit: "piece", Qty: 1000, TargetDate: 300, MaxPrice: 5000,
			Currency: "CNY", BidDeadline: 100, RevealDeadline: 200}
		f(m)
		return m
	}
	salt := strings.Repeat("ab", 16)
	cases := []struct {
		name string
		msg  module.Msg
		want string // "" for valid
	}{
		{"post ok", post(func(*rfq.MsgPost) {}), ""},
		{"post spec at limit", post(func(m *rfq.MsgPost) { m.Spec = strings.Repeat("x", rfq.MaxSpec) }), ""},
		{"post spec too long", post(func(m *rfq.MsgPost) { m.Spec = strings.Repeat("x", rfq.MaxSpec+1) }), "spec is 4001 bytes"},
		{"post no title", post(func(m *rfq.MsgPost) { m.Title = "" }), "needs a title"},
		{"post no unit", post(func(m *rfq.MsgPost) { m.Unit = "" }), "unit must be"},
		{"post negative qty", post(func(m *rfq.MsgPost) { m.Qty = -1 }), "qty must be positive"},
		{"post overflow", post(func(m *rfq.MsgPost) { m.Qty, m.MaxPrice = 1<<32, 1<<31 }), "overflows"},
		{"post currency", post(func(m *rfq.MsgPost) { m.Currency = "CN1" }), "three upper-case letters"},
		{"post no bid deadline", post(func(m *rfq.MsgPost) { m.BidDeadline = 0 }), "bid deadline must be"},
		{"bid ok", &rfq.MsgBid{RFQ: 1, Commitment: strings.Repeat("0f", 32)}, ""},
		{"bid no rfq", &rfq.MsgBid{Commitment: strings.Repeat("0f", 32)}, "rfq id is required"},
		{"bid short", &rfq.MsgBid{RFQ: 1, Commitment: strings.Repeat("0f", 31)}, "64 lower-case hex"},
		{"bid not hex", &rfq.MsgBid{RFQ: 1, Commitment: strings.Repeat("zz", 32)}, "64 lower-case hex"},
		{"reveal ok", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 1, LeadDays: 0, Salt: salt}, ""},
		{"reveal salt 64", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 1, Salt: strings.Repeat("ab", 64)}, ""},
		{"reveal salt 65", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 1, Salt: strings.Repeat("ab", 65)}, "salt must be 16 to 64 bytes"},
		{"reveal salt 15", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 1, Salt: strings.Repeat("ab", 15)}, "salt must be 16 to 64 bytes"},
		{"reveal price", &rfq.MsgReveal{RFQ: 1, UnitPrice: 0, Qty: 1, Salt: salt}, "unit price must be positive"},
		{"reveal qty", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 0, Salt: salt}, "qty must be positive"},
		{"reveal lead", &rfq.MsgReveal{RFQ: 1, UnitPrice: 1, Qty: 1, LeadDays: -1, Salt: salt}, "lead days"},
		{"award ok", &rfq.MsgAward{RFQ: 1, Awards: []rfq.AwardLine{{Bidder: "factory-a", Qty: 1}}}, ""},
		{"award bad org", &rfq.MsgAward{RFQ: 1, Awards: []rfq.AwardLine{{Bidder: "Factory", Qty: 1}}}, "org id"},
		{"award too many", &rfq.MsgAward{RFQ: 1, Awards: make([]rfq.AwardLine, rfq.MaxAwards+1)}, "1 to 64 lines"},
		{"cancel ok", &rfq.MsgCancel{RFQ: 1, Reason: "no longer needed"}, ""},
		{"cancel long reason", &rfq.MsgCancel{RFQ: 1, Reason: strings.Repeat("x", rfq.MaxReason+1)}, "needs a reason"},
	}
	for _, c := range cases {
		err := c.msg.ValidateBasic()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.Contains(gongxu.ErrorMessage(err), c.want)):
			t.Errorf("%s: got %v, want invalid containing %q", c.name, err, c.want)
		}
	}
}

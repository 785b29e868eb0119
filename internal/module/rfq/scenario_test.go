package rfq_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

func id(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }

// TestScenarios runs the RFQ scenarios in testdata/scenarios/*.txtar (the
// commands are chaintest.RunScenarios', plus these checks):
//
//	rfq N STATUS|absent                  an RFQ's status
//	reason N TEXT…                       its reason contains TEXT
//	bids N COUNT                         how many bids it has (listed, and its count)
//	bid N ORG sealed|revealed|awarded [eligible|ineligible]
//	bidjson N ORG has|lacks FIELD        a field of the bid's JSON (as in its event)
//	award N ORG QTY PRICE                an award line and the pool it became
//	bond N AMOUNT                        the RFQ's bid bond
//	bidbond N ORG AMOUNT [forfeited]     the bond a bid holds (and that it was forfeited)
//	at MS                                the next block's time is MS (unix ms, not before now)
//	balance ACCOUNT CUR AMOUNT           a settle balance
//	invariant                            settle's money invariant
//	snapshot                             remember the state (but signers' sequences)
//	unchanged                            the state is as remembered
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"rfq": func(h *chaintest.Harness, args []string) error {
			r, err := h.Mods.RFQ.RFQ(h.State, id(args[0]))
			if args[1] == "absent" {
				if gongxu.ErrorKind(err) != gongxu.KindNotFound {
					return fmt.Errorf("RFQ %s exists (%v)", args[0], err)
				}
				return nil
			}
			if err != nil || string(r.Status) != args[1] {
				return fmt.Errorf("RFQ %s is %q (%v)", args[0], r.Status, err)
			}
			return nil
		},
		"reason": func(h *chaintest.Harness, args []string) error {
			r, err := h.Mods.RFQ.RFQ(h.State, id(args[0]))
			if want := strings.Join(args[1:], " "); err != nil || !strings.Contains(r.Reason, want) {
				return fmt.Errorf("RFQ %s reason %q (%v)", args[0], r.Reason, err)
			}
			return nil
		},
		"bids": func(h *chaintest.Harness, args []string) error {
			bs, err := h.Mods.RFQ.Bids(h.State, id(args[0]))
			if err != nil || strconv.Itoa(len(bs)) != args[1] {
				return fmt.Errorf("RFQ %s has %d bids (%v)", args[0], len(bs), err)
			}
			if r, err := h.Mods.RFQ.RFQ(h.State, id(args[0])); err != nil || r.Bids != len(bs) {
				return fmt.Errorf("RFQ %s counts %d bids (%v)", args[0], r.Bids, err)
			}
			return nil
		},
		"bid": func(h *chaintest.Harness, args []string) error {
			b, err := h.Mods.RFQ.Bid(h.State, id(args[0]), gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			r, err := h.Mods.RFQ.RFQ(h.State, b.RFQ)
			if err != nil {
				return err
			}
			status := "sealed"
			if b.Revealed {
				status = "revealed"
			}
			for _, a := range r.Awards {
				if a.Bidder == b.Bidder {
					status = "awarded"
				}
			}
			if status != args[2] {
				return fmt.Errorf("bid is %s: %+v", status, b)
			}
			if len(args) > 3 && b.Eligible != (args[3] == "eligible") {
				return fmt.Errorf("bid eligible=%v", b.Eligible)
			}
			return nil
		},
		"bidjson": func(h *chaintest.Harness, args []string) error {
			b, err := h.Mods.RFQ.Bid(h.State, id(args[0]), gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			raw, _ := json.Marshal(b)
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			if _, has := m[args[3]]; has != (args[2] == "has") {
				return fmt.Errorf("bid JSON %s", raw)
			}
			return nil
		},
		"bond": func(h *chaintest.Harness, args []string) error {
			r, err := h.Mods.RFQ.RFQ(h.State, id(args[0]))
			if err != nil || strconv.FormatInt(int64(r.Bond), 10) != args[1] {
				return fmt.Errorf("RFQ %s asks a bond of %d (%v)", args[0], r.Bond, err)
			}
			return nil
		},
		"bidbond": func(h *chaintest.Harness, args []string) error {
			b, err := h.Mods.RFQ.Bid(h.State, id(args[0]), gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			if strconv.FormatInt(int64(b.Bond), 10) != args[2] || b.Forfeited != (len(args) > 3 && args[3] == "forfeited") {
				return fmt.Errorf("bid holds a bond of %d, forfeited %v", b.Bond, b.Forfeited)
			}
			return nil
		},
		"at": func(h *chaintest.Harness, args []string) error {
			t, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || t-1000 < h.Time {
				return fmt.Errorf("at %s: not a time after the last block's %d", args[0], h.Time)
			}
			h.Time = t - 1000 // the next block adds its second
			return nil
		},
		"award": func(h *chaintest.Harness, args []string) error {
			r, err := h.Mods.RFQ.RFQ(h.State, id(args[0]))
			if err != nil {
				return err
			}
			b, err := h.Mods.RFQ.Bid(h.State, r.ID, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			for _, a := range r.Awards {
				if string(a.Bidder) != args[1] {
					continue
				}
				if strconv.FormatInt(int64(a.Qty), 10) != args[2] || strconv.FormatInt(int64(a.UnitPrice), 10) != args[3] || a.UnitPrice != b.UnitPrice || a.Qty > b.Qty {
					return fmt.Errorf("award %+v, bid %+v", a, b)
				}
				return checkPool(h, r, a)
			}
			return fmt.Errorf("no award to %s in %+v", args[1], r.Awards)
		},
	})
}

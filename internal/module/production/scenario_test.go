package production_test

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

// TestScenarios runs the production scenarios in testdata/scenarios/*.txtar
// (the commands are chaintest.RunScenarios', plus these):
//
//	po N STATUS                    a purchase order's status
//	negotiation N A1,A2,...        the actions of its negotiation history
//	order N STATUS [PRODUCED]      a production order's status (and produced quantity)
//	wo N STATUS [PRODUCED SCRAPPED]
//	lot ID QTY|absent              a lot's remaining quantity
//	stock ORG ITEM QTY             an org's stock of an item
//	events ID N                    N trace events name ID (a canonical identifier)
//	json po|order|wo|lot|offer ID TEXT   the stored JSON contains TEXT (offer ID: SUPPLIER/ITEM)
//	change N ID BY DEADLINE|-      the change order pending on a purchase order, - for none
//	released N T1,T2,...|-         when each line of a framework order was released (0: not), - for none
//	late N T1,T2,...|-             when each line of a purchase order was recorded late (0: not), - for none
//	grace MS                       the grace of promised dates in force (po_late_grace_ms)
//	at MS                          the next block's time is MS (unix ms, not before now)
//	snapshot                       remember the state
//	unchanged                      the state is the snapshot's, but for signers' sequences
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"po": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Production.PO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			if string(p.Status) != args[1] {
				return fmt.Errorf("po %s is %s, want %s (%+v)", args[0], p.Status, args[1], p.Negotiation)
			}
			return nil
		},
		"change": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Production.PO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			got := "-"
			if p.Change != nil {
				got = fmt.Sprintf("%d %s %d", p.Change.ID, p.Change.By, p.Change.Deadline)
			}
			if want := strings.Join(args[1:], " "); got != want {
				return fmt.Errorf("po %s change %q, want %q", args[0], got, want)
			}
			return nil
		},
		"released": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Production.PO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			got := "-"
			if len(p.Released) > 0 {
				var ts []string
				for _, t := range p.Released {
					ts = append(ts, strconv.FormatInt(t, 10))
				}
				got = strings.Join(ts, ",")
			}
			if got != args[1] {
				return fmt.Errorf("po %s released %s, want %s", args[0], got, args[1])
			}
			return nil
		},
		"late": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Production.PO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			got := "-"
			if len(p.Late) > 0 {
				var ts []string
				for _, t := range p.Late {
					ts = append(ts, strconv.FormatInt(t, 10))
				}
				got = strings.Join(ts, ",")
			}
			if got != args[1] {
				return fmt.Errorf("po %s late %s, want %s", args[0], got, args[1])
			}
			return nil
		},
		"grace": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Member.Params(h.State)
			if err != nil || strconv.FormatInt(p.POLateGrace(), 10) != args[0] {
				return fmt.Errorf("grace %d (%v)", p.POLateGrace(), err)
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
		"negotiation": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Production.PO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			var got []string
			for _, n := range p.Negotiation {
				got = append(got, n.Action)
			}
			if strings.Join(got, ",") != args[1] {
				return fmt.Errorf("po %s negotiation %v, want %s", args[0], got, args[1])
			}
			return nil
		},
		"order": func(h *chaintest.Harness, args []string) error {
			o, err := h.Mods.Production.Order(h.State, id(args[0]))
			if err != nil {
				return err
			}
			got := string(o.Status)
			if len(args) > 2 {
				got += " " + fmt.Sprint(o.Produced)
			}
			if want := strings.Join(args[1:], " "); got != want {
				return fmt.Errorf("order %s is %q, want %q", args[0], got, want)
			}
			return nil
		},
		"wo": func(h *chaintest.Harness, args []string) error {
			w, err := h.Mods.Production.WO(h.State, id(args[0]))
			if err != nil {
				return err
			}
			got := string(w.Status)
			if len(args) > 2 {
				got += fmt.Sprintf(" %d %d", w.Produced, w.Scrapped)
			}
			if want := strings.Join(args[1:], " "); got != want {
				return fmt.Errorf("wo %s is %q, want %q", args[0], got, want)
			}
			return nil
		},
		"lot": func(h *chaintest.Harness, args []string) error {
			l, err := h.Mods.Production.Lot(h.State, gongxu.LotID(args[0]))
			if args[1] == "absent" {
				if gongxu.ErrorKind(err) != gongxu.KindNotFound {
					return fmt.Errorf("lot %s exists (%v)", args[0], err)
				}
				return nil
			}
			if err != nil {
				return err
			}
			if fmt.Sprint(l.Qty) != args[1] {
				return fmt.Errorf("lot %s holds %d, want %s", args[0], l.Qty, args[1])
			}
			return nil
		},
		"stock": func(h *chaintest.Harness, args []string) error {
			s, err := h.Mods.Production.Stock(h.State, gongxu.OrgID(args[0]), gongxu.ItemID(args[1]))
			if err != nil {
				return err
			}
			if fmt.Sprint(s.Qty) != args[2] {
				return fmt.Errorf("stock of %s at %s is %d, want %s", args[1], args[0], s.Qty, args[2])
			}
			return nil
		},
		"events": func(h *chaintest.Harness, args []string) error {
			n := 0
			if err := h.Mods.Trace.EventsFor(h.State, args[0], func(gongxu.TraceEvent) bool { n++; return true }); err != nil {
				return err
			}
			if strconv.Itoa(n) != args[1] {
				return fmt.Errorf("%d events name %s, want %s", n, args[0], args[1])
			}
			return nil
		},
		"json": func(h *chaintest.Harness, args []string) error {
			p := h.Mods.Production
			var v any
			var err error
			switch args[0] {
			case "po":
				v, err = p.PO(h.State, id(args[1]))
			case "order":
				v, err = p.Order(h.State, id(args[1]))
			case "wo":
				v, err = p.WO(h.State, id(args[1]))
			case "lot":
				v, err = p.Lot(h.State, gongxu.LotID(args[1]))
			case "offer":
				s, item, _ := strings.Cut(args[1], "/")
				v, err = p.Offer(h.State, gongxu.OrgID(s), gongxu.ItemID(item))
			case "master":
				v, err = p.Master(h.State, gongxu.OrgID(args[1]))
			default:
				return fmt.Errorf("json of what? %s", args[0])
			}
			if err != nil {
				return err
			}
			b, _ := json.Marshal(v)
			if want := strings.Join(args[2:], " "); !strings.Contains(string(b), want) {
				return fmt.Errorf("%s %s is %s, want it to contain %s", args[0], args[1], b, want)
			}
			return nil
		},
	})
}

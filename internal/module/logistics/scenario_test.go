package logistics_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// TestScenarios runs the logistics scenarios in testdata/scenarios/*.txtar
// (the commands are chaintest.RunScenarios', plus these):
//
//	leg N STATUS CARRIER        a leg's status and carrier ("-": no leg N)
//	legjson N TEXT              the leg, as JSON, contains TEXT
//	legof POOL HUB N            the leg of hub's share of pool is N (0: none)
//	legofship POOL HUB S N      the leg of shipment S of hub's share is N
//	legevent N pickup|delivery TEXT
//	                            leg N's EPCIS event of that step, as JSON,
//	                            contains TEXT
//	legofpo PO SHIPMENT N       the leg of a purchase order's shipment is N
//	podevidence N NAME          save leg N's POD evidence (the SHA-256 of its
//	                            POD event id) as $var(NAME)
//	replay SIGNER TYPE JSON     sign a tx once, deliver it (expect success), deliver
//	                            the same bytes again: refused as a replay, nothing
//	                            changes
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"leg": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			l, err := h.Mods.Logistics.Leg(h.State, id)
			if args[1] == "-" {
				if gongxu.ErrorKind(err) != gongxu.KindNotFound {
					return fmt.Errorf("leg %d: %+v, %v; want none", id, l, err)
				}
				return nil
			}
			if err != nil {
				return err
			}
			if got, want := string(l.Status)+" "+string(l.Carrier), strings.Join(args[1:], " "); got != want {
				return fmt.Errorf("leg %d is %q, want %q", id, got, want)
			}
			return nil
		},
		"legjson": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			l, err := h.Mods.Logistics.Leg(h.State, id)
			if err != nil {
				return err
			}
			b, _ := json.Marshal(l)
			if want := strings.Join(args[1:], " "); !strings.Contains(string(b), want) {
				return fmt.Errorf("leg %d is %s, want it to contain %s", id, b, want)
			}
			return nil
		},
		"legof": func(h *chaintest.Harness, args []string) error {
			pool, _ := strconv.ParseUint(args[0], 10, 64)
			id, err := h.Mods.Logistics.ShipmentLeg(h.State, pool, gongxu.OrgID(args[1]), 0, 0)
			if err != nil {
				return err
			}
			if strconv.FormatUint(id, 10) != args[2] {
				return fmt.Errorf("the leg of %s's share of pool %d is %d, want %s", args[1], pool, id, args[2])
			}
			return nil
		},
		"legofship": func(h *chaintest.Harness, args []string) error {
			pool, _ := strconv.ParseUint(args[0], 10, 64)
			n, _ := strconv.Atoi(args[2])
			id, err := h.Mods.Logistics.ShipmentLeg(h.State, pool, gongxu.OrgID(args[1]), 0, n)
			if err != nil {
				return err
			}
			if strconv.FormatUint(id, 10) != args[3] {
				return fmt.Errorf("the leg of shipment %d of %s's share of pool %d is %d, want %s", n, args[1], pool, id, args[3])
			}
			return nil
		},
		"legevent": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			l, err := h.Mods.Logistics.Leg(h.State, id)
			if err != nil {
				return err
			}
			evID := l.PickupEvent
			if args[1] == "delivery" {
				evID = l.DeliveryEvent
			}
			ev, err := h.Mods.Trace.Event(h.State, evID)
			if err != nil {
				return fmt.Errorf("leg %d's %s event %q: %v", id, args[1], evID, err)
			}
			b, _ := json.Marshal(ev)
			if want := strings.Join(args[2:], " "); !strings.Contains(string(b), want) {
				return fmt.Errorf("leg %d's %s event is %s, want it to contain %s", id, args[1], b, want)
			}
			return nil
		},
		"legofpo": func(h *chaintest.Harness, args []string) error {
			po, _ := strconv.ParseUint(args[0], 10, 64)
			n, _ := strconv.Atoi(args[1])
			id, err := h.Mods.Logistics.ShipmentLeg(h.State, 0, "", po, n)
			if err != nil {
				return err
			}
			if strconv.FormatUint(id, 10) != args[2] {
				return fmt.Errorf("the leg of shipment %d of purchase order %d is %d, want %s", n, po, id, args[2])
			}
			return nil
		},
		"podevidence": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			l, err := h.Mods.Logistics.Leg(h.State, id)
			if err != nil {
				return err
			}
			ev := l.PODEvidence()
			if ev == "" {
				return fmt.Errorf("leg %d has no POD evidence (delivery event %q)", id, l.DeliveryEvent)
			}
			h.Vars[args[1]] = ev
			return nil
		},
		"replay": func(h *chaintest.Harness, args []string) error {
			body := strings.Join(args[2:], " ")
			raw := h.SignRaw(args[0], args[1], []byte(body))
			if r := h.Deliver(raw); r.Code != 0 {
				return fmt.Errorf("first delivery: %s %s", gongxu.Kind(r.Code), r.Log)
			}
			before := h.Dump()
			r := h.Deliver(raw)
			if gongxu.Kind(r.Code) != gongxu.KindSequence {
				return fmt.Errorf("replayed: %s %q, want sequence", gongxu.Kind(r.Code), r.Log)
			}
			if after := h.Dump(); !maps.Equal(before, after) {
				return fmt.Errorf("the replay changed the state")
			}
			return nil
		},
	})
}

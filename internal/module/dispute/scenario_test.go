package dispute_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

const scenarios = "testdata/scenarios/*.txtar"

// TestScenarios runs the dispute scenarios in testdata/scenarios/*.txtar
// (the commands are chaintest.RunScenarios', plus these):
//
//	dispute N STATUS [OUTCOME TO_CLAIMANT]  a dispute's status (and, resolved, how and what
//	                                        the claimant got)
//	panel N ORG,ORG,...                     the dispute's panel in draw order ("-": none)
//	panelnote N TEXT                        the panel note contains TEXT
//	notpanel N ORG...                       none of these orgs sits on the panel
//	frozen POOL HUB yes|no                  whether the hub's share is frozen
//	share POOL HUB QTY [delivered]          a hub's share
//	pool N STATUS                           a pool's status
//	replay SIGNER TYPE JSON                 sign a tx once, deliver it (expect success), deliver
//	                                        the same bytes again: refused as a replay, nothing
//	                                        changes
//
// Every script checks the money invariant ("invariant" after genesis).
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob(scenarios)
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range a.Files {
			if file.Name == "script" && !strings.Contains(string(file.Data), "\ninvariant\n") {
				t.Fatalf("%s: every dispute scenario checks the money invariant: put \"invariant\" after genesis", f)
			}
		}
	}
	get := func(h *chaintest.Harness, arg string) (gongxu.Dispute, error) {
		id, err := strconv.ParseUint(arg, 10, 64)
		if err != nil {
			return gongxu.Dispute{}, err
		}
		return h.Mods.Dispute.Dispute(h.State, id)
	}
	chaintest.RunScenarios(t, scenarios, map[string]chaintest.Check{
		"dispute": func(h *chaintest.Harness, args []string) error {
			d, err := get(h, args[0])
			if err != nil {
				return err
			}
			got := string(d.Status)
			if d.Status == gongxu.DisputeResolved {
				got += fmt.Sprintf(" %s %d", d.Outcome, d.ToClaimant)
			}
			if want := strings.Join(args[1:], " "); got != want {
				return fmt.Errorf("dispute %s is %q, want %q (%+v)", args[0], got, want, d)
			}
			return nil
		},
		"panel": func(h *chaintest.Harness, args []string) error {
			d, err := get(h, args[0])
			if err != nil {
				return err
			}
			got := "-"
			if len(d.Panel) > 0 {
				var s []string
				for _, o := range d.Panel {
					s = append(s, string(o))
				}
				got = strings.Join(s, ",")
			}
			if got != args[1] {
				return fmt.Errorf("dispute %s's panel is %s, want %s", args[0], got, args[1])
			}
			return nil
		},
		"panelnote": func(h *chaintest.Harness, args []string) error {
			d, err := get(h, args[0])
			if err != nil {
				return err
			}
			if want := strings.Join(args[1:], " "); !strings.Contains(d.PanelNote, want) {
				return fmt.Errorf("dispute %s's panel note is %q, want it to contain %q", args[0], d.PanelNote, want)
			}
			return nil
		},
		"notpanel": func(h *chaintest.Harness, args []string) error {
			d, err := get(h, args[0])
			if err != nil {
				return err
			}
			for _, o := range args[1:] {
				if slices.Contains(d.Panel, gongxu.OrgID(o)) {
					return fmt.Errorf("%s sits on dispute %s's panel %v", o, args[0], d.Panel)
				}
			}
			return nil
		},
		"frozen": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			f, err := h.Mods.Pool.ShareFrozen(h.State, id, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			if got := map[bool]string{true: "yes", false: "no"}[f]; got != args[2] {
				return fmt.Errorf("share of %s in pool %d frozen: %s, want %s", args[1], id, got, args[2])
			}
			return nil
		},
		"share": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			s, err := h.Mods.Pool.HubShare(h.State, id, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			got := fmt.Sprint(s.Qty)
			if s.Delivered {
				got += " delivered"
			}
			if want := strings.Join(args[2:], " "); got != want {
				return fmt.Errorf("share is %q, want %q", got, want)
			}
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
		"pool": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			p, err := h.Mods.Pool.Pool(h.State, id)
			if err != nil {
				return err
			}
			if string(p.Status) != args[1] {
				return fmt.Errorf("pool %d is %s, want %s", id, p.Status, args[1])
			}
			return nil
		},
	})
}

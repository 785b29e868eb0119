package member_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// TestScenarios runs the governance scenarios in testdata/scenarios/*.txtar
// (the commands are chaintest.RunScenarios', plus these checks):
//
//	org ID present|absent            the member set
//	keys ID N                        an org's key count
//	proposal N STATUS                a proposal's status
//	validators N                     the validator count
//	param NAME VALUE                 a parameter
//	removed ID yes|no                whether an org id has a tombstone
//	prefixes ID P,P|-                the GS1 company prefixes a member org holds
//	owner DIGITS ID|-                the org holding the longest prefix of DIGITS
//	sealkey ID KEY|-                 an org's registered seal key
//	upgrade NAME VERSION HEIGHT|-    the scheduled upgrade
//	appversion N                     the state machine version of the state
//	blocks N                         commit N empty blocks
//	height N                         the committed height
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"upgrade": func(h *chaintest.Harness, args []string) error {
			p, ok, err := h.Member.ScheduledUpgrade(h.State)
			if err != nil {
				return err
			}
			got := "-"
			if ok {
				got = fmt.Sprintf("%s %d %d", p.Name, p.Version, p.Height)
			}
			if want := strings.Join(args, " "); got != want {
				return fmt.Errorf("scheduled upgrade %s, want %s", got, want)
			}
			return nil
		},
		"appversion": func(h *chaintest.Harness, args []string) error {
			v, err := h.App.AppVersion()
			if err != nil || strconv.FormatUint(v.Version, 10) != args[0] {
				return fmt.Errorf("state machine version %d (%v)", v.Version, err)
			}
			return nil
		},
		"blocks": func(h *chaintest.Harness, args []string) error {
			n, err := strconv.Atoi(args[0])
			for range n {
				h.Block()
			}
			return err
		},
		"height": func(h *chaintest.Harness, args []string) error {
			if got := strconv.FormatInt(h.State.Height(), 10); got != args[0] {
				return fmt.Errorf("height %s", got)
			}
			return nil
		},
		"org": func(h *chaintest.Harness, args []string) error {
			_, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			if present := err == nil; present != (args[1] == "present") {
				return fmt.Errorf("org %s present=%v", args[0], present)
			}
			return nil
		},
		"keys": func(h *chaintest.Harness, args []string) error {
			o, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			if err != nil || strconv.Itoa(len(o.Keys)) != args[1] {
				return fmt.Errorf("org %s has %d keys (%v)", args[0], len(o.Keys), err)
			}
			return nil
		},
		"proposal": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			p, err := h.Member.Proposal(h.State, id)
			if err != nil || string(p.Status) != args[1] {
				return fmt.Errorf("proposal %d is %q (%v; result %q)", id, p.Status, err, p.Result)
			}
			return nil
		},
		"validators": func(h *chaintest.Harness, args []string) error {
			vs, err := h.Member.Validators(h.State)
			if err != nil || strconv.Itoa(len(vs)) != args[0] {
				return fmt.Errorf("%d validators (%v)", len(vs), err)
			}
			return nil
		},
		"removed": func(h *chaintest.Harness, args []string) error {
			_, ok, err := h.Member.Removed(h.State, gongxu.OrgID(args[0]))
			if err != nil || ok != (args[1] == "yes") {
				return fmt.Errorf("org %s tombstone=%v (%v)", args[0], ok, err)
			}
			return nil
		},
		"prefixes": func(h *chaintest.Harness, args []string) error {
			o, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			if err != nil {
				return err
			}
			got := strings.Join(o.Prefixes, ",")
			if got == "" {
				got = "-"
			}
			if got != args[1] {
				return fmt.Errorf("org %s holds %s", args[0], got)
			}
			return nil
		},
		"owner": func(h *chaintest.Harness, args []string) error {
			org, p, err := h.Member.PrefixOwner(h.State, args[0])
			if err != nil {
				return err
			}
			got := string(org)
			if got == "" {
				got = "-"
			} else if !strings.HasPrefix(args[0], p) {
				return fmt.Errorf("prefix %s does not begin %s", p, args[0])
			}
			if got != args[1] {
				return fmt.Errorf("%s is owned by %s (prefix %q)", args[0], got, p)
			}
			return nil
		},
		"sealkey": func(h *chaintest.Harness, args []string) error {
			o, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			if err != nil {
				return err
			}
			got := string(o.SealKey)
			if got == "" {
				got = "-"
			}
			if got != args[1] {
				return fmt.Errorf("org %s's seal key is %s, want %s", args[0], got, args[1])
			}
			return nil
		},
		"param": func(h *chaintest.Harness, args []string) error {
			p, _ := h.Member.Params(h.State)
			b, _ := json.Marshal(p)
			var m map[string]int64
			_ = json.Unmarshal(b, &m)
			if fmt.Sprint(m[args[0]]) != args[1] {
				return fmt.Errorf("param %s = %d", args[0], m[args[0]])
			}
			return nil
		},
	})
}

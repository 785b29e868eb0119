package member_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// TestScenarios runs the governance scenarios in testdata/scenarios/*.txtar.
// Each file's "script" section is a list of commands, one a line:
//
//	genesis ORG:role,role ...        start a chain with these orgs (keys Key(ORG))
//	tx SIGNER TYPE JSON              deliver a tx in its own block, expect success
//	fail KIND SUBSTRING              ...or, right after a tx line, expect this rejection
//	advance MS                       move block time forward
//	block                            commit an empty block
//	org ID present|absent            check the member set
//	keys ID N                        check an org's key count
//	proposal N STATUS                check a proposal's status
//	validators N                     check the validator count
//	param NAME VALUE                 check a parameter
//
// In JSON, $key(NAME) is replaced by the hex public key of Key(NAME).
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txtar")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var script string
			for _, file := range a.Files {
				if file.Name == "script" {
					script = string(file.Data)
				}
			}
			run(t, script)
		})
	}
}

var keyRef = regexp.MustCompile(`\$key\(([^)]+)\)`)

func run(t *testing.T, script string) {
	var h *chaintest.Harness
	var last *struct {
		line   int
		code   uint32
		log    string
		signer string
	}
	checkLast := func() {
		if last != nil && last.code != 0 {
			t.Fatalf("line %d: tx failed: %s (%s)", last.line, last.log, gongxu.Kind(last.code))
		}
		last = nil
	}
	for i, line := range strings.Split(script, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, rest, _ := strings.Cut(line, " ")
		args := strings.Fields(rest)
		if cmd != "fail" {
			checkLast()
		}
		switch cmd {
		case "genesis":
			var specs []chaintest.OrgSpec
			for _, a := range args {
				id, roles, _ := strings.Cut(a, ":")
				s := chaintest.OrgSpec{ID: id}
				for _, r := range strings.Split(roles, ",") {
					s.Roles = append(s.Roles, gongxu.Role(r))
				}
				specs = append(specs, s)
			}
			h = chaintest.New(t, specs...)
		case "tx":
			parts := strings.SplitN(rest, " ", 3)
			if len(parts) != 3 {
				t.Fatalf("line %d: tx SIGNER TYPE JSON", n)
			}
			body := keyRef.ReplaceAllStringFunc(parts[2], func(m string) string {
				return string(chaintest.PubKey(keyRef.FindStringSubmatch(m)[1]))
			})
			if !json.Valid([]byte(body)) {
				t.Fatalf("line %d: invalid JSON %s", n, body)
			}
			r := h.Deliver(h.SignRaw(parts[0], parts[1], []byte(body)))
			last = &struct {
				line   int
				code   uint32
				log    string
				signer string
			}{n, r.Code, r.Log, parts[0]}
		case "fail":
			if last == nil {
				t.Fatalf("line %d: fail without a tx before it", n)
			}
			kind, sub, _ := strings.Cut(rest, " ")
			if gongxu.Kind(last.code).String() != kind || !strings.Contains(last.log, sub) {
				t.Fatalf("line %d: got %s %q, want %s containing %q", n, gongxu.Kind(last.code), last.log, kind, sub)
			}
			if last.code >= uint32(gongxu.KindBadSignature) || last.code == uint32(gongxu.KindUnauthorized) || last.code == uint32(gongxu.KindSequence) || last.code == uint32(gongxu.KindInvalid) {
				h.ResetSeq(last.signer) // not judged by a handler: the sequence was not consumed
			}
			last = nil
		case "advance":
			ms, _ := strconv.ParseInt(args[0], 10, 64)
			h.Advance(ms)
		case "block":
			h.Block()
		case "org":
			_, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			present := err == nil
			if present != (args[1] == "present") {
				t.Fatalf("line %d: org %s present=%v", n, args[0], present)
			}
		case "keys":
			o, err := h.Member.Org(h.State, gongxu.OrgID(args[0]))
			if err != nil || strconv.Itoa(len(o.Keys)) != args[1] {
				t.Fatalf("line %d: org %s has %d keys (%v), want %s", n, args[0], len(o.Keys), err, args[1])
			}
		case "proposal":
			id, _ := strconv.ParseUint(args[0], 10, 64)
			p, err := h.Member.Proposal(h.State, id)
			if err != nil || string(p.Status) != args[1] {
				t.Fatalf("line %d: proposal %d is %q (%v; result %q), want %s", n, id, p.Status, err, p.Result, args[1])
			}
		case "validators":
			vs, err := h.Member.Validators(h.State)
			if err != nil || strconv.Itoa(len(vs)) != args[0] {
				t.Fatalf("line %d: %d validators (%v), want %s", n, len(vs), err, args[0])
			}
		case "param":
			p, _ := h.Member.Params(h.State)
			b, _ := json.Marshal(p)
			var m map[string]int64
			_ = json.Unmarshal(b, &m)
			if fmt.Sprint(m[args[0]]) != args[1] {
				t.Fatalf("line %d: param %s = %d, want %s", n, args[0], m[args[0]], args[1])
			}
		default:
			t.Fatalf("line %d: unknown command %q", n, cmd)
		}
	}
	checkLast()
}

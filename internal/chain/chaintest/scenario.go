package chaintest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
)

// Check is a module's scenario command: it checks the state (or acts on it)
// and returns an error to fail the scenario.
type Check func(h *Harness, args []string) error

// RunScenarios runs every testdata file matching glob. Each file's "script"
// section is a list of commands, one a line (# starts a comment):
//
//	genesis ORG:role,role ...     start a chain with these orgs (keys Key(ORG))
//	tx SIGNER TYPE JSON           deliver a tx in its own block, expect success
//	checktx SIGNER TYPE JSON      judge a tx for the mempool (CheckTx) only, expect success;
//	                              an empty block follows
//	fail KIND SUBSTRING           right after a tx line: expect this rejection
//	advance MS                    move block time forward (units: ms; or 3d, 5h, 10m, 30s)
//	block                         commit an empty block
//	snapshot                      remember the committed state
//	unchanged                     the state is the snapshot's, but for signers' sequences (a
//	                              rejected tx that reached its handler consumes its sequence)
//	balance ACCOUNT CUR AMOUNT    a money balance; ACCOUNT may be key:NAME for Key(NAME)'s account
//	invariant                     settle's money invariant, now and after every later block
//	save NAME                     remember the previous tx's hash as $var(NAME)
//
// plus the commands in checks (for example "org ID present"). In JSON,
// $key(NAME) is replaced by the hex public key of Key(NAME), $last by the
// hash of the previous tx, and $var(NAME) by Harness.Vars[NAME].
func RunScenarios(t *testing.T, glob string, checks map[string]Check) {
	t.Helper()
	files, _ := filepath.Glob(glob)
	if len(files) == 0 {
		t.Fatalf("no scenarios match %s", glob)
	}
	roots := map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		t.Run(name, func(t *testing.T) {
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
			if script == "" {
				t.Fatal("no script section")
			}
			roots[name] = runScript(t, script, checks)
		})
	}
	PinAppHashes(t, filepath.Join(filepath.Dir(glob), "apphash.golden"), roots)
}

var keyRef = regexp.MustCompile(`\$key\(([^)]+)\)`)
var varRef = regexp.MustCompile(`\$var\(([^)]+)\)`)

// ParseDuration reads "1500" (ms), "30s", "10m", "5h" or "3d" as milliseconds.
func ParseDuration(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "d"):
		mult, s = 24*3600*1000, strings.TrimSuffix(s, "d")
	case strings.HasSuffix(s, "h"):
		mult, s = 3600*1000, strings.TrimSuffix(s, "h")
	case strings.HasSuffix(s, "m"):
		mult, s = 60*1000, strings.TrimSuffix(s, "m")
	case strings.HasSuffix(s, "s"):
		mult, s = 1000, strings.TrimSuffix(s, "s")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

type lastTx struct {
	line   int
	code   uint32
	log    string
	signer string
	hash   string
}

func runScript(t *testing.T, script string, checks map[string]Check) string {
	var h *Harness
	var last *lastTx
	var snapshot map[string]string
	var lastHash string
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
		if h == nil && cmd != "genesis" {
			t.Fatalf("line %d: the script must start with genesis", n)
		}
		switch cmd {
		case "genesis":
			var specs []OrgSpec
			for _, a := range args {
				id, roles, _ := strings.Cut(a, ":")
				s := OrgSpec{ID: id}
				for _, r := range strings.Split(roles, ",") {
					s.Roles = append(s.Roles, gongxu.Role(r))
				}
				specs = append(specs, s)
			}
			h = New(t, specs...)
		case "tx", "checktx":
			parts := strings.SplitN(rest, " ", 3)
			if len(parts) != 3 {
				t.Fatalf("line %d: tx SIGNER TYPE JSON", n)
			}
			body := keyRef.ReplaceAllStringFunc(parts[2], func(m string) string {
				return string(PubKey(keyRef.FindStringSubmatch(m)[1]))
			})
			body = strings.ReplaceAll(body, "$last", lastHash)
			body = varRef.ReplaceAllStringFunc(body, func(m string) string {
				v, ok := h.Vars[varRef.FindStringSubmatch(m)[1]]
				if !ok {
					t.Fatalf("line %d: %s is not set", n, m)
				}
				return v
			})
			// Scenarios are written for people; the chain takes compact
			// JSON only, as a signer's tool sends it.
			var compact bytes.Buffer
			if err := json.Compact(&compact, []byte(body)); err != nil {
				t.Fatalf("line %d: invalid JSON %s: %v", n, body, err)
			}
			raw := h.SignRaw(parts[0], parts[1], compact.Bytes())
			var r chain.TxResult
			if cmd == "checktx" {
				// Judged for the mempool only; the empty block after it
				// clears what the mempool check kept.
				r = h.App.CheckTx(raw)
				h.Block()
				h.ResetSeq(parts[0])
			} else {
				r = h.Deliver(raw)
			}
			last = &lastTx{n, r.Code, r.Log, parts[0], r.Hash}
			lastHash = r.Hash
		case "fail":
			if last == nil {
				t.Fatalf("line %d: fail without a tx before it", n)
			}
			kind, sub, _ := strings.Cut(rest, " ")
			if gongxu.Kind(last.code).String() != kind || !strings.Contains(last.log, sub) {
				t.Fatalf("line %d: got %s %q, want %s containing %q", n, gongxu.Kind(last.code), last.log, kind, sub)
			}
			h.ResetSeq(last.signer) // resync with the chain whether or not the sequence was consumed
			last = nil
		case "advance":
			ms, err := ParseDuration(args[0])
			if err != nil {
				t.Fatalf("line %d: %v", n, err)
			}
			h.Advance(ms)
		case "block":
			h.Block()
		case "save":
			if len(args) != 1 || lastHash == "" {
				t.Fatalf("line %d: save NAME, after a tx", n)
			}
			h.Vars[args[0]] = lastHash
		case "snapshot":
			snapshot = dataState(h)
		case "unchanged":
			if snapshot == nil {
				t.Fatalf("line %d: unchanged without a snapshot", n)
			}
			if diff := diffState(snapshot, dataState(h)); len(diff) > 0 {
				t.Fatalf("line %d: state changed at %v", n, diff)
			}
		case "balance":
			if err := checkBalance(h, args); err != nil {
				t.Fatalf("line %d: %s: %v", n, line, err)
			}
		case "invariant":
			if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
				t.Fatalf("line %d: %v", n, err)
			}
			h.App.OnCommit(func(res chain.BlockResult) {
				if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
					t.Fatalf("height %d: %v", res.Height, err)
				}
			})
		default:
			c, ok := checks[cmd]
			if !ok {
				t.Fatalf("line %d: unknown command %q", n, cmd)
			}
			if err := c(h, args); err != nil {
				t.Fatalf("line %d: %s: %v", n, line, err)
			}
		}
	}
	checkLast()
	if h == nil {
		return ""
	}
	return h.Root()
}

// dataState is the committed state without the chain's per-signer sequences.
func dataState(h *Harness) map[string]string {
	d := h.Dump()
	for k := range d {
		if strings.HasPrefix(k, "chain/seq/") {
			delete(d, k)
		}
	}
	return d
}

// diffState lists the keys whose values differ, sorted.
func diffState(before, now map[string]string) []string {
	var diff []string
	for k, v := range now {
		if w, ok := before[k]; !ok || w != v {
			diff = append(diff, k)
		}
	}
	for k := range before {
		if _, ok := now[k]; !ok {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	return diff
}

func checkBalance(h *Harness, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("balance ACCOUNT CUR AMOUNT")
	}
	acct := gongxu.AccountID(args[0])
	if rest, ok := strings.CutPrefix(args[0], "key:"); ok && gongxu.PubKey(rest).Validate() != nil {
		name := strings.TrimSuffix(strings.TrimPrefix(rest, "$key("), ")")
		acct = gongxu.KeyAccount(PubKey(name))
	}
	got, err := h.Mods.Settle.Balance(h.State, acct, args[1])
	if err != nil {
		return err
	}
	if strconv.FormatInt(int64(got), 10) != args[2] {
		return fmt.Errorf("%s holds %d %s, want %s", acct, got, args[1], args[2])
	}
	return nil
}

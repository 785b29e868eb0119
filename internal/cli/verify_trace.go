package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// traceStepVerdict is the verdict on one event of verify trace.
type traceStepVerdict struct {
	Event   string   `json:"event"`
	OK      bool     `json:"ok"`
	Failed  string   `json:"failed,omitempty"`
	Message string   `json:"message,omitempty"`
	Checks  []string `json:"checks"`
	Type    string   `json:"type,omitempty"`
	Org     string   `json:"org,omitempty"`
	Height  int64    `json:"height,omitempty"` // of the block that anchors it
	Tx      string   `json:"tx,omitempty"`
	Block   string   `json:"block_hash,omitempty"`
}

// traceVerdict is what verify trace prints.
type traceVerdict struct {
	OK      bool               `json:"ok"`
	ID      string             `json:"id"`
	Steps   []traceStepVerdict `json:"steps"`
	Trust   string             `json:"trust,omitempty"`
	RPC     string             `json:"rpc"`
	Failed  string             `json:"failed,omitempty"` // the first failed check
	Message string             `json:"message,omitempty"`
}

func newVerifyTraceCmd(env *Env) *cobra.Command {
	var lf lightFlags
	var depth int
	c := &cobra.Command{
		Use:   "trace ID",
		Short: "Prove traceability events against verified block headers",
		Long: `Prove that a traceability event (ID an event id), or every step of the
backward trace of a lot or serial (ID a ledger lot id, a lot URN, an EPC URN
or a GS1 Digital Link; the steps come from the node at --node, up to --depth),
is on the ledger exactly as the node shows it. For each event:

  1. state_proof: its record in the ledger's state (the event's JSON, its
     anchor) is proven against a header the light client verified (trust,
     header);
  2. leaf: the event's JSON hashes to the leaf its anchor names;
  3. batch: the batch record of its transaction, proven the same way,
     holds that leaf at the anchor's index under the anchor's Merkle root;
  4. block, tx: the transaction is in the block at the anchor's height,
     against that block's verified header.

A single byte changed in an anchored event fails the state proof.

` + lightHelp + `

It prints a verdict per event, {"ok": true, …}, and exits 0; or the first
failed check ({"ok": false, "failed": CHECK, …}) and exits 1.`,
		Example: `  gongxu verify trace 'ni:///sha-256;8e0b…?ver=CBV2.0'
  gongxu verify trace acme-apparel/rain-jacket-0001 --trust-height 1 --trust-hash 9C1E…77`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := strings.TrimSpace(args[0])
			if id == "" {
				return usagef("ID is empty")
			}
			if depth < 1 || depth > 50 {
				return usagef("--depth must be 1 to 50, got %d", depth)
			}
			o, err := lf.options(env)
			if err != nil {
				return err
			}
			ver, err := comet.NewVerifier(o)
			if err != nil {
				return err
			}
			v := traceVerdict{ID: id, RPC: o.RPC, Steps: []traceStepVerdict{}}
			if v.RPC == "" {
				v.RPC = comet.DefaultRPC
			}
			// The events to prove and, as the node says, where each is
			// anchored: that names the batch records to prove alongside, so
			// every state key is asked at once and waits for one header.
			var events []string
			anchors := map[string]gongxu.TraceAnchor{}
			if looksLikeEventID(id) {
				events = []string{id}
				if e, err := env.Client().Event(env.Ctx, id); err == nil {
					anchors[id] = e.Anchor
				}
			} else {
				g, err := env.Client().Back(env.Ctx, id, depth)
				if err != nil {
					return env.nodeErr(err)
				}
				for _, s := range g.Steps {
					if _, seen := anchors[s.Event]; !seen && s.Event != "" {
						anchors[s.Event] = s.Anchor
						events = append(events, s.Event)
					}
				}
				if len(events) == 0 {
					v.Failed, v.Message = "trace", fmt.Sprintf("the node knows no event about %s", id)
					return env.printTraceVerdict(v)
				}
			}
			keys := map[string]bool{}
			for _, ev := range events {
				keys[string(trace.EventKey(ev, false))] = true
				if a, ok := anchors[ev]; ok && a.Height > 0 && a.Tx != "" {
					keys[string(trace.BatchKey(a.Height, a.Tx))] = true
				}
			}
			proven := proveAll(env, ver, keys)
			v.OK = true
			for _, ev := range events {
				s, trust, err := verifyTraceEvent(env, ver, ev, proven)
				if err != nil {
					return err
				}
				if trust != "" {
					v.Trust = trust
				}
				v.Steps = append(v.Steps, s)
				if !s.OK && v.OK {
					v.OK, v.Failed, v.Message = false, s.Failed, fmt.Sprintf("event %s: %s", s.Event, s.Message)
				}
			}
			return env.printTraceVerdict(v)
		},
	}
	c.Flags().IntVar(&depth, "depth", 20, "for a lot or serial, how many steps back to verify (1 to 50)")
	lf.add(c)
	return c
}

// looksLikeEventID tells an event id (a CBV 2.0 hash id, a UUID URN, or any
// other URI that is not an identifier of a thing) from a thing's id. EPCIS
// event ids are URIs, and so are EPCs and Digital Links; the ones that name
// things are EPC URNs ("urn:epc:"), lot URNs and Digital Link URIs.
func looksLikeEventID(id string) bool {
	l := strings.ToLower(id)
	switch {
	case strings.HasPrefix(l, "ni:///"), strings.HasPrefix(l, "urn:uuid:"):
		return true
	case strings.HasPrefix(l, "urn:epc:"), gongxu.IsLotURN(id), strings.HasPrefix(l, "http://"), strings.HasPrefix(l, "https://"):
		return false
	}
	return strings.Contains(id, ":") && !strings.Contains(id, "/")
}

// provenValue is a state key's verification.
type provenValue struct {
	vv  comet.VerifiedValue
	err error
}

// proveAll verifies the state keys concurrently: asked together, their
// values come from one committed state and wait for one next header.
func proveAll(env *Env, ver *comet.Verifier, keys map[string]bool) map[string]provenValue {
	out := make(map[string]provenValue, len(keys))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			vv, err := ver.State(env.Ctx, []byte(k))
			mu.Lock()
			out[k] = provenValue{vv, err}
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// state returns the verification of key: proven already, or now.
func state(env *Env, ver *comet.Verifier, proven map[string]provenValue, key []byte) (comet.VerifiedValue, error) {
	if p, ok := proven[string(key)]; ok {
		return p.vv, p.err
	}
	return ver.State(env.Ctx, key)
}

// verifyTraceEvent proves one event. It returns an error only when the
// check could not be made (the node unreachable); a failed check is a
// verdict.
func verifyTraceEvent(env *Env, ver *comet.Verifier, id string, proven map[string]provenValue) (traceStepVerdict, string, error) {
	s := traceStepVerdict{Event: id, Checks: []string{}}
	fail := func(check, format string, args ...any) (traceStepVerdict, string, error) {
		s.Failed, s.Message = check, fmt.Sprintf(format, args...)
		return s, "", nil
	}
	vv, err := state(env, ver, proven, trace.EventKey(id, false))
	s.Checks = append(s.Checks, vv.Checks...)
	trust := ""
	if vv.Trust.Height != 0 {
		trust = vv.Trust.String()
	}
	if err != nil {
		if vv.Failed == "" {
			return s, trust, rpcErr(err)
		}
		s.Failed, s.Message = vv.Failed, gongxu.ErrorMessage(err)
		return s, trust, nil
	}
	if !vv.Present {
		return fail("state", "the verified state at height %d holds no event %s", vv.Height, id)
	}
	var e gongxu.TraceEvent
	if err := json.Unmarshal(vv.Value, &e); err != nil || e.ID != id {
		return fail("state", "the verified record under event %s is not that event (%v)", id, err)
	}
	s.Type, s.Org, s.Height, s.Tx = e.Type, string(e.Org), e.Anchor.Height, e.Anchor.Tx
	leaf := gongxu.TraceLeafHash(e.Raw)
	if !strings.EqualFold(hex.EncodeToString(leaf[:]), e.Anchor.Leaf) {
		return fail("leaf", "the event's JSON hashes to %x, its anchor names leaf %s", leaf, e.Anchor.Leaf)
	}
	s.Checks = append(s.Checks, "leaf")
	bv, err := state(env, ver, proven, trace.BatchKey(e.Anchor.Height, e.Anchor.Tx))
	if err != nil {
		if bv.Failed == "" {
			return s, trust, rpcErr(err)
		}
		return fail("batch", "the batch record of transaction %s: %s", e.Anchor.Tx, gongxu.ErrorMessage(err))
	}
	var b gongxu.TraceBatch
	if !bv.Present || json.Unmarshal(bv.Value, &b) != nil {
		return fail("batch", "the verified state holds no batch record of transaction %s at height %d", e.Anchor.Tx, e.Anchor.Height)
	}
	proof, err := b.Proof(e.Anchor.Index)
	if err == nil && !strings.EqualFold(b.Root, e.Anchor.Root) {
		err = gongxu.Errorf(gongxu.KindInvalid, "the batch's root is %s, the event's anchor names %s", b.Root, e.Anchor.Root)
	}
	if err == nil {
		err = gongxu.VerifyTraceEvent(&e, proof)
	}
	if err != nil {
		return fail("batch", "%s", gongxu.ErrorMessage(err))
	}
	s.Checks = append(s.Checks, "batch")
	tx, err := ver.TxInBlock(env.Ctx, e.Anchor.Height, e.Anchor.Tx)
	for _, c := range tx.Checks {
		if c != comet.CheckTrust {
			s.Checks = append(s.Checks, blockCheck(c))
		}
	}
	if err != nil {
		if tx.Failed == "" {
			return s, trust, rpcErr(err)
		}
		return fail(blockCheck(tx.Failed), "%s", gongxu.ErrorMessage(err))
	}
	s.Block, s.OK = upperHex(tx.HeaderHash), true
	return s, trust, nil
}

// traceFailed is a trace that did not verify: exit code 1.
type traceFailed struct{ v traceVerdict }

func (e *traceFailed) Error() string {
	return fmt.Sprintf("trace %q does not verify (%s): %s", e.v.ID, e.v.Failed, e.v.Message)
}

func (env *Env) printTraceVerdict(v traceVerdict) error {
	err := env.print(v, func(t *tableWriter) {
		t.field("ok", strconv.FormatBool(v.OK))
		t.fieldOpt("failed", v.Failed)
		t.fieldOpt("message", v.Message)
		t.field("id", v.ID)
		for _, s := range v.Steps {
			mark := "verified"
			if !s.OK {
				mark = "FAILED " + s.Failed
			}
			t.field("event", fmt.Sprintf("%s  %s %s  height %d  tx %s  %s", s.Event, s.Type, s.Org, s.Height, s.Tx, mark))
		}
		t.fieldOpt("trust", v.Trust)
		t.field("rpc", v.RPC)
	})
	if err != nil {
		return err
	}
	if !v.OK {
		return &traceFailed{v}
	}
	return nil
}

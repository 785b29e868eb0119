package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
)

// lightHelp explains the light-client flags, for the help of the verify
// commands.
const lightHelp = `The values are proven against block headers that CometBFT's light client
verifies, from a header you trust, through the node's CometBFT RPC (--rpc):
the node at --rpc need not be trusted. Give the trusted header with
--trust-height and --trust-hash (a member, a regulator or a printed notice
can hand out a height and its block hash). Without --trust-hash the node's
own header at --trust-height (default 1) is trusted, and the verdict says
"trusting height 1 from the node asked": then a node that forged its whole
chain from that height would not be caught. --witness names other nodes'
RPC addresses that the headers are cross-checked with.`

// lightFlags are the light-client flags of the verify commands.
type lightFlags struct {
	rpc            string
	witnesses      []string
	trustHeight    int64
	trustHash      string
	trustingPeriod time.Duration
	sequential     bool
}

func (lf *lightFlags) add(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&lf.rpc, "rpc", comet.DefaultRPC, "`URL` of the node's CometBFT RPC, asked for values, proofs and headers")
	f.StringSliceVar(&lf.witnesses, "witness", nil, "`URL` of another node's CometBFT RPC to cross-check headers with (repeatable)")
	f.Int64Var(&lf.trustHeight, "trust-height", 0, "`HEIGHT` of the header you trust (default 1)")
	f.StringVar(&lf.trustHash, "trust-hash", "", "block hash (`HEX`) of the header at --trust-height (default: the node's, trusted as it is)")
	f.DurationVar(&lf.trustingPeriod, "trusting-period", 0, "how old the trusted header may be, as a `DURATION` (default 168h; with the node's header, its age)")
	f.BoolVar(&lf.sequential, "sequential", false, "verify every header from the trusted one (default: skipping verification)")
}

// options turns the flags into the light client's options.
func (lf *lightFlags) options(env *Env) (comet.LightOptions, error) {
	o := comet.LightOptions{RPC: lf.rpc, Witnesses: lf.witnesses, ChainID: env.ChainID, TrustHeight: lf.trustHeight,
		TrustingPeriod: lf.trustingPeriod, Sequential: lf.sequential}
	if lf.trustHeight < 0 {
		return o, usagef("--trust-height must not be negative, got %d", lf.trustHeight)
	}
	if lf.trustingPeriod < 0 {
		return o, usagef("--trusting-period must not be negative, got %s", lf.trustingPeriod)
	}
	if lf.trustHash != "" {
		if lf.trustHeight == 0 {
			return o, usagef("--trust-hash needs --trust-height: the height of the header it is the hash of")
		}
		b, err := hex.DecodeString(lf.trustHash)
		if err != nil || len(b) != 32 {
			return o, usagef("--trust-hash takes a block hash of 64 hex digits, got %q", clip(lf.trustHash))
		}
		o.TrustHash = b
	}
	return o, nil
}

// rpcErr makes an error of the light client say which flag to check.
func rpcErr(err error) error {
	if gongxu.ErrorKind(err) == gongxu.KindUnavailable {
		return gongxu.Errorf(gongxu.KindUnavailable, "%s (is the node running, with its CometBFT RPC there? see --rpc and --witness)", gongxu.ErrorMessage(err))
	}
	return err
}

func newVerifyStateCmd(env *Env) *cobra.Command {
	var lf lightFlags
	var isHex bool
	c := &cobra.Command{
		Use:   "state KEY",
		Short: "Prove a value of the ledger's state against verified block headers",
		Long: `Prove the value of state key KEY (text; with --hex, hex bytes) in the latest
committed state of the node at --rpc, or prove that the key is absent:

  1. query: the node answers its "/prove" query with the value and a proof;
  2. trust: the trusted header is the node's at --trust-height, with
     --trust-hash, signed by its validators;
  3. header: the light client verifies the header after the state's height,
     which carries the state's root as its app hash;
  4. state_proof: the proof leads from the value (or the key's absence) to
     that app hash.

` + lightHelp + `

It prints a verdict, {"ok": true, …}, and exits 0; or {"ok": false,
"failed": CHECK, …} and exits 1.`,
		Example: `  gongxu verify state member/org/acme
  gongxu verify state pool/batch/00000000000000000003/3FA2…C0 --rpc http://node.example:26657 --trust-height 1 --trust-hash 9C1E…77`,
		Args: exactArgs("KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := []byte(args[0])
			if isHex {
				b, err := hex.DecodeString(args[0])
				if err != nil {
					return usagef("--hex: KEY %q is not hex", clip(args[0]))
				}
				key = b
			}
			if len(key) == 0 {
				return usagef("KEY is empty")
			}
			o, err := lf.options(env)
			if err != nil {
				return err
			}
			vv, err := comet.VerifyState(env.Ctx, o, key)
			v := newStateVerdict(o, vv)
			if err != nil {
				if vv.Failed == "" {
					return rpcErr(err)
				}
				v.Failed, v.Message = vv.Failed, gongxu.ErrorMessage(err)
			} else {
				v = v.ok(vv)
			}
			return env.printStateVerdict(v)
		},
	}
	c.Flags().BoolVar(&isHex, "hex", false, "KEY is hex-encoded bytes")
	lf.add(c)
	return c
}

// stateVerdict is what verify state prints.
type stateVerdict struct {
	OK           bool     `json:"ok"`
	Failed       string   `json:"failed,omitempty"`
	Message      string   `json:"message,omitempty"`
	Checks       []string `json:"checks"`
	Key          string   `json:"key"`
	KeyHex       string   `json:"key_hex"`
	Present      *bool    `json:"present,omitempty"`   // when ok
	Value        *string  `json:"value,omitempty"`     // the value as text, when it is UTF-8
	ValueHex     string   `json:"value_hex,omitempty"` // the value's bytes otherwise
	Height       int64    `json:"height,omitempty"`    // of the state proven (when ok)
	HeaderHeight int64    `json:"header_height,omitempty"`
	AppHash      string   `json:"app_hash,omitempty"`
	HeaderHash   string   `json:"header_hash,omitempty"`
	Trust        string   `json:"trust,omitempty"`
	RPC          string   `json:"rpc"`
}

func newStateVerdict(o comet.LightOptions, vv comet.VerifiedValue) stateVerdict {
	v := stateVerdict{Checks: vv.Checks, Key: string(vv.Key), KeyHex: hex.EncodeToString(vv.Key), RPC: o.RPC}
	if v.RPC == "" {
		v.RPC = comet.DefaultRPC
	}
	if vv.Trust.Height != 0 {
		v.Trust = vv.Trust.String()
	}
	return v
}

// ok marks v verified, with the value proven.
func (v stateVerdict) ok(vv comet.VerifiedValue) stateVerdict {
	v.OK, v.Present = true, &vv.Present
	v.Height, v.HeaderHeight, v.AppHash, v.HeaderHash = vv.Height, vv.HeaderHeight, upperHex(vv.AppHash), upperHex(vv.HeaderHash)
	if vv.Present {
		if utf8.Valid(vv.Value) {
			s := string(vv.Value)
			v.Value = &s
		} else {
			v.ValueHex = hex.EncodeToString(vv.Value)
		}
	}
	return v
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// stateFailed is a state value that did not verify: exit code 1.
type stateFailed struct{ v stateVerdict }

func (e *stateFailed) Error() string {
	return fmt.Sprintf("state key %q does not verify (%s): %s", e.v.Key, e.v.Failed, e.v.Message)
}

func (env *Env) printStateVerdict(v stateVerdict) error {
	if v.Checks == nil {
		v.Checks = []string{}
	}
	err := env.print(v, func(t *tableWriter) {
		t.field("ok", strconv.FormatBool(v.OK))
		t.fieldOpt("failed", v.Failed)
		t.fieldOpt("message", v.Message)
		t.field("checks", strings.Join(v.Checks, ","))
		t.field("key", v.Key)
		if v.Present != nil {
			t.field("present", strconv.FormatBool(*v.Present))
		}
		if v.Value != nil {
			t.field("value", *v.Value)
		}
		t.fieldOpt("value_hex", v.ValueHex)
		if v.Height != 0 || v.HeaderHeight != 0 {
			t.field("height", strconv.FormatInt(v.Height, 10))
			t.field("header", fmt.Sprintf("%d %s", v.HeaderHeight, v.HeaderHash))
		}
		t.fieldOpt("app_hash", v.AppHash)
		t.fieldOpt("trust", v.Trust)
		t.field("rpc", v.RPC)
	})
	if err != nil {
		return err
	}
	if !v.OK {
		return &stateFailed{v}
	}
	return nil
}

// poolBatchKey is the state key of the pool module's record of the batch of
// pool carried by transaction tx (internal/module/pool/keeper.go, batchKey):
// "pool/batch/", the pool id in 20 digits, "/" and the upper-case hex hash.
// Tests prove a real batch under it, so a change of the layout there fails
// here. A failed pool's batch records leave the state after its close.
func poolBatchKey(pool uint64, tx string) []byte {
	return []byte(fmt.Sprintf("pool/batch/%020d/%s", pool, strings.ToUpper(tx)))
}

// verifyReceiptOnChain adds to verify receipt what the light client proves:
// the pool's record of the receipt's batch in the state, against a verified
// header, agrees with the receipt, and the batch transaction is in the block
// the record names, against that block's verified header.
func (env *Env) verifyReceiptOnChain(o comet.LightOptions, r gongxu.Receipt, v verdict) error {
	v.RPC = o.RPC
	ver, err := comet.NewVerifier(o)
	if err != nil {
		return err
	}
	vv, err := ver.State(env.Ctx, poolBatchKey(r.Pool, r.Tx))
	v.Checks = append(v.Checks, vv.Checks...)
	if vv.Trust.Height != 0 {
		v.Trust = vv.Trust.String()
	}
	if err != nil {
		if vv.Failed == "" {
			return rpcErr(err)
		}
		return env.printVerdict(v.fail(vv.Failed, gongxu.ErrorMessage(err)))
	}
	v.StateHeight, v.AppHash = vv.Height, upperHex(vv.AppHash)
	if !vv.Present {
		return env.printVerdict(v.fail("state", fmt.Sprintf("the verified state at height %d holds no batch of transaction %s in pool %d (a failed pool's batches leave the state)", vv.Height, r.Tx, r.Pool)))
	}
	var b gongxu.Batch
	if err := json.Unmarshal(vv.Value, &b); err != nil {
		return env.printVerdict(v.fail("state", fmt.Sprintf("the verified state's record of batch %s is not a batch: %v", r.Tx, err)))
	}
	var msg string
	switch {
	case !strings.EqualFold(b.Tx, r.Tx):
		msg = fmt.Sprintf("the verified record under batch %s names transaction %s", r.Tx, b.Tx)
	case b.Pool != r.Pool:
		msg = fmt.Sprintf("the verified batch %s is in pool %d, the receipt says %d", r.Tx, b.Pool, r.Pool)
	case b.Hub != r.Hub:
		msg = fmt.Sprintf("the verified batch %s was signed by hub %s, the receipt says %s", r.Tx, b.Hub, r.Hub)
	case !strings.EqualFold(b.Root, r.Root):
		msg = fmt.Sprintf("the verified batch %s has root %s, the receipt %s", r.Tx, b.Root, r.Root)
	case b.Leaves != int64(r.Leaves):
		msg = fmt.Sprintf("the verified batch %s has %d leaves, the receipt says %d", r.Tx, b.Leaves, r.Leaves)
	case b.Height <= 0:
		msg = fmt.Sprintf("the verified batch %s names no block height", r.Tx)
	}
	if msg != "" {
		return env.printVerdict(v.fail("state", msg))
	}
	v.Height = b.Height
	v.Checks = append(v.Checks, "state")

	tx, err := ver.TxInBlock(env.Ctx, b.Height, r.Tx)
	for _, c := range tx.Checks {
		if c != comet.CheckTrust { // passed above
			v.Checks = append(v.Checks, blockCheck(c))
		}
	}
	if err != nil {
		if tx.Failed == "" {
			return rpcErr(err)
		}
		return env.printVerdict(v.fail(blockCheck(tx.Failed), gongxu.ErrorMessage(err)))
	}
	v.BlockHash = upperHex(tx.HeaderHash)
	v.OK = true
	return env.printVerdict(v)
}

// blockCheck names the light client's header check of the batch's block
// apart from that of the state's header.
func blockCheck(c string) string {
	if c == comet.CheckHeader {
		return "block_header"
	}
	return c
}

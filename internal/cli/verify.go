package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// newVerifyCmd builds "gongxu verify": checks anyone can run on what a
// participant handed them.
func newVerifyCmd(env *Env) *cobra.Command {
	return newGroup("verify", "Check receipts, state and traceability against the ledger", newVerifyReceiptCmd(env), newVerifyStateCmd(env), newVerifyTraceCmd(env))
}

func newVerifyReceiptCmd(env *Env) *cobra.Command {
	var lf lightFlags
	c := &cobra.Command{
		Use:   "receipt FILE",
		Short: "Check that a pledge receipt is in a batch the ledger accepted",
		Long: `Check a receipt a hub handed out for one pledge of its batch (a JSON file that
"tx pool batch" wrote):

  1. proof: locally, the receipt's Merkle proof leads from its leaf (pool,
     hub, pseudonym, variant, qty) to its root;
  2. against the node at --node: its read model holds a batch of
     transaction "tx" in pool "pool", signed by hub "hub", with the same root
     and the same number of leaves (checks batch, pool, hub, root, leaves);
  3. against verified block headers, through the node's CometBFT RPC at
     --rpc: the pool's record of that batch in the ledger's state is proven
     (checks query, trust, header, state_proof; see "verify state") and
     agrees with the receipt (state); the batch transaction is in the block
     the record names, by a Merkle proof against that block's verified
     header (block_header, block, tx).

` + lightHelp + `

It prints a verdict, {"ok": true, …}, and exits 0; or {"ok": false,
"failed": CHECK, …} and exits 1, CHECK being the first check that failed.
A node that cannot be reached is an error, not a verdict.`,
		Example: `  gongxu verify receipt receipts-7-3FA2B1C0/0003.json --node http://127.0.0.1:8080
  gongxu verify receipt 0003.json --node https://hub.example --rpc https://hub.example:26657 \
      --witness http://factory.example:26657 --trust-height 1 --trust-hash 9C1E…77`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if errors.Is(err, fs.ErrNotExist) {
				return usagef("receipt %s does not exist", args[0])
			}
			if err != nil {
				return gongxu.Wrap(err, "read receipt")
			}
			lo, err := lf.options(env)
			if err != nil {
				return err
			}
			v := verdict{File: args[0], Node: env.Node}
			var r gongxu.Receipt
			dec := json.NewDecoder(bytes.NewReader(data))
			if err := dec.Decode(&r); err != nil || r.Tx == "" || r.Root == "" {
				if err == nil {
					err = errors.New("no tx or root")
				}
				return env.printVerdict(v.fail("format", fmt.Sprintf("%s is not a receipt: %v", args[0], err)))
			}
			v.Tx, v.Pool, v.Hub, v.Index, v.Leaves, v.Root, v.Leaf = r.Tx, r.Pool, r.Hub, r.Index, r.Leaves, r.Root, &r.Leaf
			if err := pool.VerifyReceipt(r); err != nil {
				return env.printVerdict(v.fail("proof", gongxu.ErrorMessage(err)))
			}
			v.Checks = append(v.Checks, "proof")
			bs, err := env.Client().Batches(env.Ctx, r.Pool)
			if err != nil {
				return env.nodeErr(err)
			}
			var b *gongxu.Batch
			for i := range bs {
				if strings.EqualFold(bs[i].Tx, r.Tx) {
					b = &bs[i]
					break
				}
			}
			if b == nil {
				return env.printVerdict(v.fail("batch", fmt.Sprintf("the ledger holds no batch of transaction %s in pool %d", r.Tx, r.Pool)))
			}
			v.Height = b.Height
			v.Checks = append(v.Checks, "batch")
			switch {
			case b.Pool != r.Pool:
				return env.printVerdict(v.fail("pool", fmt.Sprintf("the ledger's batch %s is in pool %d, the receipt says %d", r.Tx, b.Pool, r.Pool)))
			case b.Hub != r.Hub:
				return env.printVerdict(v.fail("hub", fmt.Sprintf("the ledger's batch %s was signed by hub %s, the receipt says %s", r.Tx, b.Hub, r.Hub)))
			case !strings.EqualFold(b.Root, r.Root):
				return env.printVerdict(v.fail("root", fmt.Sprintf("the ledger's batch %s has root %s, the receipt %s", r.Tx, b.Root, r.Root)))
			case b.Leaves != int64(r.Leaves):
				return env.printVerdict(v.fail("leaves", fmt.Sprintf("the ledger's batch %s has %d leaves, the receipt says %d", r.Tx, b.Leaves, r.Leaves)))
			}
			v.Checks = append(v.Checks, "pool", "hub", "root", "leaves")
			return env.verifyReceiptOnChain(lo, r, v)
		},
	}
	lf.add(c)
	return c
}

// verdict is what verify receipt prints.
type verdict struct {
	OK      bool             `json:"ok"`
	Failed  string           `json:"failed,omitempty"`  // the check that failed
	Message string           `json:"message,omitempty"` // why
	Checks  []string         `json:"checks"`            // the checks that passed, in order
	File    string           `json:"file"`
	Node    string           `json:"node"`
	Tx      string           `json:"tx,omitempty"`
	Pool    uint64           `json:"pool,omitempty"`
	Hub     gongxu.OrgID     `json:"hub,omitempty"`
	Index   int              `json:"index"`
	Leaves  int              `json:"leaves,omitempty"`
	Leaf    *gongxu.PoolLeaf `json:"leaf,omitempty"`
	Root    string           `json:"root,omitempty"`
	Height  int64            `json:"height,omitempty"` // of the batch, on the ledger

	// What the light client proved.
	StateHeight int64  `json:"state_height,omitempty"` // of the state the batch record was proven in
	AppHash     string `json:"app_hash,omitempty"`     // that state's root, in the verified header after it
	BlockHash   string `json:"block_hash,omitempty"`   // the verified header of the batch's block
	Trust       string `json:"trust,omitempty"`
	RPC         string `json:"rpc,omitempty"`
}

func (v verdict) fail(check, msg string) verdict {
	v.Failed, v.Message = check, msg
	return v
}

// verifyFailed is a receipt that did not verify: exit code 1.
type verifyFailed struct{ v verdict }

func (e *verifyFailed) Error() string {
	return fmt.Sprintf("receipt %s does not verify (%s): %s", e.v.File, e.v.Failed, e.v.Message)
}

// printVerdict prints v; a failed verdict is an error too.
func (env *Env) printVerdict(v verdict) error {
	if v.Checks == nil {
		v.Checks = []string{}
	}
	err := env.print(v, func(t *tableWriter) {
		t.field("ok", strconv.FormatBool(v.OK))
		t.fieldOpt("failed", v.Failed)
		t.fieldOpt("message", v.Message)
		t.field("checks", strings.Join(v.Checks, ","))
		t.field("file", v.File)
		t.field("node", v.Node)
		t.fieldOpt("tx", v.Tx)
		if v.Pool != 0 {
			t.field("pool", strconv.FormatUint(v.Pool, 10))
		}
		t.fieldOpt("hub", string(v.Hub))
		if v.Leaf != nil {
			t.field("index", fmt.Sprintf("%d of %d", v.Index, v.Leaves))
			t.field("leaf", v.Leaf.ID)
			t.fieldOpt("variant", v.Leaf.Variant)
			t.field("qty", strconv.FormatInt(int64(v.Leaf.Qty), 10))
		}
		t.fieldOpt("root", v.Root)
		if v.Height != 0 {
			t.field("height", strconv.FormatInt(v.Height, 10))
		}
		t.fieldOpt("block_hash", v.BlockHash)
		if v.StateHeight != 0 {
			t.field("state_height", strconv.FormatInt(v.StateHeight, 10))
		}
		t.fieldOpt("app_hash", v.AppHash)
		t.fieldOpt("trust", v.Trust)
		t.fieldOpt("rpc", v.RPC)
	})
	if err != nil {
		return err
	}
	if !v.OK {
		return &verifyFailed{v}
	}
	return nil
}

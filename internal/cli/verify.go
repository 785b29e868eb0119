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
	return newGroup("verify", "Check receipts against the ledger", newVerifyReceiptCmd(env))
}

func newVerifyReceiptCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "receipt FILE",
		Short: "Check that a pledge receipt is in a batch the ledger accepted",
		Long: `Check a receipt a hub handed out for one pledge of its batch (a JSON file that
"tx pool batch" wrote):

  1. proof: locally, the receipt's Merkle proof leads from its leaf (pool,
     hub, pseudonym, variant, qty) to its root;
  2. against the node at --node: the ledger holds a batch of transaction
     "tx" in pool "pool", signed by hub "hub", with the same root and the
     same number of leaves.

It prints a verdict, {"ok": true, …}, and exits 0; or {"ok": false,
"failed": CHECK, …} and exits 1. CHECK is format, proof, batch, pool, hub,
root or leaves.

The node's answer is trusted as it is: checking it against the chain's block
headers with a light client is a later issue. Ask a node you trust, or more
than one.`,
		Example: `  gongxu verify receipt receipts-7-3FA2B1C0/0003.json --node http://127.0.0.1:8080`,
		Args:    exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if errors.Is(err, fs.ErrNotExist) {
				return usagef("receipt %s does not exist", args[0])
			}
			if err != nil {
				return gongxu.Wrap(err, "read receipt")
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
			v.OK = true
			return env.printVerdict(v)
		},
	}
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
			t.field("qty", strconv.FormatInt(v.Leaf.Qty, 10))
		}
		t.fieldOpt("root", v.Root)
		if v.Height != 0 {
			t.field("height", strconv.FormatInt(v.Height, 10))
		}
	})
	if err != nil {
		return err
	}
	if !v.OK {
		return &verifyFailed{v}
	}
	return nil
}

package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// txOptions are the flags every tx command shares (persistent flags of tx).
type txOptions struct {
	from     string
	noWait   bool
	sequence uint64
	dryRun   bool
}

// newTxCmd builds "gongxu tx": one subcommand per module, and raw.
func newTxCmd(env *Env) *cobra.Command {
	o := &txOptions{}
	c := newGroup("tx", "Sign and submit transactions",
		newTxMemberCmd(env, o),
		newTxCatalogCmd(env, o),
		newTxSettleCmd(env, o),
		newTxPoolCmd(env, o),
		newTxRFQCmd(env, o),
		newTxDisputeCmd(env, o),
		newTxLogisticsCmd(env, o),
		newTxProductionCmd(env, o),
		newTxTraceCmd(env, o),
		newTxRawCmd(env, o),
	)
	c.Long = `Sign a transaction with a key of the keyring, submit it to the node and wait
for its commit, then print the result. The chain id comes from --chain-id or
the node's status; the sequence from --sequence or the node's account record.
A transaction the chain rejects prints its result and exits with code 1.`
	pf := c.PersistentFlags()
	pf.StringVar(&o.from, "from", "", "sign with the key `NAME` of the keyring (required)")
	pf.BoolVar(&o.noWait, "no-wait", false, "return once the node has accepted the transaction, without waiting for the commit")
	pf.Uint64Var(&o.sequence, "sequence", 0, "sign with sequence `N` instead of the account's next one")
	pf.BoolVar(&o.dryRun, "dry-run", false, "sign and print the transaction, do not submit it")
	return c
}

// msg is a message a tx command builds: it checks itself before it is sent.
type msg interface {
	ValidateBasic() error
}

// binaryMsg is a message sent in a binary body its type declares
// (docs/wire.md: pool/batch's packed form), not as JSON.
type binaryMsg interface {
	msg
	BinaryBody() ([]byte, error)
}

// sendMsg checks m, encodes it as the JSON body of a typ transaction (or its
// binary body, for a binaryMsg) and sends it. A message that fails its
// checks is a usage error: nothing is sent.
func (env *Env) sendMsg(cmd *cobra.Command, o *txOptions, typ string, m msg) error {
	if err := requireFlags(cmd, "from"); err != nil {
		return err
	}
	if err := m.ValidateBasic(); err != nil {
		return asUsage(err)
	}
	var body []byte
	var err error
	if b, ok := m.(binaryMsg); ok {
		body, err = b.BinaryBody()
	} else {
		body, err = json.Marshal(m)
	}
	if err != nil {
		return gongxu.Wrap(err, "encode %s", typ)
	}
	return env.sendTx(cmd, o, typ, body)
}

// signedTx is what --dry-run prints. Tx is the base64 of the wire bytes, the
// form POST /v1/txs takes as {"tx": "..."}.
type signedTx struct {
	Hash     string        `json:"hash"`
	ChainID  string        `json:"chain_id"`
	Type     string        `json:"type"`
	Signer   gongxu.PubKey `json:"signer"`
	Sequence uint64        `json:"sequence"`
	Tx       string        `json:"tx"`
}

// sendTx signs a typ transaction with body using the --from key, and submits
// it (or prints it, with --dry-run). It prints the result and returns a
// txRejected error when the chain rejects the transaction.
func (env *Env) sendTx(cmd *cobra.Command, o *txOptions, typ string, body []byte) error {
	if err := requireFlags(cmd, "from"); err != nil {
		return err
	}
	if err := keyring.ValidateName(o.from); err != nil {
		return asUsage(err)
	}
	kr, err := env.Keyring()
	if err != nil {
		return err
	}
	key, err := kr.Get(o.from)
	if err != nil {
		return err
	}
	var c *client.Client
	node := func() *client.Client {
		if c == nil {
			c = env.Client()
		}
		return c
	}
	chainID, err := env.chainID(node)
	if err != nil {
		return err
	}
	seq := o.sequence
	if !cmd.Flags().Changed("sequence") {
		acct, err := node().Account(env.Ctx, key.PubKey)
		if err != nil {
			return env.nodeErr(err)
		}
		seq = acct.Sequence
	}
	if body, err = env.sealBody(node(), key.PubKey, typ, body, o.dryRun); err != nil {
		return err
	}
	raw := gongxu.SignTx(chainID, key.Private, typ, body, seq).Encode()
	if _, _, err := gongxu.DecodeTx(raw, 0); err != nil {
		return asUsage(err) // a bad --type of tx raw
	}
	if o.dryRun {
		st := signedTx{
			Hash: gongxu.TxHash(raw), ChainID: chainID, Type: typ, Signer: key.PubKey, Sequence: seq,
			Tx: base64.StdEncoding.EncodeToString(raw),
		}
		return env.print(st, func(t *tableWriter) {
			t.field("hash", st.Hash)
			t.field("chain_id", st.ChainID)
			t.field("type", st.Type)
			t.field("signer", string(st.Signer))
			t.field("sequence", strconv.FormatUint(st.Sequence, 10))
			t.field("tx", st.Tx)
		})
	}
	res, err := node().Submit(env.Ctx, raw, !o.noWait)
	if err != nil {
		return env.nodeErr(err)
	}
	if err := env.printTxResult(res); err != nil {
		return err
	}
	if res.Code != 0 {
		return &txRejected{res: res}
	}
	return nil
}

// chainID is --chain-id, or the chain id in the node's status.
func (env *Env) chainID(node func() *client.Client) (string, error) {
	if env.ChainID != "" {
		return env.ChainID, nil
	}
	st, err := node().Status(env.Ctx)
	if err != nil {
		return "", env.nodeErr(err)
	}
	if st.ChainID == "" {
		return "", gongxu.Errorf(gongxu.KindUnavailable, "node %s reports no chain id; give --chain-id", env.Node)
	}
	return st.ChainID, nil
}

func (env *Env) printTxResult(res gongxu.TxResult) error {
	return env.print(res, func(t *tableWriter) {
		t.field("hash", res.Hash)
		t.field("height", strconv.FormatInt(res.Height, 10))
		t.field("code", strconv.FormatUint(uint64(res.Code), 10))
		t.fieldOpt("kind", res.Kind)
		t.fieldOpt("message", res.Message)
	})
}

// txRejected is a transaction the chain rejected: its result was printed, the
// exit code is 1.
type txRejected struct{ res gongxu.TxResult }

func (e *txRejected) Error() string {
	kind := e.res.Kind
	if kind == "" {
		kind = gongxu.Kind(e.res.Code).String()
	}
	msg := fmt.Sprintf("transaction %s rejected (%s, code %d)", e.res.Hash, kind, e.res.Code)
	if e.res.Message != "" {
		msg += ": " + e.res.Message
	}
	return msg
}

func newTxRawCmd(env *Env, o *txOptions) *cobra.Command {
	var typ, body string
	c := &cobra.Command{
		Use:   "raw --type TYPE --body JSON",
		Short: "Sign and submit a message of any type",
		Long: `Sign and submit a message of any type, "module/action", with a JSON object
as its body, exactly as given.`,
		Example: `  gongxu tx raw --from alice --type member/vote --body '{"proposal":3,"yes":true}'`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "from", "type"); err != nil {
				return err
			}
			b, err := rawBody(typ, body)
			if err != nil {
				return err
			}
			return env.sendTx(cmd, o, typ, b)
		},
	}
	c.Flags().StringVar(&typ, "type", "", "message `TYPE`, module/action (required)")
	c.Flags().StringVar(&body, "body", "{}", "message body, a `JSON` object")
	return c
}

// rawBody checks the type and body of tx raw.
func rawBody(typ, body string) ([]byte, error) {
	if len(typ) < 3 || len(typ) > gongxu.MaxTypeLen {
		return nil, usagef("--type must be 3 to %d bytes, got %q", gongxu.MaxTypeLen, typ)
	}
	for _, c := range typ {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '/') {
			return nil, usagef("--type %q may hold only a-z, 0-9, '_' and '/'", typ)
		}
	}
	b := []byte(body)
	if !json.Valid(b) || !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("{")) {
		return nil, usagef("--body must be a JSON object, got %q", clip(body))
	}
	return b, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// resolvePubKey reads a public key argument: 64 hex characters, or the name
// of a key in the keyring.
func (env *Env) resolvePubKey(s string) (gongxu.PubKey, error) {
	k := gongxu.PubKey(strings.ToLower(s))
	if k.Validate() == nil {
		return k, nil
	}
	if keyring.ValidateName(s) == nil {
		kr, err := env.Keyring()
		if err != nil {
			return "", err
		}
		key, err := kr.Get(s)
		if err == nil {
			return key.PubKey, nil
		}
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return "", err
		}
	}
	return "", usagef("%q is neither a public key (64 hex characters) nor a key in %s", clip(s), env.KeysDir())
}

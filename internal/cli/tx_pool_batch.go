package cli

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// Files of a hub batch.
const (
	pseudonymExt     = ".pseudonym" // HOME/keys/NAME.pseudonym: the hub's secret for leaf ids
	pseudonymSecret  = 32           // bytes
	receiptIndexFile = "index.csv"  // consumer reference → receipt file; stays at the hub
)

func newTxPoolBatchCmd(env *Env, o *txOptions) *cobra.Command {
	var dir string
	var packed bool
	c := &cobra.Command{
		Use:   "batch POOL_ID FILE.csv [--receipts DIR]",
		Short: "Submit your hub's consumers' pledges as one batch, and write their receipts",
		Long: `Submit the pledges your hub gathered as one batch signed by the hub's key
(--from); the escrow comes from the hub's account.

FILE.csv has the columns consumer,variant,qty (a header line is optional;
variant may be empty). consumer is the hub's own reference of the consumer (a
name, a phone number, a member card …): it never leaves the hub. Each leaf on
the ledger carries only a pseudonym,

  hex(sha256(secret || consumer || 0x00 || pool (8 bytes BE) || row (8 bytes BE)))

where row is the leaf's index in the batch (from 0) and secret is the hub's 32
random bytes in HOME/keys/NAME.pseudonym (NAME the --from key; created, mode
0600, on first use; keep it with the key: the same file gives the same ids),
and the commitment to the consumer's pickup secret,

  pickup secret = hex(HMAC-SHA256(secret, "gongxu/pool/pickup/v1" || 0x00 || leaf id))
  commit        = hex(sha256("gongxu/pool/pickup/v1" || 0x00 || pickup secret bytes))

Once the batch is committed, one receipt per leaf is written to DIR (default
./receipts-POOL-HASH/, HASH the first 8 characters of the transaction hash) as
INDEX.json, computed locally, plus index.csv mapping each consumer reference to
its receipt file. Each receipt is the consumer's copy: it holds their pickup
secret, which collects the goods (the receipts the node serves to anyone do
not). Hand each consumer their own receipt, and nobody else; keep index.csv at
the hub. Anyone can check a receipt with "gongxu verify receipt". With
--no-wait the receipts are written once the node accepts the batch, before its
commit.`,
		Example: `  gongxu tx pool batch 7 --from hub-lishui pledges.csv`,
		Args:    exactArgs("POOL_ID", "FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from"); err != nil {
				return err
			}
			if err := keyring.ValidateName(o.from); err != nil {
				return asUsage(err)
			}
			rows, err := readBatchFile(args[1])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("receipts") {
				if _, err := os.Stat(filepath.Join(dir, receiptIndexFile)); err == nil {
					return usagef("--receipts %s already holds an %s: give a new directory", dir, receiptIndexFile)
				}
			}
			// Check the batch before the secret is made (the ids' form does
			// not depend on it).
			pre := &pool.MsgBatch{Pool: id, Leaves: batchLeaves(make([]byte, pseudonymSecret), id, rows)}
			if err := pre.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			if _, err := env.Keyring(); err != nil { // makes HOME/keys, mode 0700
				return err
			}
			secret, err := pseudonymKey(env.KeysDir(), o.from)
			if err != nil {
				return err
			}
			m := &pool.MsgBatch{Pool: id, Leaves: batchLeaves(secret, id, rows)}
			var send msg = m // what goes on the wire; m keeps the leaves for the receipts
			if packed {
				b, err := pool.EncodeBatchBinary(id, m.Leaves)
				if err != nil {
					return asUsage(err)
				}
				send = packedBatch{b}
			}
			if o.dryRun {
				return env.sendMsg(cmd, o, pool.TypeBatch, send)
			}
			hub, err := env.signerOrg(cmd, o)
			if err != nil {
				return err
			}
			res, err := env.submitCaptured(cmd, o, pool.TypeBatch, send)
			if res.Hash == "" || res.Code != 0 {
				if res.Hash != "" {
					if perr := env.printTxResult(res); perr != nil {
						return perr
					}
				}
				return err
			}
			if !cmd.Flags().Changed("receipts") {
				dir = fmt.Sprintf("receipts-%d-%s", id, res.Hash[:min(8, len(res.Hash))])
			}
			out := batchResult{TxResult: res, Leaves: len(m.Leaves), Receipts: dir}
			rs := pool.Receipts(res.Hash, id, hub, m.Leaves)
			for i := range rs {
				rs[i].Secret = pickupSecret(secret, rs[i].Leaf.ID) // the consumer's copy
			}
			werr := writeReceipts(dir, rows, rs)
			if werr == nil {
				out.Index = filepath.Join(dir, receiptIndexFile)
			} else {
				out.Receipts = ""
			}
			if perr := env.print(out, func(t *tableWriter) {
				t.field("hash", out.Hash)
				t.field("height", strconv.FormatInt(out.Height, 10))
				t.field("code", strconv.FormatUint(uint64(out.Code), 10))
				t.field("leaves", strconv.Itoa(out.Leaves))
				t.fieldOpt("receipts", out.Receipts)
				t.fieldOpt("index", out.Index)
			}); perr != nil {
				return perr
			}
			if werr != nil {
				return gongxu.Wrap(werr, "batch %s was accepted, but its receipts were not written "+
					"(the node serves each public receipt at GET /v1/batches/%s/receipts/INDEX; a consumer's "+
					"pickup secret is HMAC-SHA256 of the leaf id under the hub's pseudonym secret, as --help says)", res.Hash, res.Hash)
			}
			return err
		},
	}
	c.Flags().BoolVar(&packed, "packed", false, "send the leaves packed in a binary body (70 bytes a 64-hex leaf, under half the JSON; the same leaves and receipts)")
	c.Flags().StringVar(&dir, "receipts", "", "write the receipts and index.csv to `DIR` (default ./receipts-POOL-HASH/)")
	return c
}

// packedBatch is a batch sent with its leaves packed, as the binary body of
// pool/batch (pool/batchbody.go): ValidateBasic checks a decoded copy, the
// chain's own checks, and the bytes are what is signed and sent.
type packedBatch struct{ body []byte }

func (p packedBatch) ValidateBasic() error {
	var m pool.MsgBatch
	if err := m.DecodeBinary(p.body); err != nil {
		return err
	}
	return m.ValidateBasic()
}

func (p packedBatch) BinaryBody() ([]byte, error) { return p.body, nil }

// batchResult is what tx pool batch prints: the transaction's result, and
// where the receipts are.
type batchResult struct {
	gongxu.TxResult
	Leaves   int    `json:"leaves"`
	Receipts string `json:"receipts,omitempty"` // the directory
	Index    string `json:"index,omitempty"`    // its index.csv
}

// batchRow is one line of a batch file.
type batchRow struct {
	Consumer string // the hub's reference; never sent
	Variant  string
	Qty      int64
}

func readBatchFile(path string) ([]batchRow, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("batch file %s does not exist", path)
		}
		return nil, gongxu.Wrap(err, "open batch file")
	}
	defer f.Close()
	rows, err := readBatchCSV(f)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	return rows, nil
}

// readBatchCSV reads consumer,variant,qty lines; a first line whose third
// column is "qty" is a header.
func readBatchCSV(r io.Reader) ([]batchRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	var rows []batchRow
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if line == 1 && strings.EqualFold(strings.TrimSpace(rec[2]), "qty") {
			continue
		}
		consumer := strings.TrimSpace(rec[0])
		if consumer == "" || strings.ContainsRune(consumer, 0) {
			return nil, fmt.Errorf("line %d: the consumer reference must not be empty", line)
		}
		qty, err := strconv.ParseInt(strings.TrimSpace(rec[2]), 10, 64)
		if err != nil || qty <= 0 {
			return nil, fmt.Errorf("line %d: qty must be a positive integer, got %q", line, clip(rec[2]))
		}
		rows = append(rows, batchRow{Consumer: consumer, Variant: strings.TrimSpace(rec[1]), Qty: qty})
	}
	if len(rows) == 0 {
		return nil, errors.New("no pledges: want lines of consumer,variant,qty")
	}
	return rows, nil
}

// batchLeaves makes the leaves of rows: the consumer reference becomes a
// keyed pseudonym, and each leaf commits to its consumer's pickup secret.
func batchLeaves(secret []byte, poolID uint64, rows []batchRow) []pool.Leaf {
	leaves := make([]pool.Leaf, len(rows))
	for i, r := range rows {
		id := leafID(secret, r.Consumer, poolID, uint64(i))
		commit, err := gongxu.PickupCommit(pickupSecret(secret, id))
		if err != nil {
			panic(err) // pickupSecret makes 32 bytes of lower-case hex
		}
		leaves[i] = pool.Leaf{ID: id, Variant: r.Variant, Qty: gongxu.Units(r.Qty), Commit: commit}
	}
	return leaves
}

// pickupSecret is the pickup secret of the consumer of leaf id:
// hex(HMAC-SHA256(secret, PickupDomain || 0x00 || id)). Keyed by the hub's
// pseudonym secret, it is as unguessable as random bytes to anyone without
// that file, and the hub can make a lost copy again.
func pickupSecret(secret []byte, id string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(gongxu.PickupDomain))
	m.Write([]byte{0})
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// leafID is hex(sha256(secret || consumer || 0x00 || pool || row)), pool and
// row as 8 bytes big-endian.
func leafID(secret []byte, consumer string, poolID, row uint64) string {
	h := sha256.New()
	h.Write(secret)
	h.Write([]byte(consumer))
	h.Write([]byte{0})
	var n [16]byte
	binary.BigEndian.PutUint64(n[:8], poolID)
	binary.BigEndian.PutUint64(n[8:], row)
	h.Write(n[:])
	return hex.EncodeToString(h.Sum(nil))
}

// pseudonymKey returns the secret of the key name in keysDir, creating it
// (mode 0600) on first use.
func pseudonymKey(keysDir, name string) ([]byte, error) {
	path := filepath.Join(keysDir, name+pseudonymExt)
	read := func() ([]byte, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		s, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(s) != pseudonymSecret {
			return nil, gongxu.Errorf(gongxu.KindInternal, "pseudonym secret %s is corrupt: want %d hex-encoded bytes", path, pseudonymSecret)
		}
		return s, nil
	}
	s, err := read()
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindInternal {
			err = gongxu.Wrap(err, "read pseudonym secret")
		}
		return s, err
	}
	secret := make([]byte, pseudonymSecret)
	if _, err := rand.Read(secret); err != nil {
		return nil, gongxu.Wrap(err, "make pseudonym secret")
	}
	// Write a temporary file, then link it: a link never replaces a file
	// another process made meanwhile.
	tmp, err := os.CreateTemp(keysDir, "."+name+".pseudonym-*")
	if err != nil {
		return nil, gongxu.Wrap(err, "write pseudonym secret")
	}
	defer os.Remove(tmp.Name())
	werr := tmp.Chmod(0o600)
	if werr == nil {
		_, werr = tmp.WriteString(hex.EncodeToString(secret) + "\n")
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, gongxu.Wrap(werr, "write pseudonym secret")
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return read()
		}
		return nil, gongxu.Wrap(err, "write pseudonym secret")
	}
	return secret, nil
}

// receiptFile is the name of the receipt of leaf i.
func receiptFile(i int) string { return fmt.Sprintf("%04d.json", i) }

// writeReceipts writes one receipt file per leaf into dir (mode 0700), and
// index.csv: consumer,variant,qty,leaf,receipt. Nothing is overwritten.
func writeReceipts(dir string, rows []batchRow, receipts []gongxu.Receipt) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	create := func(name string) (*os.File, error) {
		return os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	}
	idx, err := create(receiptIndexFile)
	if err != nil {
		return err
	}
	defer idx.Close()
	w := csv.NewWriter(idx)
	_ = w.Write([]string{"consumer", "variant", "qty", "leaf", "receipt"})
	for i, r := range receipts {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		f, err := create(receiptFile(i))
		if err != nil {
			return err
		}
		_, werr := f.Write(append(b, '\n'))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return werr
		}
		_ = w.Write([]string{rows[i].Consumer, r.Leaf.Variant, strconv.FormatInt(int64(r.Leaf.Qty), 10), r.Leaf.ID, receiptFile(i)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return idx.Close()
}

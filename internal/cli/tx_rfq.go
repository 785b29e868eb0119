package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

// newTxRFQCmd builds "gongxu tx rfq": requests for quote and sealed bids.
func newTxRFQCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("rfq", "Requests for quote: post, sealed bids, reveal, award",
		newTxRFQPostCmd(env, o),
		newTxRFQBidCmd(env, o),
		newTxRFQRevealCmd(env, o),
		newTxRFQAwardCmd(env, o),
		newTxRFQCancelCmd(env, o),
	)
}

func newTxRFQPostCmd(env *Env, o *txOptions) *cobra.Command {
	var m rfq.MsgPost
	var bidBy, revealBy, target string
	c := &cobra.Command{
		Use:   "post --title T --qty N --max-price P --bid-deadline WHEN --reveal-deadline WHEN --target WHEN",
		Short: "Post a request for quote from your hub",
		Long: `Post a request for quote: factories commit sealed bids until --bid-deadline,
reveal them until --reveal-deadline, then your hub awards one or more of them
(each award becomes a pool) or cancels. --max-price is per unit, in minor
units (fen, cents); --target is the date the goods are wanted by.

--bond asks each bidder for a bid bond, in minor units of --currency (default
0: none; at most 10% of qty × max price): it moves from the bidder's org
account when it bids (a factory funds it with "gongxu tx settle deposit"), back
when it reveals, and to your hub's account if the bid is not revealed by
--reveal-deadline. Cancelling returns every bond.

` + relativeHelp,
		Example: `  gongxu tx rfq post --from hub-lishui --title "Rain jackets" --qty 500 --max-price 9000 \
      --bid-deadline 24h --reveal-deadline 48h --target 30d
  gongxu tx rfq post --from hub-lishui --title "Rain jackets" --qty 500 --max-price 9000 --bond 20000 \
      --bid-deadline 24h --reveal-deadline 48h --target 30d`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "from", "title", "qty", "max-price", "bid-deadline", "reveal-deadline", "target"); err != nil {
				return err
			}
			msg := m
			// Check what needs no node first, with placeholder times.
			pre := msg
			pre.BidDeadline, pre.RevealDeadline, pre.TargetDate = 1, 2, 3
			if err := pre.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			if err := env.resolveTimes(
				timeFlag{"bid-deadline", bidBy, &msg.BidDeadline},
				timeFlag{"reveal-deadline", revealBy, &msg.RevealDeadline},
				timeFlag{"target", target, &msg.TargetDate},
			); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, rfq.TypePost, &msg)
		},
	}
	f := c.Flags()
	f.StringVar(&m.Title, "title", "", "what is wanted, `TEXT` (required)")
	f.StringVar(&m.Spec, "spec", "", "the specification, `TEXT`")
	f.StringVar(&m.Unit, "unit", "piece", "unit of measure: piece, kg, m …")
	f.Int64Var((*int64)(&m.Qty), "qty", 0, "units `N` (required)")
	f.Int64Var((*int64)(&m.MaxPrice), "max-price", 0, "highest unit price `P` in minor units (required)")
	f.StringVar(&m.Currency, "currency", "CNY", "ISO 4217 `CODE`")
	f.Int64Var((*int64)(&m.Bond), "bond", 0, "bid bond `P` each bidder puts up, in minor units (0: none)")
	f.StringVar(&bidBy, "bid-deadline", "", "end of bidding: a duration after the latest block (24h) or an RFC 3339 time (required)")
	f.StringVar(&revealBy, "reveal-deadline", "", "end of revealing, after the bid deadline (required)")
	f.StringVar(&target, "target", "", "when the goods are wanted, after the reveal deadline (required)")
	return c
}

// bidFile is a sealed bid's terms and salt, kept by the bidder in
// HOME/keys/bids/ORG/rfq-ID.json until it is revealed: one file per bidding
// org, so that two orgs bidding from one key folder keep their own terms.
// Homes of earlier versions kept HOME/keys/bids/rfq-ID.json; the reveal
// still reads those.
type bidFile struct {
	RFQ        uint64       `json:"rfq"`
	Bidder     gongxu.OrgID `json:"bidder"`
	Key        string       `json:"key"` // the keyring name that signed the bid
	UnitPrice  int64        `json:"unit_price"`
	Qty        int64        `json:"qty"`
	LeadDays   int64        `json:"lead_days"`
	Salt       string       `json:"salt"` // hex
	Commitment string       `json:"commitment"`
	Tx         string       `json:"tx,omitempty"` // the bid's transaction, once accepted
}

// bidsDir holds the saved bids of the home.
func (env *Env) bidsDir() string { return filepath.Join(env.KeysDir(), "bids") }

// bidPath is the file of org's saved bid on RFQ id.
func (env *Env) bidPath(org gongxu.OrgID, id uint64) string {
	return filepath.Join(env.bidsDir(), string(org), bidName(id))
}

// legacyBidPath is where earlier versions saved a bid on RFQ id, whatever
// its org.
func (env *Env) legacyBidPath(id uint64) string { return filepath.Join(env.bidsDir(), bidName(id)) }

func bidName(id uint64) string { return "rfq-" + strconv.FormatUint(id, 10) + ".json" }

func newTxRFQBidCmd(env *Env, o *txOptions) *cobra.Command {
	var price, qty, lead int64
	var org string
	c := &cobra.Command{
		Use:   "bid RFQ_ID --price P --qty N --lead-days D",
		Short: "Place a sealed bid for your factory; its terms stay on this machine until revealed",
		Long: `Place or replace your org's sealed bid on an RFQ. Only a commitment goes on the
ledger: sha256 over the RFQ, your org, the terms and a random 32-byte salt
(see rfq.Commitment). The terms and the salt are saved, mode 0600, in
HOME/keys/bids/ORG/rfq-RFQ_ID.json, so that "tx rfq reveal RFQ_ID" can reveal them
after the bid deadline; the file replaced by a new bid is kept as .prev, and
the old one is put back when the chain rejects the new bid. With --dry-run
nothing is saved: the terms and salt are printed on stderr.

When the RFQ asks a bid bond (see "query rfq show"), a new bid moves it from
your org's account (a replaced bid puts up no second one); revealing in time
gives it back, and a bid left sealed at the reveal deadline forfeits it.`,
		Args: exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "price", "qty", "lead-days"); err != nil {
				return err
			}
			salt := make([]byte, 32)
			if _, err := rand.Read(salt); err != nil {
				return gongxu.Wrap(err, "make a salt")
			}
			b := bidFile{RFQ: id, Key: o.from, UnitPrice: price, Qty: qty, LeadDays: lead, Salt: hex.EncodeToString(salt)}
			// The terms must be revealable: check them as the reveal will be.
			if err := b.reveal().ValidateBasic(); err != nil {
				return asUsage(err)
			}
			if org != "" {
				b.Bidder = gongxu.OrgID(org)
				if err := b.Bidder.Validate(); err != nil {
					return asUsage(err)
				}
			} else if b.Bidder, err = env.signerOrg(cmd, o); err != nil {
				return err
			}
			b.Commitment = rfq.Commitment(id, b.Bidder, gongxu.Amount(price), gongxu.Units(qty), lead, salt)
			m := &rfq.MsgBid{RFQ: id, Commitment: b.Commitment}
			if o.dryRun {
				if err := env.sendMsg(cmd, o, rfq.TypeBid, m); err != nil {
					return err
				}
				j, _ := json.Marshal(b)
				fmt.Fprintf(env.Stderr, "dry run: this bid's terms and salt are not saved: %s\n", j)
				return nil
			}
			restore, err := env.saveBid(b)
			if err != nil {
				return err
			}
			res, err := env.submitCaptured(cmd, o, rfq.TypeBid, m)
			if res.Hash == "" || res.Code != 0 {
				if k := gongxu.ErrorKind(err); res.Hash != "" || isUsage(err) ||
					k != gongxu.KindUnavailable && k != gongxu.KindTimeout && k != gongxu.KindInternal {
					// The chain rejected it, or it never left: the saved
					// terms are those of the bid that stands, if any.
					if rerr := restore(); rerr != nil {
						fmt.Fprintf(env.Stderr, "warning: %v\n", rerr)
					}
				} else {
					fmt.Fprintf(env.Stderr, "note: the terms of this bid stay in %s, in case it reached the chain; the previous ones are in %s.prev\n",
						env.bidPath(b.Bidder, id), env.bidPath(b.Bidder, id))
				}
				if res.Hash != "" {
					if perr := env.printTxResult(res); perr != nil {
						return perr
					}
				}
				return err
			}
			b.Tx = res.Hash
			if _, err := env.writeBid(b); err != nil {
				return err
			}
			out := bidResult{TxResult: res, Commitment: b.Commitment, Terms: env.bidPath(b.Bidder, id)}
			return env.print(out, func(t *tableWriter) {
				t.field("hash", out.Hash)
				t.field("height", strconv.FormatInt(out.Height, 10))
				t.field("code", strconv.FormatUint(uint64(out.Code), 10))
				t.field("commitment", out.Commitment)
				t.field("terms", out.Terms)
			})
		},
	}
	c.Flags().Int64Var(&price, "price", 0, "unit price `P` in minor units (required)")
	c.Flags().Int64Var(&qty, "qty", 0, "units `N` you offer (required)")
	c.Flags().Int64Var(&lead, "lead-days", 0, "lead time in `DAYS` (required)")
	c.Flags().StringVar(&org, "org", "", "your factory's `ORG` id (default: the --from key's org, asked from the node)")
	return c
}

// bidResult is what tx rfq bid prints.
type bidResult struct {
	gongxu.TxResult
	Commitment string `json:"commitment"`
	Terms      string `json:"terms"` // the file with the terms and salt
}

func (b bidFile) reveal() *rfq.MsgReveal {
	return &rfq.MsgReveal{RFQ: b.RFQ, UnitPrice: gongxu.Amount(b.UnitPrice), Qty: gongxu.Units(b.Qty), LeadDays: b.LeadDays, Salt: b.Salt}
}

// saveBid writes b as the saved bid of its RFQ, keeping the file it replaces
// as .prev. restore puts the replaced file back (or removes b's when there
// was none).
func (env *Env) saveBid(b bidFile) (restore func() error, err error) {
	path := env.bidPath(b.Bidder, b.RFQ)
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := writeFile0600(path+".prev", old); err != nil {
			return nil, gongxu.Wrap(err, "keep the previous bid")
		}
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	default:
		return nil, gongxu.Wrap(err, "read the saved bid")
	}
	if _, err := env.writeBid(b); err != nil {
		return nil, err
	}
	return func() error {
		if old == nil {
			return os.Remove(path)
		}
		return writeFile0600(path, old)
	}, nil
}

// writeBid writes b to its file, mode 0600, in a directory of mode 0700.
func (env *Env) writeBid(b bidFile) (string, error) {
	if _, err := env.Keyring(); err != nil { // HOME/keys, 0700
		return "", err
	}
	if err := b.Bidder.Validate(); err != nil {
		return "", gongxu.Wrap(err, "save the bid")
	}
	path := env.bidPath(b.Bidder, b.RFQ)
	for _, dir := range []string{env.bidsDir(), filepath.Dir(path)} {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", gongxu.Wrap(err, "save the bid")
		}
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return "", gongxu.Wrap(err, "save the bid")
	}
	if err := writeFile0600(path, append(data, '\n')); err != nil {
		return "", gongxu.Wrap(err, "save the bid")
	}
	return path, nil
}

// writeFile0600 replaces path with data atomically, mode 0600.
func writeFile0600(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readBid reads the saved bid on RFQ id of org, or ("") the one that key
// signed, and checks that its commitment is the one its terms make. It looks
// in HOME/keys/bids/ORG/ and, for homes of earlier versions, in
// HOME/keys/bids/ itself.
func (env *Env) readBid(id uint64, org gongxu.OrgID, key string) (bidFile, error) {
	var paths []string
	if org != "" {
		paths = []string{env.bidPath(org, id)}
	} else {
		paths, _ = filepath.Glob(filepath.Join(env.bidsDir(), "*", bidName(id)))
	}
	paths = append(paths, env.legacyBidPath(id))
	var found []bidFile
	var where []string
	for _, path := range paths {
		b, err := readBidAt(id, path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return bidFile{}, err
		}
		if org != "" && b.Bidder != org {
			continue // a legacy file of another org
		}
		found, where = append(found, b), append(where, path)
	}
	if org == "" && len(found) > 1 {
		// Several orgs bid from this home: the one key signed.
		var mine []bidFile
		for _, b := range found {
			if b.Key == key {
				mine = append(mine, b)
			}
		}
		if len(mine) != 1 {
			return bidFile{}, usagef("several saved bids on rfq %d (%s): choose your org's with --org", id, strings.Join(where, ", "))
		}
		found = mine
	}
	if len(found) == 0 {
		if org != "" {
			return bidFile{}, usagef("no saved bid of %s on rfq %d in %s: give --price, --qty, --lead-days and --salt", org, id, env.bidPath(org, id))
		}
		return bidFile{}, usagef("no saved bid on rfq %d in %s: give --price, --qty, --lead-days and --salt", id, env.bidsDir())
	}
	return found[0], nil
}

// readBidAt reads a saved bid on RFQ id from path; fs.ErrNotExist when there
// is none.
func readBidAt(id uint64, path string) (bidFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return bidFile{}, err
	}
	if err != nil {
		return bidFile{}, gongxu.Wrap(err, "read the saved bid")
	}
	var b bidFile
	if err := json.Unmarshal(data, &b); err != nil {
		return bidFile{}, gongxu.Errorf(gongxu.KindInternal, "saved bid %s is corrupt: %v", path, err)
	}
	salt, err := hex.DecodeString(b.Salt)
	if err != nil || b.RFQ != id || rfq.Commitment(id, b.Bidder, gongxu.Amount(b.UnitPrice), gongxu.Units(b.Qty), b.LeadDays, salt) != b.Commitment {
		return bidFile{}, gongxu.Errorf(gongxu.KindInternal, "saved bid %s is corrupt: its terms do not make its commitment", path)
	}
	return b, nil
}

func newTxRFQRevealCmd(env *Env, o *txOptions) *cobra.Command {
	var price, qty, lead int64
	var salt, org string
	c := &cobra.Command{
		Use:   "reveal RFQ_ID [--org ORG] [--price P --qty N --lead-days D --salt HEX]",
		Short: "Reveal your org's sealed bid after the bid deadline",
		Long: `Reveal your org's sealed bid, after the bid deadline and before the reveal
deadline. The terms and salt come from HOME/keys/bids/ORG/rfq-RFQ_ID.json, which
"tx rfq bid" saved (ORG: --org, else the org whose saved bid the --from key
signed; HOME/keys/bids/rfq-RFQ_ID.json of earlier versions is read too), or
from --price, --qty, --lead-days and --salt (all four).`,
		Args: exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			terms := []string{"price", "qty", "lead-days", "salt"}
			given := false
			for _, n := range terms {
				given = given || cmd.Flags().Changed(n)
			}
			var m *rfq.MsgReveal
			if given {
				if err := requireFlags(cmd, terms...); err != nil {
					return err
				}
				m = &rfq.MsgReveal{RFQ: id, UnitPrice: gongxu.Amount(price), Qty: gongxu.Units(qty), LeadDays: lead, Salt: strings.ToLower(salt)}
			} else {
				if err := requireFlags(cmd, "from"); err != nil {
					return err
				}
				if org != "" {
					if err := gongxu.OrgID(org).Validate(); err != nil {
						return asUsage(err)
					}
				}
				b, err := env.readBid(id, gongxu.OrgID(org), o.from)
				if err != nil {
					return err
				}
				if b.Key != "" && b.Key != o.from {
					fmt.Fprintf(env.Stderr, "warning: the bid on rfq %d was signed with key %s, this reveal with %s\n", id, b.Key, o.from)
				}
				m = b.reveal()
			}
			return env.sendMsg(cmd, o, rfq.TypeReveal, m)
		},
	}
	c.Flags().Int64Var(&price, "price", 0, "the bid's unit price `P`")
	c.Flags().Int64Var(&qty, "qty", 0, "the bid's units `N`")
	c.Flags().Int64Var(&lead, "lead-days", 0, "the bid's lead time in `DAYS`")
	c.Flags().StringVar(&salt, "salt", "", "the bid's salt, `HEX`")
	c.Flags().StringVar(&org, "org", "", "the bidding `ORG` whose saved bid to reveal (default: the one the --from key signed)")
	return c
}

func newTxRFQAwardCmd(env *Env, o *txOptions) *cobra.Command {
	var awards []string
	c := &cobra.Command{
		Use:   "award RFQ_ID --award ORG:QTY,…",
		Short: "Award your RFQ to one or more revealed bids; each becomes a pool",
		Args:  exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "award"); err != nil {
				return err
			}
			m := &rfq.MsgAward{RFQ: id}
			for _, a := range awards {
				org, q, ok := strings.Cut(strings.TrimSpace(a), ":")
				n, err := strconv.ParseInt(q, 10, 64)
				if !ok || err != nil {
					return usagef("--award takes ORG:QTY pairs, got %q", clip(a))
				}
				m.Awards = append(m.Awards, rfq.AwardLine{Bidder: gongxu.OrgID(org), Qty: gongxu.Units(n)})
			}
			return env.sendMsg(cmd, o, rfq.TypeAward, m)
		},
	}
	c.Flags().StringSliceVar(&awards, "award", nil, "bidders and units as `ORG:QTY`,… (required)")
	return c
}

func newTxRFQCancelCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "cancel RFQ_ID --reason TEXT",
		Short: "Cancel your open RFQ, with a reason everyone can read",
		Args:  exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "reason"); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, rfq.TypeCancel, &rfq.MsgCancel{RFQ: id, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, `TEXT` (required)")
	return c
}

package cli

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// Traceability on the command line: the walks (gongxu trace back|forward),
// recalls (gongxu recall, gongxu query recall|recalls) and the capture of
// EPCIS documents (gongxu tx trace capture|recall).

// addTraceCommands registers the traceability commands: trace and recall
// on the root, recall and recalls under query (registered before).
func addTraceCommands(env *Env, root *cobra.Command) {
	root.AddCommand(newTraceCmd(env), newRecallCmd(env))
	for _, c := range root.Commands() {
		if c.Name() == "query" {
			c.AddCommand(newQueryRecallCmd(env), newQueryRecallsCmd(env))
		}
	}
}

const traceIDHelp = `ID is a ledger lot id (acme/silk-supply/fab-001), a lot URN
(urn:gongxu:lot:acme/fab-001), an EPC URN (urn:epc:id:sgtin:…, urn:epc:id:sscc:…)
or a GS1 Digital Link URI (https://id.gs1.org/01/…/21/…).`

// newTraceCmd builds "gongxu trace": the walks.
func newTraceCmd(env *Env) *cobra.Command {
	c := newGroup("trace", "Trace a lot or an item backward or forward", newTraceWalkCmd(env, false), newTraceWalkCmd(env, true))
	c.Long = `Walk the trace of a lot, a product or a pallet on the ledger: backward, to
everything that went into it, or forward, to everything made from it, where
it went and which pools and hubs received it. Each step is an EPCIS event
anchored in a transaction, or a link the ledger keeps between lots (type
ledger). -o table draws the walk as a tree with who, when, the business step
and the transaction of each step.

` + traceIDHelp
	return c
}

func newTraceWalkCmd(env *Env, fwd bool) *cobra.Command {
	var depth int
	use, short, long := "back ID [--depth N]", "What went into it: inputs, their lots and suppliers, recursively",
		`Walk backward: a transformation's inputs, a pallet's contents, an item's
containers (their receipts are its history), the supplier's lot a lot was
received from, the lots a work order consumed.`
	if fwd {
		use, short, long = "forward ID [--depth N]", "Where it went: the lots made from it, shipments, pools and hubs",
			`Walk forward: the lots made from it (every part of a split), the lots
received from it, the containers it was packed into, its shipments, and the
pools, hubs and pledge batches the goods made for a pool reach.`
	}
	c := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long + "\n\n" + traceIDHelp,
		Example: "  gongxu trace back acme/jacket-001 -o table\n  gongxu trace forward silk-supply/fab-001 --depth 20",
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if depth < 1 || depth > 50 {
				return usagef("--depth must be 1 to 50, got %d", depth)
			}
			cl := env.Client()
			var g gongxu.TraceGraph
			var err error
			if fwd {
				g, err = cl.Forward(env.Ctx, args[0], depth)
			} else {
				g, err = cl.Back(env.Ctx, args[0], depth)
			}
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(g, func(t *tableWriter) { traceTable(t, g) })
		},
	}
	c.Flags().IntVar(&depth, "depth", 10, "walk at most `N` steps (1 to 50)")
	return c
}

// shortVocab is a CBV Web URI without its prefix ("shipping").
func shortVocab(s string) string {
	for _, p := range []string{"https://ref.gs1.org/cbv/BizStep-", "https://ref.gs1.org/cbv/Disp-"} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

func shortTx(tx string) string {
	if len(tx) > 16 {
		return tx[:16] + "…"
	}
	return tx
}

// traceTable draws a walk as a tree from its start: under each node its
// observations (·) and the steps that lead on (← backward, → forward), and
// under each step the nodes it reached; a node already drawn is named again
// with "↑". Then the pools, hubs and batches it reached.
func traceTable(t *tableWriter, g gongxu.TraceGraph) {
	t.row("TRACE", "ORG", "TIME", "BIZ STEP", "TX")
	depth := map[string]int{}
	lots := map[string]*gongxu.Lot{}
	for _, n := range g.Nodes {
		depth[n.ID] = n.Depth
		lots[n.ID] = n.Lot
	}
	arrow := "←"
	if g.Direction == "forward" {
		arrow = "→"
	}
	stepRow := func(indent, mark string, s gongxu.TraceStep) {
		label := s.Type + " " + s.Event
		if s.Location != "" {
			label += " @ " + s.Location
		}
		t.row(indent+mark+" "+label, string(s.Org), msTime(s.Time), shortVocab(s.BizStep), shortTx(s.Anchor.Tx))
	}
	at := func(s gongxu.TraceStep, d int) []string {
		var out []string
		for _, id := range append(slices.Clone(s.From), s.To...) {
			if dd, ok := depth[id]; ok && dd == d && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	drawn := map[string]bool{}
	var draw func(id, indent string)
	draw = func(id, indent string) {
		label := indent + id
		if l := lots[id]; l != nil {
			label += " (" + string(l.Item) + ", " + string(l.Owner) + ")"
		}
		if drawn[id] {
			t.row(label+" ↑", " ", " ", " ", " ")
			return
		}
		drawn[id] = true
		t.row(label, " ", " ", " ", " ")
		d := depth[id]
		for _, s := range g.Steps {
			if s.Depth == d && slices.Equal(s.From, s.To) && slices.Contains(s.To, id) {
				stepRow(indent+"  ", "·", s)
			}
		}
		for _, s := range g.Steps {
			if s.Depth != d+1 || slices.Equal(s.From, s.To) || !slices.Contains(at(s, d), id) {
				continue
			}
			stepRow(indent+"  ", arrow, s)
			for _, n := range at(s, d+1) {
				draw(n, indent+"    ")
			}
		}
	}
	draw(g.Start, "")
	if g.Truncated {
		t.row("… truncated: walk deeper with --depth", " ", " ", " ", " ")
	}
	for _, p := range g.Pools {
		t.row("pool "+strconv.FormatUint(p.Pool, 10)+" ("+string(p.Status)+", order "+strconv.FormatUint(p.Order, 10)+", lots "+
			strings.Join(strs(p.Lots), " ")+")", " ", " ", " ", " ")
		for _, h := range p.Hubs {
			t.row("  hub "+string(h.Hub)+": "+strconv.FormatInt(int64(h.Qty), 10)+" units, "+strconv.Itoa(len(h.Batches))+" batches", string(h.Hub), " ", " ", " ")
			for _, b := range h.Batches {
				t.row("    batch of "+strconv.FormatInt(b.Leaves, 10)+" pledges, root "+b.Root[:min(16, len(b.Root))]+"…", string(b.Hub), " ", " ",
					shortTx(b.Tx))
			}
			if len(h.Shipped) > 0 {
				got := "in transit"
				if h.Delivered {
					got = "delivered"
				}
				t.row("    shipped "+lotQtys(h.Shipped)+", "+got+"; "+strconv.Itoa(len(h.Pickups))+" picked up", string(h.Hub), " ", " ", " ")
			}
			for _, pk := range h.Pickups {
				t.row("    picked up: "+pk.Pledge+" ("+strconv.FormatInt(int64(pk.Qty), 10)+" units)", string(h.Hub), " ", " ", shortTx(pk.Tx))
			}
		}
	}
}

// newTxTraceCmd builds "gongxu tx trace": capture an EPCIS document,
// recall a lot.
func newTxTraceCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("trace", "Traceability: capture EPCIS events, recall a lot",
		newTxTraceCaptureCmd(env, o),
		newTxTraceRecallCmd(env, o, "recall LOT --reason TEXT"),
	)
}

func newTxTraceCaptureCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "capture FILE",
		Short: "Capture an EPCIS 2.0 document for your org",
		Long: `Capture the GS1 EPCIS 2.0 document in FILE ("-": standard input): an
EPCISDocument, an EPCISQueryDocument or a single event, as JSON-LD, at most
512 KiB and 1,000 events. The ledger checks it against GS1's schemas and
stores its events as one batch, each provable from the batch's Merkle root,
all or nothing. An event may name only your org's ledger lots
(urn:gongxu:lot:<your org>/…); an event id already on the ledger is refused.`,
		Example: "  gongxu tx trace capture --from acme shipment.jsonld",
		Args:    exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var doc []byte
			var err error
			if args[0] == "-" {
				doc, err = io.ReadAll(io.LimitReader(os.Stdin, trace.MaxDocumentBytes+1))
			} else {
				doc, err = os.ReadFile(args[0])
			}
			if err != nil {
				return usagef("read %s: %v", args[0], err)
			}
			if len(doc) <= trace.MaxDocumentBytes && !json.Valid(doc) {
				return usagef("%s is not JSON: want an EPCIS 2.0 document", args[0])
			}
			return env.sendMsg(cmd, o, trace.TypeCapture, &trace.MsgCapture{Document: doc})
		},
	}
}

func newTxTraceRecallCmd(env *Env, o *txOptions, use string) *cobra.Command {
	var m trace.MsgRecall
	c := &cobra.Command{
		Use:   use,
		Short: "Recall a lot, with a reason",
		Long: `Recall a lot: a ledger lot id, a lot URN, or any EPC, class or Digital Link
identifier an event names. Its owner may recall it, a supplier it was
received from, or an org whose own events name it. The recall is on the
ledger for every org that received goods made from it: gongxu query recall
ID shows what it reaches, the hubs to contact included.`,
		Example: `  gongxu recall silk-supply/fab-001 --from silk --reason "mould found in the fabric"`,
		Args:    exactArgs("LOT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "reason"); err != nil {
				return err
			}
			msg := m
			msg.Lot = args[0]
			return env.sendMsg(cmd, o, trace.TypeRecall, &msg)
		},
	}
	c.Flags().StringVar(&m.Reason, "reason", "", "why, for the orgs that received it (required)")
	return c
}

// newRecallCmd builds "gongxu recall LOT --reason TEXT", the transaction
// "gongxu tx trace recall" with the tx flags of its own.
func newRecallCmd(env *Env) *cobra.Command {
	o := &txOptions{}
	c := newTxTraceRecallCmd(env, o, "recall LOT --reason TEXT --from KEY")
	c.Short = "Recall a lot (tx trace/recall)"
	f := c.Flags()
	f.StringVar(&o.from, "from", "", "sign with the key `NAME` of the keyring (required)")
	f.BoolVar(&o.noWait, "no-wait", false, "return once the node has accepted the transaction, without waiting for the commit")
	f.Uint64Var(&o.sequence, "sequence", 0, "sign with sequence `N` instead of the account's next one")
	f.BoolVar(&o.dryRun, "dry-run", false, "sign and print the transaction, do not submit it")
	return c
}

func newQueryRecallCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "recall ID",
		Short: "A recall and what it reaches: its forward trace and the hubs to contact",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return usagef("recall ID must be a non-negative integer, got %q", args[0])
			}
			im, err := env.Client().Recall(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(im, func(t *tableWriter) {
				r := im.Recall
				t.field("recall", strconv.FormatUint(r.ID, 10))
				t.field("by", string(r.Org))
				t.field("target", r.Target)
				t.fieldOpt("lot", string(r.Lot))
				t.field("reason", r.Reason)
				t.field("time", msTime(r.Time))
				t.field("tx", r.Tx)
				var hubs []string
				for _, h := range im.Hubs {
					hubs = append(hubs, string(h.Hub)+": "+strconv.FormatInt(int64(h.Qty), 10)+" units, "+strconv.Itoa(len(h.Batches))+" batches")
				}
				t.fieldList("hubs", hubs)
				t.row(" ", " ")
				traceTable(t, im.Trace)
			})
		},
	}
}

func newQueryRecallsCmd(env *Env) *cobra.Command {
	var hub string
	var limit int
	c := &cobra.Command{
		Use:   "recalls [--hub HUB] [--limit N]",
		Short: "Recalls, newest first; with --hub, those that reach the hub's pools",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if hub != "" {
				if err := gongxu.OrgID(hub).Validate(); err != nil {
					return asUsage(err)
				}
			}
			rs, err := env.Client().Recalls(env.Ctx, gongxu.OrgID(hub), limit)
			if err != nil {
				return env.nodeErr(err)
			}
			if rs == nil {
				rs = []gongxu.Recall{}
			}
			return env.print(rs, func(t *tableWriter) {
				t.row("ID", "BY", "TARGET", "TIME", "REASON")
				for _, r := range rs {
					t.row(strconv.FormatUint(r.ID, 10), string(r.Org), r.Target, msTime(r.Time), r.Reason)
				}
			})
		},
	}
	c.Flags().StringVar(&hub, "hub", "", "only recalls that reach a pool of `HUB`")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` (default: the node's, 50)")
	return c
}

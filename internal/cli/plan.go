package cli

import (
	"crypto/ed25519"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/node"
)

// planSent is what plan --send prints: the plan and each transaction's result.
type planSent struct {
	Plan gongxu.PlanView `json:"plan"`
	Sent []sentTx        `json:"sent"`
}

// sentTx is one transaction of a plan, sent, with the node's answer.
type sentTx struct {
	Type    string          `json:"type"`
	Summary string          `json:"summary"`
	Result  gongxu.TxResult `json:"result"`
}

func newPlanCmd(env *Env) *cobra.Command {
	var org string
	var send bool
	c := &cobra.Command{
		Use:   "plan",
		Short: "Show a factory's production plan as its node computes it (--send: send what it proposes)",
		Long: `plan asks the node of --home (its API address is in HOME/config/gongxu.json,
unless --node is given) for the plan of a factory: by default the org of the
home's operator key. It prints each production order with its planned
completion and what binds it, the planned purchases per supplier, the planned
work orders, the load of each work center and the transactions the plan would
send: purchase orders to suppliers and planned completion dates.

With --send it signs each of those transactions with the home's operator key,
submits it, waits for its commit and prints the plan and the results (as JSON,
{"plan": …, "sent": […]}); it exits with code 1 when the chain rejected one.
Only the operator key's own org can send its plan. A node running with
"auto_plan" (the default in HOME/config/gongxu.json) sends them on its own.`,
		Example: `  gongxu plan --home ./gongxu-data -o table
  gongxu plan --org acme-apparel
  gongxu plan --send`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if org != "" {
				if err := gongxu.OrgID(org).Validate(); err != nil {
					return asUsage(err)
				}
			}
			if !cmd.Flags().Changed("node") {
				url, err := homeNodeURL(env.Home)
				if err != nil {
					return err
				}
				env.Node = url
			}
			return env.plan(cmd, gongxu.OrgID(org), send)
		},
	}
	c.Flags().StringVar(&org, "org", "", "plan the factory `ORG` (default: the org of the home's operator key)")
	c.Flags().BoolVar(&send, "send", false, "sign the plan's transactions with the home's operator key and submit them")
	return c
}

// homeNodeURL is the URL of the API of the node in home, from its config;
// an API bound to every interface is reached on loopback.
func homeNodeURL(home string) (string, error) {
	cfg, err := node.LoadConfig(home)
	if err != nil {
		return "", err
	}
	host, port, err := net.SplitHostPort(cfg.API)
	if err != nil {
		return "", gongxu.Errorf(gongxu.KindInvalid, "%s: api %q is not host:port", node.ConfigPath(home), cfg.API)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

func (env *Env) plan(cmd *cobra.Command, org gongxu.OrgID, send bool) error {
	c := env.Client()
	var key *operatorKey
	if org == "" || send {
		k, err := env.operatorKey(c)
		if err != nil {
			return err
		}
		key = &k
		if org == "" {
			if k.org == "" {
				return gongxu.Errorf(gongxu.KindUnauthorized, "the operator key of %s (%s) belongs to no member org on node %s; give --org",
					env.Home, k.pub, env.Node)
			}
			org = k.org
		}
	}
	v, err := c.Plan(env.Ctx, org)
	if err != nil {
		return env.nodeErr(err)
	}
	if !send {
		return env.print(v, func(t *tableWriter) { planTable(t, v) })
	}
	if key.org != org {
		return gongxu.Errorf(gongxu.KindUnauthorized, "the plan is %s's; the operator key of %s signs for %q", org, env.Home, key.org)
	}
	out := planSent{Plan: v, Sent: []sentTx{}}
	var failed error
	if len(v.Txs) > 0 {
		chainID, err := env.chainID(func() *client.Client { return c })
		if err != nil {
			return err
		}
		for _, tx := range v.Txs {
			acc, err := c.Account(env.Ctx, key.pub)
			if err != nil {
				return env.nodeErr(err)
			}
			raw := gongxu.SignTx(chainID, key.priv, tx.Type, tx.Body, acc.Sequence).Encode()
			res, err := c.Submit(env.Ctx, raw, true)
			if err != nil {
				return env.nodeErr(err)
			}
			out.Sent = append(out.Sent, sentTx{Type: tx.Type, Summary: tx.Summary, Result: res})
			if res.Code != 0 && failed == nil {
				failed = &txRejected{res: res}
			}
		}
	}
	if err := env.print(out, func(t *tableWriter) {
		planTable(t, v)
		t.row()
		t.row("SENT", "HASH", "HEIGHT", "RESULT")
		for _, s := range out.Sent {
			result := "ok"
			if s.Result.Code != 0 {
				result = s.Result.Kind + ": " + s.Result.Message
			}
			t.row(s.Type, s.Result.Hash, strconv.FormatInt(s.Result.Height, 10), result)
		}
	}); err != nil {
		return err
	}
	return failed
}

// operatorKey is the home's operator key and the org it signs for.
type operatorKey struct {
	pub  gongxu.PubKey
	priv ed25519.PrivateKey
	org  gongxu.OrgID
}

func (env *Env) operatorKey(c *client.Client) (operatorKey, error) {
	kr, err := env.Keyring()
	if err != nil {
		return operatorKey{}, err
	}
	k, err := kr.Get(node.OperatorKey)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return operatorKey{}, gongxu.Errorf(gongxu.KindNotFound, "%s has no operator key (%s); give --org to see a plan", env.Home, env.KeysDir())
	}
	if err != nil {
		return operatorKey{}, err
	}
	acc, err := c.Account(env.Ctx, k.PubKey)
	if err != nil {
		return operatorKey{}, env.nodeErr(err)
	}
	return operatorKey{pub: k.PubKey, priv: k.Private, org: acc.Org}, nil
}

// planTable prints a plan for people: orders, purchases per supplier, work,
// late supply, work center load, what it would send, and its problems.
func planTable(t *tableWriter, v gongxu.PlanView) {
	t.row("PLAN", string(v.Factory), "at "+planTime(v.At))
	t.row()
	t.row("ORDER", "PRODUCT", "QTY", "DUE", "COMPLETION", "PUBLISHED", "LATE", "WHY")
	for _, o := range v.Orders {
		late := ""
		if o.Late {
			late = "late"
		}
		t.row(strconv.FormatUint(o.Order, 10), string(o.Product), qtyText(o.Qty), planTime(o.Due), planTime(o.Completion),
			planTime(o.Published), late, o.Reason)
	}
	t.row()
	t.row("SUPPLIER", "ITEM", "QTY", "RELEASE", "DUE", "FOR")
	for _, p := range v.Purchases {
		t.row(string(p.Supplier), string(p.Item), qtyText(p.Qty), planDay(p.Release), planDay(p.Due), strings.Join(p.Pegging, ","))
	}
	t.row()
	dates := make(map[string]gongxu.OrderDate, len(v.Dates))
	for _, d := range v.Dates {
		dates[d.Work] = d
	}
	t.row("WORK", "ITEM", "QTY", "START", "DUE", "READY", "COMPLETION", "FOR")
	for _, w := range v.Work {
		d := dates[w.ID]
		t.row(w.ID, string(w.Item), qtyText(w.Qty), planDay(w.Start), planDay(w.Due), planTime(d.Ready), planTime(d.Completion),
			strings.Join(w.Pegging, ","))
	}
	if len(v.LateSupply) > 0 {
		t.row()
		t.row("LATE_SUPPLY", "SUPPLIER", "ITEM", "QTY", "PROMISED", "EXPECTED", "BASIS")
		for _, l := range v.LateSupply {
			t.row(fmt.Sprintf("po %d line %d", l.PO, l.Line), string(l.Supplier), string(l.Item), qtyText(l.Qty), planTime(l.Promised),
				planTime(l.Expected), l.Basis)
		}
	}
	t.row()
	t.row("WORK_CENTER", "UNITS", "OPS", "BUSY", "FIRST", "LAST")
	for _, l := range workCenterLoad(v) {
		t.row(l.id, strconv.FormatInt(l.units, 10), strconv.Itoa(l.ops), (time.Duration(l.busyMs) * time.Millisecond).String(),
			planTime(l.first), planTime(l.last))
	}
	t.row()
	t.row("WOULD_SEND", "SUMMARY")
	for _, tx := range v.Txs {
		t.row(tx.Type, tx.Summary)
	}
	if len(v.Problems) > 0 {
		t.row()
		t.row("PROBLEM")
		for _, p := range v.Problems {
			t.row(p)
		}
	}
}

// wcLoad is what the schedule puts on one work center: operations, the
// time they hold its units (working and not), the first start, the last end.
type wcLoad struct {
	id          string
	units       int64
	ops         int
	busyMs      int64
	first, last int64
}

func workCenterLoad(v gongxu.PlanView) []wcLoad {
	byID := map[string]*wcLoad{}
	var out []*wcLoad
	get := func(id string) *wcLoad {
		l := byID[id]
		if l == nil {
			l = &wcLoad{id: id}
			byID[id] = l
			out = append(out, l)
		}
		return l
	}
	for _, wc := range v.WorkCenters {
		get(wc.ID).units = wc.Capacity
	}
	for _, op := range v.Ops {
		l := get(op.WorkCenter)
		l.ops++
		l.busyMs += op.End - op.Start
		if l.first == 0 || op.Start < l.first {
			l.first = op.Start
		}
		l.last = max(l.last, op.End)
	}
	slices.SortFunc(out, func(a, b *wcLoad) int { return strings.Compare(a.id, b.id) })
	res := make([]wcLoad, len(out))
	for i, l := range out {
		res[i] = *l
	}
	return res
}

// planTime formats a time of a plan: "2026-03-20 09:20" (UTC); "" for 0.
func planTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04")
}

func planDay(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.DateOnly) }

// qtyText renders milli-units as units: 1500 → "1.5".
func qtyText(q gongxu.Qty) string {
	sign := ""
	if q < 0 {
		sign, q = "-", -q
	}
	s := fmt.Sprintf("%d.%03d", q/1000, q%1000)
	return sign + strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

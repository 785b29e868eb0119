package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// newQueryCatalogCmd builds "gongxu query catalog": factories' products.
func newQueryCatalogCmd(env *Env) *cobra.Command {
	var factory string
	products := &cobra.Command{
		Use:   "products [--factory ORG]",
		Short: "List the products in the catalog",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := gongxu.OrgID(factory)
			if f != "" {
				if err := f.Validate(); err != nil {
					return asUsage(err)
				}
			}
			ps, err := env.Client().Products(env.Ctx, f)
			if err != nil {
				return env.nodeErr(err)
			}
			if ps == nil {
				ps = []gongxu.Product{}
			}
			return env.print(ps, func(t *tableWriter) {
				t.row("ID", "NAME", "UNIT", "VARIANTS", "LEAD_DAYS", "VERSION", "UPDATED")
				for _, p := range ps {
					t.row(string(p.ID), p.Name, p.Unit, strconv.Itoa(len(p.Variants)), strconv.FormatInt(p.LeadTimeDays, 10),
						strconv.FormatInt(p.Version, 10), msTime(p.Updated))
				}
			})
		},
	}
	products.Flags().StringVar(&factory, "factory", "", "only the products of the factory `ORG`")

	product := &cobra.Command{
		Use:   "product FACTORY/SKU",
		Short: "Show a product",
		Args:  exactArgs("FACTORY/SKU"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := gongxu.ProductID(args[0])
			if err := id.Validate(); err != nil {
				return asUsage(err)
			}
			p, err := env.Client().Product(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(p, func(t *tableWriter) {
				t.field("id", string(p.ID))
				t.field("factory", string(p.Factory))
				t.field("name", p.Name)
				t.fieldOpt("description", p.Description)
				t.field("unit", p.Unit)
				vs := make([]string, len(p.Variants))
				for i, v := range p.Variants {
					vs[i] = v.ID + "  " + v.Name
				}
				t.fieldList("variants", vs)
				t.fieldOpt("gtin", p.GTIN)
				t.field("lead_days", strconv.FormatInt(p.LeadTimeDays, 10))
				t.field("version", strconv.FormatInt(p.Version, 10))
				t.field("updated", msTime(p.Updated))
			})
		},
	}
	return newGroup("catalog", "Factories' products", products, product)
}

// poolStatuses are the values of --status of query pool list.
var poolStatuses = []string{"", string(gongxu.PoolOpen), string(gongxu.PoolSucceeded), string(gongxu.PoolFailed),
	string(gongxu.PoolInProduction), string(gongxu.PoolReady), string(gongxu.PoolDelivered), string(gongxu.PoolSettled), string(gongxu.PoolCancelled)}

// newQueryPoolCmd builds "gongxu query pool": demand pools.
func newQueryPoolCmd(env *Env) *cobra.Command {
	return newGroup("pool", "Demand pools, their hubs' shares and batches",
		newQueryPoolListCmd(env),
		newQueryPoolShowCmd(env),
		newQueryPoolSharesCmd(env),
		newQueryPoolBatchesCmd(env),
	)
}

func newQueryPoolListCmd(env *Env) *cobra.Command {
	var status, factory, hub string
	var limit int
	var series uint64
	c := &cobra.Command{
		Use:   "list [--status S] [--factory ORG] [--hub ORG] [--series POOL_ID]",
		Short: "List demand pools",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := gongxu.PoolFilter{Status: gongxu.PoolStatus(status), Factory: gongxu.OrgID(factory), Hub: gongxu.OrgID(hub), Series: series, Limit: limit}
			for _, o := range []gongxu.OrgID{f.Factory, f.Hub} {
				if o != "" {
					if err := o.Validate(); err != nil {
						return asUsage(err)
					}
				}
			}
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			ps, err := env.Client().Pools(env.Ctx, f)
			if err != nil {
				return env.nodeErr(err)
			}
			if ps == nil {
				ps = []gongxu.Pool{}
			}
			return env.print(ps, func(t *tableWriter) {
				t.row("ID", "FACTORY", "TITLE", "STATUS", "TOTAL", "MOQ", "CAP", "PRICE", "DEADLINE")
				for _, p := range ps {
					_, tier := gongxu.TierFor(p.Tiers, p.Total)
					t.row(strconv.FormatUint(p.ID, 10), string(p.Factory), p.Title, string(p.Status),
						strconv.FormatInt(int64(p.Total), 10), strconv.FormatInt(int64(p.MOQ), 10), strconv.FormatInt(int64(p.Cap), 10),
						money(tier.UnitPrice, p.Currency), msTime(p.Deadline))
				}
			})
		},
	}
	c.Flags().Var(&choiceValue{p: &status, choices: poolStatuses}, "status", "only pools with this `STATUS`: "+strings.Join(poolStatuses[1:], ", "))
	c.Flags().StringVar(&factory, "factory", "", "only the pools of the factory `ORG`")
	c.Flags().StringVar(&hub, "hub", "", "only the pools the hub `ORG` gathers pledges for")
	c.Flags().Uint64Var(&series, "series", 0, "only the pools of the series (a pool that reopens on a schedule) whose first pool is `POOL_ID`")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` pools (0: the node's default)")
	return c
}

// money formats an amount in minor units with its currency.
func money(amount gongxu.Amount, currency string) string {
	return strconv.FormatInt(int64(amount), 10) + " " + currency
}

func newQueryPoolShowCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "show POOL_ID",
		Short: "Show a pool and its progress (at the node's latest block time)",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			v, err := env.Client().Pool(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(v, func(t *tableWriter) { poolTable(t, v) })
		},
	}
}

func poolTable(t *tableWriter, v gongxu.PoolView) {
	p, g := v.Pool, v.Progress
	t.field("id", strconv.FormatUint(p.ID, 10))
	t.field("factory", string(p.Factory))
	t.fieldOpt("product", string(p.Product))
	t.field("title", p.Title)
	t.field("status", string(p.Status))
	if p.RFQ != 0 {
		t.field("rfq", strconv.FormatUint(p.RFQ, 10))
	}
	tiers := make([]string, len(p.Tiers))
	for i, tr := range p.Tiers {
		mark := ""
		if i == g.Tier {
			mark = "  <"
		}
		tiers[i] = "from " + strconv.FormatInt(int64(tr.MinQty), 10) + ": " + money(tr.UnitPrice, p.Currency) + mark
	}
	t.fieldList("tiers", tiers)
	t.field("total", strconv.FormatInt(int64(p.Total), 10)+" units, "+strconv.FormatInt(p.Pledges, 10)+" pledges")
	t.field("moq", strconv.FormatInt(int64(p.MOQ), 10)+" ("+strconv.FormatInt(g.PercentOfMOQ, 10)+"%, "+strconv.FormatInt(int64(g.ToMOQ), 10)+" to go)")
	t.field("cap", strconv.FormatInt(int64(p.Cap), 10)+" ("+strconv.FormatInt(int64(g.CapLeft), 10)+" left)")
	t.field("case_pack", strconv.FormatInt(int64(p.CasePack), 10))
	t.field("unit_price", money(g.UnitPrice, p.Currency))
	if g.Next != nil {
		t.field("next_tier", money(g.Next.UnitPrice, p.Currency)+" from "+strconv.FormatInt(int64(g.Next.MinQty), 10)+
			" ("+strconv.FormatInt(int64(g.Next.Units), 10)+" to go)")
	}
	if p.Price != 0 {
		t.field("final_price", money(p.Price, p.Currency))
	}
	t.field("deadline", msTime(p.Deadline))
	if p.Status == gongxu.PoolOpen {
		t.field("time_left", (msDuration(g.MsLeft)))
	}
	if p.LockMs != 0 {
		t.field("lock", msDuration(p.LockMs)+" before the deadline")
	}
	t.field("variants", strings.Join(p.Variants, ","))
	t.field("hubs", strings.Join(strs(p.Hubs), ","))
	t.field("escrowed", money(p.Escrowed, p.Currency))
	t.field("captured", money(p.Captured, p.Currency))
	t.field("released", money(p.Released, p.Currency))
	t.fieldOpt("terms", p.Terms)
	if s := p.Series; s != nil {
		t.field("series", seriesLine(s))
	}
	t.field("created", msTime(p.Created))
	hist := make([]string, len(p.History))
	for i, h := range p.History {
		hist[i] = msTime(h.Time) + " " + string(h.Status) + " at " + strconv.FormatInt(h.Height, 10)
		if h.Reason != "" {
			hist[i] += ": " + h.Reason
		}
	}
	t.fieldList("history", hist)
}

// seriesLine says where a pool stands in its series: the series, the
// period, the neighbours, what comes next.
func seriesLine(s *gongxu.PoolSeries) string {
	out := "series " + strconv.FormatUint(s.Series, 10) + ", every " + msDuration(s.EveryMs) + ", reopening " +
		strconv.FormatInt(s.N, 10) + " of " + strconv.FormatInt(s.Times, 10)
	if s.Prev != 0 {
		out += ", after pool " + strconv.FormatUint(s.Prev, 10)
	}
	switch {
	case s.Next != 0:
		out += ", then pool " + strconv.FormatUint(s.Next, 10)
	case s.Stopped != "":
		out += "; stopped: " + s.Stopped
	case s.NextAt != 0:
		out += "; the next opens at " + msTime(s.NextAt)
	default:
		out += "; the last of its series"
	}
	return out
}

// msDuration formats milliseconds as days, hours and minutes.
func msDuration(ms int64) string {
	m := ms / 60000
	d, h := m/(24*60), m/60%24
	m %= 60
	switch {
	case d > 0:
		return strconv.FormatInt(d, 10) + "d" + strconv.FormatInt(h, 10) + "h" + strconv.FormatInt(m, 10) + "m"
	case h > 0:
		return strconv.FormatInt(h, 10) + "h" + strconv.FormatInt(m, 10) + "m"
	}
	return strconv.FormatInt(m, 10) + "m"
}

func newQueryPoolSharesCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "shares POOL_ID",
		Short: "List what each hub gathered in a pool",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			ss, err := env.Client().HubShares(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			if ss == nil {
				ss = []gongxu.HubShare{}
			}
			return env.print(ss, func(t *tableWriter) {
				t.row("HUB", "QTY", "PLEDGES", "VARIANTS", "SHIPPED", "DELIVERED", "PICKED UP")
				for _, s := range ss {
					vs := make([]string, len(s.Variants))
					for i, v := range s.Variants {
						name := v.Variant
						if name == "" {
							name = "-"
						}
						vs[i] = name + ":" + strconv.FormatInt(int64(v.Qty), 10)
					}
					shipped := "-"
					if len(s.Shipped) > 0 {
						shipped = lotQtys(s.Shipped)
					}
					t.row(string(s.Hub), strconv.FormatInt(int64(s.Qty), 10), strconv.FormatInt(s.Pledges, 10),
						strings.Join(vs, ","), shipped, strconv.FormatBool(s.Delivered),
						strconv.FormatInt(int64(s.PickedUp), 10)+" ("+strconv.FormatInt(s.Pickups, 10)+" pledges)")
				}
			})
		},
	}
}

func newQueryPoolBatchesCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "batches POOL_ID",
		Short: "List the hub batches of a pool, with their Merkle roots",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			bs, err := env.Client().Batches(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			if bs == nil {
				bs = []gongxu.Batch{}
			}
			return env.print(bs, func(t *tableWriter) {
				t.row("TX", "HUB", "LEAVES", "QTY", "ESCROW", "HEIGHT", "ROOT")
				for _, b := range bs {
					t.row(b.Tx, string(b.Hub), strconv.FormatInt(b.Leaves, 10), strconv.FormatInt(int64(b.Qty), 10),
						strconv.FormatInt(int64(b.Escrow), 10), strconv.FormatInt(b.Height, 10), b.Root)
				}
			})
		},
	}
}

// newQuerySettleCmd builds "gongxu query settle": money on the ledger.
func newQuerySettleCmd(env *Env) *cobra.Command {
	balances := &cobra.Command{
		Use:   "balances ACCOUNT",
		Short: "Show an account's balances",
		Long:  "Show an account's balance in each currency. " + accountHelp,
		Args:  exactArgs("ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			acct, err := env.resolveAccount(args[0])
			if err != nil {
				return err
			}
			bs, err := env.Client().Balances(env.Ctx, acct)
			if err != nil {
				return env.nodeErr(err)
			}
			if bs == nil {
				bs = []gongxu.Balance{}
			}
			return env.print(bs, func(t *tableWriter) {
				t.row("ACCOUNT", "CURRENCY", "AMOUNT")
				for _, b := range bs {
					t.row(string(b.Account), b.Currency, strconv.FormatInt(int64(b.Amount), 10))
				}
			})
		},
	}
	var limit int
	movements := &cobra.Command{
		Use:   "movements ACCOUNT [--limit N]",
		Short: "List the money movements of an account, most recent first",
		Long:  "List the money movements into and out of an account, most recent first. " + accountHelp,
		Args:  exactArgs("ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			acct, err := env.resolveAccount(args[0])
			if err != nil {
				return err
			}
			ms, err := env.Client().Movements(env.Ctx, acct, limit)
			if err != nil {
				return env.nodeErr(err)
			}
			if ms == nil {
				ms = []gongxu.Movement{}
			}
			return env.print(ms, func(t *tableWriter) {
				t.row("HEIGHT", "TIME", "REASON", "FROM", "TO", "AMOUNT", "REF")
				for _, m := range ms {
					t.row(strconv.FormatInt(m.Height, 10), msTime(m.Time), string(m.Reason), string(m.From), string(m.To),
						money(m.Amount, m.Currency), m.Ref)
				}
			})
		},
	}
	movements.Flags().IntVar(&limit, "limit", 0, "at most `N` movements (0: the node's default)")
	return newGroup("settle", "Money on the ledger: balances and movements", balances, movements)
}

const accountHelp = `ACCOUNT is a full account name (org:ID, key:HEX, escrow:POOL,
captured:POOL), the name of a key in the keyring (its org's account when the key
belongs to a member org, else the key's own account), a public key (64 hex
characters), or an org id (its org: account).`

// resolveAccount reads an account argument: a full account name, a key of
// the keyring, a public key, or an org id, in that order.
func (env *Env) resolveAccount(s string) (gongxu.AccountID, error) {
	if strings.Contains(s, ":") {
		a := gongxu.AccountID(strings.ToLower(s))
		if err := settle.ValidateAccount(a); err != nil {
			return "", asUsage(err)
		}
		return a, nil
	}
	if keyring.ValidateName(s) == nil {
		kr, err := env.Keyring()
		if err != nil {
			return "", err
		}
		k, err := kr.Get(s)
		if err == nil {
			// A member org's key signs for the org: its money is the org's.
			// Only a key of no org (a consumer's) has an account of its own.
			if acc, aerr := env.Client().Account(env.Ctx, k.PubKey); aerr == nil && acc.Org != "" {
				return settle.OrgAccount(acc.Org), nil
			}
			return settle.KeyAccount(k.PubKey), nil
		}
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return "", err
		}
	}
	if k := gongxu.PubKey(strings.ToLower(s)); k.Validate() == nil {
		return settle.KeyAccount(k), nil
	}
	if gongxu.OrgID(s).Validate() == nil {
		return settle.OrgAccount(gongxu.OrgID(s)), nil
	}
	return "", usagef("%q is neither an account (org:ID, key:HEX, escrow:POOL, captured:POOL), a key in %s, nor an org id", clip(s), env.KeysDir())
}

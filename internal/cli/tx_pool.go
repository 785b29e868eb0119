package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// newTxPoolCmd builds "gongxu tx pool": demand pools.
func newTxPoolCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("pool", "Demand pools: open, pledge, batch, produce, ship, deliver, pick up; a hub's past sales",
		newTxPoolOpenCmd(env, o),
		newTxPoolCancelCmd(env, o),
		newTxPoolStopRepeatCmd(env, o),
		newTxPoolPledgeCmd(env, o),
		newTxPoolReduceCmd(env, o),
		newTxPoolBatchCmd(env, o),
		newTxPoolHubReduceCmd(env, o),
		newTxPoolStartProductionCmd(env, o),
		newTxPoolShipCmd(env, o),
		newTxPoolConfirmDeliveryCmd(env, o),
		newTxPoolPickupCmd(env, o),
		newTxPoolHistoryCmd(env, o),
	)
}

// relativeHelp says what a relative time is relative to.
const relativeHelp = `A relative time (72h, 30d, 1d12h) is added to the block time of the node's
latest block, as /v1/status reports it, not to this machine's clock: the chain
only knows block time. An RFC 3339 time (2025-03-04T18:00:00+08:00) is taken
as given.`

func newTxPoolOpenCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgOpen
	var product, deadline, startBy string
	var tiers, hubs, variants, shares []string
	var disputeDefault, repeatTimes int64
	var lock time.Duration
	var repeatEvery string
	c := &cobra.Command{
		Use:   "open --product SKU --tiers QTY:PRICE,… --moq N --cap N --deadline WHEN",
		Short: "Open a demand pool on a product of your factory",
		Long: `Open a demand pool on a product of the factory the --from key belongs to.
--product is the SKU (the factory is the --from key's org, asked from the node)
or FACTORY/SKU. --tiers is the price ladder as MIN_QTY:UNIT_PRICE pairs, the
first from 1 unit, prices in minor units (fen, cents) falling as the total
grows. If the total reaches --moq by --deadline the batch is made at the tier
price the final total earns; otherwise every pledge is refunded.

--start-by is the production start the factory promises (default: the
deadline plus 14 days): a pool not in production by then plus the network's
start grace refunds every payer. --hub-bps gives each hub a share of the
payout of its own share, --share ORG:ROLE:BPS a named member org a share of
every payout (a carrier, a designer), in basis points (100 = 1 %), at most
3000 together; the factory gets the rest. --dispute-default is what a
dispute's claimant gets back, in basis points of the claim, when the panel
does not decide in time (default: the network's parameter). All of these are
public terms. --from-stock opens the pool on goods the factory already holds:
when it succeeds its production order is filled from the factory's free stock
of the product (the lots allotted to the pool, the pool ready at once) if that
stock covers the total; else the order is made as any other.

--repeat-every and --repeat-times reopen the pool on a schedule: when its
deadline passes, succeeded or failed, the next pool opens with the same
terms, its deadline and start one period later, --repeat-times times (1 to
52, every 1 to 366 days), until the factory stops the series ("gongxu tx pool
stop-repeat"), cancels its open pool, or its terms no longer hold.

` + relativeHelp,
		Example: `  gongxu tx pool open --from acme --product jacket-1 --tiers 1:12900,100:9900,500:8900 \
      --moq 100 --cap 1000 --deadline 72h --lock 12h --variants m,l \
      --start-by 2026-03-01T00:00:00+08:00 --hub-bps 800 --share swift:carrier:300
  gongxu tx pool open --from acme --product jacket-1 --tiers 1:12900 --moq 50 --cap 500 \
      --deadline 7d --repeat-every 7d --repeat-times 4`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "from", "product", "tiers", "moq", "cap", "deadline"); err != nil {
				return err
			}
			msg := m
			var err error
			if msg.Tiers, err = parseTiers(tiers); err != nil {
				return err
			}
			if lock < 0 {
				return usagef("--lock must not be negative, got %s", lock)
			}
			msg.LockMs = lock.Milliseconds()
			msg.Hubs = nil
			for _, h := range hubs {
				msg.Hubs = append(msg.Hubs, gongxu.OrgID(strings.TrimSpace(h)))
			}
			msg.Variants = nil
			for _, v := range variants {
				msg.Variants = append(msg.Variants, strings.TrimSpace(v))
			}
			if msg.Enablers, err = parseShares(shares); err != nil {
				return err
			}
			if cmd.Flags().Changed("dispute-default") {
				msg.DisputeDefaultBPS = &disputeDefault
			}
			if msg.Repeat, err = parseRepeat(cmd, repeatEvery, repeatTimes); err != nil {
				return err
			}
			// Check everything the node is not needed for first.
			pre := msg
			pre.Product, pre.Deadline = gongxu.ProductID(product), 1
			if !strings.Contains(product, "/") {
				pre.Product = gongxu.NewProductID("factory", product)
			}
			if err := pre.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			if strings.Contains(product, "/") {
				msg.Product = gongxu.ProductID(product)
			} else {
				factory, err := env.signerOrg(cmd, o)
				if err != nil {
					return err
				}
				msg.Product = gongxu.NewProductID(factory, product)
			}
			times := []timeFlag{{"deadline", deadline, &msg.Deadline}}
			if startBy != "" {
				times = append(times, timeFlag{"start-by", startBy, &msg.StartBy})
			}
			if err := env.resolveTimes(times...); err != nil {
				return err
			}
			if err := msg.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			return env.sendMsg(cmd, o, pool.TypeOpen, &msg)
		},
	}
	f := c.Flags()
	f.StringVar(&product, "product", "", "the product: `SKU` of your factory, or FACTORY/SKU (required)")
	f.StringSliceVar(&tiers, "tiers", nil, "price ladder as `MIN_QTY:UNIT_PRICE`,… (required)")
	f.Int64Var((*int64)(&m.MOQ), "moq", 0, "minimum batch in units `N` (required)")
	f.Int64Var((*int64)(&m.Cap), "cap", 0, "capacity cap in units `N`, a multiple of --case-pack (required)")
	f.Int64Var((*int64)(&m.CasePack), "case-pack", 1, "units per case `N`")
	f.StringVar(&m.Currency, "currency", "CNY", "ISO 4217 `CODE`")
	f.StringVar(&deadline, "deadline", "", "when the pool closes: a duration after the latest block (72h) or an RFC 3339 time (required)")
	f.DurationVar(&lock, "lock", 0, "no reductions in the last `DURATION` before the deadline")
	f.StringSliceVar(&hubs, "hubs", nil, "hubs allowed to gather pledges, `ORG`,… (default: any member hub)")
	f.StringSliceVar(&variants, "variants", nil, "variant `ID`s pledges may name")
	f.StringVar(&m.Terms, "terms", "", "the pool's terms, as `TEXT` everyone can read")
	f.StringVar(&startBy, "start-by", "", "the promised production start, `WHEN` like --deadline (default: the deadline plus 14 days)")
	f.Int64Var(&m.HubBPS, "hub-bps", 0, "each hub's share of its own share's payout, in basis points `BPS` (100 = 1 %)")
	f.StringSliceVar(&shares, "share", nil, "a named org's share of every payout, `ORG:ROLE:BPS`,… (a carrier, a designer)")
	f.BoolVar(&m.FromStock, "from-stock", false, "sell goods your factory holds: at the close the pool is filled from your free stock of the product (ready at once) if it covers the total, else made as any other")
	f.StringVar(&repeatEvery, "repeat-every", "", "reopen the pool every `PERIOD` (7d, 1d12h; 1 to 366 days) after its deadline, with the same terms")
	f.Int64Var(&repeatTimes, "repeat-times", 0, "how many `N` times the pool reopens (1 to 52; with --repeat-every)")
	f.Int64Var(&disputeDefault, "dispute-default", 0, "a dispute's fallback when its panel does not decide in time: `BPS` of the claim back to the claimant (default: the network's dispute_default_bps)")
	return c
}

// parseRepeat reads --repeat-every and --repeat-times: both or neither.
func parseRepeat(cmd *cobra.Command, every string, times int64) (*gongxu.PoolRepeat, error) {
	everySet, timesSet := cmd.Flags().Changed("repeat-every"), cmd.Flags().Changed("repeat-times")
	if !everySet && !timesSet {
		return nil, nil
	}
	if !everySet || !timesSet {
		return nil, usagef("--repeat-every and --repeat-times go together: every PERIOD, N times")
	}
	d, err := parseSpan(every)
	if err != nil || d%time.Millisecond != 0 {
		return nil, usagef("--repeat-every takes a period like 7d, 1d12h or 36h, got %q", clip(every))
	}
	return &gongxu.PoolRepeat{EveryMs: d.Milliseconds(), Times: times}, nil
}

func newTxPoolStopRepeatCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "stop-repeat POOL_ID",
		Short: "Stop your factory's pool from reopening (its series, named by any of its pools)",
		Long: `Stop a series of pools that reopen on a schedule, named by any pool of it: no
further pool opens. The series' open pool, if any, runs to its deadline as usual
(cancel it before its first pledge with "gongxu tx pool cancel").`,
		Args: exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			msg := pool.MsgStopRepeat{Pool: id, Reason: reason}
			if err := msg.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			return env.sendMsg(cmd, o, pool.TypeStopRepeat, &msg)
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, as `TEXT` everyone can read")
	return c
}

// parseShares reads ORG:ROLE:BPS triples.
func parseShares(triples []string) ([]gongxu.EnablerShare, error) {
	var out []gongxu.EnablerShare
	for _, t := range triples {
		f := strings.Split(strings.TrimSpace(t), ":")
		if len(f) != 3 {
			return nil, usagef("--share takes ORG:ROLE:BPS, got %q", clip(t))
		}
		bps, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return nil, usagef("--share takes ORG:ROLE:BPS with BPS an integer, got %q", clip(t))
		}
		out = append(out, gongxu.EnablerShare{Org: gongxu.OrgID(f[0]), Role: f[1], BPS: bps})
	}
	return out, nil
}

// parseTiers reads MIN_QTY:UNIT_PRICE pairs.
func parseTiers(pairs []string) ([]gongxu.Tier, error) {
	out := make([]gongxu.Tier, 0, len(pairs))
	for _, p := range pairs {
		q, pr, ok := strings.Cut(strings.TrimSpace(p), ":")
		qty, err1 := strconv.ParseInt(q, 10, 64)
		price, err2 := strconv.ParseInt(pr, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, usagef("--tiers takes MIN_QTY:UNIT_PRICE pairs of integers, got %q", clip(p))
		}
		out = append(out, gongxu.Tier{MinQty: gongxu.Units(qty), UnitPrice: gongxu.Amount(price)})
	}
	return out, nil
}

func newTxPoolCancelCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "cancel POOL_ID",
		Short: "Cancel your factory's open pool before its first pledge",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, pool.TypeCancel, &pool.MsgCancel{Pool: id, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, as `TEXT` everyone can read")
	return c
}

func newTxPoolPledgeCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgPledge
	var hub string
	c := &cobra.Command{
		Use:   "pledge POOL_ID --hub HUB --qty N",
		Short: "Pledge to a pool with your own key (a consumer's direct pledge)",
		Long: `Pledge to an open pool, signed with the consumer's own key (--from). The escrow,
qty × the first-tier price, comes from that key's account. The goods are picked
up at --hub.`,
		Args: exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "hub", "qty"); err != nil {
				return err
			}
			msg := m
			msg.Pool, msg.Hub = id, gongxu.OrgID(hub)
			return env.sendMsg(cmd, o, pool.TypePledge, &msg)
		},
	}
	c.Flags().StringVar(&hub, "hub", "", "the `HUB` where the goods are picked up (required)")
	c.Flags().StringVar(&m.Variant, "variant", "", "the variant `ID`")
	c.Flags().Int64Var((*int64)(&m.Qty), "qty", 0, "units `N` (required)")
	return c
}

func newTxPoolReduceCmd(env *Env, o *txOptions) *cobra.Command {
	var qty int64
	c := &cobra.Command{
		Use:   "reduce POOL_ID PLEDGE_ID --qty N",
		Short: "Lower your direct pledge to N units (0 withdraws it)",
		Long:  "Lower the quantity of your direct pledge before the pool's lock; the difference is refunded. --qty 0 withdraws it.",
		Args:  exactArgs("POOL_ID", "PLEDGE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			pl, err := parsePositive("pledge id", args[1])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "qty"); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, pool.TypeReduce, &pool.MsgReduce{Pool: id, Pledge: pl, Qty: gongxu.Units(qty)})
		},
	}
	c.Flags().Int64Var(&qty, "qty", 0, "the new quantity `N` (required; 0 withdraws)")
	return c
}

func newTxPoolHubReduceCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgHubReduce
	c := &cobra.Command{
		Use:   "hub-reduce POOL_ID --qty N [--variant V] [--pledges K]",
		Short: "Remove units your hub batched (its consumers cancelled at the hub)",
		Long: `Lower your hub's batched quantity of a variant in an open pool, before the lock.
--pledges is how many whole pledges were withdrawn (0 when they were only
reduced).`,
		Args: exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "qty"); err != nil {
				return err
			}
			msg := m
			msg.Pool = id
			return env.sendMsg(cmd, o, pool.TypeHubReduce, &msg)
		},
	}
	c.Flags().StringVar(&m.Variant, "variant", "", "the variant `ID`")
	c.Flags().Int64Var((*int64)(&m.Qty), "qty", 0, "units `N` to remove (required)")
	c.Flags().Int64Var(&m.Pledges, "pledges", 0, "pledges `K` withdrawn entirely")
	return c
}

func newTxPoolStartProductionCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "start-production POOL_ID",
		Short: "Move your factory's succeeded pool into production",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, pool.TypeStartProduction, &pool.MsgStartProduction{Pool: id})
		},
	}
}

func newTxPoolConfirmDeliveryCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "confirm-delivery POOL_ID",
		Short: "Confirm your hub received its share; the factory is paid for it",
		Args:  exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, pool.TypeConfirmDelivery, &pool.MsgConfirmDelivery{Pool: id})
		},
	}
}

func newTxPoolShipCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgShip
	var qty qtyFlag
	var lots []string
	c := &cobra.Command{
		Use:   "ship POOL_ID --hub HUB [--qty Q] [--lot LOT:QTY,…]",
		Short: "Ship a hub its share of your factory's pool, whole or in part, from your stock",
		Long: `Ship a hub its share of a pool in production or ready, whole or in parts.
--qty is this shipment's quantity (default: what is left of the share, or the
--lot quantities' total); each --lot names one of your lots of the product
and how much to take from it. Without --lot the ledger takes what is allotted
to the pool first (the lots its production order made, or the stock a pool on
stock was filled from), then your free lots of the product, the first to
expire first, then the first made. Held (recalled), expired, reserved and
other pools' lots never ship. Each shipment is recorded as the packing (EPCIS
AggregationEvent into the unit urn:gongxu:pool:<id>:hub:<hub>) and the
shipment (ObjectEvent, shipping). The hub confirms its delivery once the
share is shipped in full.

` + qtyHelp,
		Example: `  gongxu tx pool ship 1 --hub riverside-hub --from acme
  gongxu tx pool ship 1 --hub riverside-hub --from acme --qty 20 --lot acme/wo-3:20`,
		Args: exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "hub"); err != nil {
				return err
			}
			msg := m
			msg.Pool, msg.Qty = id, qty.q
			if msg.Lots, err = parseLotQtys("lot", lots); err != nil {
				return err
			}
			if err := msg.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			return env.sendMsg(cmd, o, pool.TypeShip, &msg)
		},
	}
	c.Flags().StringVar((*string)(&m.Hub), "hub", "", "the `HUB` to ship to (required)")
	c.Flags().Var(&qty, "qty", "this shipment's quantity, in units (default: the rest of the share)")
	c.Flags().StringSliceVar(&lots, "lot", nil, "a lot of yours to ship from, as `LOT:QTY` (repeatable)")
	return c
}

func newTxPoolPickupCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgPickup
	var receipt, secret string
	c := &cobra.Command{
		Use:   "pickup POOL_ID (--receipt FILE [--secret HEX] | --pledge N) [--qty N]",
		Short: "Record that a consumer collected a pledge at your hub",
		Long: `Record that a consumer collected a pledge at your hub, after your hub confirmed
its delivery: a leaf of one of your batches, by the consumer's copy of the
receipt (the JSON file "tx pool batch" wrote; the ledger checks it against
the batch's Merkle root) with its pickup secret, or a direct pledge naming
your hub, by its id. A receipt alone is public and collects nothing: the
ledger checks the secret against the leaf's commitment. It is the "secret"
of the consumer's copy, or --secret when the consumer shows it apart (the
receipt then may be the public one the node serves). --qty is what was
handed over when less than pledged. The ledger names the pickup by the
pledge (urn:gongxu:pledge:<batch tx>:<leaf>), never by the person, and
records it as an EPCIS ObjectEvent (retail_selling) of the lots the goods
came from; a pledge is picked up once.`,
		Example: `  gongxu tx pool pickup 1 --receipt receipts-1-3FA2B1C0/0003.json --from riverside-hub
  gongxu tx pool pickup 1 --receipt public.json --secret 5be0…9a1c --from riverside-hub
  gongxu tx pool pickup 1 --pledge 2 --from riverside-hub`,
		Args: exactArgs("POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("pool id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from"); err != nil {
				return err
			}
			msg := m
			msg.Pool = id
			if (receipt == "") == (msg.Pledge == 0) {
				return usagef("name the pledge with --receipt FILE or --pledge N (one of them)")
			}
			if secret != "" && receipt == "" {
				return usagef("--secret goes with --receipt: a direct pledge has no pickup secret")
			}
			if receipt != "" {
				var r gongxu.Receipt
				if err := readFlagFile("--receipt", receipt, &r); err != nil {
					return err
				}
				if secret != "" {
					r.Secret = strings.ToLower(strings.TrimSpace(secret))
				}
				if r.Secret == "" {
					return usagef("the receipt %s holds no pickup secret (a public receipt): use the consumer's copy, or give the secret they show with --secret", receipt)
				}
				if _, err := gongxu.PickupCommit(r.Secret); err != nil {
					return asUsage(err)
				}
				msg.Receipt = &r
			}
			return env.sendMsg(cmd, o, pool.TypePickup, &msg)
		},
	}
	c.Flags().StringVar(&receipt, "receipt", "", "the consumer's receipt `FILE`")
	c.Flags().StringVar(&secret, "secret", "", "the consumer's pickup secret, 64 `HEX` characters (default: the receipt's)")
	c.Flags().Uint64Var(&m.Pledge, "pledge", 0, "a direct pledge's `ID`")
	c.Flags().Int64Var((*int64)(&m.Qty), "qty", 0, "units `N` handed over, when fewer than pledged")
	return c
}

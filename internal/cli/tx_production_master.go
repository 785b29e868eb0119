package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// The master data commands: items, bills of materials, routings, work
// centers, and a production order's planned completion.

func newTxProdItemCmd(env *Env, o *txOptions) *cobra.Command {
	var it gongxu.Item
	var supplier, file string
	var lotMin, lotMultiple qtyFlag
	c := &cobra.Command{
		Use:   "item ITEM (--supplier ORG | --make [--phantom]) [--unit U] [--lead-days D] … | --file F.json",
		Short: "Publish or replace one of your org's items (planning master data)",
		Long: `Publish or replace an item of your org's master data: bought from a preferred
--supplier, made (--make), or a phantom kit (--make --phantom) that is
exploded into its parent's order. --file takes the message body
{"item": {...}} or the item itself, as "query production master" prints it.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production item waxed-cotton --from acme --supplier lakeside --unit m --lead-days 5 --lot-multiple 10
  gongxu tx production item acme/rain-jacket --from acme --make --unit piece --lead-days 2
  gongxu tx production item --from acme --file collar-kit.json`,
		Args: rangeArgs(0, 1, "ITEM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "supplier", "make", "phantom", "unit", "lead-days", "lot-min", "lot-multiple"); err != nil {
				return err
			}
			var m production.MsgItem
			if file != "" {
				if len(args) > 0 {
					return invalidf("--file gives the whole item; drop the ITEM argument")
				}
				if err := readRecordFile(file, "item", &m, &m.Item); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypeItem, &m)
			}
			if len(args) != 1 {
				return usagef("%s needs ITEM", cmd.CommandPath())
			}
			m.Item = it
			m.Item.ID, m.Item.Supplier = gongxu.ItemID(args[0]), gongxu.OrgID(supplier)
			m.Item.LotMin, m.Item.LotMultiple = lotMin.q, lotMultiple.q
			return env.sendMsg(cmd, o, production.TypeItem, &m)
		},
	}
	f := c.Flags()
	f.StringVar(&supplier, "supplier", "", "the preferred supplier `ORG` of a bought item")
	f.BoolVar(&it.Make, "make", false, "the item is made (it has a bill of materials and a routing)")
	f.BoolVar(&it.Phantom, "phantom", false, "a made kit never stocked: exploded into its parent's order")
	f.StringVar(&it.Unit, "unit", "", "unit of measure: piece, kg, m …")
	f.Int64Var(&it.LeadTimeDays, "lead-days", 0, "calendar `DAYS` from release to due")
	f.Var(&lotMin, "lot-min", "the smallest order, in units")
	f.Var(&lotMultiple, "lot-multiple", "orders are whole multiples of it, in units")
	f.StringVar(&file, "file", "", "the message body or the item, a JSON `FILE`")
	return c
}

func newTxProdBOMCmd(env *Env, o *txOptions) *cobra.Command {
	var lines []string
	var clearBOM bool
	var file string
	c := &cobra.Command{
		Use:   "bom PARENT --line CHILD:QTY_PER[:SCRAP_BP][:by-product] … | --clear | --file F.json",
		Short: "Replace the bill of materials of one of your org's made items",
		Long: `Replace the bill of materials of a made item: one --line per component,
CHILD:QTY_PER with QTY_PER in units of the child per unit of the parent, then
optionally the scrap in basis points (150 = 1.5 %) and "by-product" for an
output of the parent rather than an input. --clear removes the bill.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production bom acme/rain-jacket --from acme --line shell:1 --line collar-kit:1 --line thread:20:500
  gongxu tx production bom shell --from acme --line waxed-cotton:1.8:300 --line offcuts:0.1:0:by-product`,
		Args: rangeArgs(0, 1, "PARENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "line", "clear"); err != nil {
				return err
			}
			var m production.MsgBOM
			if file != "" {
				if err := readBodyFile(file, &m); err != nil {
					return err
				}
				if len(args) == 1 {
					if m.Parent != "" && string(m.Parent) != args[0] {
						return invalidf("the argument says parent %s, --file says %s", args[0], m.Parent)
					}
					m.Parent = gongxu.ItemID(args[0])
				}
				if m.Lines == nil {
					m.Lines = []production.BOMIn{}
				}
				return env.sendMsg(cmd, o, production.TypeBOM, &m)
			}
			if len(args) != 1 {
				return usagef("%s needs PARENT", cmd.CommandPath())
			}
			if clearBOM == (len(lines) > 0) {
				return invalidf("give the bill's --line values, or --clear to remove it")
			}
			m.Parent, m.Lines = gongxu.ItemID(args[0]), []production.BOMIn{}
			for _, s := range lines {
				p := strings.Split(strings.TrimSpace(s), ":")
				if len(p) < 2 || len(p) > 4 {
					return invalidf("--line takes CHILD:QTY_PER[:SCRAP_BP][:by-product], got %q", clip(s))
				}
				l := production.BOMIn{Child: gongxu.ItemID(strings.TrimSpace(p[0]))}
				var err error
				if l.QtyPer, err = parseQty("--line quantity per unit", p[1]); err != nil {
					return err
				}
				rest := p[2:]
				if n := len(rest); n > 0 && strings.TrimSpace(rest[n-1]) == "by-product" {
					l.ByProduct, rest = true, rest[:n-1]
				}
				if len(rest) > 1 {
					return invalidf("--line takes CHILD:QTY_PER[:SCRAP_BP][:by-product], got %q", clip(s))
				}
				if len(rest) == 1 {
					if l.ScrapBP, err = strconv.ParseInt(strings.TrimSpace(rest[0]), 10, 64); err != nil {
						return invalidf("--line scrap must be whole basis points (150 = 1.5 %%), got %q", clip(rest[0]))
					}
				}
				m.Lines = append(m.Lines, l)
			}
			return env.sendMsg(cmd, o, production.TypeBOM, &m)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&lines, "line", nil, "a component as `CHILD:QTY_PER[:SCRAP_BP][:by-product]` (repeatable)")
	f.BoolVar(&clearBOM, "clear", false, "remove the bill of materials")
	f.StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdRoutingCmd(env *Env, o *txOptions) *cobra.Command {
	var ops []string
	var file string
	c := &cobra.Command{
		Use:   "routing ITEM --op WORK_CENTER:SETUP:RUN_PER_UNIT … | --file F.json",
		Short: "Publish or replace the routing of one of your org's made items",
		Long: `Publish or replace how a made item is made: its operations in order, each
on one of your work centers with a setup time and a run time per unit, as
durations (20m, 1h30m, 45s). --file takes the message body {"routing": {...}}
or the routing itself.

` + fileHelp,
		Example: `  gongxu tx production routing acme/rain-jacket --from acme --op cutting:20m:4m --op sewing:30m:45m`,
		Args:    rangeArgs(0, 1, "ITEM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "op"); err != nil {
				return err
			}
			var m production.MsgRouting
			if file != "" {
				if len(args) > 0 {
					return invalidf("--file gives the whole routing; drop the ITEM argument")
				}
				if err := readRecordFile(file, "routing", &m, &m.Routing); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypeRouting, &m)
			}
			if len(args) != 1 {
				return usagef("%s needs ITEM", cmd.CommandPath())
			}
			if err := requireFlags(cmd, "op"); err != nil {
				return err
			}
			m.Routing.Item = gongxu.ItemID(args[0])
			for _, s := range ops {
				p, err := splitN("op", "WORK_CENTER:SETUP:RUN_PER_UNIT", s, 3)
				if err != nil {
					return err
				}
				setup, err1 := time.ParseDuration(p[1])
				run, err2 := time.ParseDuration(p[2])
				if err1 != nil || err2 != nil || setup < 0 || run < 0 {
					return invalidf("--op setup and run times must be durations (20m, 1h30m, 0s), got %q", clip(s))
				}
				m.Routing.Ops = append(m.Routing.Ops, gongxu.Operation{WorkCenter: p[0],
					SetupMs: setup.Milliseconds(), RunMsPerUnit: run.Milliseconds()})
			}
			return env.sendMsg(cmd, o, production.TypeRouting, &m)
		},
	}
	c.Flags().StringSliceVar(&ops, "op", nil, "an operation as `WORK_CENTER:SETUP:RUN_PER_UNIT` (repeatable, in order)")
	c.Flags().StringVar(&file, "file", "", "the message body or the routing, a JSON `FILE`")
	return c
}

func newTxProdWorkCenterCmd(env *Env, o *txOptions) *cobra.Command {
	var capacity int64
	var shifts, extra, closed []string
	var offset, file string
	c := &cobra.Command{
		Use:   "work-center ID --capacity N --shift DAYS@HH:MM-HH:MM … [--utc-offset +08:00] | --file F.json",
		Short: "Publish or replace one of your org's work centers and its calendar",
		Long: `Publish or replace a work center: --capacity identical units working in
parallel during its calendar. Each --shift is weekdays (0 = Sunday … 6 =
Saturday, as 1-5 or 1,3,5) @ a local start and end time; a shift ending at or
before its start ends the next morning. Times are local to --utc-offset
(+08:00, or minutes). --extra adds working intervals and --closed removes some
(holidays, maintenance), each FROM/TO as dates or RFC 3339 times. --file takes
the message body {"work_center": {...}} or the work center itself.

` + fileHelp,
		Example: `  gongxu tx production work-center sewing --from acme --capacity 4 --shift 1-5@08:00-18:00 --shift 6@08:00-12:00 \
      --utc-offset +08:00 --closed 2025-05-01/2025-05-04`,
		Args: rangeArgs(0, 1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "capacity", "shift", "extra", "closed", "utc-offset"); err != nil {
				return err
			}
			var m production.MsgWorkCenter
			if file != "" {
				if len(args) > 0 {
					return invalidf("--file gives the whole work center; drop the ID argument")
				}
				if err := readRecordFile(file, "work_center", &m, &m.WorkCenter); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypeWorkCenter, &m)
			}
			if len(args) != 1 {
				return usagef("%s needs ID", cmd.CommandPath())
			}
			if err := requireFlags(cmd, "capacity"); err != nil {
				return err
			}
			wc := gongxu.WorkCenter{ID: args[0], Capacity: capacity}
			var err error
			if wc.Calendar.UTCOffsetMin, err = parseUTCOffset(offset); err != nil {
				return err
			}
			for _, s := range shifts {
				ss, err := parseShift(s)
				if err != nil {
					return err
				}
				wc.Calendar.Weekly = append(wc.Calendar.Weekly, ss...)
			}
			if wc.Calendar.Extra, err = parseIntervals("extra", extra); err != nil {
				return err
			}
			if wc.Calendar.Closed, err = parseIntervals("closed", closed); err != nil {
				return err
			}
			m.WorkCenter = wc
			return env.sendMsg(cmd, o, production.TypeWorkCenter, &m)
		},
	}
	f := c.Flags()
	f.Int64Var(&capacity, "capacity", 0, "identical units `N` working in parallel")
	f.StringArrayVar(&shifts, "shift", nil, "weekly shifts as `DAYS@HH:MM-HH:MM` (repeatable)")
	f.StringVar(&offset, "utc-offset", "", "the calendar's local time as `OFFSET` from UTC: +08:00, -05:00 or minutes")
	f.StringSliceVar(&extra, "extra", nil, "extra working time as `FROM/TO` (repeatable)")
	f.StringSliceVar(&closed, "closed", nil, "closed time as `FROM/TO` (repeatable)")
	f.StringVar(&file, "file", "", "the message body or the work center, a JSON `FILE`")
	return c
}

// parseUTCOffset reads +08:00, -05:30, +0800 or minutes (480); "" is 0.
func parseUTCOffset(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	bad := invalidf("--utc-offset must be +HH:MM, -HH:MM or minutes, got %q", clip(s))
	if !strings.Contains(s, ":") && !(len(s) == 5 && (s[0] == '+' || s[0] == '-')) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, bad
		}
		return n, nil
	}
	if s[0] != '+' && s[0] != '-' {
		return 0, bad
	}
	hm := strings.ReplaceAll(s[1:], ":", "")
	if len(hm) != 4 || !digits(hm) {
		return 0, bad
	}
	h, _ := strconv.ParseInt(hm[:2], 10, 64)
	mi, _ := strconv.ParseInt(hm[2:], 10, 64)
	if mi >= 60 {
		return 0, bad
	}
	v := h*60 + mi
	if s[0] == '-' {
		v = -v
	}
	return v, nil
}

// parseShift reads DAYS@HH:MM-HH:MM: weekdays 0-6 as a range (1-5), a list
// (1,3,5) or one day, and local start and end times. An end at or before
// the start is the next morning.
func parseShift(s string) ([]gongxu.Shift, error) {
	bad := invalidf("--shift takes DAYS@HH:MM-HH:MM (1-5@08:00-17:00, 6@08:00-12:00, 0,6@22:00-06:00), got %q", clip(s))
	days, span, ok := strings.Cut(strings.TrimSpace(s), "@")
	from, to, ok2 := strings.Cut(span, "-")
	if !ok || !ok2 {
		return nil, bad
	}
	start, err1 := parseClock(from)
	end, err2 := parseClock(to)
	if err1 != nil || err2 != nil || start >= 1440 || end > 1440 {
		return nil, bad
	}
	if end <= start {
		end += 1440
	}
	var wd []int64
	for _, d := range strings.Split(days, ",") {
		d = strings.TrimSpace(d)
		if lo, hi, isRange := strings.Cut(d, "-"); isRange {
			a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
			b, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
			if err1 != nil || err2 != nil || a < 0 || b > 6 || a > b {
				return nil, bad
			}
			for x := a; x <= b; x++ {
				wd = append(wd, x)
			}
			continue
		}
		x, err := strconv.ParseInt(d, 10, 64)
		if err != nil || x < 0 || x > 6 {
			return nil, bad
		}
		wd = append(wd, x)
	}
	out := make([]gongxu.Shift, len(wd))
	for i, d := range wd {
		out[i] = gongxu.Shift{Weekday: d, StartMin: start, EndMin: end}
	}
	return out, nil
}

// parseClock reads HH:MM as minutes after midnight (24:00 is 1440).
func parseClock(s string) (int64, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err == nil {
		return int64(t.Hour()*60 + t.Minute()), nil
	}
	if strings.TrimSpace(s) == "24:00" {
		return 1440, nil
	}
	return 0, err
}

// parseIntervals reads FROM/TO values of the flag: dates (midnight UTC) or
// RFC 3339 times.
func parseIntervals(flag string, vals []string) ([]gongxu.Interval, error) {
	var out []gongxu.Interval
	for _, v := range vals {
		from, to, ok := strings.Cut(strings.TrimSpace(v), "/")
		a, err1 := parseAbsTime(from)
		b, err2 := parseAbsTime(to)
		if !ok || err1 != nil || err2 != nil {
			return nil, invalidf("--%s takes FROM/TO, each a date (2025-05-01) or an RFC 3339 time, got %q", flag, clip(v))
		}
		out = append(out, gongxu.Interval{Start: a, End: b})
	}
	return out, nil
}

// parseAbsTime reads a date (midnight UTC) or an RFC 3339 time as unix ms.
func parseAbsTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UnixMilli(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UnixMilli(), err
}

func newTxProdPlanDateCmd(env *Env, o *txOptions) *cobra.Command {
	var completion, reason string
	c := &cobra.Command{
		Use:   "plan-date ORDER_ID --completion DATE --reason TEXT",
		Short: "Publish when your factory's production order will complete, and why",
		Long: `Publish a production order's planned completion with the reason it is what it
is (a re-plan after a late purchase order, a slip), for the hubs and
consumers waiting on it.

` + dateHelp,
		Example: `  gongxu tx production plan-date 1 --from acme --completion 2025-03-20T18:00:00+08:00 --reason "fabric arrives on the 17th"`,
		Args:    exactArgs("ORDER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("production order id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "completion", "reason"); err != nil {
				return err
			}
			m := production.MsgPlanDate{Order: id, Completion: 1, Reason: reason}
			if err := m.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			w, err := parseDate("completion", completion)
			if err != nil {
				return err
			}
			if m.Completion, err = w.ms((&blockClock{env: env}).now); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypePlanDate, &m)
		},
	}
	c.Flags().StringVar(&completion, "completion", "", "the planned completion `DATE` (required)")
	c.Flags().StringVar(&reason, "reason", "", "why then, `TEXT` (required)")
	return c
}

package pool_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

const scenarios = "testdata/scenarios/*.txtar"

// TestScenarios runs the pool scenarios in testdata/scenarios/*.txtar (the
// commands are chaintest.RunScenarios', plus these):
//
//	invariant                       from now on, after every block, check that money is
//	                                neither created nor destroyed (every script starts with it)
//	pool N STATUS                   a pool's status
//	total N QTY                     units pledged
//	pledges N COUNT                 pledges (direct pledges and batch leaves)
//	price N PRICE                   the final unit price (0 while open or failed)
//	moq N yes|no                    whether the MOQ is reached
//	history N S1,S2,...             the statuses of the pool's history
//	balance ACCOUNT CUR AMOUNT      a balance; ACCOUNT is org:ID, key:NAME (Key(NAME)), escrow:N, captured:N
//	share N HUB QTY [delivered]     a hub's share (QTY 0: none)
//	demand N VARIANT QTY            units pledged of a variant ("-" for none)
//	pledge N ID QTY                 a direct pledge's quantity
//	leaves NAME ID[:VARIANT]:QTY... $var(NAME) is the JSON array of these batch leaves, each
//	                                committing to testSecret(ID)
//	packed NAME LEAVES [CHANGE...]  $var(NAME) is $var(LEAVES) packed (base64 of
//	                                pool.EncodeLeaves), its bytes then changed: trailing (a 0
//	                                byte more), truncated (the last byte less), version2,
//	                                byte:OFFSET=VALUE; "packed NAME - huge": base64 text above
//	                                the largest blob
//	receipt NAME BATCH POOL HUB LEAVES I [SECRET]  $var(NAME) is the consumer's copy of the
//	                                receipt of leaf I of the batch $var(BATCH) of pool POOL by HUB,
//	                                of the leaves $var(LEAVES), with the pickup secret
//	                                testSecret(ID), or SECRET: "none", "of:ID", or as written
//	pickups N HUB COUNT             the hub's share has COUNT pickups
//	week HUB PRODUCT VARIANT WEEK UNITS  a hub's recorded week of past sales ("-": no
//	                                variant; UNITS "-": not recorded)
//	manyweeks SIGNER PRODUCT N KIND TEXT  pool/history of N consecutive weeks ending the week
//	                                before the block time's; KIND ok, or the rejection
//	bigbody SIGNER BYTES KIND TEXT  pool/history whose body is BYTES long; KIND ok, or the rejection
//	poolf N FIELD VALUE             a pool's JSON field (as JSON, strings unquoted)
//	seriesf N FIELD VALUE           a field of a pool's series (Pool.Series; as JSON)
//	nopool N                        there is no pool N
//	stopped N TEXT...               the pool's series stopped at it saying TEXT ("-": not stopped)
//	sharef N HUB FIELD VALUE        a hub share's JSON field
//	lotf ID FIELD VALUE             a lot's JSON field (absent omitempty fields read as null)
//	orderf N FIELD VALUE            a production order's JSON field
//	stock ORG ITEM QTY              an org's stock of an item (milli-units)
//	nextblockat MS                  the next block's time is MS (unix ms)
//	closebudget POOLS PAYERS PERPOOL  for the rest of the scenario a block closes at most POOLS
//	                                pools and PAYERS payer accounts, a pool takes at most PERPOOL
//	                                (pool.MaxClosesPerBlock, MaxClosePayersPerBlock, MaxPayersPerPool)
//	snapshot                        remember the state
//	unchanged                       the state is the snapshot's, but for signers' sequences
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob(scenarios)
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range a.Files {
			if file.Name == "script" && !strings.Contains(string(file.Data), "\ninvariant\n") {
				t.Fatalf("%s: every pool scenario checks the money invariant: put \"invariant\" after genesis", f)
			}
		}
	}
	getPool := func(h *chaintest.Harness, arg string) (gongxu.Pool, error) {
		id, err := strconv.ParseUint(arg, 10, 64)
		if err != nil {
			return gongxu.Pool{}, err
		}
		return h.Mods.Pool.Pool(h.State, id)
	}
	field := func(name string, get func(gongxu.Pool) string) chaintest.Check {
		return func(h *chaintest.Harness, args []string) error {
			p, err := getPool(h, args[0])
			if err != nil {
				return err
			}
			if got := get(p); got != args[1] {
				return fmt.Errorf("pool %s %s is %s, want %s (history %+v)", args[0], name, got, args[1], p.History)
			}
			return nil
		}
	}
	chaintest.RunScenarios(t, scenarios, map[string]chaintest.Check{
		"pool":    field("status", func(p gongxu.Pool) string { return string(p.Status) }),
		"total":   field("total", func(p gongxu.Pool) string { return fmt.Sprint(p.Total) }),
		"pledges": field("pledges", func(p gongxu.Pool) string { return fmt.Sprint(p.Pledges) }),
		"price":   field("price", func(p gongxu.Pool) string { return fmt.Sprint(p.Price) }),
		"moq": field("moq_reached", func(p gongxu.Pool) string {
			return map[bool]string{true: "yes", false: "no"}[p.MOQReached]
		}),
		"history": field("history", func(p gongxu.Pool) string {
			var s []string
			for _, c := range p.History {
				s = append(s, string(c.Status))
			}
			return strings.Join(s, ",")
		}),
		"share": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			s, err := h.Mods.Pool.HubShare(h.State, id, gongxu.OrgID(args[1]))
			if gongxu.ErrorKind(err) == gongxu.KindNotFound && args[2] == "0" {
				return nil
			}
			if err != nil {
				return err
			}
			want := strings.Join(args[2:], " ")
			got := fmt.Sprint(s.Qty)
			if s.Delivered {
				got += " delivered"
			}
			if got != want {
				return fmt.Errorf("share is %q (%+v), want %q", got, s, want)
			}
			return nil
		},
		"demand": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			d, err := h.Mods.Pool.Demand(h.State, id)
			if err != nil {
				return err
			}
			v := strings.TrimPrefix(args[1], "-")
			var got gongxu.Units
			for _, x := range d {
				if x.Variant == v {
					got = x.Qty
				}
			}
			if fmt.Sprint(got) != args[2] {
				return fmt.Errorf("demand for %q is %d (%+v), want %s", v, got, d, args[2])
			}
			return nil
		},
		"leaves": func(h *chaintest.Harness, args []string) error {
			var ls []pool.Leaf
			for _, spec := range args[1:] {
				f := strings.Split(spec, ":")
				l := pool.Leaf{ID: f[0]}
				if len(f) == 3 {
					l.Variant = f[1]
				}
				q, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
				l.Qty = gongxu.Units(q)
				ls = append(ls, committed(l))
			}
			b, err := json.Marshal(ls)
			h.Vars[args[0]] = string(b)
			return err
		},
		"packed": func(h *chaintest.Harness, args []string) error {
			if args[1] == "-" && len(args) == 3 && args[2] == "huge" {
				h.Vars[args[0]] = strings.Repeat("A", base64.StdEncoding.EncodedLen(pool.MaxPackedBytes)+4)
				return nil
			}
			var ls []pool.Leaf
			if err := json.Unmarshal([]byte(h.Vars[args[1]]), &ls); err != nil {
				return err
			}
			b, err := pool.EncodeLeaves(ls)
			if err != nil {
				return err
			}
			for _, m := range args[2:] {
				switch {
				case m == "trailing":
					b = append(b, 0)
				case m == "truncated":
					b = b[:len(b)-1]
				case m == "version2":
					b[0] = 2
				case strings.HasPrefix(m, "byte:"): // byte:OFFSET=VALUE
					var off, v int
					if _, err := fmt.Sscanf(m, "byte:%d=%d", &off, &v); err != nil {
						return err
					}
					b[off] = byte(v)
				default:
					return fmt.Errorf("packed: unknown change %q", m)
				}
			}
			h.Vars[args[0]] = base64.StdEncoding.EncodeToString(b)
			return nil
		},
		"receipt": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[2], 10, 64)
			var ls []pool.Leaf
			if err := json.Unmarshal([]byte(h.Vars[args[4]]), &ls); err != nil {
				return err
			}
			i, _ := strconv.Atoi(args[5])
			rs := pool.Receipts(h.Vars[args[1]], id, gongxu.OrgID(args[3]), ls)
			if i < 0 || i >= len(rs) {
				return fmt.Errorf("%d leaves, no leaf %d", len(rs), i)
			}
			r := rs[i]
			r.Secret = testSecret(r.Leaf.ID)
			if len(args) > 6 {
				switch s := args[6]; {
				case s == "none":
					r.Secret = ""
				case strings.HasPrefix(s, "of:"):
					r.Secret = testSecret(strings.TrimPrefix(s, "of:"))
				default:
					r.Secret = s
				}
			}
			b, err := json.Marshal(r)
			h.Vars[args[0]] = string(b)
			return err
		},
		"pickups": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			s, err := h.Mods.Pool.HubShare(h.State, id, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			if fmt.Sprint(s.Pickups) != args[2] {
				return fmt.Errorf("hub %s has %d pickups (%+v), want %s", args[1], s.Pickups, s, args[2])
			}
			return nil
		},
		"week": func(h *chaintest.Harness, args []string) error {
			v := args[2]
			if v == "-" {
				v = ""
			}
			w, found, err := h.Mods.Pool.HistoryWeek(h.State, gongxu.OrgID(args[0]), gongxu.ProductID(args[1]), v, args[3])
			if err != nil {
				return err
			}
			got := "-"
			if found {
				got = fmt.Sprint(w.Units)
			}
			if got != args[4] {
				return fmt.Errorf("week %s holds %s units, want %s", args[3], got, args[4])
			}
			return nil
		},
		"manyweeks": func(h *chaintest.Harness, args []string) error {
			n, _ := strconv.Atoi(args[2])
			_, monday := gongxu.ISOWeekOfDay(h.Time / 86_400_000)
			weeks := make([]gongxu.SalesWeek, n)
			for i := range weeks {
				name, _ := gongxu.ISOWeekOfDay(monday - int64(n-i)*7)
				weeks[i] = gongxu.SalesWeek{Week: name, Units: 10, Money: 1000, Consumers: 3}
			}
			body, _ := json.Marshal(pool.MsgHistory{Product: gongxu.ProductID(args[1]), Currency: "CNY", Weeks: weeks})
			return deliverExpect(h, args[0], body, args[3], strings.Join(args[4:], " "))
		},
		"bigbody": func(h *chaintest.Harness, args []string) error {
			size, _ := strconv.Atoi(args[1])
			head := `{"product":"factory-a/jacket","currency":"CNY","weeks":[{"week":"2025-W50","units":1,"money":0,"consumers":1}],"variant":"`
			body := []byte(head + strings.Repeat("a", max(size-len(head)-2, 0)) + `"}`)
			return deliverExpect(h, args[0], body, args[2], strings.Join(args[3:], " "))
		},
		"poolf": func(h *chaintest.Harness, args []string) error {
			p, err := getPool(h, args[0])
			if err != nil {
				return err
			}
			return jsonField(p, args[1], args[2])
		},
		"seriesf": func(h *chaintest.Harness, args []string) error {
			p, err := getPool(h, args[0])
			if err != nil {
				return err
			}
			if p.Series == nil {
				return fmt.Errorf("pool %d is in no series", p.ID)
			}
			return jsonField(p.Series, args[1], args[2])
		},
		"nopool": func(h *chaintest.Harness, args []string) error {
			if p, err := getPool(h, args[0]); gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return fmt.Errorf("pool %s exists (%s): %v", args[0], p.Status, err)
			}
			return nil
		},
		"stopped": func(h *chaintest.Harness, args []string) error {
			p, err := getPool(h, args[0])
			if err != nil {
				return err
			}
			want := strings.Join(args[1:], " ")
			switch {
			case p.Series == nil:
				return fmt.Errorf("pool %d is in no series", p.ID)
			case want == "-" && p.Series.Stopped != "":
				return fmt.Errorf("pool %d's series stopped: %s", p.ID, p.Series.Stopped)
			case want != "-" && (p.Series.Stopped == "" || !strings.Contains(p.Series.Stopped, want)):
				return fmt.Errorf("pool %d's series stopped %q, want it to say %q", p.ID, p.Series.Stopped, want)
			}
			return nil
		},
		"lotf": func(h *chaintest.Harness, args []string) error {
			l, err := h.Mods.Production.Lot(h.State, gongxu.LotID(args[0]))
			if err != nil {
				return err
			}
			return jsonField(l, args[1], args[2])
		},
		"orderf": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			o, err := h.Mods.Production.Order(h.State, id)
			if err != nil {
				return err
			}
			return jsonField(o, args[1], args[2])
		},
		"stock": func(h *chaintest.Harness, args []string) error {
			s, err := h.Mods.Production.Stock(h.State, gongxu.OrgID(args[0]), gongxu.ItemID(args[1]))
			if err != nil {
				return err
			}
			if fmt.Sprint(s.Qty) != args[2] {
				return fmt.Errorf("stock of %s at %s is %d, want %s", args[1], args[0], s.Qty, args[2])
			}
			return nil
		},
		"sharef": func(h *chaintest.Harness, args []string) error {
			id, _ := strconv.ParseUint(args[0], 10, 64)
			s, err := h.Mods.Pool.HubShare(h.State, id, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			return jsonField(s, args[2], args[3])
		},
		"nextblockat": func(h *chaintest.Harness, args []string) error {
			ms, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || ms <= h.Time { // block times only go forward
				return fmt.Errorf("cannot move the next block to %s from %d (%v)", args[0], h.Time, err)
			}
			h.Time = ms - 1000
			return nil
		},
		"closebudget": func(h *chaintest.Harness, args []string) error {
			var n [3]int64
			for i := range n {
				v, err := strconv.ParseInt(args[min(i, len(args)-1)], 10, 64)
				if err != nil || len(args) != 3 || v < 1 {
					return fmt.Errorf("closebudget POOLS PAYERS PERPOOL, each at least 1 (%v)", err)
				}
				n[i] = v
			}
			h.T.Cleanup(pool.SetCloseBudget(int(n[0]), n[1], n[2]))
			return nil
		},
		"pledge": func(h *chaintest.Harness, args []string) error {
			pool, _ := strconv.ParseUint(args[0], 10, 64)
			id, _ := strconv.ParseUint(args[1], 10, 64)
			p, err := h.Mods.Pool.Pledge(h.State, pool, id)
			if err != nil {
				return err
			}
			if fmt.Sprint(p.Qty) != args[2] {
				return fmt.Errorf("pledge %d/%d holds %d, want %s", pool, id, p.Qty, args[2])
			}
			return nil
		},
	})
}

// deliverExpect delivers a pool/history body from signer and expects kind
// ("ok": success) with a log containing text.
func deliverExpect(h *chaintest.Harness, signer string, body []byte, kind, text string) error {
	r := h.Deliver(h.SignRaw(signer, pool.TypeHistory, body))
	h.ResetSeq(signer)
	got := gongxu.Kind(r.Code).String()
	if r.Code == 0 {
		got = "ok"
	}
	if got != kind || !strings.Contains(r.Log, text) {
		return fmt.Errorf("got %s %q, want %s containing %q", got, r.Log, kind, text)
	}
	return nil
}

// jsonField compares field of v's JSON with want (a string's value
// unquoted, anything else as JSON; "-" for an absent field).
func jsonField(v any, field, want string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	got := "-"
	if raw, ok := m[field]; ok {
		got = string(raw)
		var str string
		if json.Unmarshal(raw, &str) == nil {
			got = str
		}
	}
	if got != want {
		return fmt.Errorf("%s is %s, want %s (%s)", field, got, want, b)
	}
	return nil
}

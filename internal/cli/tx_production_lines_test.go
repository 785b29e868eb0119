package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/module/production"
)

// A framework order's release date on --line: @RELEASE at the end of the
// line, for po, po-propose and po-change alike.
func TestTxProductionLineRelease(t *testing.T) {
	// 2025-03-10 is 1741564800000, 2025-04-01 1743465600000, 2025-04-30 1745971200000.
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"production", "po", "--supplier", "lakeside", "--line", "waxed-cotton:300:2025-04-30@2025-04-01",
			"--line", "thread:40:2025-03-10"},
			"production/po", `{"supplier":"lakeside","lines":[{"item":"waxed-cotton","qty":300000,"date":1745971200000,"release":1743465600000},
			{"item":"thread","qty":40000,"date":1741564800000}]}`},
		// An item id may hold '@' (only what follows ITEM is searched); RFC
		// 3339 times hold ':' and stay whole.
		{[]string{"production", "po", "--supplier", "lakeside", "--line", "acme@2/thread : 5 : 2025-04-30T00:00:00Z @ 2025-04-01T00:00:00+08:00"},
			"production/po", `{"supplier":"lakeside","lines":[{"item":"acme@2/thread","qty":5000,"date":1745971200000,"release":1743436800000}]}`},
		// A release on its date is allowed (released by its date).
		{[]string{"production", "po", "--supplier", "lakeside", "--line", "thread:1:2025-04-01@2025-04-01"},
			"production/po", `{"supplier":"lakeside","lines":[{"item":"thread","qty":1000,"date":1743465600000,"release":1743465600000}]}`},
		{[]string{"production", "po-propose", "3", "--line", "waxed-cotton:300:2025-04-30T00:00:00Z:4900@2025-04-01T00:00:00Z"},
			"production/po_propose", `{"po":3,"lines":[{"item":"waxed-cotton","qty":300000,"date":1745971200000,"unit_price":4900,"release":1743465600000}]}`},
		{[]string{"production", "po-change", "3", "--line", "waxed-cotton:300:2025-04-30:4900@2025-04-01", "--line", "thread:0:2025-03-10:3",
			"--line", "buttons:12:2025-04-30:20@2025-03-10"},
			"production/po_change", `{"po":3,"lines":[{"item":"waxed-cotton","qty":300000,"date":1745971200000,"unit_price":4900,"release":1743465600000},
			{"item":"thread","qty":0,"date":1741564800000,"unit_price":3},
			{"item":"buttons","qty":12000,"date":1745971200000,"unit_price":20,"release":1741564800000}]}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}

	home, _, _ := testHome(t)
	dead, _ := deadURL()
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30@"}, "one @RELEASE at its end"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30@2025-04-01@2025-04-02"}, "one @RELEASE at its end"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30@2025-05-01"},
			"--line 1 (thread): release 2025-05-01"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30", "--line", "thread:5:2025-04-30@1969-12-31"},
			"--line 2 (thread): its release must be after 1970"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30@someday"}, `RELEASE "someday" must be a date`},
		// @RELEASE in the middle: it comes last.
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5@2025-04-01:2025-04-30"}, "and comes last (ITEM:QTY:DATE[@RELEASE])"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-04-30@2025-04-01:3"}, "and comes last (ITEM:QTY:DATE:UNIT_PRICE[@RELEASE])"},
		// A price on a purchase order line (the offer prices it): DATE is bad.
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:2025-04-30:3"}, `DATE "2025-04-30:3" must be a date`},
		{[]string{"po", "--supplier", "lakeside", "--line", ":5:2025-04-30"}, "--line takes ITEM:QTY:DATE[@RELEASE]"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread::2025-04-30@2025-04-01"}, "--line takes ITEM:QTY:DATE[@RELEASE]"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread:5:@2025-04-01"}, "--line takes ITEM:QTY:DATE[@RELEASE]"},
		{[]string{"po", "--supplier", "lakeside", "--line", "thread@2025-04-01"}, "--line takes ITEM:QTY:DATE[@RELEASE]"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-04-30:@2025-04-01"}, "--line takes ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-04-30@2025-04-01"}, "--line takes ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]"},
		{[]string{"po-propose", "3", "--line", "thread:5:2025-04-30:x@2025-04-01"}, "integer of minor units"},
		{[]string{"po-change", "3", "--line", "thread:0:2025-04-30:3@2025-05-30"}, "release 2025-05-30"},
		{[]string{"po-change", "3", "--line", "thread:-1:2025-04-30:3@2025-04-01"}, "--line quantity"},
	} {
		full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx", "production"}, c.args...)
		full = append(full, "--from", "alice", "--sequence", "1", "--dry-run")
		code, stdout, stderr := run(t, full...)
		if code != ExitUsage || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want 2 and %q; stdout %q, stderr:\n%s", c.args, code, c.stderr, stdout, stderr)
		}
	}
}

// A relative release is after the latest block, like a relative date.
func TestTxProductionLineReleaseRelative(t *testing.T) {
	home, alice, _ := testHome(t)
	p := newProdNode()
	p.setOrg(alice.PubKey, "acme-textiles")
	url := p.serve(t)
	now := p.blockMs(t)
	const day = 24 * 3600 * 1000

	tx := dryRunAt(t, home, url, "production", "po", "--supplier", "silk-supply", "--line", "silk-yarn:20:60d@30d",
		"--line", "silk-dye:1:2025-03-10")
	var po production.MsgPO
	if err := json.Unmarshal(tx.Body, &po); err != nil {
		t.Fatal(err)
	}
	if len(po.Lines) != 2 || po.Lines[0].Date != now+60*day || po.Lines[0].Release != now+30*day || po.Lines[1].Release != 0 {
		t.Errorf("po %+v, block time %d", po, now)
	}
	tx = dryRunAt(t, home, url, "production", "po-change", "7", "--line", "silk-yarn:20:60d:900@1d12h")
	var ch production.MsgPOChange
	if err := json.Unmarshal(tx.Body, &ch); err != nil {
		t.Fatal(err)
	}
	if len(ch.Lines) != 1 || ch.Lines[0].Release != now+36*3600*1000 || ch.Lines[0].UnitPrice != 900 {
		t.Errorf("po-change %+v, block time %d", ch, now)
	}
	// A relative release after a relative date is refused once both are placed.
	code, _, stderr := run(t, "--home", home, "--node", url, "tx", "production", "po", "--supplier", "silk-supply",
		"--line", "silk-yarn:20:7d@30d", "--from", "alice", "--dry-run")
	if code != ExitUsage || !strings.Contains(stderr, "is after the line's date") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestParseOrderLine(t *testing.T) {
	abs := func(s string) when {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return when{name: "line", abs: tm.UnixMilli()}
	}
	for _, c := range []struct {
		in      string
		priced  bool
		zeroQty bool
		want    orderLine
		err     string
	}{
		{in: "a:1:2025-03-10", want: orderLine{item: "a", qty: 1000, date: abs("2025-03-10T00:00:00Z")}},
		{in: "a:1:2025-03-10@2025-03-01", want: orderLine{item: "a", qty: 1000, date: abs("2025-03-10T00:00:00Z"),
			release: abs("2025-03-01T00:00:00Z"), hasRelease: true}},
		{in: "a:1:30d@2d", want: orderLine{item: "a", qty: 1000, date: when{name: "line", span: 30 * 24 * time.Hour},
			release: when{name: "line", span: 48 * time.Hour}, hasRelease: true}},
		{in: "a:1.5:2025-03-10T08:00:00+08:00:7@2025-03-01T00:00:00Z", priced: true, want: orderLine{item: "a", qty: 1500,
			date: abs("2025-03-10T00:00:00Z"), release: abs("2025-03-01T00:00:00Z"), hasRelease: true, price: 7}},
		{in: "a:0:2025-03-10:7", priced: true, zeroQty: true, want: orderLine{item: "a", date: abs("2025-03-10T00:00:00Z"), price: 7}},
		{in: "a@b:1:2025-03-10", want: orderLine{item: "a@b", qty: 1000, date: abs("2025-03-10T00:00:00Z")}},
		{in: "a:1:2025-03-10:7", err: `DATE "2025-03-10:7"`},
		{in: "a:1:2025-03-10", priced: true, err: "ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]"},
		{in: "a:1:2025-03-10@", err: "one @RELEASE"},
		{in: "a:1:2025-03-10@@x", err: "one @RELEASE"},
		{in: "a:1:2025-03-10@2025-03-01:7", priced: true, err: "comes last"},
		{in: "a:1.2345:2025-03-10", err: "up to 3 decimals"},
		{in: "a:0:2025-03-10:7", priced: true, want: orderLine{item: "a", date: abs("2025-03-10T00:00:00Z"), price: 7}},
		{in: "", err: "--line takes"},
		{in: "   ", err: "--line takes"},
		{in: "a", err: "--line takes"},
		{in: "a:1", err: "--line takes"},
		{in: "a:1:", err: "--line takes"},
	} {
		got, err := parseOrderLine(c.in, c.priced, c.zeroQty)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: got %+v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q:\n got %+v, %v\nwant %+v", c.in, got, err, c.want)
		}
	}
}

// formatOrderLine writes a parsed line back in the --line syntax.
func formatOrderLine(l orderLine, priced bool) string {
	w := func(x when) string {
		if x.span != 0 {
			return x.span.String()
		}
		return time.UnixMilli(x.abs).UTC().Format(time.RFC3339Nano)
	}
	s := string(l.item) + ":" + fmtQty(l.qty) + ":" + w(l.date)
	if priced {
		s += ":" + strconv.FormatInt(int64(l.price), 10)
	}
	if l.hasRelease {
		s += "@" + w(l.release)
	}
	return s
}

// FuzzParseOrderLine: any --line value is read without a panic, and what
// is read is written back to the same line.
func FuzzParseOrderLine(f *testing.F) {
	for _, s := range []string{"a:1:2025-03-10", "a:1:2025-03-10@2025-03-01", "a@b:1.5:30d@2d", "a:0:2025-03-10T08:00:00+08:00:7@1d12h",
		"a:1:2025-03-10@2025-03-01:7", ":::@", "x:1:2025-03-10:-3", "a b:0.001:72h:+5"} {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, s string, priced, zeroQty bool) {
		l, err := parseOrderLine(s, priced, zeroQty)
		if err != nil {
			return
		}
		if l.item == "" || strings.Contains(string(l.item), ":") || l.qty < 0 {
			t.Fatalf("%q read as %+v", s, l)
		}
		back := formatOrderLine(l, priced)
		again, err := parseOrderLine(back, priced, zeroQty)
		if err != nil || again != l {
			t.Fatalf("%q read as %+v, written %q, read again %+v, %v", s, l, back, again, err)
		}
	})
}

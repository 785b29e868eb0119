package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// base is 2026-02-28 00:00 UTC, a Saturday; day(n) is n days later, so
// day(17) is Tuesday 2026-03-17.
const base = int64(1_772_236_800_000)

func day(n int64) int64 { return base + n*dayMs }

// at is day n at hh:mm UTC.
func at(n, hh, mm int64) int64 { return day(n) + hh*3_600_000 + mm*60_000 }

// u is whole units in milli-units.
func u(n int64) gongxu.Qty { return gongxu.Qty(n * 1000) }

// qs renders milli-units as units: 1500 → "1.5".
func qs(q gongxu.Qty) string {
	s := fmt.Sprintf("%d.%03d", q/1000, q%1000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ds renders a time as "d17" (days after base) or "d17 09:50".
func ds(ms int64) string {
	n := floorDiv(ms-base, dayMs)
	rest := ms - day(n)
	if rest == 0 {
		return fmt.Sprintf("d%d", n)
	}
	return fmt.Sprintf("d%d %02d:%02d", n, rest/3_600_000, rest%3_600_000/60_000)
}

// summary renders a plan's orders, one a line.
func summary(r Result) string {
	var b strings.Builder
	for _, p := range r.Purchases {
		fmt.Fprintf(&b, "po %s %s %s rel %s due %s [%s]\n", p.Supplier, p.Item, qs(p.Qty), ds(p.Release), ds(p.Due), strings.Join(p.Pegging, ","))
	}
	for _, w := range r.Work {
		fmt.Fprintf(&b, "wo %s %s start %s due %s [%s]", w.Item, qs(w.Qty), ds(w.Start), ds(w.Due), strings.Join(w.Pegging, ","))
		if len(w.Delivers) > 0 {
			fmt.Fprintf(&b, " delivers [%s]", strings.Join(w.Delivers, ","))
		}
		if len(w.Inputs) > 0 {
			fmt.Fprintf(&b, " inputs [%s]", strings.Join(w.Inputs, ","))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// records renders the time-phased records: item, then day:gross/receipts/net/planned/available.
func records(r Result) string {
	var b strings.Builder
	for _, it := range r.Items {
		fmt.Fprintf(&b, "%s llc%d oh %s:", it.Item, it.LowLevel, qs(it.OnHand))
		for _, k := range it.Buckets {
			fmt.Fprintf(&b, " %s g%s", ds(k.Day), qs(k.Gross))
			if k.Scheduled != 0 {
				fmt.Fprintf(&b, " s%s", qs(k.Scheduled))
			}
			if k.ByProduct != 0 {
				fmt.Fprintf(&b, " b%s", qs(k.ByProduct))
			}
			if k.Net != 0 {
				fmt.Fprintf(&b, " n%s", qs(k.Net))
			}
			if k.Planned != 0 {
				fmt.Fprintf(&b, " p%s", qs(k.Planned))
			}
			fmt.Fprintf(&b, " a%s;", qs(k.Available))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func diff(t *testing.T, what, got, want string) {
	t.Helper()
	got, want = strings.TrimSpace(got), strings.TrimSpace(want)
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = strings.TrimSpace(gl[i])
		}
		if i < len(wl) {
			w = strings.TrimSpace(wl[i])
		}
		if g != w {
			t.Errorf("%s line %d:\n got: %s\nwant: %s", what, i+1, g, w)
		}
	}
}

// trim drops the common indentation of a raw string literal.
func trim(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return strings.Join(out, "\n")
}

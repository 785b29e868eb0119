package web

import (
	"regexp"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// The ledger writes why a pool or a production order changed in English,
// with raw values ("opened by acme-apparel", "planned completion
// 1798433640000: …", "unit price 9900"). reasonText writes the reasons it
// knows in the page's language, with names instead of ids, money as money
// and times as dates; any other reason shows as the ledger wrote it.

// reasonRule is one shape of reason: a pattern and how to write a match.
type reasonRule struct {
	re    *regexp.Regexp
	write func(w reasonWriter, m []string) string
}

// reasonWriter writes the parts of a reason for people.
type reasonWriter struct {
	l        *locale
	name     func(gongxu.OrgID) string
	currency string
}

func (w reasonWriter) units(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	return num(gongxu.Units(n))
}

func (w reasonWriter) price(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || w.currency == "" {
		return s
	}
	return money(gongxu.Amount(n), w.currency)
}

func (w reasonWriter) time(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	return w.l.msHuman(n)
}

func (w reasonWriter) org(s string) string { return w.name(gongxu.OrgID(s)) }

// why writes the cause a pool closed for.
func (w reasonWriter) why(s string) string {
	if m := capReached.FindStringSubmatch(s); m != nil {
		return w.l.T("capacity cap of %s units reached", w.units(m[1]))
	}
	if m := awardedFrom.FindStringSubmatch(s); m != nil {
		return w.l.T("awarded from request for quote %s", m[1])
	}
	return w.l.maybe(s) // "deadline reached"
}

var (
	capReached  = regexp.MustCompile(`^capacity cap of (\d+) units reached$`)
	awardedFrom = regexp.MustCompile(`^awarded from request for quote (\d+)$`)
	// autoConfirmed is why a share was settled at its confirmation deadline.
	autoConfirmed = regexp.MustCompile(`^confirmed automatically: shipped at (\d+), not confirmed nor disputed by (\d+)$`)
)

var reasonRules = []reasonRule{
	{regexp.MustCompile(`^opened by ([a-z0-9-]+)$`), func(w reasonWriter, m []string) string { return w.l.T("opened by %s", w.org(m[1])) }},
	{regexp.MustCompile(`^production started by ([a-z0-9-]+)$`), func(w reasonWriter, m []string) string {
		return w.l.T("production started by %s", w.org(m[1]))
	}},
	{regexp.MustCompile(`^minimum batch reached: (\d+) units pledged$`), func(w reasonWriter, m []string) string {
		return w.l.T("minimum batch reached: %s units pledged", w.units(m[1]))
	}},
	{regexp.MustCompile(`^(.+) with (\d+) units: minimum batch of (\d+) met, unit price (\d+) \(tier (\d+)\)$`), func(w reasonWriter, m []string) string {
		return w.l.T("%s with %s units: minimum batch of %s met, unit price %s (tier %s)", w.why(m[1]), w.units(m[2]), w.units(m[3]), w.price(m[4]), m[5])
	}},
	{regexp.MustCompile(`^(.+) with (\d+) units, short of the minimum batch of (\d+): every pledge refunded$`), func(w reasonWriter, m []string) string {
		return w.l.T("%s with %s units, short of the minimum batch of %s: every pledge refunded", w.why(m[1]), w.units(m[2]), w.units(m[3]))
	}},
	{regexp.MustCompile(`^(\d+) ([A-Z]{3}) released to ([a-z0-9-]+)$`), func(w reasonWriter, m []string) string {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return w.l.T("%s released to %s", money(gongxu.Amount(n), m[2]), w.org(m[3]))
	}},
	{regexp.MustCompile(`^(\d+) ([A-Z]{3}) released to ([a-z0-9-]+), (\d+) to the shares of the terms$`), func(w reasonWriter, m []string) string {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		sh, _ := strconv.ParseInt(m[4], 10, 64)
		return w.l.T("%s released to %s, %s to the shares of the terms", money(gongxu.Amount(n), m[2]), w.org(m[3]), money(gongxu.Amount(sh), m[2]))
	}},
	{regexp.MustCompile(`^production did not start by (\d+) \(promised start (\d+) plus the grace\): (\d+) ([A-Z]{3}) refunded to its (\d+) payers; its production order, if any, is void$`), func(w reasonWriter, m []string) string {
		n, _ := strconv.ParseInt(m[3], 10, 64)
		return w.l.T("production did not start by %s (promised start %s plus the grace): %s refunded to its %s payers; its production order, if any, is void",
			w.time(m[1]), w.time(m[2]), money(gongxu.Amount(n), m[4]), m[5])
	}},
	{regexp.MustCompile(`^share of hub ([a-z0-9-]+) in dispute: (\d+) ([A-Z]{3}) frozen$`), func(w reasonWriter, m []string) string {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		return w.l.T("share of hub %s in dispute: %s frozen", w.org(m[1]), money(gongxu.Amount(n), m[3]))
	}},
	{regexp.MustCompile(`^share of hub ([a-z0-9-]+) settled: (\d+) ([A-Z]{3}) refunded to the hub, (\d+) to the shares, (\d+) paid out \((.+)\)$`), func(w reasonWriter, m []string) string {
		amt := func(s string) string {
			n, _ := strconv.ParseInt(s, 10, 64)
			return money(gongxu.Amount(n), m[3])
		}
		why := w.l.maybe(m[6])
		if a := autoConfirmed.FindStringSubmatch(m[6]); a != nil {
			why = w.l.T("confirmed automatically: shipped %s, not confirmed nor disputed by %s", w.time(a[1]), w.time(a[2]))
		}
		return w.l.T("share of hub %s settled: %s refunded to the hub, %s to the shares, %s paid out (%s)", w.org(m[1]), amt(m[2]), amt(m[4]), amt(m[5]), why)
	}},
	{regexp.MustCompile(`^planned completion (\d{10,16}): (.*)$`), func(w reasonWriter, m []string) string {
		return w.l.T("planned completion %s: %s", w.time(m[1]), w.l.maybe(m[2]))
	}},
	{regexp.MustCompile(`^work order (\d+) started$`), func(w reasonWriter, m []string) string { return w.l.T("work order %s started", m[1]) }},
	{regexp.MustCompile(`^work order (\d+) completed the quantity$`), func(w reasonWriter, m []string) string {
		return w.l.T("work order %s completed the quantity", m[1])
	}},
	// A pool on stock (issue 15).
	{regexp.MustCompile(`^opened by ([a-z0-9-]+) on stock$`), func(w reasonWriter, m []string) string {
		return w.l.T("opened by %s on stock", w.org(m[1]))
	}},
	{regexp.MustCompile(`^filled from stock: (\d+) lots$`), func(w reasonWriter, m []string) string {
		return w.l.T("filled from stock: %s lots", m[1])
	}},
	{regexp.MustCompile(`^stock holds (\d+) free of (\d+): to be made$`), func(w reasonWriter, m []string) string {
		return w.l.T("stock holds %s free of %s: to be made", w.milli(m[1]), w.milli(m[2]))
	}},
	{regexp.MustCompile(`^production order (\d+) filled from stock: its lots are ready$`), func(w reasonWriter, m []string) string {
		return w.l.T("production order %s filled from stock: its lots are ready", m[1])
	}},
}

// milli writes a ledger quantity in milli-units as units.
func (w reasonWriter) milli(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	return qtyString(gongxu.Qty(n))
}

// reasonText writes a ledger's reason for people (see reasonRules);
// currency is of the amounts it names ("" when none).
func (s *server) reasonText(l *locale, reason, currency string) string {
	w := reasonWriter{l: l, name: s.orgName, currency: currency}
	for _, r := range reasonRules {
		if m := r.re.FindStringSubmatch(reason); m != nil {
			return r.write(w, m)
		}
	}
	return l.maybe(reason)
}
